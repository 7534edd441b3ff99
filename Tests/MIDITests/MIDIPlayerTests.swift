import Testing

@testable import MIDI

@Suite struct MIDIPlayerTests {
  let sequence = PlaybackSchedulerTests.sequence

  /// The non-direct deliveries as (seconds rounded to µs, event).
  static func timeline(_ sink: RecordingSink) -> [String] {
    sink.deliveries.filter { !$0.direct }.map { "\(($0.seconds * 1e6).rounded() / 1e6) \($0.event)" }
  }

  @Test func deliversEveryEventInOrderAtTheTempoMapsTimes() throws {
    var sink = RecordingSink()
    let outcome = try MIDIPlayer().play(sequence, to: &sink)
    #expect(outcome == .finished)
    let delivered = sink.deliveries.filter { !$0.direct }
    let plan = PlaybackScheduler().plan(for: sequence)
    #expect(delivered.map(\.event) == plan.timeline.compactMap { if case .event(_, let e) = $0 { e } else { nil } })
    // 100 BPM: a quarter (480 ticks) is 0.6 s until tick 960, then 200 BPM: 0.3 s.
    let noteOnTimes = delivered.filter { $0.event.isNoteStart && $0.event.channel == MIDIChannel(0) }.map(\.seconds)
    #expect(zip(noteOnTimes, [0.0, 0.6, 1.2]).allSatisfy { abs($0 - $1) < 1e-9 })
    #expect(delivered.last.map { abs($0.seconds - 1.5) < 1e-9 } == true)
    #expect(sink.log.first == .configureQueue(ppq: 480, microsecondsPerQuarter: 600_000))
    #expect(sink.log.last == .stopQueue(tick: 1440))
  }

  @Test func firstBatchIsHandedOverBeforeTheQueueStarts() throws {
    var sink = RecordingSink()
    let options = PlaybackOptions(lookaheadSeconds: 0.7)
    _ = try MIDIPlayer(options: options).play(sequence, to: &sink)
    let plan = PlaybackScheduler(options: options).plan(for: sequence)
    let start = try #require(sink.log.firstIndex(of: .startQueue))
    let firstBatch = zip(plan.timeline, plan.timelineSeconds).filter { $0.1 <= 0.7 }.map(\.0)
    #expect(firstBatch.contains { $0.tick == 0 } && firstBatch.contains { $0.tick != 0 })
    #expect(Array(sink.log[1..<start]) == firstBatch)
    #expect(sink.log.filter { $0 == .startQueue }.count == 1)
  }

  @Test func aDenseFirstSecondStillLetsTheQueueStart() throws {
    // 400 notes in the first second: more than fit in the sequencer's pool while the queue stands still.
    var events: [TimedMIDIEvent] = []
    for step in 0..<400 {
      events.append(TimedMIDIEvent(tick: step * 2, .noteOn(channel: MIDIChannel(0), note: 60, velocity: 80)))
      events.append(TimedMIDIEvent(tick: step * 2 + 1, .noteOff(channel: MIDIChannel(0), note: 60, velocity: 0)))
    }
    let dense = MIDISequence(format: 0, ppq: 480, tracks: [MIDITrack(events: events)])
    var sink = RecordingSink()
    sink.poolCapacity = 300
    #expect(try MIDIPlayer().play(dense, to: &sink) == .finished)
    let start = try #require(sink.log.firstIndex(of: .startQueue))
    #expect(start == 1 + MIDIPlayer.firstBatchLimit)  // configure, then the batch
    #expect(sink.deliveries.count == 800)
  }

  @Test func tempoScaleChangesOnlyTheTiming() throws {
    var normal = RecordingSink()
    var fast = RecordingSink()
    _ = try MIDIPlayer().play(sequence, to: &normal)
    _ = try MIDIPlayer(options: PlaybackOptions(tempoScale: 1.25)).play(sequence, to: &fast)
    let a = normal.deliveries.filter { !$0.direct }
    let b = fast.deliveries.filter { !$0.direct }
    #expect(a.map(\.event) == b.map(\.event))
    #expect(a.map(\.tick) == b.map(\.tick))
    #expect(zip(a, b).allSatisfy { abs($0.seconds / 1.25 - $1.seconds) < 1e-6 })
  }

  @Test func loopsRepeatTheWholeSequence() throws {
    var sink = RecordingSink()
    _ = try MIDIPlayer(options: PlaybackOptions(loopCount: 2)).play(sequence, to: &sink)
    let notes = sink.deliveries.filter { $0.event.isNoteStart }
    #expect(notes.count == 8)
    // The second pass starts at 1.5 s with the original tempo restored: same offsets as the first.
    let first = notes.prefix(4).map(\.seconds)
    let second = notes.suffix(4).map { $0.seconds - 1.5 }
    #expect(zip(first, second).allSatisfy { abs($0 - $1) < 1e-9 })
  }

  @Test func neverRunsFurtherAheadThanTheLookahead() throws {
    // A long sequence at constant tempo: 200 notes, one per quarter (0.5 s).
    var events: [TimedMIDIEvent] = []
    for i in 0..<200 {
      events.append(TimedMIDIEvent(tick: i * 480, .noteOn(channel: MIDIChannel(0), note: 60, velocity: 64)))
      events.append(TimedMIDIEvent(tick: i * 480 + 240, .noteOff(channel: MIDIChannel(0), note: 60, velocity: 0)))
    }
    let long = MIDISequence(format: 0, ppq: 480, tracks: [MIDITrack(events: events)])
    var sink = RecordingSink()
    _ = try MIDIPlayer(options: PlaybackOptions(lookaheadSeconds: 1)).play(long, to: &sink)
    #expect(sink.deliveries.count == 400)
    // One second is 960 ticks; one poll can add 120 more before the next refill.
    #expect(sink.maxLeadTicks <= 960)
    #expect(sink.maxLeadTicks >= 720)
  }

  @Test func aFullOutputPoolOnlyDelaysSubmission() throws {
    var sink = RecordingSink()
    sink.poolCapacity = 2
    let outcome = try MIDIPlayer().play(sequence, to: &sink)
    #expect(outcome == .finished)
    var reference = RecordingSink()
    _ = try MIDIPlayer().play(sequence, to: &reference)
    #expect(sink.deliveries.map(\.event) == reference.deliveries.map(\.event))
  }

  @Test func stopRequestSendsPanicAndNothingAfterIt() throws {
    var sink = RecordingSink()
    var checks = 0
    let outcome = try MIDIPlayer().play(
      sequence, to: &sink,
      shouldStop: {
        checks += 1
        return checks == 5
      })
    guard case .stopped(let tick) = outcome else {
      Issue.record("expected .stopped, got \(outcome)")
      return
    }
    #expect(tick > 0 && tick < 1440)
    let plan = PlaybackScheduler().plan(for: sequence)
    #expect(Array(sink.log.suffix(plan.panic.count)) == plan.panic)
    // After the stop only the panic messages arrive, directly.
    let panicStart = try #require(sink.deliveries.firstIndex { $0.direct })
    #expect(sink.deliveries[panicStart...].allSatisfy { $0.direct })
    #expect(sink.deliveries[panicStart...].count == 6)
    // Every note that started is ended by a note-off or by All Notes Off on its channel.
    var sounding = Set<Int>()
    for delivery in sink.deliveries {
      switch delivery.event {
      case .noteOn(let c, let n, let v) where v.value > 0: sounding.insert(Int(c.value) << 7 | n.int)
      case .noteOn(let c, let n, _), .noteOff(let c, let n, _): sounding.remove(Int(c.value) << 7 | n.int)
      case .controlChange(let c, 123, _): sounding = sounding.filter { $0 >> 7 != Int(c.value) }
      default: break
      }
    }
    #expect(sounding.isEmpty)
  }

  @Test func destinationDisappearingMidStreamIsAnErrorAfterAPanic() {
    var sink = RecordingSink()
    sink.failAtPoll = 4
    let error = #expect(throws: ALSAError.self) { try MIDIPlayer().play(sequence, to: &sink) }
    #expect(error?.kind == .destinationGone("14:0 (Midi Through, Midi Through Port-0)"))
    #expect(error?.description.contains("disappeared while playing") == true)
    #expect(sink.log.contains(.dropPending))
    #expect(sink.log.contains(.stopQueueNow))
  }

  @Test func stalledQueueIsAnErrorNotAHang() {
    var sink = RecordingSink()
    sink.ticksPerPoll = 0
    let error = #expect(throws: ALSAError.self) { try MIDIPlayer().play(sequence, to: &sink) }
    #expect(error?.kind == .queueStalled(tick: 0))
    // Two seconds plus three ticks' time of 10 ms polls.
    #expect(sink.polls > 200 && sink.polls < 260)
  }

  @Test func virtualOutputWaitsForASubscriber() throws {
    var sink = RecordingSink()
    sink.subscriberArrivesAtPoll = 7
    let outcome = try MIDIPlayer(options: PlaybackOptions(waitForSubscriber: true)).play(sequence, to: &sink)
    #expect(outcome == .finished)
    #expect(sink.deliveries.filter { $0.event.isNoteStart }.count == 4)

    var nobody = RecordingSink()
    nobody.subscriberArrivesAtPoll = .max
    var checks = 0
    let stopped = try MIDIPlayer(options: PlaybackOptions(waitForSubscriber: true)).play(
      sequence, to: &nobody,
      shouldStop: {
        checks += 1
        return checks > 20
      })
    #expect(stopped == .stoppedBeforeStart)
    #expect(nobody.log.isEmpty)
  }

  @Test func progressReachesTheEnd() throws {
    var sink = RecordingSink()
    var last: PlaybackProgress?
    _ = try MIDIPlayer().play(sequence, to: &sink, onProgress: { last = $0 })
    let progress = try #require(last)
    #expect(progress.tick == 1440)
    #expect(abs(progress.seconds - 1.5) < 1e-9)
    #expect(abs(progress.totalSeconds - 1.5) < 1e-9)
  }
}
