/// One instruction for a live MIDI output: what `PlaybackScheduler` produces and a `MIDIEventSink` performs.
///
/// Ticks are absolute queue ticks at the plan's PPQ; queue timing is modelled on the ALSA sequencer
/// (alsa-notes.md §3): events are stamped with ticks, tempo changes are events addressed to the queue.
public enum SequencerCommand: Hashable, Sendable {
  /// Sets the queue's resolution and initial tempo; sent once, before the queue starts.
  case configureQueue(ppq: Int, microsecondsPerQuarter: Int)
  /// Starts the queue at tick 0, keeping the events already handed to it (the player sends the first batch
  /// before starting, so the events at tick 0 are not late).
  case startQueue
  /// A channel-voice or system-exclusive event, delivered to the destination when the queue reaches `tick`.
  case event(tick: Int, MIDIEvent)
  /// Changes the queue tempo when the queue reaches `tick` (an SMF Set Tempo, already scaled).
  case tempo(tick: Int, microsecondsPerQuarter: Int)
  /// Stops the queue when it reaches `tick`: the end of the stream.
  case stopQueue(tick: Int)
  /// Removes every scheduled event not yet delivered (abort).
  case dropPending
  /// Stops the queue at once (abort).
  case stopQueueNow
  /// An event delivered at once, bypassing the queue (the panic messages sent on abort).
  case direct(MIDIEvent)

  /// The queue tick of a scheduled command, `nil` for immediate ones.
  public var tick: Int? {
    switch self {
    case .event(let tick, _), .tempo(let tick, _), .stopQueue(let tick): return tick
    default: return nil
    }
  }
}
