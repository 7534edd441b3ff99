extension MIDITrack {
  /// The canonical form the SMF writer emits (SMF 1.0 and ABC reference §12.7).
  ///
  /// Events are stably sorted by tick. At equal ticks the order is: meta events, system exclusive, channel
  /// set-up (control change, program change, pitch bend, pressure; kept in their original relative order),
  /// note-offs (and note-ons with velocity 0), note-ons, then note-offs that end a note started at that same
  /// tick (a zero-length note stays a note instead of hanging). Every end-of-track event is removed and exactly
  /// one is appended, at the later of its original tick and the last event's tick.
  ///
  /// Normalizing twice gives the same track as normalizing once. A track already in canonical form (what the
  /// performer emits) is checked in one pass and returned as it is.
  public func normalized() -> MIDITrack {
    isNormalized ? self : reordered()
  }

  /// The canonical form, always built by sorting (what `normalized()` does for a track not already in that form).
  func reordered() -> MIDITrack {
    var byTick = events
    if !Self.isSortedByTick(byTick) {
      byTick = events.enumerated().sorted {
        $0.element.tick != $1.element.tick ? $0.element.tick < $1.element.tick : $0.offset < $1.offset
      }.map(\.element)
    }

    var result: [TimedMIDIEvent] = []
    result.reserveCapacity(byTick.count + 1)
    var endOfTrackTick = 0
    var ranker = CanonicalRanker()
    var ranked: [(rank: Int, event: TimedMIDIEvent)] = []
    var start = 0
    while start < byTick.count {
      let tick = byTick[start].tick
      var end = start
      while end < byTick.count, byTick[end].tick == tick { end += 1 }

      ranker.startTick()
      ranked.removeAll(keepingCapacity: true)
      for timed in byTick[start..<end] {
        if case .meta(.endOfTrack) = timed.event {
          endOfTrackTick = max(endOfTrackTick, tick)
          continue
        }
        ranked.append((ranker.rank(of: timed.event), timed))
      }
      // Stable insertion sort by rank: groups are small and usually already in order.
      for i in ranked.indices.dropFirst() {
        let item = ranked[i]
        var j = i
        while j > 0, ranked[j - 1].rank > item.rank {
          ranked[j] = ranked[j - 1]
          j -= 1
        }
        ranked[j] = item
      }
      for item in ranked { result.append(item.event) }
      start = end
    }
    let lastTick = max(endOfTrackTick, result.last?.tick ?? 0)
    result.append(TimedMIDIEvent(tick: lastTick, .meta(.endOfTrack)))
    return MIDITrack(events: result)
  }

  /// `true` when `normalized()` would return the track unchanged: ticks never decrease, the ranks at each tick never
  /// decrease (so the stable sort moves nothing), and the only end-of-track event is the last event. One pass, no
  /// event is copied.
  var isNormalized: Bool {
    guard let last = events.last, case .meta(.endOfTrack) = last.event else { return false }
    var ranker = CanonicalRanker()
    var tick = Int.min
    var previousRank = 0
    for timed in events.dropLast() {
      if timed.tick != tick {
        guard timed.tick > tick else { return false }
        tick = timed.tick
        previousRank = 0
        ranker.startTick()
      }
      if case .meta(.endOfTrack) = timed.event { return false }
      let rank = ranker.rank(of: timed.event)
      guard rank >= previousRank else { return false }
      previousRank = rank
    }
    return last.tick >= tick
  }

  private static func isSortedByTick(_ events: [TimedMIDIEvent]) -> Bool {
    var previous = Int.min
    for e in events {
      if e.tick < previous { return false }
      previous = e.tick
    }
    return true
  }
}

/// The rank `MIDITrack.normalized()` orders the events of one tick by: meta 0, system exclusive 1, channel set-up 2,
/// the end of a note started at an earlier tick 3, note-on 4, the end of a note started at this tick 5. Events are
/// ranked in track order, tick by tick (`startTick()` before each tick's first event).
private struct CanonicalRanker {
  // Indexed by channel << 7 | note: notes started at earlier ticks and not yet ended, and notes started at the tick
  // being ranked (moved into `sounding` by the next `startTick()` through `touched`).
  private var sounding = [Int32](repeating: 0, count: 16 * 128)
  private var startedHere = [Int32](repeating: 0, count: 16 * 128)
  private var touched: [Int] = []

  mutating func startTick() {
    for key in touched {
      sounding[key] += startedHere[key]
      startedHere[key] = 0
    }
    touched.removeAll(keepingCapacity: true)
  }

  /// The rank of `event` (not an end-of-track event), in track order within its tick.
  mutating func rank(of event: MIDIEvent) -> Int {
    switch event {
    case .meta: return 0
    case .sysEx: return 1
    case .noteOn(let channel, let note, let velocity) where velocity.value > 0:
      let key = Self.key(channel, note)
      startedHere[key] += 1
      touched.append(key)
      return 4
    case .noteOn(let channel, let note, _), .noteOff(let channel, let note, _):
      let key = Self.key(channel, note)
      if sounding[key] > 0 {
        sounding[key] -= 1
        return 3
      } else if startedHere[key] > 0 {
        startedHere[key] -= 1
        return 5
      } else {
        return 3  // a stray note-off; harmless either way
      }
    case .controlChange, .programChange, .pitchBend, .channelPressure, .polyPressure: return 2
    }
  }

  private static func key(_ channel: MIDIChannel, _ note: UInt7) -> Int { Int(channel.value) << 7 | note.int }
}
