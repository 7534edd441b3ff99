/// Encodes a `MIDISequence` as Standard MIDI File bytes (SMF 1.0): normalized tracks (see `MIDITrack.normalized()`),
/// no running status, note-on velocity 0 kept as written.
struct SMFWriter {
  /// The largest delta time or data length an SMF variable-length quantity holds.
  static let maxVariableLength = 0x0FFF_FFFF

  func encode(_ sequence: MIDISequence) throws(MIDIFileError) -> [UInt8] {
    guard (0...2).contains(sequence.format) else { throw .unwritableFormat(sequence.format) }
    guard (1...0x7FFF).contains(sequence.ppq) else { throw .ppqOutOfRange(sequence.ppq) }
    guard sequence.tracks.count <= 0xFFFF else { throw .tooManyTracks(sequence.tracks.count) }
    if sequence.format == 0, sequence.tracks.count != 1 {
      throw .formatZeroNeedsOneTrack(trackCount: sequence.tracks.count)
    }
    for (index, track) in sequence.tracks.enumerated() { try Self.validate(track, index: index) }

    var out: [UInt8] = Array("MThd".utf8)
    Self.append32(6, to: &out)
    Self.append16(sequence.format, to: &out)
    Self.append16(sequence.tracks.count, to: &out)
    Self.append16(sequence.ppq, to: &out)
    out.reserveCapacity(out.count + sequence.tracks.reduce(0) { $0 + 8 + $1.events.count * 4 + 4 })
    for (index, track) in sequence.tracks.enumerated() {
      // The track body goes straight into `out`; its length is filled in once it is known.
      out += Array("MTrk".utf8)
      let lengthAt = out.count
      Self.append32(0, to: &out)
      var previous = 0
      for timed in track.normalized().events {
        let delta = timed.tick - previous
        guard delta <= Self.maxVariableLength else { throw .tickGapTooLarge(track: index, tick: timed.tick) }
        Self.appendVariableLength(delta, to: &out)
        Self.append(timed.event, to: &out)
        previous = timed.tick
      }
      let length = out.count - lengthAt - 4
      guard length <= Int(UInt32.max) else {
        throw .valueOutOfRange(
          track: index, tick: previous, field: "track length", value: length, allowed: "up to 4294967295 bytes")
      }
      for (k, shift) in [24, 16, 8, 0].enumerated() { out[lengthAt + k] = UInt8(length >> shift & 0xFF) }
    }
    return out
  }

  /// Checks every value the SMF cannot hold, naming the track and tick of the first bad event.
  private static func validate(_ track: MIDITrack, index: Int) throws(MIDIFileError) {
    for timed in track.events {
      let tick = timed.tick
      guard tick >= 0 else { throw .negativeTick(track: index, tick: tick) }
      func check(_ field: String, _ value: Int, _ range: ClosedRange<Int>, _ allowed: String) throws(MIDIFileError) {
        guard range.contains(value) else {
          throw .valueOutOfRange(track: index, tick: tick, field: field, value: value, allowed: allowed)
        }
      }
      let lengthAllowed = "up to 268435455 bytes"
      switch timed.event {
      case .pitchBend(_, let value): try check("pitch bend", Int(value), 0...0x3FFF, "0…16383")
      case .sysEx(_, let bytes): try check("sysex length", bytes.count, 0...maxVariableLength, lengthAllowed)
      case .meta(.tempo(let us)): try check("tempo", Int(us), 1...0xFF_FFFF, "1…16777215 µs per quarter note")
      case .meta(.text(let kind, let bytes)):
        try check("text meta type", Int(kind), 0x01...0x0F, "0x01…0x0F")
        try check("text length", bytes.count, 0...maxVariableLength, lengthAllowed)
      case .meta(.sequencerSpecific(let bytes)):
        try check("sequencer-specific length", bytes.count, 0...maxVariableLength, lengthAllowed)
      case .meta(.unknown(let type, let bytes)):
        try check("meta length", bytes.count, 0...maxVariableLength, lengthAllowed)
        if type == 0x2F, bytes.isEmpty {
          throw .valueOutOfRange(
            track: index, tick: tick, field: "unknown meta type", value: 0x2F,
            allowed: "any type but 0x2F with no data, which is `.endOfTrack`")
        }
      default: break
      }
    }
  }

  private static func append(_ event: MIDIEvent, to out: inout [UInt8]) {
    switch event {
    case .noteOff(let c, let n, let v): append3(0x80 | c.value, n.value, v.value, to: &out)
    case .noteOn(let c, let n, let v): append3(0x90 | c.value, n.value, v.value, to: &out)
    case .polyPressure(let c, let n, let p): append3(0xA0 | c.value, n.value, p.value, to: &out)
    case .controlChange(let c, let k, let v): append3(0xB0 | c.value, k.value, v.value, to: &out)
    case .programChange(let c, let p):
      out.append(0xC0 | c.value)
      out.append(p.value)
    case .channelPressure(let c, let p):
      out.append(0xD0 | c.value)
      out.append(p.value)
    case .pitchBend(let c, let value): append3(0xE0 | c.value, UInt8(value & 0x7F), UInt8(value >> 7 & 0x7F), to: &out)
    case .sysEx(let escape, let bytes):
      out.append(escape ? 0xF7 : 0xF0)
      appendVariableLength(bytes.count, to: &out)
      out += bytes
    case .meta(let meta):
      out.append(0xFF)
      out.append(meta.typeByte)
      switch meta {
      case .text(_, let bytes), .sequencerSpecific(let bytes), .unknown(_, let bytes):
        appendVariableLength(bytes.count, to: &out)
        out += bytes
      default:
        let payload = metaPayload(meta)
        appendVariableLength(payload.count, to: &out)
        out += payload
      }
    }
  }

  private static func metaPayload(_ meta: MIDIMetaEvent) -> [UInt8] {
    switch meta {
    case .sequenceNumber(let n): return [UInt8(n >> 8), UInt8(n & 0xFF)]
    case .text(_, let bytes), .sequencerSpecific(let bytes), .unknown(_, let bytes): return bytes
    case .channelPrefix(let c): return [c]
    case .port(let p): return [p]
    case .endOfTrack: return []
    case .tempo(let us): return [UInt8(us >> 16 & 0xFF), UInt8(us >> 8 & 0xFF), UInt8(us & 0xFF)]
    case .smpteOffset(let h, let m, let s, let f, let sf): return [h, m, s, f, sf]
    case .timeSignature(let n, let d, let c, let b): return [n, d, c, b]
    case .keySignature(let sharps, let minor): return [UInt8(bitPattern: sharps), minor ? 1 : 0]
    }
  }

  private static func append3(_ a: UInt8, _ b: UInt8, _ c: UInt8, to out: inout [UInt8]) {
    out.append(a)
    out.append(b)
    out.append(c)
  }

  /// Appends `value` (0…0x0FFFFFFF) as an SMF variable-length quantity, most significant group first.
  static func appendVariableLength(_ value: Int, to out: inout [UInt8]) {
    var shift = 21
    while shift > 0, value >> shift == 0 { shift -= 7 }
    while shift > 0 {
      out.append(UInt8(value >> shift & 0x7F) | 0x80)
      shift -= 7
    }
    out.append(UInt8(value & 0x7F))
  }

  private static func append16(_ value: Int, to out: inout [UInt8]) {
    out += [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }

  private static func append32(_ value: Int, to out: inout [UInt8]) {
    out += [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }
}
