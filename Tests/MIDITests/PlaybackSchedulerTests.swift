import Testing

@testable import MIDI

@Suite struct PlaybackSchedulerTests {
  static let melody = MIDIChannel(0)
  static let drums = MIDIChannel.percussion

  /// Two tracks at 480 PPQ: 100 BPM, then 200 BPM from tick 960; three notes, a program change, a drum hit.
  static let sequence = MIDISequence(
    format: 1, ppq: 480,
    tracks: [
      MIDITrack(events: [
        TimedMIDIEvent(tick: 0, .meta(.text(MIDIMetaEvent.trackNameKind, "Tune"))),
        TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: 600_000))),
        TimedMIDIEvent(tick: 960, .meta(.tempo(microsecondsPerQuarter: 300_000))),
      ]),
      MIDITrack(events: [
        TimedMIDIEvent(tick: 0, .programChange(channel: melody, program: 40)),
        TimedMIDIEvent(tick: 0, .noteOn(channel: melody, note: 60, velocity: 90)),
        TimedMIDIEvent(tick: 0, .noteOn(channel: drums, note: 36, velocity: 100)),
        TimedMIDIEvent(tick: 240, .noteOff(channel: drums, note: 36, velocity: 0)),
        TimedMIDIEvent(tick: 480, .noteOff(channel: melody, note: 60, velocity: 0)),
        TimedMIDIEvent(tick: 480, .noteOn(channel: melody, note: 62, velocity: 90)),
        TimedMIDIEvent(tick: 960, .noteOff(channel: melody, note: 62, velocity: 0)),
        TimedMIDIEvent(tick: 960, .noteOn(channel: melody, note: 64, velocity: 90)),
        TimedMIDIEvent(tick: 1440, .noteOff(channel: melody, note: 64, velocity: 0)),
      ]),
    ])

  @Test func planSchedulesEventsTempoChangesAndTheStop() {
    let plan = PlaybackScheduler().plan(for: Self.sequence)
    let m = Self.melody
    let d = Self.drums
    #expect(plan.ppq == 480)
    #expect(plan.initialMicrosecondsPerQuarter == 600_000)
    #expect(
      plan.timeline == [
        .event(tick: 0, .programChange(channel: m, program: 40)),
        .event(tick: 0, .noteOn(channel: m, note: 60, velocity: 90)),
        .event(tick: 0, .noteOn(channel: d, note: 36, velocity: 100)),
        .event(tick: 240, .noteOff(channel: d, note: 36, velocity: 0)),
        .event(tick: 480, .noteOff(channel: m, note: 60, velocity: 0)),
        .event(tick: 480, .noteOn(channel: m, note: 62, velocity: 90)),
        .tempo(tick: 960, microsecondsPerQuarter: 300_000),
        .event(tick: 960, .noteOff(channel: m, note: 62, velocity: 0)),
        .event(tick: 960, .noteOn(channel: m, note: 64, velocity: 90)),
        .event(tick: 1440, .noteOff(channel: m, note: 64, velocity: 0)),
        .stopQueue(tick: 1440),
      ])
    #expect(plan.endTick == 1440)
    #expect(plan.channels == [m, d])
    #expect(abs(plan.durationSeconds - (1.2 + 0.3)) < 1e-12)
    #expect(plan.timelineSeconds.count == plan.timeline.count)
    #expect(plan.timelineSeconds.last.map { abs($0 - 1.5) < 1e-12 } == true)
  }

  @Test func panicStopsTheQueueAndSilencesEveryUsedChannel() {
    let plan = PlaybackScheduler().plan(for: Self.sequence)
    var expected: [SequencerCommand] = [.dropPending, .stopQueueNow]
    for channel in [Self.melody, Self.drums] {
      for controller: UInt7 in [120, 123, 121] {
        expected.append(.direct(.controlChange(channel: channel, controller: controller, value: 0)))
      }
    }
    #expect(plan.panic == expected)
  }

  @Test(arguments: [0.5, 1.25, 2.0])
  func tempoScaleDividesEveryTempo(scale: Double) {
    let plan = PlaybackScheduler(options: PlaybackOptions(tempoScale: scale)).plan(for: Self.sequence)
    #expect(plan.initialMicrosecondsPerQuarter == Int((600_000 / scale).rounded()))
    #expect(plan.timeline.contains(.tempo(tick: 960, microsecondsPerQuarter: Int((300_000 / scale).rounded()))))
    #expect(abs(plan.durationSeconds - 1.5 / scale) < 1e-6)
    // Ticks do not change, only their duration.
    #expect(plan.endTick == 1440)
  }

  @Test func loopsPlayBackToBackAndRestoreTheStartingTempo() {
    let plan = PlaybackScheduler(options: PlaybackOptions(loopCount: 3)).plan(for: Self.sequence)
    let single = PlaybackScheduler().plan(for: Self.sequence)
    let events = plan.timeline.filter { if case .event = $0 { true } else { false } }
    let singleEvents = single.timeline.filter { if case .event = $0 { true } else { false } }
    #expect(events.count == 3 * singleEvents.count)
    #expect(events.map(\.tick) == (0..<3).flatMap { loop in singleEvents.map { ($0.tick ?? 0) + loop * 1440 } })
    #expect(
      plan.timeline.filter { if case .tempo = $0 { true } else { false } } == [
        .tempo(tick: 960, microsecondsPerQuarter: 300_000),
        .tempo(tick: 1440, microsecondsPerQuarter: 600_000), .tempo(tick: 2400, microsecondsPerQuarter: 300_000),
        .tempo(tick: 2880, microsecondsPerQuarter: 600_000), .tempo(tick: 3840, microsecondsPerQuarter: 300_000),
      ])
    #expect(plan.timeline.last == .stopQueue(tick: 4320))
    #expect(abs(plan.durationSeconds - 4.5) < 1e-9)
    // Ticks never go backwards, so the queue can take them in order.
    let ticks = plan.timeline.compactMap(\.tick)
    #expect(ticks == ticks.sorted())
  }

  @Test func programOverrideReplacesProgramsButNotDrums() {
    let sequence = MIDISequence(
      format: 0, ppq: 96,
      tracks: [
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .programChange(channel: MIDIChannel(1), program: 5)),
          TimedMIDIEvent(tick: 0, .programChange(channel: Self.drums, program: 25)),
          TimedMIDIEvent(tick: 0, .noteOn(channel: MIDIChannel(1), note: 60, velocity: 64)),
          TimedMIDIEvent(tick: 0, .noteOn(channel: MIDIChannel(0), note: 64, velocity: 64)),
          TimedMIDIEvent(tick: 0, .noteOn(channel: Self.drums, note: 38, velocity: 64)),
          TimedMIDIEvent(tick: 96, .programChange(channel: MIDIChannel(1), program: 6)),
        ])
      ])
    let plan = PlaybackScheduler(options: PlaybackOptions(program: 73)).plan(for: sequence)
    let programs = plan.timeline.compactMap { command -> [Int]? in
      if case .event(let tick, .programChange(let channel, let program)) = command {
        return [tick, Int(channel.value), program.int]
      }
      return nil
    }
    #expect(programs == [[0, 0, 73], [0, 1, 73], [0, 9, 25]])
  }

  @Test func emptySequenceIsJustAStop() {
    let plan = PlaybackScheduler().plan(for: MIDISequence())
    #expect(plan.timeline == [.stopQueue(tick: 0)])
    #expect(plan.channels.isEmpty)
    #expect(plan.panic == [.dropPending, .stopQueueNow])
  }

  @Test func optionsOutOfRangeAreReportedAndClamped() {
    #expect(PlaybackOptions(tempoScale: 0).problem != nil)
    #expect(PlaybackOptions(tempoScale: .nan).problem != nil)
    #expect(PlaybackOptions(loopCount: 0).problem != nil)
    #expect(PlaybackOptions(tempoScale: 1.25, loopCount: 2, program: 5).problem == nil)
    let plan = PlaybackScheduler(options: PlaybackOptions(tempoScale: .infinity, loopCount: -3)).plan(
      for: Self.sequence)
    #expect(plan.endTick == 1440)
    #expect(plan.initialMicrosecondsPerQuarter == 600_000)
  }

  @Test func sysexIsScheduledAndOtherMetaEventsAreNot() {
    let sequence = MIDISequence(
      format: 0, ppq: 96,
      tracks: [
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .sysEx(escape: false, bytes: [0x7E, 0x7F, 0x09, 0x01, 0xF7])),
          TimedMIDIEvent(tick: 0, .meta(.keySignature(sharps: 1, minor: false))),
          TimedMIDIEvent(tick: 10, .meta(.text(MIDIMetaEvent.lyricKind, "la"))),
        ])
      ])
    #expect(
      PlaybackScheduler().plan(for: sequence).timeline == [
        .event(tick: 0, .sysEx(escape: false, bytes: [0x7E, 0x7F, 0x09, 0x01, 0xF7])), .stopQueue(tick: 10),
      ])
  }
}
