import Foundation
import Testing

@testable import MIDI

@Suite struct SMFRoundTripTests {
  static let ppqs = [1, 24, 96, 120, 192, 384, 480, 960, 1024, 32767]

  @Test(arguments: ppqs)
  func formatZeroRoundTripsAtEveryPPQ(ppq: Int) throws {
    var rng = SplitMix64(seed: UInt64(ppq))
    let sequence = RandomSequences.sequence(format: 0, ppq: ppq, trackCount: 1, eventsPerTrack: 50...150, using: &rng)
    let decoded = try MIDIFile.decode(try MIDIFile.encode(sequence))
    #expect(decoded == sequence.normalized())
    #expect(decoded.format == 0)
    #expect(decoded.ppq == ppq)
  }

  @Test(arguments: ppqs)
  func formatOneRoundTripsAtEveryPPQ(ppq: Int) throws {
    var rng = SplitMix64(seed: 1000 + UInt64(ppq))
    let sequence = RandomSequences.sequence(format: 1, ppq: ppq, trackCount: 5, eventsPerTrack: 0...120, using: &rng)
    let decoded = try MIDIFile.decode(try MIDIFile.encode(sequence))
    #expect(decoded == sequence.normalized())
    #expect(decoded.tracks.count == 5)
  }

  @Test func normalizedSequenceRoundTripsUnchanged() throws {
    var rng = SplitMix64(seed: 7)
    for _ in 0..<20 {
      let sequence = RandomSequences.sequence(format: 1, ppq: 480, trackCount: 3, eventsPerTrack: 0...60, using: &rng)
        .normalized()
      #expect(try MIDIFile.decode(try MIDIFile.encode(sequence)) == sequence)
      // Encoding is deterministic: the same sequence gives the same bytes.
      #expect(try MIDIFile.encode(sequence) == MIDIFile.encode(MIDIFile.decode(MIDIFile.encode(sequence))))
    }
  }

  @Test func everyMetaEventAndSysexRoundTrips() throws {
    let events: [MIDIEvent] = [
      .meta(.sequenceNumber(0x1234)),
      .meta(.text(MIDIMetaEvent.textKind, "text")),
      .meta(.text(MIDIMetaEvent.copyrightKind, "© 2024")),
      .meta(.text(MIDIMetaEvent.trackNameKind, "Fiddle")),
      .meta(.text(MIDIMetaEvent.instrumentKind, "Violin")),
      .meta(.text(MIDIMetaEvent.lyricKind, "la")),
      .meta(.text(MIDIMetaEvent.markerKind, "A part")),
      .meta(.text(MIDIMetaEvent.cuePointKind, "cue")),
      .meta(.text(kind: 0x0F, bytes: [0, 1, 2])),
      .meta(.channelPrefix(9)),
      .meta(.port(3)),
      .meta(.tempo(microsecondsPerQuarter: 1)),
      .meta(.tempo(microsecondsPerQuarter: 0xFF_FFFF)),
      .meta(.smpteOffset(hours: 1, minutes: 2, seconds: 3, frames: 4, subframes: 5)),
      .meta(.timeSignature(numerator: 6, denominatorPower: 3, clocksPerClick: 36, thirtySecondsPerQuarter: 8)),
      .meta(.keySignature(sharps: -7, minor: true)),
      .meta(.keySignature(sharps: 7, minor: false)),
      .meta(.sequencerSpecific([0x00, 0x00, 0x41, 0x01])),
      .meta(.unknown(type: 0x60, bytes: [1, 2, 3])),
      .meta(.unknown(type: 0x51, bytes: [1, 2])),  // a tempo event with the wrong length stays unknown
      .sysEx(escape: false, bytes: [0x7E, 0x7F, 0x09, 0x01, 0xF7]),  // GM System On
      .sysEx(escape: false, bytes: [0x43, 0x12, 0x00]),  // first packet, no F7
      .sysEx(escape: true, bytes: [0x43, 0x12, 0x00, 0xF7]),  // continuation packet
      .sysEx(escape: true, bytes: [0xF8]),  // escape carrying a real-time byte
      .sysEx(escape: false, bytes: Array(repeating: 0x11, count: 300)),  // two-byte length
    ]
    let track = MIDITrack(events: events.enumerated().map { TimedMIDIEvent(tick: $0.offset * 10, $0.element) })
    let sequence = MIDISequence(format: 0, ppq: 96, tracks: [track])
    let decoded = try MIDIFile.decode(try MIDIFile.encode(sequence))
    #expect(decoded == sequence.normalized())
    #expect(decoded.tracks[0].events.count == events.count + 1)
    #expect(decoded.tracks[0].name == "Fiddle")
  }

  @Test func channelEventsKeepTheirFieldsAndNoteOnVelocityZero() throws {
    let events: [MIDIEvent] = [
      .programChange(channel: MIDIChannel(15), program: 127),
      .controlChange(channel: MIDIChannel(0), controller: 7, value: 100),
      .pitchBend(channel: MIDIChannel(3), value: 0),
      .pitchBend(channel: MIDIChannel(3), value: 8192),
      .pitchBend(channel: MIDIChannel(3), value: 16383),
      .channelPressure(channel: MIDIChannel(4), pressure: 64),
      .polyPressure(channel: MIDIChannel(5), note: 60, pressure: 1),
      .noteOn(channel: MIDIChannel(9), note: 36, velocity: 127),
      .noteOn(channel: MIDIChannel(9), note: 36, velocity: 0),
      .noteOff(channel: MIDIChannel(9), note: 38, velocity: 64),
    ]
    let sequence = MIDISequence(
      format: 1, ppq: 480,
      tracks: [MIDITrack(events: events.enumerated().map { TimedMIDIEvent(tick: $0.offset * 480, $0.element) })])
    let decoded = try MIDIFile.decode(try MIDIFile.encode(sequence))
    #expect(decoded.tracks[0].events.dropLast().map(\.event) == events)
  }

  @Test func writtenFileReadsBackEqual() throws {
    var rng = SplitMix64(seed: 42)
    let sequence = RandomSequences.sequence(format: 1, ppq: 192, trackCount: 3, eventsPerTrack: 10...40, using: &rng)
    let directory = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("tune.mid").path
    try MIDIFile.write(sequence, to: path)
    #expect(try MIDIFile.read(path: path) == sequence.normalized())
    // Overwriting replaces the file and leaves no temporary file behind.
    try MIDIFile.write(sequence.flattened(), to: path)
    #expect(try MIDIFile.read(path: path) == sequence.flattened())
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["tune.mid"])
  }

  @Test func failedWriteLeavesNoFile() throws {
    let directory = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bad.mid").path
    let bad = MIDISequence(format: 0, ppq: 480, tracks: [MIDITrack(), MIDITrack()])
    #expect(throws: MIDIFileError.inFile(path: path, .formatZeroNeedsOneTrack(trackCount: 2))) {
      try MIDIFile.write(bad, to: path)
    }
    let missing = directory.appendingPathComponent("no/such/dir/x.mid").path
    let error = #expect(throws: MIDIFileError.self) { try MIDIFile.write(MIDISequence(), to: missing) }
    #expect(error.map { if case .cannotWrite(_, ENOENT, _) = $0 { true } else { false } } == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func headerAndTrackChunksAreLaidOutAsSMF() throws {
    let sequence = MIDISequence(
      format: 1, ppq: 480,
      tracks: [
        MIDITrack(events: [TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: 500_000)))]),
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .noteOn(channel: MIDIChannel(0), note: 60, velocity: 100)),
          TimedMIDIEvent(tick: 480, .noteOff(channel: MIDIChannel(0), note: 60, velocity: 0)),
        ]),
      ])
    let expected: [UInt8] = [
      0x4D, 0x54, 0x68, 0x64,  // "MThd"
      0x00, 0x00, 0x00, 0x06,  // header length 6
      0x00, 0x01,  // format 1
      0x00, 0x02,  // 2 tracks
      0x01, 0xE0,  // 480 ticks per quarter
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
      0x00, 0x00, 0x00, 0x0B,  // 11 bytes
      0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  // delta 0, tempo 500 000 µs
      0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
      0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
      0x00, 0x00, 0x00, 0x0D,  // 13 bytes
      0x00, 0x90, 0x3C, 0x64,  // delta 0, note on ch1 C4 velocity 100
      0x83, 0x60, 0x80, 0x3C, 0x00,  // delta 480 (two bytes), note off ch1 C4
      0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
    ]
    #expect(try MIDIFile.encode(sequence) == expected)
  }

  @Test(arguments: [
    (0, [0x00] as [UInt8]), (0x40, [0x40]), (0x7F, [0x7F]), (0x80, [0x81, 0x00]), (0x2000, [0xC0, 0x00]),
    (0x3FFF, [0xFF, 0x7F]), (0x4000, [0x81, 0x80, 0x00]), (0x1F_FFFF, [0xFF, 0xFF, 0x7F]),
    (0x20_0000, [0x81, 0x80, 0x80, 0x00]), (0x0FFF_FFFF, [0xFF, 0xFF, 0xFF, 0x7F]),
  ])
  func variableLengthQuantitiesMatchTheSMFTable(value: Int, bytes: [UInt8]) {
    var out: [UInt8] = []
    SMFWriter.appendVariableLength(value, to: &out)
    #expect(out == bytes)
  }
}
