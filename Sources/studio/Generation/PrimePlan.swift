import ABCParser
import Foundation

/// What the model is given before it samples freely: a template of header text the CLI fixes (`--key`, `--meter`,
/// `--title`, `--prime`) and header lines the model fills in itself.
///
/// Without options the model starts from `X:n\n` and writes the whole tune, header included, in its corpus's style.
/// With any of `--key/--meter/--title` the header starts `X:n\nT:…\nM:…\n`, each of `T:` and `M:` either fixed text or
/// a line the model completes (it is given `M:` and samples up to the line break); then the model writes the header
/// lines of its corpus (`L:`, `Q:`, `R:` …) until it starts the `K:` line, which is forced to `--key` when given
/// (`headerUntilKey`). Models whose corpus has no `T:` lines (the vocabulary lacks `T`) get no title line; a `--title`
/// is then written into the file only. The key is spelt the long way (`A Minor`, as in irish.abc) when the model
/// knows every character of that, else the short way (`Am`). `--prime TEXT` is fed as written (after `X:n\n` when it
/// does not begin with `X:`).
struct PrimePlan: Equatable, Sendable {
  /// One step of the template.
  enum Segment: Equatable, Sendable {
    /// Characters fed to the model as they are.
    case text(String)
    /// The model samples until it writes a line break (inclusive).
    case sampledLine
    /// The model writes header lines until it begins one with `K`; that line is then forced to `K:key` (when given)
    /// or sampled to its end, and the body follows. After `maximumHeaderLines` lines without `K` the key line is
    /// started for it.
    case headerUntilKey(key: String?)
  }

  /// Free header lines before the key line is forced.
  static let maximumHeaderLines = 6

  var segments: [Segment]
  /// The title to write when the user fixed one (it may hold characters the model's vocabulary lacks; the model
  /// is fed only the ones it knows).
  var fixedTitle: String?

  /// A usage problem with a priming option.
  struct InvalidOption: Error, CustomStringConvertible {
    var option: String
    var message: String
    var description: String { "\(option): \(message)" }
  }

  /// Builds the template for tune number `number`.
  /// - Throws: `InvalidOption` for a key or meter the ABC parser rejects, a multi-line title, or `--prime` combined
  ///   with the header options.
  ///   - knows: whether the model's vocabulary holds a character (decides the title line and the key spelling).
  static func make(
    key: String?, meter: String?, title: String?, prime: String?, number: Int,
    knows: (Unicode.Scalar) -> Bool = { _ in true }
  ) throws -> PrimePlan {
    let reference = "X:\(number)\n"
    if let prime {
      guard key == nil, meter == nil, title == nil else {
        throw InvalidOption(
          option: "--prime",
          message: "cannot be combined with --key, --meter or --title; write those fields into the prime text")
      }
      return PrimePlan(segments: [.text(prime.hasPrefix("X:") ? prime : reference + prime)], fixedTitle: nil)
    }
    guard key != nil || meter != nil || title != nil else {
      return PrimePlan(segments: [.text(reference)], fixedTitle: nil)
    }
    var segments: [Segment] = []
    var fixedTitle: String?
    if let title {
      let trimmed = title.trimmingCharacters(in: .whitespaces)
      guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
        throw InvalidOption(option: "--title", message: "must be one non-empty line of text")
      }
      fixedTitle = trimmed
    }
    segments.append(.text(reference))
    if knows("T") {
      if let fixedTitle {
        segments.append(.text("T:" + fixedTitle + "\n"))
      } else {
        segments += [.text("T:"), .sampledLine]
      }
    }
    if let meter {
      segments.append(.text("M:" + (try checkedMeter(meter)) + "\n"))
    } else {
      segments += [.text("M:"), .sampledLine]
    }
    var spelledKey: String?
    if let key {
      let long = try normalizedKey(key)
      spelledKey = long.unicodeScalars.allSatisfy(knows) ? long : shortKey(long)
    }
    segments.append(.headerUntilKey(key: spelledKey))
    return PrimePlan(segments: merged(segments), fixedTitle: fixedTitle)
  }

  /// The `--prime` text for `--prime-file`: the first tune of the ABC file at `path`, its header from the line after
  /// `X:` up to and including `K:` (comment lines dropped), then its music with the closing bar line (`|]`, `||`,
  /// `:|]`…) left open as `|` (or `:|`) so that the model goes on instead of ending the tune.
  /// - Throws: `StudioFailure` (exit 2) when the file cannot be read; `InvalidOption` when it has no `K:` line or
  ///   no music after it.
  static func primeText(fromFile path: String) throws -> String {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw StudioFailure("cannot read --prime-file \(path): \(error.localizedDescription)")
    }
    return try primeText(fromABC: text, path: path)
  }

  /// `primeText(fromFile:)` for text already read; `path` names the file in messages.
  static func primeText(fromABC text: String, path: String) throws -> String {
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    var index = lines.firstIndex { $0.hasPrefix("X:") }.map { $0 + 1 } ?? 0
    var header: [String] = []
    while index < lines.count {
      let line = lines[index]
      index += 1
      if line.hasPrefix("%") { continue }
      if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("X:") { break }
      header.append(line)
      if line.hasPrefix("K:") { break }
    }
    guard header.last?.hasPrefix("K:") == true else {
      throw InvalidOption(option: "--prime-file", message: "\(path): the first tune has no K: line before its music")
    }
    var body: [String] = []
    while index < lines.count {
      let line = lines[index]
      index += 1
      if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("X:") { break }
      if line.hasPrefix("%") { continue }
      body.append(line)
    }
    while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
    guard var last = body.popLast() else {
      throw InvalidOption(option: "--prime-file", message: "\(path): the first tune has no music after its K: line")
    }
    last = last.trimmingCharacters(in: .whitespaces)
    for (ending, open) in [(":|]", ":|"), ("|]", "|"), ("||", "|"), ("[|]", "|")] where last.hasSuffix(ending) {
      last = String(last.dropLast(ending.count)) + open
      break
    }
    if !last.hasSuffix("|") && !last.hasSuffix("\\") { last += "|" }
    body.append(last)
    return (header + body).joined(separator: "\n") + "\n"
  }

  /// Adjacent text segments joined into one.
  private static func merged(_ segments: [Segment]) -> [Segment] {
    var out: [Segment] = []
    for segment in segments {
      if case .text(let next) = segment, case .text(let previous)? = out.last {
        out[out.count - 1] = .text(previous + next)
      } else {
        out.append(segment)
      }
    }
    return out
  }

  /// `--key` in the training corpus's spelling: tonic, space, capitalised mode (`G` → `G Major`, `Am` → `A Minor`,
  /// `F#dor` → `F# Dorian`). Other forms the ABC parser accepts (`none`, `HP`, clefs) pass through unchanged.
  /// - Throws: `InvalidOption` when the parser rejects the key.
  static func normalizedKey(_ text: String) throws -> String {
    let value = text.trimmingCharacters(in: .whitespaces)
    var rest = Substring(value)
    if let letter = rest.first, "ABCDEFGabcdefg".contains(letter) {
      var tonic = letter.uppercased()
      rest = rest.dropFirst()
      if let accidental = rest.first, accidental == "#" || accidental == "b" {
        tonic.append(accidental)
        rest = rest.dropFirst()
      }
      let modeText = rest.trimmingCharacters(in: .whitespaces).lowercased()
      let modes: [(String, String)] = [
        ("maj", "Major"), ("ion", "Major"), ("min", "Minor"), ("aeo", "Minor"), ("dor", "Dorian"),
        ("mix", "Mixolydian"), ("lyd", "Lydian"), ("phr", "Phrygian"), ("loc", "Locrian"),
      ]
      var mode: String?
      if modeText.isEmpty {
        mode = "Major"
      } else if modeText == "m" {
        mode = "Minor"
      } else if modeText.allSatisfy(\.isLetter), let match = modes.first(where: { modeText.hasPrefix($0.0) }) {
        mode = match.1
      }
      if let mode {
        let key = tonic + " " + mode
        try check(field: "K:" + key, option: "--key")
        return key
      }
    }
    try check(field: "K:" + value, option: "--key")
    return value
  }

  /// The short spelling of a key `normalizedKey` wrote (`A Minor` → `Am`, `D Dorian` → `Ddor`, `G Major` → `G`); other
  /// values unchanged.
  static func shortKey(_ long: String) -> String {
    let parts = long.split(separator: " ", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { return long }
    switch parts[1] {
    case "Major": return parts[0]
    case "Minor": return parts[0] + "m"
    case "Dorian", "Mixolydian", "Lydian", "Phrygian", "Locrian": return parts[0] + parts[1].prefix(3).lowercased()
    default: return long
    }
  }

  /// `--meter` as written, after the ABC parser accepted it (`6/8`, `C|`, `3/4`, `none`).
  /// - Throws: `InvalidOption` when the parser rejects the meter.
  static func checkedMeter(_ text: String) throws -> String {
    let value = text.trimmingCharacters(in: .whitespaces)
    guard !value.isEmpty else { throw InvalidOption(option: "--meter", message: "is empty; write e.g. 6/8, 3/4 or C|") }
    try check(field: "M:" + value, option: "--meter")
    return value
  }

  /// Parses a one-field tune and throws the first error the parser reports on the field's line.
  private static func check(field: String, option: String) throws {
    guard !field.contains(where: \.isNewline) else { throw InvalidOption(option: option, message: "must be one line") }
    let file = ABCParser().parse("X:1\n" + (field.hasPrefix("K:") ? field : field + "\nK:C") + "\n")
    let diagnostics = ABCValidator(options: .init(strict: false)).validate(file)
    if let error = diagnostics.first(where: { $0.severity == .error && $0.location.line == 2 }) {
      throw InvalidOption(option: option, message: "'\(field.dropFirst(2))' is not valid ABC: \(error.message)")
    }
  }
}
