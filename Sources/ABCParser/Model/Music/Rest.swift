/// `z` or invisible `x` rest (ABC 2.1 §4.5; checklist ).
public struct Rest: Hashable, Sendable {
  /// `true` for `x`.
  public var isInvisible: Bool
  /// Length multiplier relative to `L:`.
  public var length: NoteLength
  /// Exact spelling of the length.
  public var lengthText: String
  public var range: SourceRange

  public init(
    isInvisible: Bool = false, length: NoteLength = .one, lengthText: String = "",
    range: SourceRange = SourceRange(at: .start)
  ) {
    self.isInvisible = isInvisible
    self.length = length
    self.lengthText = lengthText
    self.range = range
  }
  public var location: SourceLocation { range.start }
}

/// `Z4` / `X2`: rest for whole bars of the current meter (checklist ).
public struct MultiMeasureRest: Hashable, Sendable {
  /// `true` for `X`.
  public var isInvisible: Bool
  /// Number of bars (1 when no count is written).
  public var bars: Int
  /// Exact spelling of the count (`""`, `4`).
  public var countText: String
  public var range: SourceRange

  public init(
    isInvisible: Bool = false, bars: Int = 1, countText: String = "", range: SourceRange = SourceRange(at: .start)
  ) {
    self.isInvisible = isInvisible
    self.bars = bars
    self.countText = countText
    self.range = range
  }
  public var location: SourceLocation { range.start }
}

/// `y`: a spacer that takes no time (checklist R-05). `widthText` is any number written after it (abcm2ps).
public struct Spacer: Hashable, Sendable {
  public var widthText: String
  public var range: SourceRange
  public init(widthText: String = "", range: SourceRange = SourceRange(at: .start)) {
    self.widthText = widthText
    self.range = range
  }
  public var location: SourceLocation { range.start }
}
