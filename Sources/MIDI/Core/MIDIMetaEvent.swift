/// SMF meta events (type byte after 0xFF).
public enum MIDIMetaEvent: Hashable, Sendable {
  /// Type 0x00, two bytes.
  case sequenceNumber(UInt16)
  /// Text-like meta events 0x01…0x0F: 1 text, 2 copyright, 3 track name, 4 instrument, 5 lyric, 6 marker,
  /// 7 cue point.
  case text(kind: UInt8, bytes: [UInt8])
  /// Type 0x20: the MIDI channel (0…15) that following meta and sysex events refer to.
  case channelPrefix(UInt8)
  /// Type 0x21: the output port number.
  case port(UInt8)
  /// Type 0x2F. The SMF writer puts exactly one at the end of every track (see `MIDITrack.normalized()`).
  case endOfTrack
  /// Type 0x51. Microseconds per quarter note (1…16 777 215).
  case tempo(microsecondsPerQuarter: UInt32)
  /// Type 0x54.
  case smpteOffset(hours: UInt8, minutes: UInt8, seconds: UInt8, frames: UInt8, subframes: UInt8)
  /// Type 0x58. `denominatorPower`: 2 → quarter, 3 → eighth.
  case timeSignature(numerator: UInt8, denominatorPower: UInt8, clocksPerClick: UInt8, thirtySecondsPerQuarter: UInt8)
  /// Type 0x59. `sharps` −7…7 (negative = flats).
  case keySignature(sharps: Int8, minor: Bool)
  /// Type 0x7F.
  case sequencerSpecific([UInt8])
  /// Any other type, or a known type whose length does not match its definition; kept byte for byte.
  case unknown(type: UInt8, bytes: [UInt8])

  public static let textKind: UInt8 = 0x01
  public static let copyrightKind: UInt8 = 0x02
  public static let trackNameKind: UInt8 = 0x03
  public static let instrumentKind: UInt8 = 0x04
  public static let lyricKind: UInt8 = 0x05
  public static let markerKind: UInt8 = 0x06
  public static let cuePointKind: UInt8 = 0x07

  /// A text meta event from a Swift string (UTF-8).
  public static func text(_ kind: UInt8, _ string: String) -> MIDIMetaEvent {
    .text(kind: kind, bytes: Array(string.utf8))
  }

  /// The type byte that follows 0xFF in an SMF.
  public var typeByte: UInt8 {
    switch self {
    case .sequenceNumber: return 0x00
    case .text(let kind, _): return kind
    case .channelPrefix: return 0x20
    case .port: return 0x21
    case .endOfTrack: return 0x2F
    case .tempo: return 0x51
    case .smpteOffset: return 0x54
    case .timeSignature: return 0x58
    case .keySignature: return 0x59
    case .sequencerSpecific: return 0x7F
    case .unknown(let type, _): return type
    }
  }

  /// The text of a text-like event decoded as UTF-8 (invalid sequences replaced), `nil` for other events.
  public var textValue: String? {
    if case .text(_, let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
    return nil
  }
}
