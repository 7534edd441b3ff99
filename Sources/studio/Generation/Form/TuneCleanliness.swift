import ABCParser
import Foundation
import Synchronization

/// Whether tune texts are clean ABC: no diagnostic from `studio validate --strict`, and no `Error` or `Warning` line
/// from `abc2midi`.
enum TuneCleanliness {
  /// Diagnostics of any severity (info included) that `studio validate --strict` reports for `text`: the same
  /// parser and validator options, in process.
  static func strictDiagnostics(_ text: String) -> [Diagnostic] {
    let file = ABCParser(options: ParseOptions(strict: true)).parse(text)
    return ABCValidator(options: ABCValidator.Options(strict: true)).validate(file)
  }

  /// `true` when `studio validate --strict` has nothing to say about `text`.
  static func isStrictClean(_ text: String) -> Bool { strictDiagnostics(text).isEmpty }
}

/// Runs `abc2midi` on tunes, one temporary file and one process per tune, `workers` at a time.
struct ABC2MIDIChecker: Sendable {
  /// The `abc2midi` executable.
  var executable: String
  /// Processes at a time.
  var workers: Int = 2

  /// What `abc2midi` said about one tune.
  struct Verdict: Sendable, Equatable {
    /// Lines starting with `Error` or `Warning`.
    var problems: [String]
    var isClean: Bool { problems.isEmpty }
    /// No `Error` line (warnings allowed).
    var hasNoError: Bool { !problems.contains { $0.hasPrefix("Error") } }
  }

  /// Why the check could not run.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The checker for the `abc2midi` on `PATH` (or in `/usr/bin`, `/usr/local/bin`), `nil` when there is none.
  static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> ABC2MIDIChecker? {
    let path = environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
    for directory in directories where !directory.isEmpty {
      let candidate = directory + "/abc2midi"
      if FileManager.default.isExecutableFile(atPath: candidate) { return ABC2MIDIChecker(executable: candidate) }
    }
    return nil
  }

  /// Checks every text (each one tune) and returns the verdicts in input order.
  /// - Throws: `Failure` when the temporary directory cannot be made or `abc2midi` cannot be started.
  func check(_ texts: [String]) throws -> [Verdict] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "studio-abc2midi-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw Failure(description: "cannot create \(directory.path): \(error)")
    }
    defer { try? FileManager.default.removeItem(at: directory) }
    let next = Atomic<Int>(0)
    let results = Mutex<[Int: Result<Verdict, Failure>]>([:])
    let count = texts.count
    DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { worker in
      while true {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < count else { return }
        let verdict = run(texts[index], in: directory, name: "t\(worker)-\(index)")
        results.withLock { $0[index] = verdict }
      }
    }
    return try results.withLock { all in try (0..<count).map { try all[$0]!.get() } }
  }

  /// Converts one tune and collects the `Error`/`Warning` lines.
  private func run(_ text: String, in directory: URL, name: String) -> Result<Verdict, Failure> {
    let input = directory.appendingPathComponent(name + ".abc")
    let output = directory.appendingPathComponent(name + ".mid")
    defer {
      try? FileManager.default.removeItem(at: input)
      try? FileManager.default.removeItem(at: output)
    }
    do {
      try Data(text.utf8).write(to: input)
    } catch {
      return .failure(Failure(description: "cannot write \(input.path): \(error)"))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = [input.path, "-o", output.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do {
      try process.run()
    } catch {
      return .failure(Failure(description: "cannot run \(executable): \(error)"))
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let said = String(decoding: data, as: UTF8.self)
    let problems = said.split(whereSeparator: \.isNewline).map(String.init).filter {
      $0.hasPrefix("Error") || $0.hasPrefix("Warning")
    }
    return .success(Verdict(problems: problems))
  }
}
