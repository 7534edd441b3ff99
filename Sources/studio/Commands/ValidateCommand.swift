import ABCParser
import ArgumentParser
import Foundation
import Synchronization

/// `studio validate PATH…`: checks ABC files against ABC 2.1 and the validator catalogue.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check ABC files: syntax, headers, bar lengths, repeats, ties, voices, lyrics.",
    discussion: """
      Files and directories (searched recursively for *.abc) are parsed and validated on all cores. Each problem
      is printed compiler-style (file:line:col: severity[id]: message, the source line, a caret and a hint), or as
      one JSON object per line with --format json. Corpora with legacy syntax (abc 1.6 '!' line ends, Y: fields,
      a blank line after the header, ':|' without '|:') give warnings, not errors; --strict turns the legacy and
      dirty-corpus warnings into errors.

      Examples:
        studio validate tunes.abc
        studio validate ../shared/corpora/nottingham --only errors
        studio validate reels.abc --index 3 --strict
        studio validate ../shared/corpora --format json > report.jsonl

      Exit status: 0 no errors, 1 errors found, 2 usage or I/O error (missing file, unreadable directory, a \
      directory without .abc files, a FIFO or device given as input).
      """)

  /// `--format` values.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
  }

  /// `--only` values.
  enum Only: String, ExpressibleByArgument, CaseIterable {
    case errors
    case warnings
  }

  @OptionGroup var global: GlobalOptions
  @Argument(help: "ABC files or directories.") var paths: [String]
  @Option(help: "Output format: text or json.") var format: Format = .text
  @Flag(help: "Strict mode: legacy and dirty-corpus warnings become errors.") var strict = false
  @Option(help: "Show only errors, or errors and warnings (hide info).") var only: Only?
  @Option(help: "Check only the tune with this 1-based ordinal in each file.") var index: Int?
  @Option(help: "Check only tunes with this X: number.") var tune: Int?
  @Flag(help: "Read an empty line right after the K: line as the end of the tune (ABC 2.1, abc2midi).")
  var blankLineEndsTune = false

  func validate() throws {
    if paths.isEmpty { throw ValidationError("give at least one ABC file or directory") }
    if index != nil && tune != nil { throw ValidationError("use --index or --tune, not both") }
    if let index, index < 1 { throw ValidationError("--index counts from 1") }
  }

  func run() throws {
    _ = try global.loadConfig()
    let (files, missing) = try Self.findABCFiles(paths)
    for m in missing { printError("error: \(m.path): \(m.reason)") }
    let batch = BatchValidator(
      parseOptions: ParseOptions(
        strict: strict, blankLinesAfterHeader: blankLineEndsTune ? .endTune : .continueIfMusicFollows),
      validatorOptions: ABCValidator.Options(strict: strict),
      selection: index.map { .ordinal($0) } ?? tune.map { .referenceNumber($0) } ?? .all)
    let bar = SerialProgress(ProgressBar(total: files.count, label: "validate"), enabled: files.count > 1)
    let reports = batch.validate(files: files) { done, _ in bar.update(done) }
    bar.finish()
    let summary = ValidationOutput(format: format, only: only).write(reports)
    if !missing.isEmpty || summary.unreadable > 0 {
      throw StudioFailure("\(missing.count + summary.unreadable) path(s) could not be read", exitCode: 2)
    }
    if summary.errors > 0 { throw ExitCode(1) }
  }
}

extension ValidateCommand {
  /// Files as given, plus the regular `*.abc` files under directories (recursively, sorted; FIFOs and devices
  /// skipped with a warning). A missing path, or a directory without `.abc` files, is reported as a problem.
  static func findABCFiles(_ paths: [String]) throws -> (files: [String], missing: [(path: String, reason: String)]) {
    var files: [String] = []
    var missing: [(path: String, reason: String)] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        missing.append((path, "no such file or directory"))
        continue
      }
      guard isDirectory.boolValue else {
        files.append(path)
        continue
      }
      let found = try InputFile.files(under: path, extensions: ["abc"])
      if found.isEmpty { missing.append((path, "no .abc files in this directory; nothing to check")) }
      files += found
    }
    return (files, missing)
  }
}

/// Prints reports and counts (text or JSON lines on standard output; the summary line goes to standard error for
/// JSON so the output stays one object per line).
struct ValidationOutput {
  var format: ValidateCommand.Format
  var only: ValidateCommand.Only?

  struct Summary {
    var tunes = 0
    var tunesWithErrors = 0
    var errors = 0
    var warnings = 0
    var unreadable = 0
  }

  func write(_ reports: [FileValidationReport]) -> Summary {
    var s = Summary()
    var out = ""
    for r in reports {
      if let e = r.readError {
        printError("error: \(r.path): cannot read file: \(e)")
        s.unreadable += 1
        continue
      }
      s.tunes += r.tunes.count
      s.tunesWithErrors += r.tunes.filter(\.hasErrors).count
      for d in r.diagnostics {
        if d.severity == .error { s.errors += 1 } else if d.severity == .warning { s.warnings += 1 }
        switch only {
        case .errors? where d.severity != .error: continue
        case .warnings? where d.severity == .info: continue
        default: break
        }
        switch format {
        case .text: out += DiagnosticFormatter.text(d, file: r.path, line: r.lines[d.location.line]) + "\n"
        case .json: out += DiagnosticFormatter.json(d, file: r.path, tune: r.tune(for: d)) + "\n"
        }
        if out.utf8.count > 1 << 16 {
          FileHandle.standardOutput.write(Data(out.utf8))
          out = ""
        }
      }
    }
    let line =
      "checked \(s.tunes) tune\(s.tunes == 1 ? "" : "s") in \(reports.count) file\(reports.count == 1 ? "" : "s"): "
      + "\(s.tunesWithErrors) with errors, \(s.errors) error\(s.errors == 1 ? "" : "s"), \(s.warnings) warning\(s.warnings == 1 ? "" : "s")"
    if format == .text { out += line + "\n" } else { printError(line) }
    FileHandle.standardOutput.write(Data(out.utf8))
    return s
  }
}

/// Lets the batch validator's serial progress callback drive the (non-Sendable) progress bar.
final class SerialProgress: @unchecked Sendable {
  // Invariant: BatchValidator calls `update` serially (under its lock), and `finish` runs after it returns,
  // so the bar is never used from two threads at once.
  private let bar: ProgressBar
  private let enabled: Bool

  init(_ bar: ProgressBar, enabled: Bool) {
    self.bar = bar
    self.enabled = enabled
  }

  func update(_ done: Int) { if enabled { bar.update(completed: done) } }
  func finish() { if enabled { bar.finish() } }
}
