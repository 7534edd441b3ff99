/// A `Q:` value (ABC 2.1 §3.1.8; checklist Q-01…Q-07).
public struct Tempo: Hashable, Sendable {
  /// Beat lengths in whole notes, added together (`Q:1/4 3/8=40`); empty when no beat is given.
  public var beats: [NoteLength]
  /// Beats per minute, `nil` for a text-only tempo.
  public var bpm: Int?
  /// Quoted text before or after (`"Allegro"`), `nil` when none.
  public var text: String?
  /// Legacy forms (LEG, Q-05): `Q:120` (beats empty, read as quarter notes) or `Q:C3=120` (`unitMultiple` = 3: the
  /// beat is 3 unit lengths).
  public var legacyForm: LegacyForm?

  /// Which legacy spelling was used.
  public enum LegacyForm: Hashable, Sendable {
    /// `Q:120`: quarter notes per minute (abc2midi's reading).
    case bareNumber
    /// `Q:C=120`, `Q:C3=120`: the beat is this many unit note lengths.
    case unitMultiple(NoteLength)
  }

  public init(beats: [NoteLength] = [], bpm: Int? = nil, text: String? = nil, legacyForm: LegacyForm? = nil) {
    self.beats = beats
    self.bpm = bpm
    self.text = text
    self.legacyForm = legacyForm
  }

  /// The beat as one length in whole notes (sum of `beats`; 1/4 for a bare number; unit × multiple for `C3=`);
  /// `nil` when no number is given.
  public func beatLength(unitLength: NoteLength) -> NoteLength? {
    guard bpm != nil else { return nil }
    switch legacyForm {
    case .bareNumber?: return NoteLength(1, 4)
    case .unitMultiple(let m)?: return unitLength * m
    case nil:
      if beats.isEmpty { return NoteLength(1, 4) }
      return beats.reduce(NoteLength.zero, +)
    }
  }

  /// Quarter notes per minute, or `nil` for a text-only tempo. Text-only tempos with a known tempo word
  /// (`"Allegro"`) give that word's value.
  public func quarterNotesPerMinute(unitLength: NoteLength) -> Double? {
    if let bpm, let beat = beatLength(unitLength: unitLength) {
      return Double(bpm) * beat.doubleValue * 4
    }
    if let text, let v = Tempo.wordTempo(text) { return Double(v) }
    return nil
  }

  /// abc2midi's tempo words (case-insensitive; the first word of `text` counts).
  public static func wordTempo(_ text: String) -> Int? {
    let word = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," }).first.map(String.init) ?? ""
    let table: [String: Int] = [
      "larghissimo": 40, "adagissimo": 44, "lentissimo": 48, "largo": 56, "adagio": 59, "lento": 62,
      "larghetto": 66, "adagietto": 76, "andante": 88, "andantino": 96, "moderato": 104, "allegretto": 112,
      "allegro": 120, "vivace": 168, "vivo": 180, "presto": 192, "allegrissimo": 208, "vivacissimo": 220,
      "prestissimo": 240,
    ]
    return table[word]
  }
}
