/// The notes of one (track, channel) pair of a sequence: the unit the importer chooses a melody from.
public struct MelodyPart: Hashable, Sendable {
  /// 0-based track index (as `studio info` numbers tracks).
  public var track: Int
  public var channel: MIDIChannel
  /// The track's name meta event, if any.
  public var trackName: String?
  /// The part's notes, sorted by start tick.
  public var notes: [MIDINote]

  /// The parts of `sequence` with at least one note, percussion (channel 10) excluded, in (track, channel) order.
  public static func parts(of sequence: MIDISequence) -> [MelodyPart] {
    var byKey: [Int: [MIDINote]] = [:]
    for note in sequence.notes() where !note.channel.isPercussion {
      byKey[note.track << 4 | Int(note.channel.value), default: []].append(note)
    }
    return byKey.keys.sorted().compactMap { key in
      guard let notes = byKey[key] else { return nil }
      let track = key >> 4
      let name = track < sequence.tracks.count ? sequence.tracks[track].name : nil
      return MelodyPart(track: track, channel: MIDIChannel(key & 15), trackName: name, notes: notes)
    }
  }

  /// Words in a track name that mark the melody (compared case-insensitively): melody, vocal, voice, lead, solo,
  /// tune, sing (so also "Melodie", "Singer").
  static let melodyWords = ["melod", "vocal", "voice", "lead", "solo", "tune", "sing"]

  /// `true` when the track name contains one of `melodyWords`.
  public var isNamedMelody: Bool {
    guard let name = trackName?.lowercased() else { return false }
    return Self.melodyWords.contains { name.contains($0) }
  }

  /// Share of notes (0…1) that start within a 64th note of another note of this part: chords, which a melody
  /// rarely has.
  public func chordShare(ppq: Int) -> Double {
    guard notes.count > 1 else { return 0 }
    let tolerance = max(1, ppq / 16)
    var inChord = 0
    for (i, n) in notes.enumerated() {
      let before = i > 0 && n.startTick - notes[i - 1].startTick <= tolerance
      let after = i + 1 < notes.count && notes[i + 1].startTick - n.startTick <= tolerance
      if before || after { inChord += 1 }
    }
    return Double(inChord) / Double(notes.count)
  }

  /// Mean MIDI pitch, weighted by duration in ticks (each note counts at least one tick).
  public var meanPitch: Double {
    var sum = 0.0
    var weight = 0.0
    for n in notes {
      let w = Double(max(1, n.durationTicks))
      sum += Double(n.pitch.int) * w
      weight += w
    }
    return weight > 0 ? sum / weight : 0
  }

  /// The part most likely to hold the melody:
  ///
  /// 1. a part whose track name says so (`isNamedMelody`), the one with most notes among several;
  /// 2. else, among parts with at least a quarter as many notes as the largest, the highest
  ///    `meanPitch − 24 × chordShare` — a melody is usually the top line and rarely plays chords.
  public static func mostLikelyMelody(among parts: [MelodyPart], ppq: Int) -> MelodyPart? {
    let named = parts.filter(\.isNamedMelody)
    if let best = named.max(by: { $0.notes.count < $1.notes.count }) { return best }
    let most = parts.map(\.notes.count).max() ?? 0
    let candidates = parts.filter { 4 * $0.notes.count >= most }
    return candidates.max { a, b in
      a.melodyScore(ppq: ppq) < b.melodyScore(ppq: ppq)
    }
  }

  func melodyScore(ppq: Int) -> Double { meanPitch - 24 * chordShare(ppq: ppq) }
}
