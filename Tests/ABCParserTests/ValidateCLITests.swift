import Foundation
import Testing

@testable import ABCParser

/// `studio validate` end to end: runs the built `studio` binary (found next to the test bundle in the build
/// products directory); skipped with a printed reason when it has not been built.
@Suite struct ValidateCLITests {
  static func studioBinary() -> URL? {
    let dir = Bundle.module.bundleURL.deletingLastPathComponent()
    let url = dir.appendingPathComponent("studio")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    print("skipping studio validate CLI test: no studio binary in \(dir.path) (build the studio product first)")
    return nil
  }

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func run(_ arguments: [String]) throws -> Run? {
    guard let binary = studioBinary() else { return nil }
    let p = Process()
    p.executableURL = binary
    p.arguments = ["validate"] + arguments
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }

  /// A temporary directory with a clean tune, a tune with an error, and a legacy tune in a subdirectory.
  static func fixtureDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("validate-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try "X:1\nT:Clean\nM:4/4\nL:1/8\nK:G\n|:GABc dBGB|c2ec B2dB:|\n".write(
      to: dir.appendingPathComponent("clean.abc"), atomically: true, encoding: .utf8)
    try "X:1\nT:One\nM:4/4\nL:1/8\nK:C\nCDEF GABc|\n\nX:2\nT:Two\nM:4/4\nL:1/8\nK:C\nCDRF GABc|\n".write(
      to: dir.appendingPathComponent("bad.abc"), atomically: true, encoding: .utf8)
    try "X:3\nT:Legacy\nM:4/4\nL:1/8\nK:D\nDEFG ABcd|!\n".write(
      to: dir.appendingPathComponent("sub/legacy.abc"), atomically: true, encoding: .utf8)
    return dir
  }

  @Test func reportsErrorsCompilerStyleAndExitsWithOne() throws {
    let dir = try Self.fixtureDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let r = try Self.run([dir.appendingPathComponent("bad.abc").path]) else { return }
    #expect(r.status == 1)
    #expect(r.stdout.contains("bad.abc:13:3: error[abc.music.stray-character]: unexpected \"R\" in music code"))
    #expect(r.stdout.contains("    CDRF GABc|\n      ^"))
    #expect(r.stdout.contains("checked 2 tunes in 1 file: 1 with errors, 1 error"))
  }

  @Test func cleanFilesExitWithZero() throws {
    let dir = try Self.fixtureDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let r = try Self.run([dir.appendingPathComponent("clean.abc").path]) else { return }
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("checked 1 tune in 1 file: 0 with errors, 0 errors"))
  }

  @Test func directoriesAreSearchedAndJSONHasOneRecordPerDiagnostic() throws {
    let dir = try Self.fixtureDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let r = try Self.run([dir.path, "--format", "json"]) else { return }
    #expect(r.status == 1)
    let records = try r.stdout.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    let stray = try #require(records.first { $0["id"] as? String == "abc.music.stray-character" })
    #expect(stray["tune"] as? Int == 2)
    #expect(stray["index"] as? Int == 2)
    #expect(stray["title"] as? String == "Two")
    #expect(stray["line"] as? Int == 13 && stray["column"] as? Int == 3)
    #expect(stray["severity"] as? String == "error" && stray["code"] as? String == "ABC015")
    #expect(records.contains { ($0["file"] as? String)?.hasSuffix("sub/legacy.abc") == true })
    #expect(r.stderr.contains("checked 4 tunes in 3 files"))
  }

  @Test func strictOnlyErrorsAndTuneSelection() throws {
    let dir = try Self.fixtureDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let legacy = dir.appendingPathComponent("sub/legacy.abc").path
    guard let loose = try Self.run([legacy]) else { return }
    #expect(loose.status == 0)
    #expect(loose.stdout.contains("warning[abc.legacy.syntax]"))
    guard let strict = try Self.run([legacy, "--strict", "--only", "errors"]) else { return }
    #expect(strict.status == 1)
    #expect(strict.stdout.contains("error[abc.legacy.syntax]"))
    #expect(!strict.stdout.contains("warning["))
    guard let first = try Self.run([dir.appendingPathComponent("bad.abc").path, "--index", "1"]) else { return }
    #expect(first.status == 0)
    #expect(first.stdout.contains("checked 1 tune in 1 file"))
    guard let byX = try Self.run([dir.appendingPathComponent("bad.abc").path, "--tune", "2"]) else { return }
    #expect(byX.status == 1)
  }

  @Test func missingPathsExitWithTwo() throws {
    guard let r = try Self.run(["/nonexistent/tunes.abc"]) else { return }
    #expect(r.status == 2)
    #expect(r.stderr.contains("/nonexistent/tunes.abc: no such file or directory"))
  }
}
