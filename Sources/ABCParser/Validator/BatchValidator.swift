import Foundation
import Synchronization

/// What a batch validation found in one file.
public struct FileValidationReport: Sendable {
  /// The path as given (or as found under a directory).
  public var path: String
  /// The tunes checked.
  public var tunes: [TuneSummary]
  /// Diagnostics sorted by position (only the selected tunes' and file-level ones).
  public var diagnostics: [Diagnostic]
  /// Source text of every line that has a diagnostic, keyed by 1-based line number.
  public var lines: [Int: String]
  /// Why the file could not be read, when it could not.
  public var readError: String?

  /// The summary of the tune a diagnostic belongs to.
  public func tune(for d: Diagnostic) -> TuneSummary? {
    guard let i = d.tuneIndex else { return nil }
    return tunes.first { $0.index == i }
  }
}

/// A tune's identity for reports.
public struct TuneSummary: Hashable, Sendable {
  /// 0-based ordinal in the file.
  public var index: Int
  public var referenceNumber: Int?
  public var title: String?
  /// `true` when the tune has an error-severity diagnostic.
  public var hasErrors: Bool
}

/// Which tunes of each file to check.
public enum TuneSelection: Hashable, Sendable {
  /// Every tune.
  case all
  /// The tune with this 1-based ordinal.
  case ordinal(Int)
  /// Tunes with this `X:` number.
  case referenceNumber(Int)
}

/// Parses and validates many files on all cores, with results in input order (`studio validate`).
public struct BatchValidator: Sendable {
  public var parseOptions: ParseOptions
  public var validatorOptions: ABCValidator.Options
  public var selection: TuneSelection

  public init(
    parseOptions: ParseOptions = ParseOptions(), validatorOptions: ABCValidator.Options = .init(),
    selection: TuneSelection = .all
  ) {
    self.parseOptions = parseOptions
    self.validatorOptions = validatorOptions
    self.selection = selection
  }

  /// Expands directories (recursively, `*.abc`, sorted) and keeps files as given. Missing paths and unreadable
  /// directories are returned as errors.
  public static func findABCFiles(_ paths: [String]) -> (files: [String], errors: [(path: String, reason: String)]) {
    var files: [String] = []
    var errors: [(String, String)] = []
    let fm = FileManager.default
    for path in paths {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
        errors.append((path, "no such file or directory"))
        continue
      }
      if !isDir.boolValue {
        files.append(path)
        continue
      }
      guard fm.isReadableFile(atPath: path), let e = fm.enumerator(atPath: path) else {
        errors.append((path, "directory cannot be read (check its permissions)"))
        continue
      }
      var found: [String] = []
      while let p = e.nextObject() as? String {
        if p.lowercased().hasSuffix(".abc") { found.append((path as NSString).appendingPathComponent(p)) }
      }
      files.append(contentsOf: found.sorted())
    }
    return (files, errors)
  }

  /// Validates `files` concurrently; `progress(completed, total)` is called serially after each file.
  public func validate(files: [String], progress: @Sendable (Int, Int) -> Void = { _, _ in }) -> [FileValidationReport]
  {
    let results = Mutex<[FileValidationReport?]>(Array(repeating: nil, count: files.count))
    let done = Mutex(0)
    let innerParallel = files.count < ProcessInfo.processInfo.activeProcessorCount
    DispatchQueue.concurrentPerform(iterations: files.count) { k in
      let report = validate(file: files[k], parallelTunes: innerParallel)
      results.withLock { $0[k] = report }
      done.withLock { n in
        n += 1
        progress(n, files.count)
      }
    }
    return results.withLock { $0.compactMap { $0 } }
  }

  /// Validates one file.
  public func validate(file path: String, parallelTunes: Bool = false) -> FileValidationReport {
    let bytes: [UInt8]
    do { bytes = try FileBytes.read(path: path) } catch {
      return FileValidationReport(path: path, tunes: [], diagnostics: [], lines: [:], readError: error.reason)
    }
    return validate(bytes: bytes, path: path, parallelTunes: parallelTunes)
  }

  /// Validates text already in memory, tune by tune: each tune is parsed, validated and dropped before the next
  /// batch (with `parallelTunes`, batches of up to 64 tunes or 1 MiB are validated concurrently), so memory holds the
  /// text, the diagnostics and one batch of tune trees, never the whole file's tree.
  public func validate(bytes: [UInt8], path: String, parallelTunes: Bool = false) -> FileValidationReport {
    let firstLine = bytes.prefix { $0 != 0x0A && $0 != 0x0D }
    let strict =
      validatorOptions.strict || ABCValidator.versionIsStrict(String(decoding: firstLine, as: UTF8.self))
    let validator = ABCValidator(
      options: ABCValidator.Options(strict: strict, checkBarDurations: validatorOptions.checkBarDurations))
    var diagnostics: [Diagnostic] = []
    var summaries: [TuneSummary] = []
    var selected: Set<Int> = []
    var firstByNumber: [Int: Int] = [:]
    var batch: [ABCTune] = []
    var batchBytes = 0

    func flush() {
      guard !batch.isEmpty else { return }
      var perTune: [[Diagnostic]] = Array(repeating: [], count: batch.count)
      if parallelTunes && batch.count > 8 {
        let box = Mutex(perTune)
        let tunes = batch
        DispatchQueue.concurrentPerform(iterations: tunes.count) { k in
          let ds = validator.validate(tunes[k], strict: strict)
          box.withLock { $0[k] = ds }
        }
        perTune = box.withLock { $0 }
      } else {
        for (k, t) in batch.enumerated() { perTune[k] = validator.validate(t, strict: strict) }
      }
      for (t, ds) in zip(batch, perTune) {
        diagnostics.append(contentsOf: ds)
        summaries.append(
          TuneSummary(
            index: t.index, referenceNumber: t.referenceNumber, title: t.title,
            hasErrors: ds.contains { $0.severity == .error }))
      }
      batch = []
      batchBytes = 0
    }

    let file = bytes.withUnsafeBufferPointer { buffer in
      ABCParser(options: parseOptions).parse(utf8: buffer) { tune in
        if selection == .all, let x = tune.referenceNumber {
          // ABC003, as `ABCValidator.duplicateReferenceNumbers` reports it for a whole file.
          if let first = firstByNumber[x] {
            diagnostics.append(
              Diagnostic(
                id: .duplicateReferenceNumber,
                severity: DiagnosticID.duplicateReferenceNumber.severity(strict: strict), location: tune.location,
                length: 2,
                message: "X:\(x) is used by tunes \(first + 1) and \(tune.index + 1); select by ordinal with --index",
                hint: "give every tune its own X: number", tuneIndex: tune.index))
          } else {
            firstByNumber[x] = tune.index
          }
        }
        switch selection {
        case .all: break
        case .ordinal(let n): guard tune.index == n - 1 else { return }
        case .referenceNumber(let x): guard tune.referenceNumber == x else { return }
        }
        selected.insert(tune.index)
        batch.append(tune)
        batchBytes += tune.range.byteCount
        if batch.count >= 64 || batchBytes >= 1 << 20 { flush() }
      }
    }
    flush()
    let fileDiagnostics =
      selection == .all
      ? file.diagnostics : file.diagnostics.filter { d in d.tuneIndex.map(selected.contains) ?? false }
    diagnostics.append(contentsOf: fileDiagnostics.map { validator.adjust($0, strict: strict) })
    // Tunes with errors in the file-level diagnostics too (e.g. music after an empty line).
    let withErrors = Set(diagnostics.filter { $0.severity == .error }.compactMap(\.tuneIndex))
    for k in summaries.indices where withErrors.contains(summaries[k].index) { summaries[k].hasErrors = true }
    diagnostics.sort { ($0.location.offset, $0.id.rawValue) < ($1.location.offset, $1.id.rawValue) }
    var lines: [Int: String] = [:]
    let wanted = Set(diagnostics.map(\.location.line))
    if !wanted.isEmpty {
      bytes.withUnsafeBufferPointer { buf in
        let src = SourceText(bytes: buf)
        for n in wanted where n >= 1 && n <= src.lines.count {
          let l = src.lines[n - 1]
          lines[n] = src.string(l.start, l.contentEnd)
        }
      }
    }
    return FileValidationReport(path: path, tunes: summaries, diagnostics: diagnostics, lines: lines, readError: nil)
  }
}

extension ABCValidator {
  /// ABC003 for every tune whose `X:` number an earlier tune of the file already uses.
  static func duplicateReferenceNumbers(_ file: ABCFile, strict: Bool) -> [Diagnostic] {
    var out: [Diagnostic] = []
    var firstByNumber: [Int: ABCTune] = [:]
    for tune in file.tunes {
      guard let x = tune.referenceNumber else { continue }
      if let first = firstByNumber[x] {
        out.append(
          Diagnostic(
            id: .duplicateReferenceNumber, severity: DiagnosticID.duplicateReferenceNumber.severity(strict: strict),
            location: tune.location, length: 2,
            message: "X:\(x) is used by tunes \(first.index + 1) and \(tune.index + 1); select by ordinal with --index",
            hint: "give every tune its own X: number", tuneIndex: tune.index))
      } else {
        firstByNumber[x] = tune
      }
    }
    return out
  }
}
