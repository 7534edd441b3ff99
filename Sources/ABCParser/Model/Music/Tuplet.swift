/// `(p:q:r`: the next `r` notes are played `p` in the time of `q` (ABC 2.1 §4.13; checklist TU-01…TU-07).
public struct Tuplet: Hashable, Sendable {
  /// Notes in the group, 2…9 usually (any positive number is accepted).
  public var p: Int
  /// `q` as written, or `nil` when omitted (`(3`, `(3::2`).
  public var writtenQ: Int?
  /// `r` as written, or `nil` when omitted.
  public var writtenR: Int?
  /// `q` in effect: as written, or from the table of TU-01 using the meter in force at this point
  /// (`(2`→3, `(3`→2, `(4`→3, `(6`→2, `(8`→3, `(5 (7 (9` → 3 in compound meter, else 2).
  public var q: Int
  /// `r` in effect: as written, or `p`.
  public var r: Int
  /// Exact spelling (`(3`, `(3:2:2`, `(3::2`).
  public var text: String
  public var range: SourceRange

  public init(
    p: Int, writtenQ: Int?, writtenR: Int?, q: Int, r: Int, text: String, range: SourceRange = SourceRange(at: .start)
  ) {
    self.p = p
    self.writtenQ = writtenQ
    self.writtenR = writtenR
    self.q = q
    self.r = r
    self.text = text
    self.range = range
  }

  /// The factor each of the `r` notes' lengths is multiplied by: `q/p`.
  public var ratio: NoteLength { NoteLength(exactly: q, Swift.max(p, 1)) ?? .one }

  /// `q` for `p` when none is written, per ABC 2.1 §4.13.
  public static func defaultQ(p: Int, compoundMeter: Bool) -> Int {
    switch p {
    case 2, 4, 8: return 3
    case 3, 6: return 2
    default: return compoundMeter ? 3 : 2
    }
  }
  public var location: SourceLocation { range.start }
}

/// `{gag}` or acciaccatura `{/g}` (ABC 2.1 §4.12; checklist G-01…G-05).
public struct GraceGroup: Hashable, Sendable {
  /// `true` for `{/…}`.
  public var isAcciaccatura: Bool
  /// Contents: `.note`s (with their own lengths), `.chord`s, `.brokenRhythm`, spaces, strays.
  public var elements: [BodyElement]
  /// `false` when the closing `}` is missing (diagnosed).
  public var isClosed: Bool
  public var range: SourceRange

  public init(
    isAcciaccatura: Bool, elements: [BodyElement], isClosed: Bool = true, range: SourceRange = SourceRange(at: .start)
  ) {
    self.isAcciaccatura = isAcciaccatura
    self.elements = elements
    self.isClosed = isClosed
    self.range = range
  }

  /// The grace notes (chords contribute their notes), in order.
  public var notes: [Note] {
    var out: [Note] = []
    for e in elements {
      if case .note(let n) = e { out.append(n) } else if case .chord(let c) = e { out.append(contentsOf: c.notes) }
    }
    return out
  }
  public var location: SourceLocation { range.start }
}

/// `>` / `<` broken rhythm between two notes, chords or rests (ABC 2.1 §4.4; checklist B-01…B-04).
public struct BrokenRhythm: Hashable, Sendable {
  /// `>`: the first operand is lengthened (dotted), the second shortened. `<`: the reverse.
  public enum Direction: Hashable, Sendable {
    case firstLonger
    case secondLonger
  }
  public var direction: Direction
  /// Number of marks, 1…3 (more are accepted and diagnosed).
  public var count: Int
  public var range: SourceRange

  public init(direction: Direction, count: Int, range: SourceRange = SourceRange(at: .start)) {
    self.direction = direction
    self.count = count
    self.range = range
  }

  /// Factors for (first, second): `>` 3/2 and 1/2, `>>` 7/4 and 1/4, `>>>` 15/8 and 1/8.
  public var factors: (first: NoteLength, second: NoteLength) {
    let n = Swift.min(Swift.max(count, 1), 20)
    let short = NoteLength(1, 1 << n)
    let long = NoteLength(2) - short
    return direction == .firstLonger ? (long, short) : (short, long)
  }
  public var location: SourceLocation { range.start }
}

/// A slur mark `(`, dotted `.(`, or `)` (ABC 2.1 §4.11; checklist T-07).
public struct Slur: Hashable, Sendable {
  public var isDotted: Bool
  public var range: SourceRange
  public init(isDotted: Bool = false, range: SourceRange = SourceRange(at: .start)) {
    self.isDotted = isDotted
    self.range = range
  }
  public var location: SourceLocation { range.start }
}
