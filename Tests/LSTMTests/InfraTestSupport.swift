import Foundation
import Testing

/// Helpers shared by the lstm-infra test suites (files named `Infra*`).
enum InfraSupport {
  /// The package root, found from this file's path (`Tests/LSTMTests/InfraTestSupport.swift`).
  static let packageRoot: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }()

  /// `../shared/corpora` relative to the package root, or `nil` (with the reason printed) when it is absent.
  static func corpusPath(_ relative: String) -> String? {
    let path = URL(fileURLWithPath: packageRoot).appendingPathComponent("../shared/corpora/\(relative)")
      .standardizedFileURL.path
    guard FileManager.default.fileExists(atPath: path) else {
      print("skipping: corpus \(path) is not present")
      return nil
    }
    return path
  }

  /// This test process's scratch root, `$TMPDIR/lstm-infra-tests-<pid>`. Roots left by earlier test processes that
  /// are no longer running are removed when it is first used, so repeated runs do not pile up files.
  static let scratchRoot: String = {
    let temporary = NSTemporaryDirectory()
    let prefix = "lstm-infra-tests-"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] where name.hasPrefix(prefix) {
      guard let pid = Int32(name.dropFirst(prefix.count)) else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {  // signal 0 only checks whether the process exists
        try? FileManager.default.removeItem(atPath: temporary + name)
      }
    }
    return temporary + prefix + "\(getpid())"
  }()

  /// A fresh empty temporary directory below `scratchRoot`.
  static func temporaryDirectory(_ label: String = #function) throws -> String {
    let safe = label.filter { $0.isLetter || $0.isNumber }
    let path = scratchRoot + "/\(safe)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
      atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }

  /// A Python interpreter: `$TORCH_PYTHON`, else `/tmp/torchenv/bin/python` (the lead's PyTorch venv), if present.
  static var torchPython: String? {
    if let env = ProcessInfo.processInfo.environment["TORCH_PYTHON"], FileManager.default.isExecutableFile(atPath: env)
    {
      return env
    }
    let venv = "/tmp/torchenv/bin/python"
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
  }

  /// Any Python 3 interpreter (the torch venv's, or the system's).
  static var anyPython: String? {
    if let torchPython { return torchPython }
    for candidate in ["/usr/bin/python3", "/usr/local/bin/python3"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
      return candidate
    }
    return nil
  }

  /// Runs `python script args…`; returns (exit status, stdout, stderr). Stderr goes through a file so a chatty
  /// interpreter cannot fill a pipe and deadlock the test.
  static func runPython(_ python: String, script: String, arguments: [String]) throws -> (Int32, String, String) {
    let directory = try temporaryDirectory("python")
    let scriptPath = directory + "/script.py"
    let errPath = directory + "/stderr.txt"
    try write(script, to: scriptPath)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [scriptPath] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = errHandle
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try errHandle.close()
    let errText = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), errText)
  }
}

/// Declared once for all of LSTMTests.
extension Tag {
  /// Tests that read `../shared/corpora` (they skip, saying why, when it is absent).
  @Tag static var corpus: Self
}
