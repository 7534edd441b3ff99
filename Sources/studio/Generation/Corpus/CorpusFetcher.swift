import Foundation
import LSTM

/// Downloads a public training corpus and checks it against recorded SHA-256 digests (`studio corpus fetch`, the
/// same steps as `scripts/fetch-corpus.sh`).
///
/// `irish`: the MIT 6.S191 lab dataset, `mitdeeplearning/data/irish.abc` inside the PyPI sdist
/// `mitdeeplearning==0.7.5`, fetched with `python3 -m pip download --no-deps --no-binary :all:` and unpacked with
/// `tar`. pip prepares the sdist's metadata after downloading it and the package's `setup.py` needs
/// `pkg_resources`, which setuptools ≥ 70 no longer has, so pip's throw-away build environment is pinned to
/// `setuptools<70` through `PIP_CONSTRAINT`.
enum CorpusFetcher {
  /// A corpus that can be fetched.
  struct Source: Sendable {
    var name: String
    var requirement: String
    var sdistName: String
    var sdistSHA256: String
    var member: String
    var fileName: String
    var fileSHA256: String
  }

  static let sources: [Source] = [
    Source(
      name: "irish", requirement: "mitdeeplearning==0.7.5", sdistName: "mitdeeplearning-0.7.5.tar.gz",
      sdistSHA256: "56b1588e1574d17f3ff07a3d56e3b45f2f568f78a92855141f959f407084242b",
      member: "mitdeeplearning-0.7.5/mitdeeplearning/data/irish.abc", fileName: "irish.abc",
      fileSHA256: "df3782d5f7b5a2f4c66aa7c13f13008d5f48757b3f5f51620cd6c1ceb2c53023")
  ]

  /// Why fetching failed.
  enum FetchError: Error, CustomStringConvertible {
    case unknownCorpus(String)
    case toolFailed(tool: String, status: Int32, output: String)
    case toolMissing(String)
    case digestMismatch(file: String, expected: String, actual: String)
    case missingFile(String)

    var description: String {
      switch self {
      case .unknownCorpus(let name):
        return "unknown corpus '\(name)'; known: \(CorpusFetcher.sources.map(\.name).joined(separator: ", "))"
      case .toolFailed(let tool, let status, let output):
        let tail = output.split(separator: "\n").suffix(8).joined(separator: "\n")
        return "\(tool) failed (exit status \(status)); network or PyPI problem?\n\(tail)"
      case .toolMissing(let tool):
        return "\(tool) was not found; install python3 with pip (apt-get install python3-pip) and tar"
      case .digestMismatch(let file, let expected, let actual):
        return "\(file) has sha256 \(actual), expected \(expected); nothing was written"
      case .missingFile(let file):
        return "\(file) was not produced by the download"
      }
    }
  }

  /// Downloads corpus `name` into `directory` and returns the path written. `log` receives progress lines.
  /// - Throws: `FetchError`, or `AtomicWriter.WriteError` when the result cannot be written.
  static func fetch(_ name: String, into directory: String, log: (String) -> Void) throws -> String {
    guard let source = sources.first(where: { $0.name == name }) else { throw FetchError.unknownCorpus(name) }
    // The output is checked before anything is downloaded.
    let destination = (directory.hasSuffix("/") ? directory : directory + "/") + source.fileName
    try AtomicWriter.checkOutput(destination)
    let work = FileManager.default.temporaryDirectory.appendingPathComponent(
      "studio-fetch-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    ).path
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    TemporaryFiles.track(directory: work)
    defer {
      try? FileManager.default.removeItem(atPath: work)
      TemporaryFiles.untrack(directory: work)
    }
    let constraints = work + "/constraints.txt"
    try AtomicWriter.write("setuptools<70\n", to: constraints)

    log("downloading \(source.sdistName) from PyPI with pip")
    var environment = ProcessInfo.processInfo.environment
    environment["PIP_CONSTRAINT"] = constraints
    try run(
      "python3",
      ["-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", work, source.requirement],
      environment: environment)
    let sdist = work + "/" + source.sdistName
    try verify(sdist, sha256: source.sdistSHA256, shownAs: source.sdistName)

    try run("tar", ["-xzf", sdist, "-C", work, source.member], environment: nil)
    let extracted = work + "/" + source.member
    let bytes = try verify(extracted, sha256: source.fileSHA256, shownAs: source.fileName)
    try AtomicWriter.write(bytes, to: destination)
    return destination
  }

  @discardableResult
  private static func verify(_ path: String, sha256 expected: String, shownAs name: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw FetchError.missingFile(name) }
    let bytes = [UInt8](data)
    let actual = SHA256.hexDigest(bytes)
    guard actual == expected else { throw FetchError.digestMismatch(file: name, expected: expected, actual: actual) }
    return bytes
  }

  private static func run(_ tool: String, _ arguments: [String], environment: [String: String]?) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { throw FetchError.toolMissing(tool) }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      if process.terminationStatus == 127 { throw FetchError.toolMissing(tool) }
      throw FetchError.toolFailed(
        tool: "\(tool) \(arguments.prefix(3).joined(separator: " "))", status: process.terminationStatus,
        output: String(decoding: output, as: UTF8.self))
    }
  }
}
