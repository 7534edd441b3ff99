/// Parses chord-symbol text into a `ChordName` (checklist CS-02…CS-06).
public enum ChordNameParser {
  /// Synonyms for chord types (lower-cased lookup after exact lookup).
  static let synonyms: [String: ChordQuality] = [
    "": .major, "maj": .major, "M": .major, "m": .minor, "min": .minor, "mi": .minor, "-": .minor,
    "7": .seventh, "dom7": .seventh, "m7": .minorSeventh, "min7": .minorSeventh, "mi7": .minorSeventh,
    "-7": .minorSeventh, "maj7": .majorSeventh, "M7": .majorSeventh, "Maj7": .majorSeventh, "Δ": .majorSeventh,
    "Δ7": .majorSeventh, "6": .sixth, "m6": .minorSixth, "min6": .minorSixth, "aug": .augmented, "+": .augmented,
    "+5": .augmented, "#5": .augmented, "aug7": .augmentedSeventh, "+7": .augmentedSeventh, "7+": .augmentedSeventh,
    "7#5": .seventhSharpFifth, "dim": .diminished, "o": .diminished, "°": .diminished, "dim7": .diminishedSeventh,
    "o7": .diminishedSeventh, "°7": .diminishedSeventh, "9": .ninth, "m9": .minorNinth, "maj9": .majorNinth,
    "M9": .majorNinth, "11": .eleventh, "13": .thirteenth, "dim9": .diminishedNinth, "sus": .suspended,
    "sus4": .suspended, "sus2": .suspendedSecond, "sus9": .suspendedNinth, "7sus4": .seventhSuspended,
    "7sus": .seventhSuspended, "7sus9": .seventhSuspendedNinth, "7sus2": .seventhSuspendedNinth, "5": .fifth,
    "m7b5": .halfDiminished, "ø": .halfDiminished, "ø7": .halfDiminished, "m7-5": .halfDiminished,
    "mmaj7": .minorMajorSeventh, "mM7": .minorMajorSeventh, "add9": .addNinth, "add2": .addNinth,
    "7b9": .seventhFlatNinth,
    "7#9": .seventhSharpNinth, "7b5": .seventhFlatFifth, "69": .sixNine, "6/9": .sixNine, "m11": .minorEleventh,
  ]

  /// Returns `nil` when the text does not start with a chord root `A`–`G` (CS-05).
  public static func parse(_ text: String) -> ChordName? {
    var s = Substring(text.trimmingABCSpaces())
    var alternate: String? = nil
    if let open = s.firstIndex(of: "("), s.hasSuffix(")") {
      alternate = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
      s = s[..<open]
    }
    guard let first = s.first, let ascii = first.asciiValue, let letter = NoteLetter(ascii: ascii) else { return nil }
    let lowercaseRoot = first.isLowercase
    s = s.dropFirst()
    var acc: Accidental? = nil
    if s.hasPrefix("#") || s.hasPrefix("♯") {
      acc = .sharp
      s = s.dropFirst()
    } else if s.hasPrefix("b") || s.hasPrefix("♭") {
      acc = .flat
      s = s.dropFirst()
    }
    var bass: PitchClass? = nil
    if let slash = s.lastIndex(of: "/") {
      let b = s[s.index(after: slash)...]
      // "6/9" is a type, not a bass.
      if let bf = b.first, let ba = bf.asciiValue, let bl = NoteLetter(ascii: ba) {
        var rest = b.dropFirst()
        var bacc: Accidental? = nil
        if rest.hasPrefix("#") || rest.hasPrefix("♯") {
          bacc = .sharp
          rest = rest.dropFirst()
        } else if rest.hasPrefix("b") || rest.hasPrefix("♭") {
          bacc = .flat
          rest = rest.dropFirst()
        }
        guard rest.isEmpty else { return nil }
        bass = PitchClass(bl, bacc)
        s = s[..<slash]
      }
    }
    let type = String(s)
    let quality = ChordQuality(rawValue: type) ?? synonyms[type]
    return ChordName(
      root: PitchClass(letter, acc), type: type, quality: quality, bass: bass, alternate: alternate,
      rootIsLowercase: lowercaseRoot)
  }
}
