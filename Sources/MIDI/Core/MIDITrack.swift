/// One track of a MIDI sequence: events at **absolute** ticks, kept sorted by tick (stable for equal ticks).
/// Delta times exist only inside the SMF reader and writer.
public struct MIDITrack: Hashable, Sendable {
  public var events: [TimedMIDIEvent]
  public init(events: [TimedMIDIEvent] = []) { self.events = events }

  /// The track name (first 0x03 meta event), if any.
  public var name: String? {
    for e in events {
      if case .meta(.text(let kind, let bytes)) = e.event, kind == MIDIMetaEvent.trackNameKind {
        return String(decoding: bytes, as: UTF8.self)
      }
    }
    return nil
  }

  /// Tick of the last event (0 for an empty track).
  public var lastTick: Int { events.last?.tick ?? 0 }
}
