/// A bar line, with any repeat colons (ABC 2.1 §4.8; checklist BL-01…BL-09).
///
/// The exact spelling is `text`; the fields below are what it means. Variant endings written right after a bar
/// (`|1`, `:|2`, `|[1`) are separate `.ending` elements that follow the bar line.
public struct BarLine: Hashable, Sendable {
  /// The visual kind of the bar.
  public enum Style: Hashable, Sendable {
    /// `|`
    case single
    /// `||` (also `::` when no thick line is drawn)
    case double
    /// `|]`: thin-thick, the final bar.
    case thinThick
    /// `[|`: thick-thin.
    case thickThin
    /// `[|]`: invisible bar.
    case invisible
    /// `.|`: dotted (editorial) bar. Resets accidentals; skipped by bar-length checks.
    case dotted
  }

  /// Exact spelling, e.g. `:|]`, `|::`, `||`.
  public var text: String
  public var style: Style
  /// Colons before the bar (`:|` 1, `::|` 2): end of a repeated section played `1 + endRepeats` times.
  public var endRepeats: Int
  /// Colons after the bar (`|:` 1, `|::` 2): start of a repeated section.
  public var startRepeats: Int
  public var range: SourceRange

  public init(
    text: String, style: Style = .single, endRepeats: Int = 0, startRepeats: Int = 0,
    range: SourceRange = SourceRange(at: .start)
  ) {
    self.text = text
    self.style = style
    self.endRepeats = endRepeats
    self.startRepeats = startRepeats
    self.range = range
  }

  /// `true` for `:|`, `::`, `:|:` …
  public var isRepeatEnd: Bool { endRepeats > 0 }
  /// `true` for `|:`, `::`, `:|:` …
  public var isRepeatStart: Bool { startRepeats > 0 }
  /// `true` for bars that end a variant ending (E-03): `||`, `:|`, `|]`, `[|`, `::`.
  public var closesEnding: Bool {
    isRepeatEnd || isRepeatStart || style == .double || style == .thinThick || style == .thickThin
  }
  public var location: SourceLocation { range.start }
}

/// A variant ending (ABC 2.1 §4.9; checklist E-01…E-05): `[1`, `[1,3`, `[1-3,5`, `|2`'s `2`, or `["text"` (EXT).
public struct Ending: Hashable, Sendable {
  /// The passes this ending is played on, as ranges (`[1,3-4` → `[1...1, 3...4]`). Empty for a text ending.
  public var numbers: [ClosedRange<Int>]
  /// Exact spelling, including the `[` when written (`[1,3`, `2`, `["second time"`).
  public var text: String
  /// `true` when written with `[`.
  public var isBracketed: Bool
  /// For `["text"` endings (abcm2ps extension): the label.
  public var label: String?
  public var range: SourceRange

  public init(
    numbers: [ClosedRange<Int>], text: String, isBracketed: Bool, label: String? = nil,
    range: SourceRange = SourceRange(at: .start)
  ) {
    self.numbers = numbers
    self.text = text
    self.isBracketed = isBracketed
    self.label = label
    self.range = range
  }

  /// `true` when pass `n` (1-based) plays this ending.
  public func contains(pass n: Int) -> Bool { numbers.contains { $0.contains(n) } }
  /// Largest pass number listed (0 for a text ending).
  public var maxPass: Int { numbers.map(\.upperBound).max() ?? 0 }
  public var location: SourceLocation { range.start }
}
