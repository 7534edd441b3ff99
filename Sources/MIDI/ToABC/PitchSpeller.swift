import ABCParser

/// Spells MIDI pitches as ABC notes in a key, tracking bar accidentals (ABC 2.1 §4.2, reference A-02…A-05).
///
/// Every pitch class gets one spelling for the whole tune: a letter of the key's scale when it is diatonic, else the
/// sharp or flat spelling nearest the key on the line of fifths (biased towards sharps in minor-like modes, for the
/// raised sixth and seventh, and towards flats in major: C major spells C# Eb F# Ab Bb; A minor spells G#).
///
/// Accidentals are written so that every reading of their scope gives the same pitch: an accidental is written
/// whenever the pitch differs from what the key signature and the earlier accidentals of the bar give, whether
/// those apply to one octave (abc2midi, abcjs) or to all octaves (ABC 2.1's default). After a tied note that
/// carries an accidental into a new bar (whose effect on later notes is read differently by different programs),
/// the next note of that letter always shows its accidental. Call `startBar()` at every bar line.
public struct PitchSpeller: Sendable {
  public let key: ImportKey
  /// Letter and alteration (−1, 0, +1) for each pitch class 0…11.
  private let spelling: [(letter: NoteLetter, alteration: Int)]
  /// Alteration set by an accidental in this bar for a letter in any octave (the "pitch" reading).
  private var byLetter: [NoteLetter: Int] = [:]
  /// Alteration set in this bar for a letter in one octave (the "octave" reading); key `letter.rawValue << 8 | octave`.
  private var byOctave: [Int: Int] = [:]
  /// Letters whose next note must show its accidental.
  private var uncertain: Set<NoteLetter> = []

  public init(key: ImportKey) {
    self.key = key
    let center = Double(key.fifths) + 2 + (key.isMinorLike ? 0.5 : -0.5)
    let naturals: [(NoteLetter, Int)] = [(.f, -1), (.c, 0), (.g, 1), (.d, 2), (.a, 3), (.e, 4), (.b, 5)]
    var table: [(letter: NoteLetter, alteration: Int)] = []
    for pc in 0..<12 {
      var best: (letter: NoteLetter, alteration: Int, distance: Double)?
      for (letter, position) in naturals {
        for alteration in -1...1 where ((letter.semitone + alteration) % 12 + 12) % 12 == pc {
          let distance = abs(Double(position + 7 * alteration) - center)
          if let b = best, b.distance <= distance { continue }
          best = (letter, alteration, distance)
        }
      }
      // Every pitch class has a natural or single-accidental spelling, so `best` is set.
      table.append((best?.letter ?? .c, best?.alteration ?? 0))
    }
    spelling = table
  }

  /// Forgets the accidentals of the bar that ended.
  public mutating func startBar() {
    byLetter.removeAll(keepingCapacity: true)
    byOctave.removeAll(keepingCapacity: true)
    uncertain.removeAll(keepingCapacity: true)
  }

  /// The letter and alteration used for `pitch`.
  public func spell(_ pitch: Int) -> (letter: NoteLetter, alteration: Int) { spelling[((pitch % 12) + 12) % 12] }

  /// The ABC text of `pitch` (accidental if needed, letter, octave marks) and updates the bar state.
  ///
  /// - Parameter continuingTie: the note is the continuation of a tie that crossed the bar line (its accidental does
  ///   not reliably carry to later notes; reference A-04).
  public mutating func write(_ pitch: Int, continuingTie: Bool = false) -> String {
    let (letter, alteration) = spell(pitch)
    // MIDI octave of the written letter (C4 = 60): B#3 sounds C4, Cb5 sounds B4.
    let octave = (pitch - alteration - letter.semitone) / 12 - 1
    let octaveKey = letter.rawValue << 8 | (octave & 0xFF)
    let signature = key.signatureAlteration(of: letter)
    let needsAccidental =
      uncertain.contains(letter) || (byLetter[letter] ?? signature) != alteration
      || (byOctave[octaveKey] ?? signature) != alteration
    var text = ""
    if needsAccidental {
      text += alteration > 0 ? "^" : alteration < 0 ? "_" : "="
      byLetter[letter] = alteration
      byOctave[octaveKey] = alteration
      if continuingTie { uncertain.insert(letter) } else { uncertain.remove(letter) }
    }
    let name = letter.description
    if octave >= 5 {
      text += name.lowercased() + String(repeating: "'", count: octave - 5)
    } else {
      text += name + String(repeating: ",", count: 4 - octave)
    }
    return text
  }
}
