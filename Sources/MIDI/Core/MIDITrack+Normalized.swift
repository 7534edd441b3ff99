extension MIDITrack {
  /// The canonical form the SMF writer emits (SMF 1.0 and ABC reference §12.7).
  ///
  /// Events are stably sorted by tick. At equal ticks the order is: meta events, system exclusive, channel
  /// set-up (control change, program change, pitch bend, pressure; kept in their original relative order),
  /// note-offs (and note-ons with velocity 0), note-ons, then note-offs that end a note started at that same
  /// tick (a zero-length note stays a note instead of hanging). Every end-of-track event is removed and exactly
  /// one is appended, at the later of its original tick and the last event's tick.
  ///
  /// Normalizing twice gives the same track as normalizing once.
  public func normalized() -> MIDITrack {
    var byTick = events
    if !Self.isSortedByTick(byTick) {
      byTick = events.enumerated().sorted {
        $0.element.tick != $1.element.tick ? $0.element.tick < $1.element.tick : $0.offset < $1.offset
      }.map(\.element)
    }

    var result: [TimedMIDIEvent] = []
    result.reserveCapacity(byTick.count + 1)
    var endOfTrackTick = 0
    // Indexed by channel << 7 | note: notes started at earlier ticks and not yet ended, and notes started at
    // the tick being ordered (reset after each tick through `touched`).
    var sounding = [Int32](repeating: 0, count: 16 * 128)
    var startedHere = [Int32](repeating: 0, count: 16 * 128)
    var touched: [Int] = []
    var ranked: [(rank: Int, event: TimedMIDIEvent)] = []
    var start = 0
    while start < byTick.count {
      let tick = byTick[start].tick
      var end = start
      while end < byTick.count, byTick[end].tick == tick { end += 1 }

      ranked.removeAll(keepingCapacity: true)
      for timed in byTick[start..<end] {
        let rank: Int
        switch timed.event {
        case .meta(.endOfTrack):
          endOfTrackTick = max(endOfTrackTick, tick)
          continue
        case .meta: rank = 0
        case .sysEx: rank = 1
        case .noteOn(let channel, let note, let velocity) where velocity.value > 0:
          let key = Self.key(channel, note)
          startedHere[key] += 1
          touched.append(key)
          rank = 4
        case .noteOn(let channel, let note, _), .noteOff(let channel, let note, _):
          let key = Self.key(channel, note)
          if sounding[key] > 0 {
            sounding[key] -= 1
            rank = 3
          } else if startedHere[key] > 0 {
            startedHere[key] -= 1
            rank = 5
          } else {
            rank = 3  // a stray note-off; harmless either way
          }
        case .controlChange, .programChange, .pitchBend, .channelPressure, .polyPressure: rank = 2
        }
        ranked.append((rank, timed))
      }
      for key in touched {
        sounding[key] += startedHere[key]
        startedHere[key] = 0
      }
      touched.removeAll(keepingCapacity: true)
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

  private static func isSortedByTick(_ events: [TimedMIDIEvent]) -> Bool {
    var previous = Int.min
    for e in events {
      if e.tick < previous { return false }
      previous = e.tick
    }
    return true
  }

  private static func key(_ channel: MIDIChannel, _ note: UInt7) -> Int { Int(channel.value) << 7 | note.int }
}
