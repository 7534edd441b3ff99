import Testing

@testable import MIDI

@Suite struct NoteExtractionTests {
  @Test func overlappingSamePitchPairsFirstInFirstOut() {
    let ch = MIDIChannel(2)
    let sequence = MIDISequence(tracks: [
      MIDITrack(events: [
        TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 10)),
        TimedMIDIEvent(tick: 10, .noteOn(channel: ch, note: 60, velocity: 20)),
        TimedMIDIEvent(tick: 30, .noteOff(channel: ch, note: 60, velocity: 0)),
        TimedMIDIEvent(tick: 40, .noteOn(channel: ch, note: 60, velocity: 0)),
      ])
    ])
    #expect(
      sequence.notes() == [
        MIDINote(channel: ch, pitch: 60, velocity: 10, startTick: 0, endTick: 30, track: 0),
        MIDINote(channel: ch, pitch: 60, velocity: 20, startTick: 10, endTick: 40, track: 0),
      ])
  }

  @Test func channelsAndTracksPairSeparatelyAndStrayOffsAreIgnored() {
    let a = MIDIChannel(0)
    let b = MIDIChannel(1)
    let sequence = MIDISequence(tracks: [
      MIDITrack(events: [
        TimedMIDIEvent(tick: 0, .noteOff(channel: a, note: 60, velocity: 0)),  // stray
        TimedMIDIEvent(tick: 0, .noteOn(channel: a, note: 60, velocity: 100)),
        TimedMIDIEvent(tick: 100, .noteOff(channel: a, note: 60, velocity: 0)),
      ]),
      MIDITrack(events: [
        TimedMIDIEvent(tick: 0, .noteOn(channel: b, note: 60, velocity: 50)),
        TimedMIDIEvent(tick: 50, .noteOff(channel: b, note: 60, velocity: 0)),
        TimedMIDIEvent(tick: 60, .noteOn(channel: b, note: 67, velocity: 50)),  // never ends
        TimedMIDIEvent(tick: 500, .meta(.endOfTrack)),
      ]),
    ])
    #expect(
      sequence.notes() == [
        MIDINote(channel: a, pitch: 60, velocity: 100, startTick: 0, endTick: 100, track: 0),
        MIDINote(channel: b, pitch: 60, velocity: 50, startTick: 0, endTick: 50, track: 1),
        MIDINote(channel: b, pitch: 67, velocity: 50, startTick: 60, endTick: 500, track: 1),
      ])
  }

  @Test func summaryDescribesTracksTemposAndMeters() {
    let piano = MIDIChannel(0)
    let sequence = MIDISequence(
      format: 1, ppq: 480,
      tracks: [
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .meta(.text(MIDIMetaEvent.trackNameKind, "Tempo"))),
          TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: 500_000))),
          TimedMIDIEvent(
            tick: 0,
            .meta(.timeSignature(numerator: 6, denominatorPower: 3, clocksPerClick: 36, thirtySecondsPerQuarter: 8))),
          TimedMIDIEvent(tick: 0, .meta(.keySignature(sharps: 2, minor: false))),
          TimedMIDIEvent(tick: 960, .meta(.tempo(microsecondsPerQuarter: 1_000_000))),
        ]),
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .programChange(channel: piano, program: 40)),
          TimedMIDIEvent(tick: 0, .programChange(channel: MIDIChannel.percussion, program: 0)),
          TimedMIDIEvent(tick: 0, .noteOn(channel: piano, note: 60, velocity: 90)),
          TimedMIDIEvent(tick: 1440, .noteOff(channel: piano, note: 60, velocity: 0)),
        ]),
      ])
    let summary = sequence.summary()
    #expect(summary.format == 1)
    #expect(summary.tracks.map(\.name) == ["Tempo", nil])
    #expect(summary.tracks[1].channels == [1, 10])
    #expect(summary.tracks[1].programs.map(\.name) == ["Violin", "percussion"])
    #expect(summary.tempos.map(\.beatsPerMinute) == [120, 60])
    #expect(summary.tempos.map(\.seconds) == [0, 1])
    #expect(!summary.tempoIsDefault)
    #expect(summary.timeSignatures.map { [$0.numerator, $0.denominator] } == [[6, 8]])
    #expect(summary.keySignatures.map(\.sharps) == [2])
    #expect(summary.durationSeconds == 2)
    #expect(summary.noteCount == 1)
    #expect(MIDISequence().summary().tempoIsDefault)
  }
}
