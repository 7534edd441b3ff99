/// A note: accidental, letter, octave marks, length and tie (ABC 2.1 §4.1–4.4, §4.11; checklist N-, A-, D-).
public struct Note: Hashable, Sendable {
  /// The written accidental, if any.
  public var accidental: Accidental?
  /// Exact spelling of the accidental (`^`, `__`, `^/`…), `""` when none.
  public var accidentalText: String
  /// The letter, `C`…`B`.
  public var letter: NoteLetter
  /// `true` for `c`…`b` (the octave above middle C).
  public var isLowercase: Bool
  /// Exact octave marks as written (`,,`, `'`, even `,'`), `""` when none.
  public var octaveText: String
  /// The length multiplier as written, relative to the unit note length `L:` (`A3/2` → 3/2, `A/` → 1/2).
  /// Broken rhythm, tuplets and chord outer lengths are *not* applied here.
  public var length: NoteLength
  /// Exact spelling of the length (`3/2`, `/`, `//`, `3/`, `""`).
  public var lengthText: String
  /// `-` (or dotted `.-`) after the note: tied to the next note of the same pitch.
  public var tie: Tie?
  public var range: SourceRange

  public init(
    accidental: Accidental? = nil, accidentalText: String = "", letter: NoteLetter, isLowercase: Bool = false,
    octaveText: String = "", length: NoteLength = .one, lengthText: String = "", tie: Tie? = nil,
    range: SourceRange = SourceRange(at: .start)
  ) {
    self.accidental = accidental
    self.accidentalText = accidentalText
    self.letter = letter
    self.isLowercase = isLowercase
    self.octaveText = octaveText
    self.length = length
    self.lengthText = lengthText
    self.tie = tie
    self.range = range
  }

  /// Octave relative to middle C's octave: `C` 0, `c` 1, `C,` −1, `c'` 2 (each `,` −1, each `'` +1).
  public var octave: Int {
    var o = isLowercase ? 1 : 0
    for u in octaveText.utf8 {
      if u == UInt8(ascii: ",") { o -= 1 } else if u == UInt8(ascii: "'") { o += 1 }
    }
    return o
  }

  /// Diatonic position counted from middle C (`C` = 0, `D` = 1, `c` = 7, `B,` = −1); used by transposing macros
  /// and tie checks.
  public var diatonicIndex: Int { octave * 7 + letter.step }

  /// Written pitch as a MIDI number (middle C = 60) from letter, octave and the *written* accidental only
  /// (no key signature, no bar accidentals, no transposition; microtones round towards zero).
  public var writtenMIDIPitch: Int { 60 + octave * 12 + letter.semitone + (accidental?.wholeSemitones ?? 0) }

  public var location: SourceLocation { range.start }
}

/// A tie mark `-` or dotted tie `.-` (ABC 2.1 §4.11).
public struct Tie: Hashable, Sendable {
  /// `.-`: typesetting only.
  public var isDotted: Bool
  public var range: SourceRange
  public init(isDotted: Bool = false, range: SourceRange = SourceRange(at: .start)) {
    self.isDotted = isDotted
    self.range = range
  }
  public var location: SourceLocation { range.start }
}
