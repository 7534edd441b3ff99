import Foundation
import MIDI

/// Small MIDI sequences built in code (120 BPM, 480 PPQ: one beat = 0.5 s = 480 ticks).
enum TestSequences {
  /// A note to play: MIDI key, start and length in beats.
  struct Note {
    var key: Int
    var start: Double
    var beats: Double
    var velocity = 100
  }

  /// Format 1: track 0 holds the tempo, track 1 a program change, optional extra events, the notes and end-of-track.
  static func sequence(
    _ notes: [Note], program: Int = 0, channel: Int = 0, bpm: Double = 120, extra: [TimedMIDIEvent] = [],
    endBeats: Double? = nil
  ) -> MIDISequence {
    let ppq = 480
    let ticks = { (beats: Double) in Int((beats * Double(ppq)).rounded()) }
    let ch = MIDIChannel(channel)
    var events: [TimedMIDIEvent] = [TimedMIDIEvent(tick: 0, .programChange(channel: ch, program: UInt7(program)))]
    events += extra
    for note in notes {
      events.append(
        TimedMIDIEvent(
          tick: ticks(note.start), .noteOn(channel: ch, note: UInt7(note.key), velocity: UInt7(note.velocity))))
      events.append(
        TimedMIDIEvent(tick: ticks(note.start + note.beats), .noteOff(channel: ch, note: UInt7(note.key), velocity: 64))
      )
    }
    events.sort { $0.tick < $1.tick }
    let end = max(events.last?.tick ?? 0, endBeats.map(ticks) ?? 0)
    events.append(TimedMIDIEvent(tick: end, .meta(.endOfTrack)))
    let tempo = MIDITrack(events: [
      TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: UInt32((60_000_000 / bpm).rounded())))),
      TimedMIDIEvent(tick: 0, .meta(.endOfTrack)),
    ])
    return MIDISequence(format: 1, ppq: ppq, tracks: [tempo, MIDITrack(events: events)])
  }

  /// One A4 (MIDI 69, 440 Hz) of `beats` beats on `program` (73 = flute: a strong fundamental).
  static func a4(program: Int = 73, beats: Double = 1) -> MIDISequence {
    sequence([Note(key: 69, start: 0, beats: beats)], program: program)
  }

  /// The C major scale C4…C5 (MIDI 60…72), one note per half beat (0.25 s), with a short gap between notes.
  static let cMajorKeys = [60, 62, 64, 65, 67, 69, 71, 72]
  static func cMajorScale(program: Int = 79) -> MIDISequence {
    sequence(cMajorKeys.enumerated().map { Note(key: $1, start: Double($0) * 0.5, beats: 0.45) }, program: program)
  }

  /// Equal-tempered frequency of a MIDI key (A4 = 69 = 440 Hz).
  static func frequency(ofKey key: Int) -> Double { 440 * pow(2, Double(key - 69) / 12) }
}
