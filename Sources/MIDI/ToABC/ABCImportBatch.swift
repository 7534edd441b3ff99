import ABCParser

/// Imports many MIDI files into one multi-tune ABC text: `X:` numbered from 1 in input order, `T:` from each file
/// name, tunes separated by an empty line. Files that cannot be read or imported, or whose tune the validator
/// rejects, are left out and listed with the reason.
///
/// ```swift
/// let batch = ABCImportBatch(options: ABCImportOptions())
/// let outcome = batch.importFiles(paths) { progress in print(progress.completed, "/", progress.total) }
/// ```
public struct ABCImportBatch: Sendable {
  /// Options for every file; `referenceNumber` and `title` are set per file.
  public var options: ABCImportOptions
  /// Run `ABCImportResult.validationErrors()` on every tune and leave out tunes with errors.
  public var validates: Bool

  public init(options: ABCImportOptions = ABCImportOptions(), validates: Bool = true) {
    self.options = options
    self.validates = validates
  }

  /// Where the batch is: after `completed` of `total` files, the last being `path`.
  public struct Progress: Hashable, Sendable {
    public var completed: Int
    public var total: Int
    public var path: String
    public var imported: Int
    public var failed: Int
  }

  /// A file that was imported.
  public struct Imported: Hashable, Sendable {
    public var path: String
    /// Its `X:` number in the combined text.
    public var referenceNumber: Int
    public var report: ABCImportReport
  }

  /// A file that was left out, and why (one line).
  public struct Failure: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
  }

  /// The combined text and what happened to each file.
  public struct Outcome: Hashable, Sendable {
    /// Every imported tune, in input order, separated by empty lines ("" when none).
    public var abcText: String
    public var imported: [Imported]
    public var failures: [Failure]
  }

  /// Reads and imports `paths` in order, calling `onProgress` after each file.
  public func importFiles(_ paths: [String], onProgress: (Progress) -> Void = { _ in }) -> Outcome {
    var text = ""
    var imported: [Imported] = []
    var failures: [Failure] = []
    for (index, path) in paths.enumerated() {
      switch importOne(path, referenceNumber: imported.count + 1) {
      case .success(let result):
        if !text.isEmpty { text += "\n" }
        text += result.abcText
        imported.append(Imported(path: path, referenceNumber: imported.count + 1, report: result.report))
      case .failure(let failure):
        failures.append(failure)
      }
      onProgress(
        Progress(completed: index + 1, total: paths.count, path: path, imported: imported.count, failed: failures.count)
      )
    }
    return Outcome(abcText: text, imported: imported, failures: failures)
  }

  func importOne(_ path: String, referenceNumber: Int) -> Result<ABCImportResult, Failure> {
    let sequence: MIDISequence
    do {
      sequence = try MIDIFile.read(path: path)
    } catch {
      return .failure(Failure(path: path, reason: error.message))
    }
    var fileOptions = options
    fileOptions.referenceNumber = referenceNumber
    fileOptions.title = Self.title(forPath: path)
    let result: ABCImportResult
    do {
      result = try ABCImporter(options: fileOptions).importMelody(from: sequence)
    } catch {
      return .failure(Failure(path: path, reason: error.description))
    }
    if validates, let first = result.validationErrors().first {
      return .failure(Failure(path: path, reason: "the ABC written for it does not validate: \(first)"))
    }
    return .success(result)
  }

  /// The file name without directory and extension: `POP909-melody/001.mid` → `001`.
  public static func title(forPath path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
  }
}

extension ABCImportBatch.Failure: Error {}
