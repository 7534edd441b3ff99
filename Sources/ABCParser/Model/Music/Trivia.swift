/// `% …`: a comment, from `%` to the end of the line (without the line end) (ABC 2.1 §2.2.2; F-08, F-09).
public struct Comment: Hashable, Sendable {
  /// Exact text starting with `%`.
  public var text: String
  public var range: SourceRange
  public init(text: String, range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  public var location: SourceLocation { range.start }
}

/// Spaces, tabs and back-quotes between elements (checklist S-01, S-02).
public struct Space: Hashable, Sendable {
  /// Exact text.
  public var text: String
  public var range: SourceRange
  public init(text: String, range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  /// `true` when it contains a space or tab (a beam break); back-quotes alone do not break beams.
  public var breaksBeam: Bool { text.utf8.contains { $0 == 0x20 || $0 == 0x09 } }
  public var location: SourceLocation { range.start }
}

/// The end of a source line.
public struct LineBreak: Hashable, Sendable {
  /// `"\n"`, `"\r\n"` or `"\r"`.
  public var text: String
  public var range: SourceRange
  public init(text: String = "\n", range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  public var location: SourceLocation { range.start }
}

/// `$` or a legacy `!` line end: a score line break (checklist LB-02, LB-04, DE-07). No sound.
public struct ScoreLineBreak: Hashable, Sendable {
  /// `"$"` or `"!"`.
  public var text: String
  public var range: SourceRange
  public init(text: String = "$", range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  /// `true` for the legacy `!` form.
  public var isLegacy: Bool { text == "!" }
  public var location: SourceLocation { range.start }
}

/// `\` at the end of a music line (checklist F-14).
public struct Continuation: Hashable, Sendable {
  public var range: SourceRange
  public init(range: SourceRange = SourceRange(at: .start)) { self.range = range }
  public var location: SourceLocation { range.start }
}

/// `&`: voice overlay (checklist V-08; `(&`/`&)` partial overlays V-09 are spelled in `text`).
public struct Overlay: Hashable, Sendable {
  /// `&`, `(&` or `&)`.
  public var text: String
  public var range: SourceRange
  public init(text: String = "&", range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  public var location: SourceLocation { range.start }
}

/// Text that could not be read as music (always accompanied by a diagnostic).
public struct Stray: Hashable, Sendable {
  /// Exact text.
  public var text: String
  public var range: SourceRange
  public init(text: String, range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  public var location: SourceLocation { range.start }
}

/// A use of an `m:` macro in music (checklist MA-01, MA-02).
public struct MacroUse: Hashable, Sendable {
  /// The text as written (the macro target as matched, e.g. `~G3`).
  public var text: String
  /// The replacement text after substitution (and transposition for `n` macros).
  public var expandedText: String
  /// The elements parsed from `expandedText`; their ranges point at this use.
  public var expansion: [BodyElement]
  public var range: SourceRange

  public init(
    text: String, expandedText: String, expansion: [BodyElement], range: SourceRange = SourceRange(at: .start)
  ) {
    self.text = text
    self.expandedText = expandedText
    self.expansion = expansion
    self.range = range
  }
  public var location: SourceLocation { range.start }
}
