/// `[CEG]2`: notes sounding together (ABC 2.1 §4.17; checklist C-01…C-04, R-06).
public struct Chord: Hashable, Sendable {
  /// What is written between `[` and `]`, in order: `.note`s, plus decorations, chord symbols/annotations,
  /// `.rest`s (LotRO dialect, warned), spaces and strays.
  public var elements: [BodyElement]
  /// Outer length multiplier (`[CE]2` → 2); each note's length is multiplied by it (C-02).
  public var length: NoteLength
  /// Exact spelling of the outer length.
  public var lengthText: String
  /// `[CE]-`: ties every note of the chord.
  public var tie: Tie?
  /// `false` when the source ended before the closing `]` (diagnosed; the printer then omits `]`).
  public var isClosed: Bool
  public var range: SourceRange

  public init(
    elements: [BodyElement], length: NoteLength = .one, lengthText: String = "", tie: Tie? = nil,
    isClosed: Bool = true, range: SourceRange = SourceRange(at: .start)
  ) {
    self.elements = elements
    self.length = length
    self.lengthText = lengthText
    self.tie = tie
    self.isClosed = isClosed
    self.range = range
  }

  /// The notes of the chord, in written order.
  public var notes: [Note] {
    elements.compactMap { if case .note(let n) = $0 { return n } else { return nil } }
  }

  /// Length multiplier of the chord as a whole: first note's length × outer length (C-03: the chord advances by
  /// its first note). A chord without notes (only rests) uses its first rest.
  public var effectiveLength: NoteLength {
    for e in elements {
      switch e {
      case .note(let n): return n.length * length
      case .rest(let r): return r.length * length
      default: continue
      }
    }
    return length
  }

  public var location: SourceLocation { range.start }
}
