/// One tune: header (from `X:` through the first `K:` line) and body (ABC 2.1 §2.2, §3, §4).
public struct ABCTune: Hashable, Sendable {
  /// 0-based position of the tune in its file (select tunes by ordinal: X: numbers repeat in the wild, H-02).
  public var index: Int
  /// The header lines, from the `X:` line through the `K:` line and its line end, in source order. A tune whose
  /// header never reaches `K:` has everything here and an empty `body` (diagnosed ABC005).
  public var header: [HeaderElement]
  /// The body after the `K:` line, up to (not including) the empty line that ends the tune.
  public var body: [BodyElement]
  /// The file header's fields and directives in force for this tune (defaults such as `L:`, `U:`, `%%MIDI`);
  /// not part of the tune's own text, not printed with it.
  public var fileHeader: [HeaderElement]
  /// Parse diagnostics for this tune (the validator adds semantic ones).
  public var diagnostics: [Diagnostic]
  public var range: SourceRange

  public init(
    index: Int = 0, header: [HeaderElement] = [], body: [BodyElement] = [], fileHeader: [HeaderElement] = [],
    diagnostics: [Diagnostic] = [], range: SourceRange = SourceRange(at: .start)
  ) {
    self.index = index
    self.header = header
    self.body = body
    self.fileHeader = fileHeader
    self.diagnostics = diagnostics
    self.range = range
  }

  public var location: SourceLocation { range.start }

  /// The tune's own header fields, in order (continuations `+:` included as their own fields).
  public var headerFields: [Field] {
    header.compactMap { if case .field(let f) = $0 { return f } else { return nil } }
  }

  /// First header field with this letter, falling back to the file header.
  public func headerField(_ letter: Character) -> Field? {
    for case .field(let f) in header where f.letter == letter { return f }
    for case .field(let f) in fileHeader where f.letter == letter { return f }
    return nil
  }

  /// `X:` number (`nil` when absent, empty or not a number).
  public var referenceNumber: Int? {
    if case .referenceNumber(let n)? = headerField("X")?.value { return n }
    return nil
  }

  /// Header titles (`T:` lines) in order, with escapes decoded.
  public var titles: [String] {
    headerFields.compactMap { f in
      if f.letter == "T", case .text(let t) = f.value { return t }
      return nil
    }
  }

  /// The first title, or `nil`.
  public var title: String? { titles.first }

  /// The header key (`K:` ending the header), or `nil` when the header has none.
  public var key: Key? {
    for case .field(let f) in header.reversed() where f.letter == "K" {
      if case .key(let k) = f.value { return k }
      return nil
    }
    return nil
  }

  /// The header meter (last `M:` in the tune header, else the file header's); `nil` when none is given (free meter
  /// per ABC 2.1 M-04; abc2midi assumes 4/4).
  public var meter: Meter? {
    for case .field(let f) in header.reversed() where f.letter == "M" {
      if case .meter(let m) = f.value { return m }
    }
    for case .field(let f) in fileHeader.reversed() where f.letter == "M" {
      if case .meter(let m) = f.value { return m }
    }
    return nil
  }

  /// The unit note length in force at the start of the body: the last `L:` in the tune header, else the file
  /// header's, else the default from the header meter (L-02; 1/8 without a meter).
  public var unitLength: NoteLength {
    for case .field(let f) in header.reversed() where f.letter == "L" {
      if case .unitLength(let l) = f.value { return l }
    }
    for case .field(let f) in fileHeader.reversed() where f.letter == "L" {
      if case .unitLength(let l) = f.value { return l }
    }
    return meter?.defaultUnitLength ?? NoteLength(1, 8)
  }

  /// The header tempo (last `Q:`), or `nil`.
  public var tempo: Tempo? {
    for case .field(let f) in header.reversed() where f.letter == "Q" {
      if case .tempo(let t) = f.value { return t }
    }
    return nil
  }

  /// The header `P:` play order, or `nil` (P-06: then the body is played once).
  public var parts: Parts? {
    for case .field(let f) in header.reversed() where f.letter == "P" {
      if case .parts(let p) = f.value { return p }
    }
    return nil
  }

  /// Voices declared in the header (`V:` lines), in order.
  public var declaredVoices: [Voice] {
    var out: [Voice] = []
    for case .field(let f) in header where f.letter == "V" {
      if case .voice(let v) = f.value { out.append(v) }
    }
    return out
  }

  /// Directives in force at the start of the body: the file header's, then the tune header's (`%%…` lines and
  /// `I:` fields), in order.
  public var headerDirectives: [Directive] {
    var out: [Directive] = []
    for e in fileHeader + header {
      switch e {
      case .directive(let d): out.append(d)
      case .field(let f):
        if case .instruction(let ds) = f.value { out.append(contentsOf: ds) }
      default: break
      }
    }
    return out
  }

  /// `true` when the body holds at least one note, chord or rest.
  public var hasMusic: Bool {
    body.contains { e in
      if e.takesTime { return true }
      if case .macro(let m) = e { return m.expansion.contains { $0.takesTime } }
      return false
    }
  }
}
