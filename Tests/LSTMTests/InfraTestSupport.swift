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

  /// A fresh empty temporary directory.
  static func temporaryDirectory(_ label: String = #function) throws -> String {
    let safe = label.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "lstm-infra-\(safe)-\(UUID().uuidString)"
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

  /// Runs `python script args…`; returns (exit status, stdout, stderr).
  static func runPython(_ python: String, script: String, arguments: [String]) throws -> (Int32, String, String) {
    let directory = try temporaryDirectory("python")
    let scriptPath = directory + "/script.py"
    try write(script, to: scriptPath)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [scriptPath] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
  }
}

/// Declared once for all of LSTMTests.
extension Tag {
  /// Tests that read `../shared/corpora` (they skip, saying why, when it is absent).
  @Tag static var corpus: Self
}
