/// A whole MIDI sequence in memory: the common currency of the SMF writer/reader, the ALSA streamer and the renderer.
public struct MIDISequence: Hashable, Sendable {
  /// SMF format: 0 (one track) or 1 (simultaneous tracks; track 0 holds the tempo map by convention); 2 (independent
  /// patterns) is read and written but played as if it were 1.
  public var format: Int
  /// Ticks per quarter note, 1…32767.
  public var ppq: Int
  public var tracks: [MIDITrack]

  public init(format: Int = 1, ppq: Int = 480, tracks: [MIDITrack] = []) {
    self.format = format
    self.ppq = ppq
    self.tracks = tracks
  }

  /// Tick of the last event over all tracks.
  public var lastTick: Int { tracks.map(\.lastTick).max() ?? 0 }

  /// Every event of every track merged into one list ordered by tick; at equal ticks track order then event order
  /// is kept.
  public var mergedEvents: [(track: Int, event: TimedMIDIEvent)] {
    var all: [(track: Int, event: TimedMIDIEvent)] = []
    all.reserveCapacity(tracks.reduce(0) { $0 + $1.events.count })
    for (i, t) in tracks.enumerated() { for e in t.events { all.append((i, e)) } }
    // Stable merge: sort by tick, ties broken by (track, original index) which enumerated order preserves.
    return all.enumerated().sorted { a, b in
      a.element.event.tick != b.element.event.tick ? a.element.event.tick < b.element.event.tick : a.offset < b.offset
    }.map(\.element)
  }

  /// The tempo map of the sequence (tempo meta events of all tracks; 500 000 µs per quarter until the first).
  public var tempoMap: TempoMap {
    var changes: [TempoMap.Change] = []
    for t in tracks {
      for e in t.events {
        if case .meta(.tempo(let us)) = e.event { changes.append(.init(tick: e.tick, microsecondsPerQuarter: Int(us))) }
      }
    }
    return TempoMap(ppq: ppq, changes: changes)
  }

  /// Length in seconds, up to the last event.
  public var durationSeconds: Double { tempoMap.seconds(atTick: lastTick) }

  /// The sequence with every track in canonical order and ending in one end-of-track event
  /// (see `MIDITrack.normalized()`). The SMF writer writes this form, so `decode(encode(s)) == s.normalized()`.
  public func normalized() -> MIDISequence {
    MIDISequence(format: format, ppq: ppq, tracks: tracks.map { $0.normalized() })
  }

  /// The same music as a format 0 sequence: one track holding every event of every track, normalized.
  public func flattened() -> MIDISequence {
    let merged = mergedEvents.compactMap { item -> TimedMIDIEvent? in
      if case .meta(.endOfTrack) = item.event.event {
        // Keep the track length: an end-of-track only extends the merged track, never cuts it.
        return nil
      }
      return item.event
    }
    var track = MIDITrack(events: merged)
    track.events.append(TimedMIDIEvent(tick: lastTick, .meta(.endOfTrack)))
    return MIDISequence(format: 0, ppq: ppq, tracks: [track.normalized()])
  }
}
