import Foundation
import Render
import Testing

/// The SoundFont the render tests use: TimGM6mb (6 MB, loads in ~20 ms), else whatever the locator finds.
enum TestFont {
  static let path: String? = {
    let small = "/usr/share/sounds/sf2/TimGM6mb.sf2"
    if FileManager.default.fileExists(atPath: small) { return small }
    return try? SoundFontLocator.locate(
      explicit: nil, config: nil, environment: ProcessInfo.processInfo.environment, projectRoots: []
    ).path
  }()

  static var available: Bool { path != nil }

  /// Why the SoundFont tests skip (shown by swift-testing next to each skipped test).
  static let skipReason: Comment =
    "no General MIDI SoundFont installed (sudo apt-get install timgm6mb-soundfont); render tests skipped"

  /// A renderer on the test font. Only call from tests enabled by `available`.
  static func renderer(_ configuration: SynthConfiguration = SynthConfiguration()) throws -> Renderer {
    guard let path else { throw RenderError.noSoundFont(searched: ["(tests)"]) }
    return try Renderer(soundFontPath: path, configuration: configuration)
  }
}

/// A fresh temporary directory, removed when the value is dropped.
final class TemporaryDirectory {
  let path: String

  init() throws {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/render-tests-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func file(_ name: String) -> String { path + "/" + name }

  /// Names of the entries in the directory, hidden ones included, sorted.
  func contents() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}
