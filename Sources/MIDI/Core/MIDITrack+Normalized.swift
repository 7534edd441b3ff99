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
    let byTick = events.enumerated().sorted {
      $0.element.tick != $1.element.tick ? $0.element.tick < $1.element.tick : $0.offset < $1.offset
    }.map(\.element)

    var result: [TimedMIDIEvent] = []
    result.reserveCapacity(byTick.count + 1)
    var endOfTrackTick = 0
    var sounding: [Int: Int] = [:]  // (channel << 7 | note) → notes started earlier and not yet ended
    var start = 0
    while start < byTick.count {
      let tick = byTick[start].tick
      var end = start
      while end < byTick.count, byTick[end].tick == tick { end += 1 }

      var startedHere: [Int: Int] = [:]
      var ranked: [(rank: Int, event: TimedMIDIEvent)] = []
      ranked.reserveCapacity(end - start)
      for timed in byTick[start..<end] {
        let rank: Int
        switch timed.event {
        case .meta(.endOfTrack):
          endOfTrackTick = max(endOfTrackTick, tick)
          continue
        case .meta: rank = 0
        case .sysEx: rank = 1
        case .noteOn(let channel, let note, let velocity) where velocity.value > 0:
          startedHere[Self.key(channel, note), default: 0] += 1
          rank = 4
        case .noteOn(let channel, let note, _), .noteOff(let channel, let note, _):
          let key = Self.key(channel, note)
          if let open = sounding[key], open > 0 {
            sounding[key] = open - 1
            rank = 3
          } else if let here = startedHere[key], here > 0 {
            startedHere[key] = here - 1
            rank = 5
          } else {
            rank = 3  // a stray note-off; harmless either way
          }
        case .controlChange, .programChange, .pitchBend, .channelPressure, .polyPressure: rank = 2
        }
        ranked.append((rank, timed))
      }
      for (key, count) in startedHere where count > 0 { sounding[key, default: 0] += count }
      // Swift's sort is not guaranteed stable, so break ties by position.
      let ordered = ranked.enumerated().sorted {
        $0.element.rank != $1.element.rank ? $0.element.rank < $1.element.rank : $0.offset < $1.offset
      }
      for item in ordered { result.append(item.element.event) }
      start = end
    }
    let lastTick = max(endOfTrackTick, result.last?.tick ?? 0)
    result.append(TimedMIDIEvent(tick: lastTick, .meta(.endOfTrack)))
    return MIDITrack(events: result)
  }

  private static func key(_ channel: MIDIChannel, _ note: UInt7) -> Int { Int(channel.value) << 7 | note.int }
}
