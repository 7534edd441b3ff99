import MIDI

/// A `SynthCommand` due at a sample frame.
struct ScheduledCommand: Hashable, Sendable {
  /// Frames from the start of the render (at the schedule's sample rate).
  var frame: Int
  var command: SynthCommand
}

/// A MIDI sequence turned into synth commands at sample frames, through its tempo map.
///
/// Every track is merged in tick order (at equal ticks, track order then event order is kept, as
/// `MIDISequence.mergedEvents` defines). Meta events are dropped (tempo is already applied to the frames); a note-on
/// with velocity 0 becomes a note-off; system-exclusive messages are passed on without their framing bytes, except
/// F7 escape packets, which carry arbitrary bytes and are skipped.
struct SynthSchedule: Hashable, Sendable {
  let sampleRate: Int
  /// Sorted by frame, stable.
  let commands: [ScheduledCommand]
  /// The frame of the sequence's last event (end-of-track included): the length of the music without its tail.
  let endFrame: Int

  init(sequence: MIDISequence, sampleRate: Int) {
    self.sampleRate = sampleRate
    let clock = TickClock(tempoMap: sequence.tempoMap, sampleRate: sampleRate)
    var commands: [ScheduledCommand] = []
    for (_, timed) in sequence.mergedEvents {
      guard let command = Self.command(for: timed.event) else { continue }
      commands.append(ScheduledCommand(frame: clock.frame(atTick: timed.tick), command: command))
    }
    self.commands = commands
    self.endFrame = max(commands.last?.frame ?? 0, clock.frame(atTick: max(0, sequence.lastTick)))
  }

  /// The synth command for a MIDI event, or nil when the event makes no sound (meta events, escape packets).
  static func command(for event: MIDIEvent) -> SynthCommand? {
    switch event {
    case .noteOn(let channel, let note, let velocity):
      return velocity.value == 0
        ? .noteOff(channel: channel.value, key: note.value)
        : .noteOn(channel: channel.value, key: note.value, velocity: velocity.value)
    case .noteOff(let channel, let note, _):
      return .noteOff(channel: channel.value, key: note.value)
    case .controlChange(let channel, let controller, let value):
      return .controlChange(channel: channel.value, controller: controller.value, value: value.value)
    case .programChange(let channel, let program):
      return .programChange(channel: channel.value, program: program.value)
    case .pitchBend(let channel, let value):
      return .pitchBend(channel: channel.value, value: min(value, 16383))
    case .channelPressure(let channel, let pressure):
      return .channelPressure(channel: channel.value, pressure: pressure.value)
    case .polyPressure(let channel, let note, let pressure):
      return .keyPressure(channel: channel.value, key: note.value, pressure: pressure.value)
    case .sysEx(let escape, var bytes):
      guard !escape else { return nil }
      if bytes.last == 0xF7 { bytes.removeLast() }
      return bytes.isEmpty ? nil : .systemExclusive(bytes)
    case .meta:
      return nil
    }
  }
}

/// Converts ticks to sample frames through a tempo map, fast for ticks that arrive in increasing order.
///
/// Each tempo segment's start is precomputed in seconds; a lookup finds the segment by binary search. Frames are
/// rounded to the nearest sample.
struct TickClock {
  private let ppq: Double
  private let sampleRate: Double
  private let segmentTicks: [Int]
  private let segmentSeconds: [Double]
  private let segmentSecondsPerTick: [Double]

  init(tempoMap: TempoMap, sampleRate: Int) {
    ppq = Double(tempoMap.ppq)
    self.sampleRate = Double(sampleRate)
    var ticks: [Int] = []
    var seconds: [Double] = []
    var perTick: [Double] = []
    var elapsed = 0.0
    for (index, change) in tempoMap.changes.enumerated() {
      if index > 0 { elapsed += Double(change.tick - ticks[index - 1]) * perTick[index - 1] }
      ticks.append(change.tick)
      seconds.append(elapsed)
      perTick.append(Double(change.microsecondsPerQuarter) / 1_000_000 / Double(tempoMap.ppq))
    }
    segmentTicks = ticks
    segmentSeconds = seconds
    segmentSecondsPerTick = perTick
  }

  /// Seconds from tick 0 to `tick` (ticks before 0 count as 0).
  func seconds(atTick tick: Int) -> Double {
    let tick = max(0, tick)
    // Last segment starting at or before `tick` (the first segment always starts at tick 0).
    var low = 0
    var high = segmentTicks.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if segmentTicks[mid] <= tick { low = mid } else { high = mid - 1 }
    }
    return segmentSeconds[low] + Double(tick - segmentTicks[low]) * segmentSecondsPerTick[low]
  }

  /// The sample frame at `tick`, rounded to the nearest frame.
  func frame(atTick tick: Int) -> Int { Int((seconds(atTick: tick) * sampleRate).rounded()) }
}
