// swift-tools-version: 6.1
import PackageDescription

/// One settings array for every Swift target (Swift 6 language mode comes from the tools version).
let swiftSettings: [SwiftSetting] = []

let package = Package(
  name: "studio",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "studio", targets: ["studio"]),
    .library(name: "ABCParser", targets: ["ABCParser"]),
    .library(name: "MIDI", targets: ["MIDI"]),
    .library(name: "Render", targets: ["Render"]),
    .library(name: "LSTM", targets: ["LSTM"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    // MARK: - C libraries
    .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CFluidSynth", pkgConfig: "fluidsynth", providers: [.apt(["libfluidsynth-dev"])]),
    .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
    .systemLibrary(name: "CAlsa", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),

    // MARK: - Libraries
    .target(name: "ABCParser", swiftSettings: swiftSettings),
    .target(name: "MIDI", dependencies: ["ABCParser", "CAlsa"], swiftSettings: swiftSettings),
    .target(name: "Render", dependencies: ["MIDI", "CFluidSynth", "CSndFile"], swiftSettings: swiftSettings),
    .target(name: "LSTM", dependencies: ["COpenBLAS", "CLSTMKernels"], swiftSettings: swiftSettings),
    // LSTM hot loops (AVX-512 strip kernel, time loops, thread pool). Always optimised: debug builds and tests would
    // otherwise run the intrinsics at -O0, 10-30x slower.
    .target(name: "CLSTMKernels", dependencies: ["COpenBLAS"], cSettings: [.unsafeFlags(["-O3"])]),

    // MARK: - CLI
    .executableTarget(
      name: "studio",
      dependencies: [
        "ABCParser", "MIDI", "Render", "LSTM",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swiftSettings),

    // MARK: - Tests
    .testTarget(name: "ABCParserTests", dependencies: ["ABCParser"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(name: "MIDITests", dependencies: ["MIDI", "ABCParser"], swiftSettings: swiftSettings),
    .testTarget(name: "RenderTests", dependencies: ["Render", "MIDI", "CSndFile"], swiftSettings: swiftSettings),
    .testTarget(
      name: "LSTMTests",
      dependencies: ["LSTM", .product(name: "Numerics", package: "swift-numerics")],
      swiftSettings: swiftSettings),
    .testTarget(name: "StudioTests", dependencies: ["studio"], swiftSettings: swiftSettings),
  ]
)
