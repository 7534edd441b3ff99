/// Plays a sequence on a `MIDIEventSink`: configures the queue, hands it the first `lookaheadSeconds` of events,
/// starts it, keeps `lookaheadSeconds` of
/// tick-stamped events ahead of the queue position, waits until everything is delivered, and on a stop request
/// or an error sends the plan's panic messages. Runs on the caller's thread; the sink is its single owner.
public struct MIDIPlayer: Sendable {
  public var options: PlaybackOptions

  public init(options: PlaybackOptions = PlaybackOptions()) { self.options = options }

  /// The most commands handed over before the queue starts. They wait on the stopped queue in the client's
  /// output pool (500 events by default), and the start command has to get in behind them: a whole look-ahead of
  /// dense music would fill the pool and the queue would never start.
  public static let firstBatchLimit = 128

  /// Plans `sequence` with `PlaybackScheduler` and plays it. See `play(_:to:shouldStop:onProgress:)`.
  public func play(
    _ sequence: MIDISequence, to sink: inout some MIDIEventSink, shouldStop: () -> Bool = { false },
    onProgress: (PlaybackProgress) -> Void = { _ in }
  ) throws(ALSAError) -> PlaybackOutcome {
    try play(
      PlaybackScheduler(options: options).plan(for: sequence), to: &sink, shouldStop: shouldStop, onProgress: onProgress
    )
  }

  /// Plays `plan`, returning when the queue has delivered its last event or `shouldStop` returns true (checked
  /// at every poll, about every 10 ms).
  /// - Throws: `ALSAError` from the sink (after sending the panic messages where possible), or `.queueStalled`
  ///   when the queue position stops advancing for longer than two seconds plus three ticks' time.
  public func play(
    _ plan: PlaybackPlan, to sink: inout some MIDIEventSink, shouldStop: () -> Bool = { false },
    onProgress: (PlaybackProgress) -> Void = { _ in }
  ) throws(ALSAError) -> PlaybackOutcome {
    if options.waitForSubscriber {
      while try sink.status().subscriberCount == 0 {
        if shouldStop() { return .stoppedBeforeStart }
        sink.waitBriefly()
      }
    }
    do throws(ALSAError) {
      try performSoon(
        .configureQueue(ppq: plan.ppq, microsecondsPerQuarter: plan.initialMicrosecondsPerQuarter), on: &sink)
      let lookahead = options.lookaheadSeconds.isFinite && options.lookaheadSeconds > 0 ? options.lookaheadSeconds : 1
      // The first batch goes out before the queue starts, so its events are already waiting when the clock begins
      // (started first, they arrived 0-12 ms late on a real sequencer). The sequencer delivers the events at tick 0
      // as they come in, just before the start (measured 0.1-1.8 ms early in the emulated VM). Sending them right
      // after the start instead gave, in one VM run on a loaded host, every later event 15-150 ms early against the
      // start and the first events (cause not pinned down), so they stay in the batch.
      // When the pool fills up first, the start could not get in behind the batch: the batch is dropped and
      // everything goes out in order after the start.
      var next = 0
      var fits = true
      while next < min(plan.timeline.count, Self.firstBatchLimit), plan.timelineSeconds[next] <= lookahead {
        guard try sink.perform(plan.timeline[next]) else {
          fits = false
          break
        }
        next += 1
      }
      if !fits {
        try performSoon(.dropPending, on: &sink)
        next = 0
      }
      try performSoon(.startQueue, on: &sink)
      _ = try sink.flush()
      var lastTick = -1
      var idlePolls = 0
      while true {
        let status = try sink.status()
        if shouldStop() {
          try abort(plan, on: &sink)
          return .stopped(atTick: status.tick)
        }
        let position = plan.tempoMap.seconds(atTick: min(status.tick, plan.endTick))
        onProgress(PlaybackProgress(tick: status.tick, seconds: position, totalSeconds: plan.durationSeconds))
        while next < plan.timeline.count, plan.timelineSeconds[next] <= position + lookahead {
          guard try sink.perform(plan.timeline[next]) else { break }  // pool full: retry after waiting
          next += 1
        }
        let drained = try sink.flush()
        if next == plan.timeline.count, drained, status.pendingEvents == 0,
          status.tick >= plan.endTick || !status.isRunning
        {
          return .finished
        }
        if status.tick != lastTick {
          lastTick = status.tick
          idlePolls = 0
        } else {
          idlePolls += 1
          let tickSeconds = Double(plan.tempoMap.microsecondsPerQuarter(atTick: status.tick)) / 1e6 / Double(plan.ppq)
          if Double(idlePolls) * sink.pollIntervalSeconds > 2 + 3 * tickSeconds {
            throw ALSAError(
              kind: .queueStalled(tick: status.tick), function: "snd_seq_get_queue_status", code: 0,
              message: "the queue position stayed at tick \(status.tick)")
          }
        }
        sink.waitBriefly()
      }
    } catch {
      try? abort(plan, on: &sink)
      throw error
    }
  }

  /// Sends the plan's panic commands, retrying each while the output pool is full (at most about a second).
  private func abort(_ plan: PlaybackPlan, on sink: inout some MIDIEventSink) throws(ALSAError) {
    for command in plan.panic {
      var attempts = 0
      while try !sink.perform(command), attempts < 100 {
        attempts += 1
        sink.waitBriefly()
      }
    }
    _ = try sink.flush()
  }

  /// Performs `command`, waiting while the output pool is full (at most about five seconds).
  private func performSoon(_ command: SequencerCommand, on sink: inout some MIDIEventSink) throws(ALSAError) {
    var attempts = 0
    while try !sink.perform(command) {
      attempts += 1
      if Double(attempts) * sink.pollIntervalSeconds > 5 {
        throw ALSAError(
          function: "snd_seq_event_output", code: 0, message: "the sequencer output pool stayed full for 5 seconds")
      }
      sink.waitBriefly()
    }
  }
}

/// How `MIDIPlayer.play` ended.
public enum PlaybackOutcome: Hashable, Sendable {
  /// Every event was delivered.
  case finished
  /// A stop request (Ctrl-C) interrupted playback at `tick`; the panic messages were sent.
  case stopped(atTick: Int)
  /// A stop request came while waiting for a subscriber (`--virtual`); nothing was played.
  case stoppedBeforeStart
}

/// Where playback is, reported at every poll.
public struct PlaybackProgress: Hashable, Sendable {
  /// The queue position.
  public var tick: Int
  /// Seconds played, at the scaled tempo.
  public var seconds: Double
  /// Length of the whole stream in seconds.
  public var totalSeconds: Double
}
