import MIDI
import Testing

@testable import Render

/// MIDI events to synth commands at sample frames.
@Suite struct SynthScheduleTests {
  @Test func framesFollowTheTempoMap() {
    // 480 PPQ; 120 BPM for the first beat, then 60 BPM: tick 480 = 0.5 s, tick 960 = 1.5 s.
    let ch = MIDIChannel(0)
    let tempo = MIDITrack(events: [
      TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: 500_000))),
      TimedMIDIEvent(tick: 480, .meta(.tempo(microsecondsPerQuarter: 1_000_000))),
    ])
    let notes = MIDITrack(events: [
      TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 90)),
      TimedMIDIEvent(tick: 480, .noteOn(channel: ch, note: 60, velocity: 0)),
      TimedMIDIEvent(tick: 720, .noteOn(channel: ch, note: 62, velocity: 80)),
      TimedMIDIEvent(tick: 960, .noteOff(channel: ch, note: 62, velocity: 0)),
      TimedMIDIEvent(tick: 960, .meta(.endOfTrack)),
    ])
    let schedule = SynthSchedule(
      sequence: MIDISequence(format: 1, ppq: 480, tracks: [tempo, notes]), sampleRate: 48_000)
    #expect(
      schedule.commands == [
        ScheduledCommand(frame: 0, command: .noteOn(channel: 0, key: 60, velocity: 90)),
        ScheduledCommand(frame: 24_000, command: .noteOff(channel: 0, key: 60)),
        ScheduledCommand(frame: 48_000, command: .noteOn(channel: 0, key: 62, velocity: 80)),
        ScheduledCommand(frame: 72_000, command: .noteOff(channel: 0, key: 62)),
      ])
    #expect(schedule.endFrame == 72_000)
  }

  @Test func channelMessagesAndSysExAreKeptMetaDropped() {
    let drums = MIDIChannel.percussion
    let events: [MIDIEvent] = [
      .programChange(channel: drums, program: 25),
      .controlChange(channel: drums, controller: 7, value: 90),
      .pitchBend(channel: MIDIChannel(3), value: 8192),
      .channelPressure(channel: MIDIChannel(3), pressure: 40),
      .polyPressure(channel: MIDIChannel(3), note: 61, pressure: 41),
      .sysEx(escape: false, bytes: [0x7E, 0x7F, 0x09, 0x01, 0xF7]),  // GM System On
      .sysEx(escape: true, bytes: [0xF8]),
      .meta(.text(MIDIMetaEvent.textKind, "hello")),
    ]
    let track = MIDITrack(events: events.map { TimedMIDIEvent(tick: 0, $0) })
    let schedule = SynthSchedule(sequence: MIDISequence(format: 0, ppq: 96, tracks: [track]), sampleRate: 44_100)
    #expect(
      schedule.commands.map(\.command) == [
        .programChange(channel: 9, program: 25),
        .controlChange(channel: 9, controller: 7, value: 90),
        .pitchBend(channel: 3, value: 8192),
        .channelPressure(channel: 3, pressure: 40),
        .keyPressure(channel: 3, key: 61, pressure: 41),
        .systemExclusive([0x7E, 0x7F, 0x09, 0x01]),
      ])
  }

  @Test func tracksMergeInTickOrderKeepingTrackOrderAtEqualTicks() {
    let a = MIDITrack(events: [
      TimedMIDIEvent(tick: 10, .programChange(channel: MIDIChannel(0), program: 1)),
      TimedMIDIEvent(tick: 30, .programChange(channel: MIDIChannel(0), program: 3)),
    ])
    let b = MIDITrack(events: [
      TimedMIDIEvent(tick: 10, .programChange(channel: MIDIChannel(1), program: 2)),
      TimedMIDIEvent(tick: 20, .programChange(channel: MIDIChannel(1), program: 4)),
    ])
    let schedule = SynthSchedule(sequence: MIDISequence(format: 1, ppq: 480, tracks: [a, b]), sampleRate: 44_100)
    #expect(
      schedule.commands.map(\.command) == [
        .programChange(channel: 0, program: 1), .programChange(channel: 1, program: 2),
        .programChange(channel: 1, program: 4), .programChange(channel: 0, program: 3),
      ])
  }

  @Test func emptySequenceHasNoLength() {
    let schedule = SynthSchedule(sequence: MIDISequence(), sampleRate: 44_100)
    #expect(schedule.commands.isEmpty)
    #expect(schedule.endFrame == 0)
  }

  @Test func tickClockMatchesTheTempoMap() {
    let map = TempoMap(
      ppq: 96,
      changes: [
        .init(tick: 0, microsecondsPerQuarter: 400_000), .init(tick: 300, microsecondsPerQuarter: 700_000),
        .init(tick: 1000, microsecondsPerQuarter: 250_000),
      ])
    let clock = TickClock(tempoMap: map, sampleRate: 44_100)
    for tick in stride(from: 0, through: 3000, by: 37) {
      #expect(abs(clock.seconds(atTick: tick) - map.seconds(atTick: tick)) < 1e-9)
    }
  }
}
