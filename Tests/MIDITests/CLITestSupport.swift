import Foundation

/// Finds and runs the built `studio` executable for the CLI tests of this target.
enum StudioBinary {
  /// `studio` in the directory of the running test bundle or up to three levels above it, or `nil`.
  static var url: URL? {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("studio")
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return candidate
      }
      directory = directory.deletingLastPathComponent()
    }
    return nil
  }

  /// Runs `studio` in `directory`: exit status, standard output, standard error; `nil` (with a printed reason) when
  /// there is no executable.
  static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, out: String, err: String)? {
    guard let studio = url else {
      print("skipped: no studio executable next to the test bundle (build the package with `swift build`)")
      return nil
    }
    let process = Process()
    process.executableURL = studio
    process.arguments = arguments
    process.currentDirectoryURL = directory
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
