@testable import MIDI

/// An in-memory `MIDIEventSink` that simulates an ALSA queue exactly: each `waitBriefly()` advances the queue
/// `ticksPerPoll` ticks, applying tempo changes and the stop event as it passes them, and records every command
/// and every delivery with its time on the simulated clock.
struct RecordingSink: MIDIEventSink {
  struct Delivery: Hashable {
    var seconds: Double
    var tick: Int
    var event: MIDIEvent
    var direct: Bool
  }

  /// Every command performed, in order.
  var log: [SequencerCommand] = []
  /// Every event delivered to the destination, in order.
  var deliveries: [Delivery] = []
  /// Queue ticks per poll; 0 simulates a stalled queue.
  var ticksPerPoll = 120
  /// The most scheduled commands the simulated pool holds at once.
  var poolCapacity = Int.max
  /// `status()` throws `.destinationGone` on this poll.
  var failAtPoll: Int?
  /// Subscribers appear from this poll on.
  var subscriberArrivesAtPoll = 0
  /// The largest distance, in ticks, between the queue position and a command handed over.
  var maxLeadTicks = 0
  /// `status()` calls so far.
  var polls = 0

  private var ppq = 480
  private var tempo = 500_000
  private var started = false
  private var stopped = false
  private var tick = 0
  private var seconds = 0.0
  private var pending: [SequencerCommand] = []

  var pollIntervalSeconds: Double { 0.01 }

  mutating func perform(_ command: SequencerCommand) throws(ALSAError) -> Bool {
    switch command {
    case .configureQueue(let ppq, let microseconds):
      self.ppq = ppq
      tempo = microseconds
    case .startQueue:
      started = true
    case .event, .tempo, .stopQueue:
      guard pending.count < poolCapacity else { return false }
      maxLeadTicks = max(maxLeadTicks, (command.tick ?? 0) - tick)
      // ALSA's queue is ordered by time, first in first out among equal times.
      let position = pending.lastIndex { ($0.tick ?? 0) <= (command.tick ?? 0) }.map { $0 + 1 } ?? 0
      pending.insert(command, at: position)
    case .dropPending:
      pending.removeAll()
    case .stopQueueNow:
      stopped = true
    case .direct(let event):
      deliveries.append(Delivery(seconds: seconds, tick: tick, event: event, direct: true))
    }
    log.append(command)
    return true
  }

  mutating func flush() throws(ALSAError) -> Bool { true }

  mutating func status() throws(ALSAError) -> SinkStatus {
    polls += 1
    if polls == failAtPoll {
      throw ALSAError(
        kind: .destinationGone("14:0 (Midi Through, Midi Through Port-0)"), function: "snd_seq_get_any_port_info",
        code: -2, message: "No such file or directory")
    }
    return SinkStatus(
      tick: tick, isRunning: started && !stopped, pendingEvents: pending.count,
      subscriberCount: polls >= subscriberArrivesAtPoll ? 1 : 0)
  }

  mutating func waitBriefly() {
    guard started, !stopped else { return }
    advance(to: tick + ticksPerPoll)
  }

  /// Runs the queue to `target`, delivering what falls due in submission order (late events at once).
  private mutating func advance(to target: Int) {
    while let next = pending.first, (next.tick ?? 0) <= target {
      pending.removeFirst()
      let due = max(next.tick ?? 0, tick)
      seconds += Double(due - tick) * Double(tempo) / 1e6 / Double(ppq)
      tick = due
      switch next {
      case .event(_, let event): deliveries.append(Delivery(seconds: seconds, tick: tick, event: event, direct: false))
      case .tempo(_, let microseconds): tempo = microseconds
      case .stopQueue:
        stopped = true
        return
      default: break
      }
    }
    seconds += Double(target - tick) * Double(tempo) / 1e6 / Double(ppq)
    tick = target
  }
}
