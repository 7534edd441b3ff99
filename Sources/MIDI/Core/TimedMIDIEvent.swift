/// An event at an absolute tick (ticks from the start of the track, in the sequence's PPQ).
public struct TimedMIDIEvent: Hashable, Sendable {
  /// Absolute tick, ≥ 0 for anything the SMF writer accepts.
  public var tick: Int
  public var event: MIDIEvent
  public init(tick: Int, _ event: MIDIEvent) {
    self.tick = tick
    self.event = event
  }
}
