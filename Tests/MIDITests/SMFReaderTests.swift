import Testing

@testable import MIDI

@Suite struct SMFReaderTests {
  @Test func readsRunningStatusAndNoteOnVelocityZero() throws {
    let bytes: [UInt8] = [
      0x4D, 0x54, 0x68, 0x64,  // "MThd"
      0x00, 0x00, 0x00, 0x06,  // header length 6
      0x00, 0x00,  // format 0
      0x00, 0x01,  // 1 track
      0x00, 0x60,  // 96 ticks per quarter
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
      0x00, 0x00, 0x00, 0x1D,  // 29 bytes
      0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  // delta 0, tempo 500 000 µs
      0x00, 0xC0, 0x18,  // delta 0, program change ch1 → 24
      0x00, 0x90, 0x3C, 0x64,  // delta 0, note on ch1 C4 velocity 100
      0x60, 0x3C, 0x00,  // delta 96, running status: note on C4 velocity 0
      0x00, 0x40, 0x50,  // delta 0, running status: note on E4 velocity 80
      0x81, 0x40, 0x80, 0x40, 0x00,  // delta 192 (two-byte VLQ), note off ch1 E4
      0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
    ]
    let sequence = try MIDIFile.decode(bytes)
    let ch1 = MIDIChannel(0)
    #expect(sequence.format == 0)
    #expect(sequence.ppq == 96)
    #expect(
      sequence.tracks == [
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: 500_000))),
          TimedMIDIEvent(tick: 0, .programChange(channel: ch1, program: 24)),
          TimedMIDIEvent(tick: 0, .noteOn(channel: ch1, note: 60, velocity: 100)),
          TimedMIDIEvent(tick: 96, .noteOn(channel: ch1, note: 60, velocity: 0)),
          TimedMIDIEvent(tick: 96, .noteOn(channel: ch1, note: 64, velocity: 80)),
          TimedMIDIEvent(tick: 288, .noteOff(channel: ch1, note: 64, velocity: 0)),
          TimedMIDIEvent(tick: 288, .meta(.endOfTrack)),
        ])
      ])
    #expect(
      sequence.notes() == [
        MIDINote(channel: ch1, pitch: 60, velocity: 100, startTick: 0, endTick: 96, track: 0),
        MIDINote(channel: ch1, pitch: 64, velocity: 80, startTick: 96, endTick: 288, track: 0),
      ])
    #expect(sequence.durationSeconds == 1.5)
  }

  @Test func readsFormatOneWithMetaEventsSysexAndEscapes() throws {
    let bytes: [UInt8] = [
      0x4D, 0x54, 0x68, 0x64,  // "MThd"
      0x00, 0x00, 0x00, 0x06,  // header length 6
      0x00, 0x01,  // format 1
      0x00, 0x02,  // 2 tracks
      0x01, 0xE0,  // 480 ticks per quarter
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk" (track 0: tempo map)
      0x00, 0x00, 0x00, 0x22,  // 34 bytes
      0x00, 0xFF, 0x03, 0x04, 0x52, 0x65, 0x65, 0x6C,  // delta 0, track name "Reel"
      0x00, 0xFF, 0x58, 0x04, 0x04, 0x02, 0x18, 0x08,  // delta 0, time signature 4/4, 24 clocks, 8 32nds
      0x00, 0xFF, 0x59, 0x02, 0xFE, 0x01,  // delta 0, key signature 2 flats, minor
      0x00, 0xFF, 0x51, 0x03, 0x09, 0x27, 0xC0,  // delta 0, tempo 600 000 µs (100 BPM)
      0x83, 0x60, 0xFF, 0x2F, 0x00,  // delta 480, end of track
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk" (track 1: music)
      0x00, 0x00, 0x00, 0x1F,  // 31 bytes
      0x00, 0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7,  // delta 0, sysex GM System On (length 5)
      0x00, 0xF0, 0x02, 0x43, 0x12,  // delta 0, sysex first packet without F7
      0x0A, 0xF7, 0x02, 0x00, 0xF7,  // delta 10, escape: continuation packet
      0x00, 0xE1, 0x00, 0x40,  // delta 0, pitch bend ch2 centre (8192)
      0x00, 0xFF, 0x20, 0x01, 0x01,  // delta 0, channel prefix 1
      0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
    ]
    let sequence = try MIDIFile.decode(bytes)
    #expect(sequence.format == 1)
    #expect(sequence.ppq == 480)
    #expect(sequence.tracks.count == 2)
    #expect(sequence.tracks[0].name == "Reel")
    #expect(
      sequence.tracks[0].events.map(\.event) == [
        .meta(.text(MIDIMetaEvent.trackNameKind, "Reel")),
        .meta(.timeSignature(numerator: 4, denominatorPower: 2, clocksPerClick: 24, thirtySecondsPerQuarter: 8)),
        .meta(.keySignature(sharps: -2, minor: true)),
        .meta(.tempo(microsecondsPerQuarter: 600_000)),
        .meta(.endOfTrack),
      ])
    #expect(sequence.tracks[0].lastTick == 480)
    #expect(
      sequence.tracks[1].events == [
        TimedMIDIEvent(tick: 0, .sysEx(escape: false, bytes: [0x7E, 0x7F, 0x09, 0x01, 0xF7])),
        TimedMIDIEvent(tick: 0, .sysEx(escape: false, bytes: [0x43, 0x12])),
        TimedMIDIEvent(tick: 10, .sysEx(escape: true, bytes: [0x00, 0xF7])),
        TimedMIDIEvent(tick: 10, .pitchBend(channel: MIDIChannel(1), value: 8192)),
        TimedMIDIEvent(tick: 10, .meta(.channelPrefix(1))),
        TimedMIDIEvent(tick: 10, .meta(.endOfTrack)),
      ])
    #expect(sequence.tempoMap.changes == [TempoMap.Change(tick: 0, microsecondsPerQuarter: 600_000)])
    #expect(sequence.durationSeconds == 0.6)
  }

  @Test func skipsAlienChunksAndExtraHeaderBytesAndStopsAtEndOfTrack() throws {
    let bytes: [UInt8] = [
      0x4D, 0x54, 0x68, 0x64,  // "MThd"
      0x00, 0x00, 0x00, 0x08,  // header length 8 (two extra bytes)
      0x00, 0x00,  // format 0
      0x00, 0x01,  // 1 track
      0x00, 0x78,  // 120 ticks per quarter
      0xAB, 0xCD,  // extra header bytes, skipped
      0x58, 0x59, 0x5A, 0x57,  // "XYZW", an alien chunk
      0x00, 0x00, 0x00, 0x02,  // 2 bytes
      0x01, 0x02,  // alien data, skipped
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
      0x00, 0x00, 0x00, 0x0A,  // 10 bytes
      0x00, 0x90, 0x3C, 0x40,  // delta 0, note on C4
      0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
      0xF8, 0xF8,  // bytes after the end of track, ignored
      0x00, 0x00, 0x00,  // trailing bytes after the last track, ignored
    ]
    let sequence = try MIDIFile.decode(bytes)
    #expect(sequence.ppq == 120)
    #expect(sequence.tracks.count == 1)
    #expect(sequence.tracks[0].events.map(\.event).last == .meta(.endOfTrack))
    // A note left sounding ends at the end of the sequence.
    #expect(sequence.notes().map(\.endTick) == [0])
  }

  @Test func metaEventsWithUnexpectedLengthsStayUnknown() throws {
    let bytes: [UInt8] = [
      0x4D, 0x54, 0x68, 0x64,  // "MThd"
      0x00, 0x00, 0x00, 0x06,  // header length 6
      0x00, 0x00,  // format 0
      0x00, 0x01,  // 1 track
      0x00, 0x60,  // 96 ticks per quarter
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
      0x00, 0x00, 0x00, 0x10,  // 16 bytes
      0x00, 0xFF, 0x00, 0x00,  // delta 0, sequence number with no data (old form)
      0x00, 0xFF, 0x59, 0x02, 0x00, 0x05,  // delta 0, key signature with mode byte 5
      0x00, 0xFF, 0x51, 0x01, 0x10,  // delta 0, tempo with 1 byte
      0x00,  // delta 0, then nothing
    ]
    // The last delta time has no event after it: the track is cut off.
    #expect(throws: MIDIFileError.truncatedTrack(track: 0, offset: 37, chunkEnd: 38)) { try MIDIFile.decode(bytes) }

    // Without that last byte the track simply ends without an end-of-track event, which is accepted.
    var fixed = bytes
    fixed.removeLast()
    fixed[21] = 0x0F  // 15 bytes
    let sequence = try MIDIFile.decode(fixed)
    #expect(
      sequence.tracks[0].events.map(\.event) == [
        .meta(.unknown(type: 0x00, bytes: [])),
        .meta(.unknown(type: 0x59, bytes: [0x00, 0x05])),
        .meta(.unknown(type: 0x51, bytes: [0x10])),
      ])
    #expect(try MIDIFile.decode(MIDIFile.encode(sequence)) == sequence.normalized())
  }
}
