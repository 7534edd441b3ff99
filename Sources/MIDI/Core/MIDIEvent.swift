/// A MIDI channel-voice, system-exclusive or meta event (SMF 1.0). Timing lives outside, in `TimedMIDIEvent`.
public enum MIDIEvent: Hashable, Sendable {
  /// Note Off (status 0x8n).
  case noteOff(channel: MIDIChannel, note: UInt7, velocity: UInt7)
  /// Note On (status 0x9n). Velocity 0 means note off (see `isNoteEnd`).
  case noteOn(channel: MIDIChannel, note: UInt7, velocity: UInt7)
  /// Polyphonic Key Pressure (status 0xAn).
  case polyPressure(channel: MIDIChannel, note: UInt7, pressure: UInt7)
  /// Control Change (status 0xBn), including channel-mode messages 120…127.
  case controlChange(channel: MIDIChannel, controller: UInt7, value: UInt7)
  /// Program Change (status 0xCn), program 0…127 (General MIDI program number minus one).
  case programChange(channel: MIDIChannel, program: UInt7)
  /// Channel Pressure (status 0xDn).
  case channelPressure(channel: MIDIChannel, pressure: UInt7)
  /// Pitch bend, 0…16383, centre 8192.
  case pitchBend(channel: MIDIChannel, value: UInt16)
  /// A system-exclusive message. `bytes` excludes the leading 0xF0 (or 0xF7 for an escape) and includes the final
  /// 0xF7 when present.
  case sysEx(escape: Bool, bytes: [UInt8])
  /// An SMF meta event (0xFF); never sent to a device.
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

  /// The note number of a note-on, note-off or poly-pressure event.
  public var note: UInt7? {
    switch self {
    case .noteOn(_, let n, _), .noteOff(_, let n, _), .polyPressure(_, let n, _): return n
    default: return nil
    }
  }
}
