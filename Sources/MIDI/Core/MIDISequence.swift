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
    // Each track stably sorted by tick (usually it already is), then a k-way merge that takes the lowest track
    // index first at equal ticks.
    let sorted = tracks.map { track -> [TimedMIDIEvent] in
      var previous = Int.min
      var inOrder = true
      for e in track.events {
        if e.tick < previous {
          inOrder = false
          break
        }
        previous = e.tick
      }
      if inOrder { return track.events }
      return track.events.enumerated().sorted {
        $0.element.tick != $1.element.tick ? $0.element.tick < $1.element.tick : $0.offset < $1.offset
      }.map(\.element)
    }
    var all: [(track: Int, event: TimedMIDIEvent)] = []
    all.reserveCapacity(sorted.reduce(0) { $0 + $1.count })
    var heads = [Int](repeating: 0, count: sorted.count)
    while true {
      var best = -1
      for t in sorted.indices where heads[t] < sorted[t].count {
        if best < 0 || sorted[t][heads[t]].tick < sorted[best][heads[best]].tick { best = t }
      }
      guard best >= 0 else { break }
      all.append((best, sorted[best][heads[best]]))
      heads[best] += 1
    }
    return all
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
