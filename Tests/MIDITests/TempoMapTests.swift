import Testing

@testable import MIDI

@Suite struct TempoMapTests {
  @Test func defaultTempoIs120BPM() {
    let map = TempoMap(ppq: 480, changes: [])
    #expect(map.changes == [TempoMap.Change(tick: 0, microsecondsPerQuarter: 500_000)])
    #expect(map.seconds(atTick: 960) == 1.0)
    #expect(map.tick(atSeconds: 1.0) == 960)
    #expect(map.changes[0].beatsPerMinute == 120)
  }

  @Test func secondsAndTicksFollowTempoChanges() {
    // 120 BPM for one quarter, then 60 BPM.
    let map = TempoMap(
      ppq: 100,
      changes: [
        .init(tick: 100, microsecondsPerQuarter: 1_000_000), .init(tick: 0, microsecondsPerQuarter: 500_000),
      ])
    #expect(map.seconds(atTick: 100) == 0.5)
    #expect(map.seconds(atTick: 200) == 1.5)
    #expect(map.tick(atSeconds: 0.25) == 50)
    #expect(map.tick(atSeconds: 1.0) == 150)
    #expect(map.microsecondsPerQuarter(atTick: 99) == 500_000)
    #expect(map.microsecondsPerQuarter(atTick: 100) == 1_000_000)
  }

  @Test func lastChangeAtATickWinsAndBadValuesAreClamped() {
    let map = TempoMap(
      ppq: 0,
      changes: [
        .init(tick: -5, microsecondsPerQuarter: 0), .init(tick: 10, microsecondsPerQuarter: 1),
        .init(tick: 10, microsecondsPerQuarter: 2),
      ])
    #expect(map.ppq == 1)
    #expect(
      map.changes == [.init(tick: 0, microsecondsPerQuarter: 1), .init(tick: 10, microsecondsPerQuarter: 2)])
    // Never traps on extreme input.
    #expect(map.tick(atSeconds: .infinity) == 0)
    #expect(map.tick(atSeconds: -1) == 0)
    #expect(map.tick(atSeconds: 1e300) > 0)
  }

  @Test func sequenceTempoMapCollectsAllTracks() {
    let sequence = MIDISequence(
      format: 1, ppq: 480,
      tracks: [
        MIDITrack(events: [TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: 400_000)))]),
        MIDITrack(events: [
          TimedMIDIEvent(tick: 960, .meta(.tempo(microsecondsPerQuarter: 800_000))),
          TimedMIDIEvent(tick: 1440, .noteOff(channel: MIDIChannel(0), note: 60, velocity: 0)),
        ]),
      ])
    #expect(sequence.tempoMap.changes.count == 2)
    #expect(abs(sequence.durationSeconds - (0.8 + 0.8)) < 1e-12)
  }
}
