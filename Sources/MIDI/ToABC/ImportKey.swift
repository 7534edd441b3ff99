import ABCParser

/// The key an imported tune is written in: a tonic and a mode, without modifying accidentals (ABC 2.1 §3.1.14 `K:`).
///
/// The key decides the key signature and how pitches are spelled (see `PitchSpeller`).
public struct ImportKey: Hashable, Sendable, CustomStringConvertible {
  public let tonic: PitchClass
  public let mode: Mode
  /// Sharps (positive) or flats (negative) of the signature, −7…7.
  public let fifths: Int

  /// Returns `nil` when the tonic is spelled with a double accidental or the signature would need more than
  /// seven sharps or flats (`G#` major: use `Ab`).
  public init?(tonic: PitchClass, mode: Mode) {
    guard let base = Self.position(of: tonic) else { return nil }
    let fifths = base + mode.fifthsOffset
    guard (-7...7).contains(fifths) else { return nil }
    self.tonic = tonic
    self.mode = mode
    self.fifths = fifths
  }

  /// Reads an ABC key name: a tonic `A`…`G` with an optional `#`/`b` (or `^`/`_`), then an optional mode: `m`,
  /// `min`, `minor`, `maj`, `major`, or the first three letters of a mode name (`Ador`, `D mix`, `E Phrygian`).
  /// Case-insensitive after the tonic letter. `nil` for anything else.
  public init?(parsing text: String) {
    var chars = Array(ImportText.trimmed(text))
    guard let first = chars.first, let ascii = first.asciiValue, let letter = NoteLetter(ascii: ascii) else {
      return nil
    }
    chars.removeFirst()
    var accidental: Accidental?
    if let c = chars.first, c == "#" || c == "^" || c == "♯" {
      accidental = .sharp
      chars.removeFirst()
    } else if let c = chars.first, c == "b" || c == "_" || c == "♭" {
      // "b" is a flat unless it starts a word ("Bbmin" is B-flat minor; no mode name starts with b).
      accidental = .flat
      chars.removeFirst()
    }
    let word = ImportText.trimmed(String(chars)).lowercased()
    let mode: Mode
    switch word {
    case "", "maj", "major", "ion", "ionian": mode = .ionian
    case "m", "min", "minor", "aeo", "aeolian": mode = .aeolian
    default:
      guard word.count >= 3, let found = Mode.allCases.first(where: { $0.rawValue.hasPrefix(word.prefix(3)) }),
        found.rawValue.hasPrefix(word)
      else { return nil }
      mode = found
    }
    self.init(tonic: PitchClass(letter, accidental), mode: mode)
  }

  /// C major.
  public static let cMajor = ImportKey(uncheckedTonic: PitchClass(.c), mode: .ionian, fifths: 0)

  private init(uncheckedTonic tonic: PitchClass, mode: Mode, fifths: Int) {
    self.tonic = tonic
    self.mode = mode
    self.fifths = fifths
  }

  /// The usual major (`minor == false`) or minor key on a pitch class 0…11, spelled with at most six sharps or
  /// flats: C G D A E B F# / F Bb Eb Ab Db major; A E B F# C# G# / D G C F Bb Eb minor.
  public static func conventional(tonicSemitone pc: Int, minor: Bool) -> ImportKey {
    let majorFifths = [0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5]
    let minorFifths = [-3, 4, -1, -6, 1, -4, 3, -2, 5, 0, -5, 2]
    let p = ((pc % 12) + 12) % 12
    let f = minor ? minorFifths[p] : majorFifths[p]
    let tonicPosition = minor ? f + 3 : f
    return ImportKey(
      uncheckedTonic: Self.pitchClass(atPosition: tonicPosition), mode: minor ? .aeolian : .ionian, fifths: f)
  }

  /// Semitones of the signature's alteration for each letter (F C G D A E B get +1 with sharps, B E A D G C F −1
  /// with flats).
  public func signatureAlteration(of letter: NoteLetter) -> Int {
    let order: [NoteLetter] = [.f, .c, .g, .d, .a, .e, .b]
    guard let index = order.firstIndex(of: letter) else { return 0 }
    if fifths > 0 { return index < fifths ? 1 : 0 }
    if fifths < 0 { return index >= 7 + fifths ? -1 : 0 }
    return 0
  }

  /// `true` for modes with a minor third (aeolian, dorian, phrygian, locrian).
  public var isMinorLike: Bool { [.aeolian, .dorian, .phrygian, .locrian].contains(mode) }

  /// The `K:` value: `G`, `Em`, `Bb`, `F#m`, `Ador`, `Dmix`.
  public var description: String {
    let suffix: String
    switch mode {
    case .ionian: suffix = ""
    case .aeolian: suffix = "m"
    default: suffix = String(mode.rawValue.prefix(3))
    }
    return tonic.description + suffix
  }

  /// Position on the line of fifths (F −1, C 0, G 1 … B 5; sharps +7, flats −7); `nil` for double accidentals.
  static func position(of pc: PitchClass) -> Int? {
    let base = [0, 2, 4, -1, 1, 3, 5][pc.letter.rawValue]
    switch pc.accidental {
    case nil, .natural?: return base
    case .sharp?: return base + 7
    case .flat?: return base - 7
    default: return nil
    }
  }

  /// The pitch class at a line-of-fifths position −15…19 (single accidentals only; clamped outside).
  static func pitchClass(atPosition position: Int) -> PitchClass {
    let p = min(12, max(-8, position))
    let naturals: [NoteLetter] = [.f, .c, .g, .d, .a, .e, .b]  // positions -1…5
    let index = ((p + 1) % 7 + 7) % 7
    let shift = (p + 1 - index) / 7  // -1 flat, 0 natural, 1 sharp
    let accidental: Accidental? = shift > 0 ? .sharp : shift < 0 ? .flat : nil
    return PitchClass(naturals[index], accidental)
  }
}
