/// A MIDI channel-voice, system-exclusive or meta event (SMF 1.0). Timing lives outside, in `TimedMIDIEvent`.
public enum MIDIEvent: Hashable, Sendable {
  case noteOff(channel: MIDIChannel, note: UInt7, velocity: UInt7)
  case noteOn(channel: MIDIChannel, note: UInt7, velocity: UInt7)
  case polyPressure(channel: MIDIChannel, note: UInt7, pressure: UInt7)
  case controlChange(channel: MIDIChannel, controller: UInt7, value: UInt7)
  case programChange(channel: MIDIChannel, program: UInt7)
  case channelPressure(channel: MIDIChannel, pressure: UInt7)
  /// Pitch bend, 0…16383, centre 8192.
  case pitchBend(channel: MIDIChannel, value: UInt16)
  /// A system-exclusive message. `bytes` excludes the leading 0xF0 (or 0xF7 for an escape) and includes the final 0xF7 when present.
  case sysEx(escape: Bool, bytes: [UInt8])
  case meta(MIDIMetaEvent)

  /// The channel of a channel-voice event, `nil` for sysex and meta events.
  public var channel: MIDIChannel? {
    switch self {
    case .noteOff(let c, _, _), .noteOn(let c, _, _), .polyPressure(let c, _, _), .controlChange(let c, _, _),
      .programChange(let c, _), .channelPressure(let c, _), .pitchBend(let c, _):
      return c
    case .sysEx, .meta: return nil
    }
  }

  /// True for a note-on with velocity > 0.
  public var isNoteStart: Bool {
    if case .noteOn(_, _, let v) = self, v.value > 0 { return true }
    return false
  }

  /// True for a note-off, or a note-on with velocity 0.
  public var isNoteEnd: Bool {
    switch self {
    case .noteOff: return true
    case .noteOn(_, _, let v): return v.value == 0
    default: return false
    }
  }
}

/// SMF meta events (type byte after 0xFF).
public enum MIDIMetaEvent: Hashable, Sendable {
  case sequenceNumber(UInt16)
  /// Text-like meta events 0x01…0x0F: 1 text, 2 copyright, 3 track name, 4 instrument, 5 lyric, 6 marker, 7 cue point.
  case text(kind: UInt8, bytes: [UInt8])
  case channelPrefix(UInt8)
  case port(UInt8)
  case endOfTrack
  /// Microseconds per quarter note (1…16 777 215).
  case tempo(microsecondsPerQuarter: UInt32)
  case smpteOffset(hours: UInt8, minutes: UInt8, seconds: UInt8, frames: UInt8, subframes: UInt8)
  /// `denominatorPower`: 2 → quarter, 3 → eighth.
  case timeSignature(numerator: UInt8, denominatorPower: UInt8, clocksPerClick: UInt8, thirtySecondsPerQuarter: UInt8)
  /// `sharps` −7…7 (negative = flats).
  case keySignature(sharps: Int8, minor: Bool)
  case sequencerSpecific([UInt8])
  case unknown(type: UInt8, bytes: [UInt8])

  public static let textKind: UInt8 = 0x01
  public static let copyrightKind: UInt8 = 0x02
  public static let trackNameKind: UInt8 = 0x03
  public static let instrumentKind: UInt8 = 0x04
  public static let lyricKind: UInt8 = 0x05
  public static let markerKind: UInt8 = 0x06

  /// A text meta event from a Swift string (UTF-8).
  public static func text(_ kind: UInt8, _ string: String) -> MIDIMetaEvent { .text(kind: kind, bytes: Array(string.utf8)) }
}

/// An event at an absolute tick (ticks from the start of the track, in the sequence's PPQ).
public struct TimedMIDIEvent: Hashable, Sendable {
  public var tick: Int
  public var event: MIDIEvent
  public init(tick: Int, _ event: MIDIEvent) {
    self.tick = tick
    self.event = event
  }
}
