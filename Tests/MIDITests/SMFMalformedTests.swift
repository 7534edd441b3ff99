import Testing

@testable import MIDI

@Suite struct SMFMalformedTests {
  /// A valid format 0 header declaring `tracks` tracks at 96 PPQ: 14 bytes, so the first chunk starts at offset 14.
  static func header(tracks: UInt8 = 1) -> [UInt8] {
    [
      0x4D, 0x54, 0x68, 0x64,  // "MThd"
      0x00, 0x00, 0x00, 0x06,  // header length 6
      0x00, 0x00,  // format 0
      0x00, tracks,  // track count
      0x00, 0x60,  // 96 ticks per quarter
    ]
  }

  /// Offset of the first track event: header (14) + "MTrk" (4) + length (4).
  static let firstEvent = 22

  @Test func emptyFileIsATruncatedHeader() {
    #expect(throws: MIDIFileError.truncatedHeader(offset: 0)) { try MIDIFile.decode([]) }
  }

  @Test func truncatedHeader() {
    let bytes: [UInt8] = [
      0x4D, 0x54, 0x68, 0x64,  // "MThd"
      0x00, 0x00, 0x00, 0x06,  // header length 6
      0x00, 0x01,  // format 1, then the file ends
    ]
    #expect(throws: MIDIFileError.truncatedHeader(offset: 10)) { try MIDIFile.decode(bytes) }
    #expect(throws: MIDIFileError.truncatedHeader(offset: 2)) { try MIDIFile.decode([0x4D, 0x54]) }
  }

  @Test func notAMIDIFileIsABadChunkIDAtOffsetZero() {
    let bytes: [UInt8] = Array("RIFF\u{0}\u{0}\u{0}\u{4}RMID".utf8)
    #expect(throws: MIDIFileError.badChunkID(found: Array("RIFF".utf8), expected: "MThd", track: nil, offset: 0)) {
      try MIDIFile.decode(bytes)
    }
  }

  @Test func badTrackChunkID() {
    let bytes =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x00,  // "MTr" + NUL: not a chunk id
        0x00, 0x00, 0x00, 0x04,  // 4 bytes
        0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
      ]
    #expect(throws: MIDIFileError.badChunkID(found: [0x4D, 0x54, 0x72, 0x00], expected: "MTrk", track: 0, offset: 14)) {
      try MIDIFile.decode(bytes)
    }
  }

  @Test func invalidHeaderLengthFormatAndDivision() {
    var bytes = Self.header()
    bytes[7] = 0x05  // header length 5
    #expect(throws: MIDIFileError.invalidHeaderLength(5, offset: 4)) { try MIDIFile.decode(bytes) }
    bytes = Self.header()
    bytes[9] = 0x03  // format 3
    #expect(throws: MIDIFileError.unsupportedFormat(3, offset: 8)) { try MIDIFile.decode(bytes) }
    bytes = Self.header()
    bytes[12] = 0xE7  // SMPTE −25 fps
    bytes[13] = 0x28  // 40 ticks per frame
    #expect(throws: MIDIFileError.unsupportedTimeDivision(0xE728, offset: 12)) { try MIDIFile.decode(bytes) }
    bytes[12] = 0x00
    bytes[13] = 0x00  // 0 ticks per quarter
    #expect(throws: MIDIFileError.unsupportedTimeDivision(0, offset: 12)) { try MIDIFile.decode(bytes) }
  }

  @Test func chunkLengthPastEndOfFile() {
    let bytes =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x01, 0x00,  // 256 bytes declared
        0x00, 0xFF, 0x2F, 0x00,  // only 4 present
      ]
    #expect(throws: MIDIFileError.chunkLengthPastEnd(track: 0, offset: 14, length: 256, available: 4)) {
      try MIDIFile.decode(bytes)
    }
  }

  @Test func missingTrackAndTruncatedChunkHeader() {
    let oneTrack: [UInt8] = [
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
      0x00, 0x00, 0x00, 0x04,  // 4 bytes
      0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
    ]
    #expect(throws: MIDIFileError.missingTrack(track: 1, declared: 2, offset: 26)) {
      try MIDIFile.decode(Self.header(tracks: 2) + oneTrack)
    }
    #expect(throws: MIDIFileError.truncatedChunkHeader(track: 1, offset: 26)) {
      try MIDIFile.decode(Self.header(tracks: 2) + oneTrack + [0x4D, 0x54, 0x72])
    }
  }

  @Test func truncatedTrack() {
    let bytes =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x00, 0x07,  // 7 bytes
        0x00, 0x90, 0x3C, 0x40,  // delta 0, note on C4
        0x60, 0x80, 0x3C,  // delta 96, note off C4 — velocity byte cut off by the chunk end
        0x40,  // (outside the chunk)
      ]
    #expect(throws: MIDIFileError.truncatedTrack(track: 0, offset: 26, chunkEnd: 29)) { try MIDIFile.decode(bytes) }
  }

  @Test func truncatedMetaAndSysexPayloads() {
    let meta =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x00, 0x06,  // 6 bytes
        0x00, 0xFF, 0x03, 0x09, 0x41, 0x42,  // delta 0, track name of 9 bytes — only 2 present
      ]
    #expect(throws: MIDIFileError.truncatedTrack(track: 0, offset: 22, chunkEnd: 28)) { try MIDIFile.decode(meta) }
    let sysex =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x00, 0x03,  // 3 bytes
        0x00, 0xF0, 0x85,  // delta 0, sysex whose length VLQ is cut off
      ]
    #expect(throws: MIDIFileError.truncatedTrack(track: 0, offset: 22, chunkEnd: 25)) { try MIDIFile.decode(sysex) }
  }

  @Test func missingDataByte() {
    let bytes =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x00, 0x0B,  // 11 bytes
        0x00, 0x90, 0x3C,  // delta 0, note on C4 — velocity missing
        0x90, 0x3E, 0x40,  // the next status byte where the velocity belongs (offset 25)
        0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
        0x00,  // padding
      ]
    #expect(throws: MIDIFileError.missingDataByte(track: 0, offset: 25, status: 0x90)) { try MIDIFile.decode(bytes) }
  }

  @Test func runningStatusWithoutAnyStatus() {
    let bytes =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x00, 0x03,  // 3 bytes
        0x00, 0x3C, 0x40,  // delta 0, data bytes with no status before them
      ]
    #expect(throws: MIDIFileError.runningStatusWithoutStatus(track: 0, offset: 23)) { try MIDIFile.decode(bytes) }
  }

  @Test func overlongVariableLengthQuantity() {
    let bytes =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x00, 0x08,  // 8 bytes
        0x80, 0x80, 0x80, 0x80, 0x00,  // a 5-byte delta time
        0xFF, 0x2F, 0x00,  // end of track
      ]
    #expect(throws: MIDIFileError.invalidVariableLengthQuantity(track: 0, offset: 22)) { try MIDIFile.decode(bytes) }
  }

  @Test func systemRealTimeStatusInATrack() {
    let bytes =
      Self.header() + [
        0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
        0x00, 0x00, 0x00, 0x06,  // 6 bytes
        0x00, 0xF8,  // delta 0, timing clock: not allowed in an SMF
        0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
      ]
    #expect(throws: MIDIFileError.unexpectedStatus(0xF8, track: 0, offset: 23)) { try MIDIFile.decode(bytes) }
  }

  @Test func errorsInLaterTracksNameTheTrack() {
    let good: [UInt8] = [
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
      0x00, 0x00, 0x00, 0x04,  // 4 bytes
      0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
    ]
    let bad: [UInt8] = [
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk" at offset 38
      0x00, 0x00, 0x00, 0x02,  // 2 bytes
      0x00, 0x90,  // delta 0, note on cut off
    ]
    #expect(throws: MIDIFileError.truncatedTrack(track: 2, offset: 46, chunkEnd: 48)) {
      try MIDIFile.decode(Self.header(tracks: 3) + good + good + bad)
    }
  }

  @Test func descriptionsNameFileTrackAndOffset() {
    let error = MIDIFileError.inFile(path: "reel.mid", .truncatedTrack(track: 2, offset: 0x1F4, chunkEnd: 0x1F6))
    #expect(
      error.description
        == "reel.mid: error: track 2, byte 0x1F4 (500): truncated track: the event here is cut off by the end of "
        + "the track chunk at byte 0x1F6 (502); the file is damaged")
    #expect(error.underlying == .truncatedTrack(track: 2, offset: 0x1F4, chunkEnd: 0x1F6))
    #expect(MIDIFileError.missingDataByte(track: 0, offset: 25, status: 0x90).description.contains("status 0x90"))
  }

  @Test func readingAMissingFileNamesItOnce() {
    let path = "/nonexistent-dir-\(UInt32.random(in: 0...UInt32.max))/x.mid"
    let error = #expect(throws: MIDIFileError.self) { try MIDIFile.read(path: path) }
    #expect(error?.description == "error: cannot read \(path): No such file or directory (errno 2)")
  }

  @Test func writerRejectsValuesAnSMFCannotHold() {
    func one(_ event: MIDIEvent, tick: Int = 0) -> MIDISequence {
      MIDISequence(format: 1, ppq: 480, tracks: [MIDITrack(), MIDITrack(events: [TimedMIDIEvent(tick: tick, event)])])
    }
    let note = MIDIEvent.noteOn(channel: MIDIChannel(0), note: 60, velocity: 1)
    #expect(throws: MIDIFileError.negativeTick(track: 1, tick: -1)) { try MIDIFile.encode(one(note, tick: -1)) }
    #expect(throws: MIDIFileError.tickGapTooLarge(track: 1, tick: 0x1000_0000)) {
      try MIDIFile.encode(one(note, tick: 0x1000_0000))
    }
    #expect(throws: MIDIFileError.self) { try MIDIFile.encode(one(.meta(.tempo(microsecondsPerQuarter: 0)))) }
    #expect(throws: MIDIFileError.self) { try MIDIFile.encode(one(.meta(.tempo(microsecondsPerQuarter: 1 << 24)))) }
    #expect(throws: MIDIFileError.self) { try MIDIFile.encode(one(.pitchBend(channel: MIDIChannel(0), value: 16384))) }
    #expect(throws: MIDIFileError.self) {
      try MIDIFile.encode(one(.meta(.text(kind: 0x10, bytes: []))))
    }
    #expect(throws: MIDIFileError.self) { try MIDIFile.encode(one(.meta(.unknown(type: 0x2F, bytes: [])))) }
    #expect(throws: MIDIFileError.ppqOutOfRange(0)) { try MIDIFile.encode(MIDISequence(ppq: 0)) }
    #expect(throws: MIDIFileError.ppqOutOfRange(32768)) { try MIDIFile.encode(MIDISequence(ppq: 32768)) }
    #expect(throws: MIDIFileError.unwritableFormat(3)) { try MIDIFile.encode(MIDISequence(format: 3)) }
    #expect(throws: MIDIFileError.formatZeroNeedsOneTrack(trackCount: 0)) {
      try MIDIFile.encode(MIDISequence(format: 0))
    }
  }
}
