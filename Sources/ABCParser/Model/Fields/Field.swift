/// An information field: `T:Title` on its own line, `[K:D]` inline, or a `+:` continuation (ABC 2.1 §3).
public struct Field: Hashable, Sendable {
  /// How the field was written.
  public enum Form: Hashable, Sendable {
    /// `X:…` on its own line (header or body).
    case line
    /// `[X:…]` inside music.
    case inline
  }

  /// The field letter as written (`T`, `K`, `w`, …; `+` for a continuation line).
  public var letter: Character
  /// For `+:` lines, the letter of the field being continued (`nil` otherwise or when nothing precedes it).
  public var continuedLetter: Character?
  public var form: Form
  /// Exact text after `X:` up to the comment / closing `]` / line end (trailing spaces included).
  public var rawValue: String
  /// The typed value parsed from `rawValue`.
  public var value: FieldValue
  /// Exact trailing `% comment` of a line field (`nil` when none).
  public var comment: String?
  /// `false` for an inline field whose `]` is missing (diagnosed ABC034).
  public var isClosed: Bool
  public var range: SourceRange

  public init(
    letter: Character, continuedLetter: Character? = nil, form: Form = .line, rawValue: String, value: FieldValue,
    comment: String? = nil, isClosed: Bool = true, range: SourceRange = SourceRange(at: .start)
  ) {
    self.letter = letter
    self.continuedLetter = continuedLetter
    self.form = form
    self.rawValue = rawValue
    self.value = value
    self.comment = comment
    self.isClosed = isClosed
    self.range = range
  }

  /// The letter whose meaning applies: `continuedLetter` for `+:`, else `letter`.
  public var effectiveLetter: Character { continuedLetter ?? letter }
  /// `rawValue` without leading/trailing white space.
  public var trimmedValue: String { rawValue.trimmingABCSpaces() }
  public var location: SourceLocation { range.start }
}

/// The typed value of a field.
public enum FieldValue: Hashable, Sendable {
  /// Text fields (A B C D F G H N O R S T W Z, `+:` of a text field), with text-string escapes decoded (F-17).
  case text(String)
  /// `X:` (nil when empty or not a number; diagnosed ABC002).
  case referenceNumber(Int?)
  /// `K:`
  case key(Key)
  /// `M:`
  case meter(Meter)
  /// `L:` unit note length as a fraction of a whole note.
  case unitLength(NoteLength)
  /// `Q:`
  case tempo(Tempo)
  /// `P:` in the header: play order; in the body: a part label.
  case parts(Parts)
  /// `V:` voice declaration or switch.
  case voice(Voice)
  /// `I:` instructions (several in one inline field: `[I:MIDI=program 73 MIDI=chordprog 29]`).
  case instruction([Directive])
  /// `m:` macro definition.
  case macro(Macro)
  /// `U:` user-defined symbol.
  case userSymbol(UserSymbol)
  /// `w:` aligned lyrics (also `+:` after `w:`).
  case lyrics(Lyrics)
  /// `s:` symbol line.
  case symbolLine(SymbolLine)
  /// `r:` remark (ignored).
  case remark(String)
  /// A letter ABC 2.1 does not define (`Y:`, `J:`…; diagnosed ABC012), or a value kept as raw text.
  case unknown(String)
  /// The value could not be parsed (a diagnostic says why); the raw text is in `Field.rawValue`.
  case invalid
}

extension String {
  /// Drops leading and trailing spaces and tabs (and CR).
  public func trimmingABCSpaces() -> String {
    let u = Array(utf8)
    var a = 0
    var b = u.count
    while a < b, u[a] == 0x20 || u[a] == 0x09 || u[a] == 0x0D { a += 1 }
    while b > a, u[b - 1] == 0x20 || u[b - 1] == 0x09 || u[b - 1] == 0x0D { b -= 1 }
    if a == 0 && b == u.count { return self }
    return String(decoding: u[a..<b], as: UTF8.self)
  }
}
