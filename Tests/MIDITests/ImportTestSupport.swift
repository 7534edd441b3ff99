import ABCParser
import Foundation
import MIDI

/// Hand-made sequences for the importer tests.
enum ImportFixtures {
  /// A note in ticks: pitch, start and end.
  typealias Note = (pitch: Int, start: Int, end: Int)

  /// A format 1 sequence: track 0 holds the tempo and time signature, track 1 the notes on channel 1.
  static func sequence(
    _ notes: [Note], ppq: Int = 480, timeSignature: (numerator: Int, denominator: Int)? = (4, 4),
    microsecondsPerQuarter: Int? = 500_000, trackName: String? = nil, channel: Int = 0
  ) -> MIDISequence {
    var conductor: [TimedMIDIEvent] = []
    if let us = microsecondsPerQuarter {
      conductor.append(TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: UInt32(us)))))
    }
    if let ts = timeSignature {
      var power = 0
      while 1 << power < ts.denominator { power += 1 }
      conductor.append(
        TimedMIDIEvent(
          tick: 0,
          .meta(
            .timeSignature(
              numerator: UInt8(ts.numerator), denominatorPower: UInt8(power), clocksPerClick: 24,
              thirtySecondsPerQuarter: 8))))
    }
    return MIDISequence(
      format: 1, ppq: ppq,
      tracks: [MIDITrack(events: conductor), track(notes, name: trackName, channel: channel)])
  }

  /// A track holding `notes` on `channel`, velocity 80.
  static func track(_ notes: [Note], name: String? = nil, channel: Int = 0) -> MIDITrack {
    var events: [TimedMIDIEvent] = []
    if let name { events.append(TimedMIDIEvent(tick: 0, .meta(.text(MIDIMetaEvent.trackNameKind, name)))) }
    for n in notes {
      events.append(
        TimedMIDIEvent(tick: n.start, .noteOn(channel: MIDIChannel(channel), note: UInt7(n.pitch), velocity: 80)))
      events.append(
        TimedMIDIEvent(tick: n.end, .noteOff(channel: MIDIChannel(channel), note: UInt7(n.pitch), velocity: 0)))
    }
    return MIDITrack(events: events).normalized()
  }

  /// Consecutive notes of equal length `ticks` from tick `start`.
  static func run(_ pitches: [Int], ticks: Int, from start: Int = 0) -> [Note] {
    pitches.enumerated().map { (i, p) in (p, start + i * ticks, start + (i + 1) * ticks) }
  }

  /// The tune body: everything after the `K:` line.
  static func body(_ abc: String) -> String {
    guard let range = abc.range(of: "\nK:") else { return abc }
    let rest = abc[range.upperBound...]
    guard let newline = rest.firstIndex(of: "\n") else { return "" }
    return String(rest[rest.index(after: newline)...])
  }

  /// The header line starting with `field` (`"M:"`), without the field name.
  static func header(_ abc: String, _ field: String) -> String? {
    abc.split(separator: "\n").first { $0.hasPrefix(field) }.map { String($0.dropFirst(field.count)) }
  }
}
