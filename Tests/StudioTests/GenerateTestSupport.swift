import Foundation
import Testing

@testable import studio

extension Tag {
  /// Sweeps over `../shared/corpora` (skipped with a printed reason when it is absent).
  @Tag static var corpus: Self
}

/// Helpers shared by the generate, evaluate and corpus tests.
enum GenerateTestSupport {
  /// The package root, found from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  /// `../shared/corpora` next to the package, or nil (with the reason printed) when it is absent.
  static func corporaDirectory(for test: String) -> String? {
    let path = URL(fileURLWithPath: packageRoot + "/../shared/corpora").standardizedFileURL.path
    if FileManager.default.fileExists(atPath: path + "/irish.abc") { return path }
    print("\(test): skipped: \(path)/irish.abc is absent")
    return nil
  }

  /// A fresh temporary directory, removed by the returned cleanup closure.
  static func temporaryDirectory(_ tag: String = #function) throws -> String {
    let safe = tag.filter { $0.isLetter || $0.isNumber }
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("studio-gen-\(safe)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Writes `text` to `directory/name` and returns the path.
  @discardableResult
  static func write(_ text: String, named name: String, in directory: String) throws -> String {
    let path = directory + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Reads a UTF-8 file.
  static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  /// An empty settings file: commands run by the tests use the built-in defaults, never the checkout's config.yaml.
  /// (One fixed name: every test process writes the same empty file.)
  static let defaultsConfig: String = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("studio-gen-defaults.yaml").path
    FileManager.default.createFile(atPath: path, contents: Data())
    return path
  }()

  /// Parses `arguments` as a `studio` command line (with `--config` set to `defaultsConfig`) and runs it in-process.
  static func runStudio(_ arguments: [String]) throws {
    var command = try Studio.parseAsRoot(arguments + ["--config", defaultsConfig])
    try command.run()
  }

  /// Three small tunes in the style of the Irish corpus.
  static let threeTunes = """
    X:1
    T:First Reel
    Z: id:dc-reel-1
    M:C|
    L:1/8
    K:D Major
    |:dAFA DFAd|fdcd FAdf|gfge fefd|edcB A4:|!

    X:2
    T:Second Jig
    M:6/8
    L:1/8
    K:G Major
    |:GAB d2B|c2A B2G|GAB d2B|A3 G3:|!

    X:3
    T:Third Reel
    M:C|
    L:1/8
    K:A Dorian
    |:eaab aged|eaab aged|egga gedB|A2AG A4:|!

    """
}
