/// A `K:` value: key signature plus clef/transposition parameters (ABC 2.1 §3.1.14; checklist K-01…K-15).
public struct Key: Hashable, Sendable {
  /// What the key part of the field says.
  public enum Root: Hashable, Sendable {
    /// A tonic with a mode (`K:D`, `K:Ador`, `K:F# minor`).
    case tonic(PitchClass, Mode)
    /// `K:none` or an empty `K:`: no key signature.
    case none
    /// `K:HP` (nothing printed) or `K:Hp` (F♯ C♯ printed); both sound F♯ and C♯ (K-07).
    case highlandPipes(printedSignature: Bool)
    /// Only clef parameters were given (`[K:bass]`): the key stays as it was (K-13).
    case unchanged
  }

  public var root: Root
  /// Modifying accidentals (`K:D =c ^g`) or, when `isExplicit`, the whole signature (`K:D exp _b _e`).
  public var accidentals: [KeyAccidental]
  /// `exp`: `accidentals` replace the signature.
  public var isExplicit: Bool
  /// Clef and transposition parameters (also used by `V:`).
  public var clef: ClefParameters

  public init(
    root: Root, accidentals: [KeyAccidental] = [], isExplicit: Bool = false, clef: ClefParameters = ClefParameters()
  ) {
    self.root = root
    self.accidentals = accidentals
    self.isExplicit = isExplicit
    self.clef = clef
  }

  /// C major, no parameters.
  public static let cMajor = Key(root: .tonic(PitchClass(.c), .ionian))

  /// Number of sharps (positive) or flats (negative) of the tonic+mode, before modifying accidentals (K-03);
  /// `nil` for `.none`/`.unchanged`, 2 for Highland pipes. May lie outside −7…7 for odd keys (diagnosed ABC007).
  public var fifths: Int? {
    switch root {
    case .tonic(let pc, let mode):
      return Key.majorFifths(pc).map { $0 + mode.fifthsOffset }
    case .highlandPipes: return 2
    case .none, .unchanged: return nil
    }
  }

  /// Sharps of the major key on `pc` (C 0, G 1 … F −1, Bb −2 …), `nil` for unusual spellings (double accidentals).
  static func majorFifths(_ pc: PitchClass) -> Int? {
    let base: Int
    switch pc.letter {
    case .c: base = 0
    case .g: base = 1
    case .d: base = 2
    case .a: base = 3
    case .e: base = 4
    case .b: base = 5
    case .f: base = -1
    }
    switch pc.accidental {
    case nil, .natural?: return base
    case .sharp?: return base + 7
    case .flat?: return base - 7
    default: return nil
    }
  }

  /// The accidental each letter carries under this key (letters without one are absent). `nil` for `.unchanged`
  /// (the previous key stays). Applies modifying accidentals, or only the explicit list with `exp`.
  public var signature: [NoteLetter: Accidental]? {
    var sig: [NoteLetter: Accidental] = [:]
    if !isExplicit {
      switch root {
      case .unchanged: return nil
      case .none: break
      case .highlandPipes:
        sig[.f] = .sharp
        sig[.c] = .sharp
      case .tonic:
        let n = Swift.max(-7, Swift.min(7, fifths ?? 0))
        let sharpOrder: [NoteLetter] = [.f, .c, .g, .d, .a, .e, .b]
        if n > 0 { for l in sharpOrder.prefix(n) { sig[l] = .sharp } }
        if n < 0 { for l in sharpOrder.reversed().prefix(-n) { sig[l] = .flat } }
      }
    }
    for a in accidentals {
      if a.accidental == .natural && !isExplicit { sig[a.letter] = nil } else { sig[a.letter] = a.accidental }
    }
    return sig
  }

  /// `true` for minor/aeolian (the MIDI key-signature minor flag).
  public var isMinor: Bool {
    if case .tonic(_, let m) = root { return m == .aeolian }
    return false
  }
}

/// A church mode (checklist K-02). `major` = ionian, `minor` = aeolian.
public enum Mode: String, Hashable, Sendable, CaseIterable {
  case ionian, dorian, phrygian, lydian, mixolydian, aeolian, locrian

  public static let major = Mode.ionian
  public static let minor = Mode.aeolian

  /// Sharps added to the major key on the same tonic (K-03).
  public var fifthsOffset: Int {
    switch self {
    case .ionian: return 0
    case .lydian: return 1
    case .mixolydian: return -1
    case .dorian: return -2
    case .aeolian: return -3
    case .phrygian: return -4
    case .locrian: return -5
    }
  }
}

/// An accidental in a key signature (`^f`, `=c`, `_B`) (K-05, K-06).
public struct KeyAccidental: Hashable, Sendable {
  public var accidental: Accidental
  public var letter: NoteLetter
  public init(_ accidental: Accidental, _ letter: NoteLetter) {
    self.accidental = accidental
    self.letter = letter
  }
}

/// Clef and transposition parameters of `K:` and `V:` (checklist K-08…K-12, V-03).
public struct ClefParameters: Hashable, Sendable {
  /// A clef name.
  public enum Clef: String, Hashable, Sendable, CaseIterable {
    case treble, alto, tenor, bass, perc, none
  }
  /// `clef=` name or a bare clef word (`bass`); `nil` when not given. Unknown names are diagnosed and left `nil`.
  public var clef: Clef?
  /// Staff line of the clef (`bass3`, `alto2`).
  public var line: Int?
  /// `+8`/`-8` after the clef (also `^8`/`_8`): sounding octave shift in octaves (+1/−1), 0 when absent.
  public var octaveShift: Int
  /// `transpose=`/`t=` semitones (playback only).
  public var transpose: Int?
  /// `octave=` octaves (shifts written pitches).
  public var octave: Int?
  /// `middle=`/`m=` pitch text.
  public var middle: String?
  /// `stafflines=`.
  public var staffLines: Int?
  /// Other `name=value` parameters in order (app-specific ones keep their `app:` prefix); unknown ones are diagnosed
  /// (ABC008) except `app:` ones.
  public var other: [Parameter]

  /// A `name=value` parameter as written.
  public struct Parameter: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  public init(
    clef: Clef? = nil, line: Int? = nil, octaveShift: Int = 0, transpose: Int? = nil, octave: Int? = nil,
    middle: String? = nil, staffLines: Int? = nil, other: [Parameter] = []
  ) {
    self.clef = clef
    self.line = line
    self.octaveShift = octaveShift
    self.transpose = transpose
    self.octave = octave
    self.middle = middle
    self.staffLines = staffLines
    self.other = other
  }

  /// `true` when nothing was set.
  public var isEmpty: Bool {
    clef == nil && line == nil && octaveShift == 0 && transpose == nil && octave == nil && middle == nil
      && staffLines == nil && other.isEmpty
  }
}
