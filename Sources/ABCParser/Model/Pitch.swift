/// A note letter, `C` … `B` (ABC 2.1 §4.1).
public enum NoteLetter: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  case c = 0
  case d, e, f, g, a, b

  /// Semitones above C within one octave: C 0, D 2, E 4, F 5, G 7, A 9, B 11.
  public var semitone: Int { [0, 2, 4, 5, 7, 9, 11][rawValue] }
  /// Diatonic step within the octave, C = 0 … B = 6.
  public var step: Int { rawValue }

  /// Upper-case letter.
  public var description: String { ["C", "D", "E", "F", "G", "A", "B"][rawValue] }

  /// Reads `A`–`G` or `a`–`g`.
  public init?(ascii byte: UInt8) {
    switch byte | 0x20 {
    case UInt8(ascii: "c"): self = .c
    case UInt8(ascii: "d"): self = .d
    case UInt8(ascii: "e"): self = .e
    case UInt8(ascii: "f"): self = .f
    case UInt8(ascii: "g"): self = .g
    case UInt8(ascii: "a"): self = .a
    case UInt8(ascii: "b"): self = .b
    default: return nil
    }
  }
}

/// An accidental written before a note or in a key signature (ABC 2.1 §4.2; microtones: checklist A-09).
public enum Accidental: Hashable, Sendable, CustomStringConvertible {
  /// `^`
  case sharp
  /// `^^`
  case doubleSharp
  /// `_`
  case flat
  /// `__`
  case doubleFlat
  /// `=`
  case natural
  /// `^/`, `_3/4`, …: a microtonal shift in semitones (positive = up), written as a fraction after `^` or `_`
  /// (abc2midi/abcm2ps syntax; `^/` is half a semitone up).
  case microtone(semitones: NoteLength)

  /// Semitone shift relative to the natural note (natural = 0). Microtones give their exact fraction.
  public var semitones: NoteLength {
    switch self {
    case .sharp: return NoteLength(1)
    case .doubleSharp: return NoteLength(2)
    case .flat: return NoteLength(-1)
    case .doubleFlat: return NoteLength(-2)
    case .natural: return .zero
    case .microtone(let s): return s
    }
  }

  /// Whole-semitone shift (microtones round towards zero).
  public var wholeSemitones: Int {
    let s = semitones
    return s.numerator / s.denominator
  }

  /// Canonical ABC spelling (`^`, `^^`, `_`, `__`, `=`, `^1/2`…).
  public var description: String {
    switch self {
    case .sharp: return "^"
    case .doubleSharp: return "^^"
    case .flat: return "_"
    case .doubleFlat: return "__"
    case .natural: return "="
    case .microtone(let s):
      let a = s.numerator < 0 ? -s : s
      return (s.numerator < 0 ? "_" : "^") + a.description
    }
  }
}

/// A pitch class with spelling: letter plus optional accidental (key tonics, chord-symbol roots and basses).
public struct PitchClass: Hashable, Sendable, CustomStringConvertible {
  public var letter: NoteLetter
  /// `.sharp`/`.flat` (also double) or `nil` for a plain letter.
  public var accidental: Accidental?

  public init(_ letter: NoteLetter, _ accidental: Accidental? = nil) {
    self.letter = letter
    self.accidental = accidental
  }

  /// Semitones above C, 0…11 (wraps: `Cb` = 11, `B#` = 0).
  public var semitone: Int {
    let raw = letter.semitone + (accidental?.wholeSemitones ?? 0)
    return ((raw % 12) + 12) % 12
  }

  /// `F#`, `Bb` (chord-symbol spelling).
  public var description: String {
    switch accidental {
    case .sharp?: return "\(letter)#"
    case .flat?: return "\(letter)b"
    case .doubleSharp?: return "\(letter)##"
    case .doubleFlat?: return "\(letter)bb"
    default: return letter.description
    }
  }
}
