// swift-tools-version: 6.1
import PackageDescription

/// Benchmarks live outside the root package so `swift build`/`swift test` never compile them (style.md §11).
/// Run: `swift run -c release --package-path Benchmarks ParserBenchmarks [--corpora PATH] [--skip-abc2midi]`.
let package = Package(
  name: "StudioBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(name: "studio", path: "..")
  ],
  targets: [
    .executableTarget(
      name: "ParserBenchmarks",
      dependencies: [.product(name: "ABCParser", package: "studio")]
    )
  ]
)
