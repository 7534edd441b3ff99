/// Checks parsed ABC against the rules of ABC 2.1 and the validator catalogue (abc-reference.md §11): the parse
/// diagnostics plus bar durations, repeats and endings, slurs, tuplets, grace groups, ties, broken rhythm, voices,
/// parts, lyrics and pitch range. Never throws; returns diagnostics sorted by position.
public struct ABCValidator: Sendable {
  /// Validation settings.
  public struct Options: Hashable, Sendable {
    /// Strict mode: warnings of the legacy/dirty kinds become errors (`--strict`; also set by `%abc-2.1`).
    public var strict: Bool
    /// Report bar-duration problems (ABC018).
    public var checkBarDurations: Bool

    public init(strict: Bool = false, checkBarDurations: Bool = true) {
      self.strict = strict
      self.checkBarDurations = checkBarDurations
    }
  }

  public var options: Options

  public init(options: Options = Options()) { self.options = options }

  /// All diagnostics for a file: file-level ones, every tune's parse and semantic diagnostics, and duplicate `X:`
  /// numbers (ABC003), sorted by position.
  public func validate(_ file: ABCFile) -> [Diagnostic] {
    let strict = options.strict || ABCValidator.versionIsStrict(file.versionLine)
    var out = file.diagnostics.map { adjust($0, strict: strict) }
    for tune in file.tunes { out.append(contentsOf: validate(tune, strict: strict)) }
    out.append(contentsOf: ABCValidator.duplicateReferenceNumbers(file, strict: strict))
    return out.sorted { ($0.location.offset, $0.id.rawValue) < ($1.location.offset, $1.id.rawValue) }
  }

  /// Diagnostics for one tune: its parse diagnostics and the semantic checks.
  public func validate(_ tune: ABCTune) -> [Diagnostic] {
    validate(tune, strict: options.strict).sorted { $0.location.offset < $1.location.offset }
  }

  func validate(_ tune: ABCTune, strict: Bool) -> [Diagnostic] {
    var out = tune.diagnostics.map { adjust($0, strict: strict) }
    var checker = TuneChecker(tune: tune, strict: strict, checkBars: options.checkBarDurations)
    checker.run()
    out.append(contentsOf: checker.diagnostics)
    return out
  }

  func adjust(_ d: Diagnostic, strict: Bool) -> Diagnostic {
    var d = d
    d.severity = Swift.max(d.severity, d.id.severity(strict: strict))
    return d
  }

  static func versionIsStrict(_ line: String?) -> Bool {
    guard let line else { return false }
    let t = line.trimmingABCSpaces().replacingTrailingNewlines()
    guard t.hasPrefix("%abc-"), let v = Double(t.dropFirst(5)) else { return false }
    return v >= 2.1
  }
}

extension String {
  func replacingTrailingNewlines() -> String {
    var s = Substring(self)
    while let l = s.last, l == "\n" || l == "\r" || l == "\r\n" { s = s.dropLast() }
    return String(s)
  }
}
