/// Everything a live output needs to play a sequence: what `PlaybackScheduler` computes, `MIDIPlayer` performs.
public struct PlaybackPlan: Hashable, Sendable {
  /// The queue resolution, the sequence's PPQ.
  public var ppq: Int
  /// The queue tempo at tick 0, already scaled.
  public var initialMicrosecondsPerQuarter: Int
  /// `.event`, `.tempo` and a final `.stopQueue(endTick)`, in delivery order; ticks never decrease.
  public var timeline: [SequencerCommand]
  /// Seconds from the queue start to each `timeline` entry, at the scaled tempo.
  public var timelineSeconds: [Double]
  /// The last tick: the sequence length times the loop count.
  public var endTick: Int
  /// Channels with channel-voice events, ascending.
  public var channels: [MIDIChannel]
  /// The scaled tempo map of the whole stream, loops included.
  public var tempoMap: TempoMap
  /// What to send on abort: drop what is queued, stop the queue, then on every used channel
  /// All Sound Off (CC 120), All Notes Off (CC 123) and Reset All Controllers (CC 121) as direct events.
  public var panic: [SequencerCommand]

  /// Length of the stream in seconds at the scaled tempo.
  public var durationSeconds: Double { tempoMap.seconds(atTick: endTick) }
}
