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

/// A whole MIDI sequence in memory: the common currency of the SMF writer/reader, the ALSA streamer and the renderer.
public struct MIDISequence: Hashable, Sendable {
  /// SMF format: 0 (one track) or 1 (simultaneous tracks; track 0 holds the tempo map by convention).
  public var format: Int
  /// Ticks per quarter note.
  public var ppq: Int
  public var tracks: [MIDITrack]

  public init(format: Int = 1, ppq: Int = 480, tracks: [MIDITrack] = []) {
    self.format = format
    self.ppq = ppq
    self.tracks = tracks
  }

  /// Tick of the last event over all tracks.
  public var lastTick: Int { tracks.map(\.lastTick).max() ?? 0 }

  /// Every event of every track merged into one list ordered by tick; at equal ticks track order then event order is kept.
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
}

/// Converts ticks to seconds and back through a list of tempo changes.
public struct TempoMap: Hashable, Sendable {
  public struct Change: Hashable, Sendable {
    public var tick: Int
    public var microsecondsPerQuarter: Int
    public init(tick: Int, microsecondsPerQuarter: Int) {
      self.tick = tick
      self.microsecondsPerQuarter = microsecondsPerQuarter
    }
  }

  public let ppq: Int
  /// Sorted by tick; always starts with a change at tick 0 (500 000 µs, 120 BPM, if none given).
  public let changes: [Change]

  public init(ppq: Int, changes: [Change]) {
    self.ppq = max(1, ppq)
    var sorted = changes.enumerated().sorted { $0.element.tick != $1.element.tick ? $0.element.tick < $1.element.tick : $0.offset < $1.offset }.map(\.element)
    // At equal ticks the last change wins.
    var dedup: [Change] = []
    for c in sorted {
      if let last = dedup.last, last.tick == c.tick { dedup[dedup.count - 1] = c } else { dedup.append(c) }
    }
    sorted = dedup
    if sorted.first?.tick != 0 { sorted.insert(Change(tick: 0, microsecondsPerQuarter: 500_000), at: 0) }
    self.changes = sorted
  }

  /// Seconds from tick 0 to `tick`.
  public func seconds(atTick tick: Int) -> Double {
    var seconds = 0.0
    for (i, c) in changes.enumerated() {
      let end = i + 1 < changes.count ? min(changes[i + 1].tick, tick) : tick
      if end <= c.tick { break }
      seconds += Double(end - c.tick) * Double(c.microsecondsPerQuarter) / 1_000_000 / Double(ppq)
    }
    return seconds
  }

  /// The tick sounding at `seconds` (rounded down).
  public func tick(atSeconds seconds: Double) -> Int {
    var elapsed = 0.0
    for (i, c) in changes.enumerated() {
      let secondsPerTick = Double(c.microsecondsPerQuarter) / 1_000_000 / Double(ppq)
      if i + 1 < changes.count {
        let span = Double(changes[i + 1].tick - c.tick) * secondsPerTick
        if elapsed + span > seconds { return c.tick + Int((seconds - elapsed) / secondsPerTick) }
        elapsed += span
      } else {
        return c.tick + Int((seconds - elapsed) / secondsPerTick)
      }
    }
    return 0
  }
}
