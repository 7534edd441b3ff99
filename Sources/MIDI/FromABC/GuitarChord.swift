import ABCParser

/// A chord symbol as the accompaniment plays it (abc2midi's model, ABC reference §12.6, CS-02…CS-06).
struct GuitarChord: Hashable {
  /// Root as semitones above C, from the letter and its accidentals without wrapping (`B#` is 12, `Cb` is −1, as in
  /// abc2midi).
  var root: Int
  /// Semitones above the root, root first (`[0, 4, 7]` for a major triad).
  var intervals: [Int]
  /// Slash bass (`"Am7/G"`), semitones above C, `nil` when none.
  var bass: Int?
  /// A lower-case root (`"g"`): abc2midi plays the bass note only.
  var bassOnly: Bool

  /// The chord notes in close position above `base` (48 = C3 by default): root position, or an inversion that puts
  /// the slash note lowest when it is a chord tone (CS-03; abc2midi's `configure_gchord`).
  func chordNotes(base: Int) -> [Int] {
    var inversionIndex = 0
    if let bass {
      for (j, interval) in intervals.enumerated() where (root + interval - bass) % 12 == 0 { inversionIndex = j }
    }
    return intervals.enumerated().map { j, interval in base + root + interval + (j < inversionIndex ? 12 : 0) }
  }

  /// The bass note above `base` (36 = C2 by default): the slash note when given, else the root.
  func bassNote(base: Int) -> Int { base + (bass ?? root) }

  /// abc2midi's chord-type table (`store.c`, `setup_chordnames`), with `sus4` as 0 5 7 (abc2midi plays a major
  /// triad for it, which contradicts every chord dictionary; a documented deviation).
  static let abc2midiTypes: [String: [Int]] = [
    "": [0, 4, 7], "m": [0, 3, 7], "7": [0, 4, 7, 10], "m7": [0, 3, 7, 10], "m7b5": [0, 3, 6, 10],
    "maj7": [0, 4, 7, 11], "M7": [0, 4, 7, 11], "6": [0, 4, 7, 9], "m6": [0, 3, 7, 9], "aug": [0, 4, 8],
    "+": [0, 4, 8], "aug7": [0, 4, 8, 10], "dim": [0, 3, 6], "dim7": [0, 3, 6, 9], "9": [0, 4, 7, 10, 14],
    "m9": [0, 3, 7, 10, 14], "maj9": [0, 4, 7, 11, 14], "M9": [0, 4, 7, 11, 14], "11": [0, 4, 7, 10, 14, 17],
    "dim9": [0, 3, 6, 9, 13], "sus": [0, 5, 7], "sus4": [0, 5, 7], "sus9": [0, 2, 7], "sus2": [0, 2, 7],
    "7sus2": [0, 2, 7, 10], "7sus4": [0, 5, 7, 10], "7sus9": [0, 2, 7, 10], "5": [0, 7],
  ]

  /// Reads chord-symbol text the way abc2midi does, for symbols the parser does not take as a chord name (the
  /// Nottingham corpus writes bass notes as `"D/f+"`): a root `A`–`G` (`a`–`g`: bass only) with `#`/`b`, a type up
  /// to a space, `(`, `/` or `)`, then `/` and a bass letter with `#`/`b`; anything after the bass letter is
  /// ignored. `nil` when the text does not start with a note letter (an annotation such as `"Fine"`).
  static func resolve(text: String, custom: [String: [Int]]) -> (chord: GuitarChord, known: Bool)? {
    var chars = Array(text)[...]
    if chars.first == "(" { chars.removeFirst() }
    func letter() -> (semitone: Int, lowercase: Bool)? {
      guard let c = chars.first, let ascii = c.asciiValue, let l = NoteLetter(ascii: ascii),
        "ABCDEFGabcdefg".contains(c)
      else { return nil }
      chars.removeFirst()
      var shift = 0
      var count = 0
      while let a = chars.first, a == "#" || a == "b", count < 2 {
        shift += a == "#" ? 1 : -1
        count += 1
        chars.removeFirst()
      }
      return (l.semitone + shift, c.isLowercase)
    }
    guard let root = letter() else { return nil }
    var type = ""
    while let c = chars.first, c != " ", c != "(", c != "/", c != ")", type.count < 9 {
      type.append(c)
      chars.removeFirst()
    }
    var bass: Int?
    if chars.first == "/" {
      chars.removeFirst()
      bass = letter()?.semitone
    }
    let intervals = custom[type] ?? abc2midiTypes[type]
    return (
      GuitarChord(root: root.semitone, intervals: intervals ?? [0, 4, 7], bass: bass, bassOnly: root.lowercase),
      intervals != nil
    )
  }

  /// Resolves a parsed chord name: `%%MIDI chordname` definitions first, then abc2midi's table, then the types the
  /// parser knows (`13`, `7b9`, `m11` …). `nil` intervals mean the type is unknown (the caller plays a major triad
  /// and warns, as abc2midi does).
  static func resolve(_ name: ChordName, custom: [String: [Int]]) -> (chord: GuitarChord, known: Bool) {
    let root = name.root.letter.semitone + (name.root.accidental?.wholeSemitones ?? 0)
    let bass = name.bass.map { $0.letter.semitone + ($0.accidental?.wholeSemitones ?? 0) }
    let intervals = custom[name.type] ?? abc2midiTypes[name.type] ?? name.quality?.semitones
    return (
      GuitarChord(root: root, intervals: intervals ?? [0, 4, 7], bass: bass, bassOnly: name.rootIsLowercase),
      intervals != nil
    )
  }
}
