/// Decodes Standard MIDI File bytes (SMF 1.0) into a `MIDISequence`; never traps on any input.
///
/// Lenient where real files differ from the letter of SMF 1.0: chunks with unknown printable ids are skipped,
/// running status survives meta and sysex events, a track may end without an end-of-track event, bytes after
/// the end-of-track event or after the last declared track are ignored.
struct SMFReader {
  private let bytes: [UInt8]

  init(bytes: [UInt8]) { self.bytes = bytes }

  private static let headerID: [UInt8] = Array("MThd".utf8)
  private static let trackID: [UInt8] = Array("MTrk".utf8)

  func decode() throws(MIDIFileError) -> MIDISequence {
    let count = bytes.count
    // MThd chunk.
    let idLength = min(4, count)
    let id = Array(bytes[0..<idLength])
    guard id == Array(Self.headerID[0..<idLength]) else {
      throw .badChunkID(found: id, expected: "MThd", track: nil, offset: 0)
    }
    guard count >= 8 else { throw .truncatedHeader(offset: count) }
    let headerLength = Int(readUInt32(at: 4))
    guard headerLength >= 6 else { throw .invalidHeaderLength(headerLength, offset: 4) }
    guard count - 8 >= headerLength else { throw .truncatedHeader(offset: count) }
    let format = Int(readUInt16(at: 8))
    guard format <= 2 else { throw .unsupportedFormat(format, offset: 8) }
    let declaredTracks = Int(readUInt16(at: 10))
    let division = readUInt16(at: 12)
    guard division & 0x8000 == 0, division != 0 else { throw .unsupportedTimeDivision(division, offset: 12) }

    var position = 8 + headerLength
    var tracks: [MIDITrack] = []
    while tracks.count < declaredTracks {
      let track = tracks.count
      guard position < count else { throw .missingTrack(track: track, declared: declaredTracks, offset: position) }
      guard count - position >= 8 else { throw .truncatedChunkHeader(track: track, offset: position) }
      let chunkID = Array(bytes[position..<position + 4])
      let length = Int(readUInt32(at: position + 4))
      let available = count - position - 8
      let isTrack = chunkID == Self.trackID
      guard isTrack || chunkID.allSatisfy({ (0x20...0x7E).contains($0) }) else {
        throw .badChunkID(found: chunkID, expected: "MTrk", track: track, offset: position)
      }
      guard length <= available else {
        throw .chunkLengthPastEnd(track: track, offset: position, length: length, available: available)
      }
      let start = position + 8
      position = start + length
      if isTrack { tracks.append(try decodeTrack(track, from: start, to: position)) }
    }
    return MIDISequence(format: format, ppq: Int(division), tracks: tracks)
  }

  /// Decodes the events in `bytes[start..<end]`, the data of track chunk number `track`.
  private func decodeTrack(_ track: Int, from start: Int, to end: Int) throws(MIDIFileError) -> MIDITrack {
    var events: [TimedMIDIEvent] = []
    var p = start
    var tick = 0
    var runningStatus: UInt8?
    while p < end {
      let eventStart = p
      let delta = try readVariableLength(&p, end: end, track: track, eventStart: eventStart)
      tick += delta
      guard p < end else { throw .truncatedTrack(track: track, offset: eventStart, chunkEnd: end) }
      var status = bytes[p]
      if status < 0x80 {
        guard let running = runningStatus else { throw .runningStatusWithoutStatus(track: track, offset: p) }
        status = running
      } else {
        p += 1
      }
      switch status {
      case 0x80...0xEF:
        runningStatus = status
        let dataCount = (status & 0xF0 == 0xC0 || status & 0xF0 == 0xD0) ? 1 : 2
        var data: (UInt8, UInt8) = (0, 0)
        for i in 0..<dataCount {
          guard p < end else { throw .truncatedTrack(track: track, offset: eventStart, chunkEnd: end) }
          let byte = bytes[p]
          guard byte < 0x80 else { throw .missingDataByte(track: track, offset: p, status: status) }
          if i == 0 { data.0 = byte } else { data.1 = byte }
          p += 1
        }
        events.append(TimedMIDIEvent(tick: tick, Self.channelEvent(status: status, data.0, data.1)))
      case 0xFF:
        guard p < end else { throw .truncatedTrack(track: track, offset: eventStart, chunkEnd: end) }
        let type = bytes[p]
        p += 1
        let payload = try readPayload(&p, end: end, track: track, eventStart: eventStart)
        let meta = Self.metaEvent(type: type, payload)
        events.append(TimedMIDIEvent(tick: tick, .meta(meta)))
        if meta == .endOfTrack { return MIDITrack(events: events) }
      case 0xF0, 0xF7:
        let payload = try readPayload(&p, end: end, track: track, eventStart: eventStart)
        events.append(TimedMIDIEvent(tick: tick, .sysEx(escape: status == 0xF7, bytes: payload)))
      default:
        throw .unexpectedStatus(status, track: track, offset: p - 1)
      }
    }
    return MIDITrack(events: events)
  }

  /// Reads a variable-length quantity (at most 4 bytes, ≤ 0x0FFFFFFF) at `p`, advancing it.
  private func readVariableLength(_ p: inout Int, end: Int, track: Int, eventStart: Int) throws(MIDIFileError) -> Int {
    let start = p
    var value = 0
    for _ in 0..<4 {
      guard p < end else { throw .truncatedTrack(track: track, offset: eventStart, chunkEnd: end) }
      let byte = bytes[p]
      p += 1
      value = value << 7 | Int(byte & 0x7F)
      if byte < 0x80 { return value }
    }
    throw .invalidVariableLengthQuantity(track: track, offset: start)
  }

  /// Reads a length-prefixed payload (meta or sysex data) at `p`, advancing it.
  private func readPayload(_ p: inout Int, end: Int, track: Int, eventStart: Int) throws(MIDIFileError) -> [UInt8] {
    let length = try readVariableLength(&p, end: end, track: track, eventStart: eventStart)
    guard length <= end - p else { throw .truncatedTrack(track: track, offset: eventStart, chunkEnd: end) }
    let payload = Array(bytes[p..<p + length])
    p += length
    return payload
  }

  private static func channelEvent(status: UInt8, _ a: UInt8, _ b: UInt8) -> MIDIEvent {
    let channel = MIDIChannel(lowNibbleOf: status)
    switch status & 0xF0 {
    case 0x80: return .noteOff(channel: channel, note: UInt7(dataByte: a), velocity: UInt7(dataByte: b))
    case 0x90: return .noteOn(channel: channel, note: UInt7(dataByte: a), velocity: UInt7(dataByte: b))
    case 0xA0: return .polyPressure(channel: channel, note: UInt7(dataByte: a), pressure: UInt7(dataByte: b))
    case 0xB0: return .controlChange(channel: channel, controller: UInt7(dataByte: a), value: UInt7(dataByte: b))
    case 0xC0: return .programChange(channel: channel, program: UInt7(dataByte: a))
    case 0xD0: return .channelPressure(channel: channel, pressure: UInt7(dataByte: a))
    default: return .pitchBend(channel: channel, value: UInt16(a & 0x7F) | UInt16(b & 0x7F) << 7)
    }
  }

  /// A known meta event when `type` and the payload length match its definition, `.unknown` otherwise.
  private static func metaEvent(type: UInt8, _ d: [UInt8]) -> MIDIMetaEvent {
    switch (type, d.count) {
    case (0x00, 2): return .sequenceNumber(UInt16(d[0]) << 8 | UInt16(d[1]))
    case (0x01...0x0F, _): return .text(kind: type, bytes: d)
    case (0x20, 1): return .channelPrefix(d[0])
    case (0x21, 1): return .port(d[0])
    case (0x2F, 0): return .endOfTrack
    case (0x51, 3): return .tempo(microsecondsPerQuarter: UInt32(d[0]) << 16 | UInt32(d[1]) << 8 | UInt32(d[2]))
    case (0x54, 5): return .smpteOffset(hours: d[0], minutes: d[1], seconds: d[2], frames: d[3], subframes: d[4])
    case (0x58, 4):
      return .timeSignature(
        numerator: d[0], denominatorPower: d[1], clocksPerClick: d[2], thirtySecondsPerQuarter: d[3])
    case (0x59, 2) where d[1] <= 1: return .keySignature(sharps: Int8(bitPattern: d[0]), minor: d[1] == 1)
    case (0x7F, _): return .sequencerSpecific(d)
    default: return .unknown(type: type, bytes: d)
    }
  }

  private func readUInt16(at i: Int) -> UInt16 { UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) }
  private func readUInt32(at i: Int) -> UInt32 {
    UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
  }
}
