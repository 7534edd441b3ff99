import ABCParser

extension Performance {
  /// The tick at which `time` (whole notes) falls at `ppq` ticks per quarter note: `⌊time × 4 × ppq⌋`.
  ///
  /// Positions are quantised, never durations: a note sounds from `tick(onset)` to `tick(onset + duration)`, so the
  /// rounding of quintuplets and septuplets is spread over the group and every tuplet group and every bar still sums
  /// exactly (ABC reference §12.1). Flooring matches abc2midi's own error-carrying arithmetic.
  public static func tick(_ time: NoteLength, ppq: Int) -> Int {
    let scale = 4 * max(1, ppq)
    let (product, overflow) = time.numerator.multipliedReportingOverflow(by: scale)
    guard !overflow else { return Int((time.doubleValue * Double(scale)).rounded(.down)) }
    let q = product / time.denominator
    // Floor division for negative times (never produced by the performer, but keep the function total).
    return (product % time.denominator != 0 && product < 0) ? q - 1 : q
  }

  /// The performance as a MIDI sequence (SMF layout as abc2midi writes it, ABC reference §12.7).
  ///
  /// - Parameters:
  ///   - ppq: ticks per quarter note, 1…32767 (default 480, abc2midi's value).
  ///   - format: 0 (one track) or 1 (a conductor track with title, tempo, meter and key events, then one track per
  ///     performance track). `nil` picks abc2midi's choice: format 0 when the performance has a single track
  ///     (one voice, no accompaniment), else format 1.
  /// - Returns: a sequence whose tracks are normalized (`MIDITrack.normalized()`): at equal ticks note-offs come
  ///   before note-ons and program/controller changes before notes; every track ends with an end-of-track event.
  public func midiSequence(ppq: Int = 480, format: Int? = nil) -> MIDISequence {
    let ppq = min(32767, max(1, ppq))
    let format = format ?? (tracks.count <= 1 ? 0 : 1)
    var conductor = EventList()
    conductorEvents(into: &conductor, ppq: ppq)
    let endTick = Self.tick(length, ppq: ppq)
    if format == 0 {
      // One track: the conductor's events, then every track's. The first voice's name duplicates the title in a
      // single track, so no track names are kept.
      for track in tracks { Self.appendEvents(of: track, to: &conductor, ppq: ppq, keepTrackNames: false) }
      return MIDISequence(format: 0, ppq: ppq, tracks: [conductor.track(endTick: endTick)])
    }
    var result = [conductor.track(endTick: endTick)]
    result.reserveCapacity(tracks.count + 1)
    for (index, track) in tracks.enumerated() {
      var list = EventList()
      if let name = track.name ?? (index == 0 ? title : nil) {
        list.add(0, .meta(.text(MIDIMetaEvent.trackNameKind, name)))
      }
      Self.appendEvents(of: track, to: &list, ppq: ppq)
      result.append(list.track(endTick: endTick))
    }
    return MIDISequence(format: format, ppq: ppq, tracks: result)
  }

  /// Events of one track with the rank `MIDITrack.normalized()` gives them, so one sort puts them in canonical
  /// order (the writer's own normalization then finds nothing to move).
  struct EventList {
    private var events: [TimedMIDIEvent] = []
    /// meta 0, channel set-up 2, note-off of an earlier note 3, note-on 4, note-off of a note started at that tick 5.
    private var ranks: [Int] = []

    mutating func add(_ tick: Int, _ event: MIDIEvent, rank: Int? = nil) {
      let r: Int
      if let rank {
        r = rank
      } else {
        switch event {
        case .meta: r = 0
        case .sysEx: r = 1
        case .noteOn, .noteOff: r = 4
        default: r = 2
        }
      }
      events.append(TimedMIDIEvent(tick: tick, event))
      ranks.append(r)
    }

    /// The track in canonical order, ending with one end-of-track event at `endTick` (or the last event's tick).
    consuming func track(endTick: Int) -> MIDITrack {
      // Sort plain keys (tick, rank, position), then move the events into that order in place: no event is copied.
      var order: [(tick: Int, rank: Int, index: Int)] = []
      order.reserveCapacity(events.count)
      for i in events.indices { order.append((events[i].tick, ranks[i], i)) }
      order.sort { $0 < $1 }
      var result = events
      events = []
      Self.permute(&result, taking: order.map(\.index))
      result.append(TimedMIDIEvent(tick: max(endTick, result.last?.tick ?? 0), .meta(.endOfTrack)))
      return MIDITrack(events: result)
    }

    /// Reorders `items` so that position `p` holds the item that was at `source[p]` (`source` is a permutation),
    /// by swapping along the permutation's cycles.
    static func permute(_ items: inout [TimedMIDIEvent], taking source: [Int]) {
      var placed = [Bool](repeating: false, count: items.count)
      for start in items.indices where !placed[start] {
        var p = start
        while true {
          placed[p] = true
          let from = source[p]
          if from == start { break }
          items.swapAt(p, from)
          p = from
        }
      }
    }
  }

  /// Title, tempo map, time and key signatures and markers (the whole of track 0 in format 1).
  private func conductorEvents(into list: inout EventList, ppq: Int) {
    if let title { list.add(0, .meta(.text(MIDIMetaEvent.trackNameKind, title))) }
    for change in tempoChanges {
      let us = UInt32(min(0xFF_FFFF, max(1, change.microsecondsPerQuarter)))
      list.add(Self.tick(change.time, ppq: ppq), .meta(.tempo(microsecondsPerQuarter: us)))
    }
    for change in meterChanges {
      guard let event = Self.timeSignature(numerator: change.numerator, denominator: change.denominator) else {
        continue
      }
      list.add(Self.tick(change.time, ppq: ppq), .meta(event))
    }
    for change in keyChanges {
      let sharps = Int8(min(7, max(-7, change.sharps)))
      list.add(Self.tick(change.time, ppq: ppq), .meta(.keySignature(sharps: sharps, minor: change.minor)))
    }
    for marker in markers {
      list.add(Self.tick(marker.time, ppq: ppq), .meta(.text(MIDIMetaEvent.markerKind, marker.text)))
    }
  }

  /// The SMF time-signature meta event for `numerator/denominator` (abc2midi's clocks-per-click values), `nil` when
  /// the values do not fit (a numerator above 255, a denominator that is not a power of two).
  static func timeSignature(numerator: Int, denominator: Int) -> MIDIMetaEvent? {
    guard (1...255).contains(numerator), denominator > 0, denominator & (denominator - 1) == 0 else { return nil }
    let power = UInt8(denominator.trailingZeroBitCount)
    let clocks = numerator % 2 == 0 ? 48 * numerator / denominator : 24 * numerator / denominator
    return .timeSignature(
      numerator: UInt8(numerator), denominatorPower: power, clocksPerClick: UInt8(min(255, max(1, clocks))),
      thirtySecondsPerQuarter: 8)
  }

  /// Channel events, notes (with any pitch-wheel changes they need) and texts of one track.
  /// `keepTrackNames: false` leaves out texts of the track-name kind (for a format 0 sequence).
  private static func appendEvents(
    of track: Track, to list: inout EventList, ppq: Int, keepTrackNames: Bool = true
  ) {
    for e in track.channelEvents { list.add(tick(e.time, ppq: ppq), e.event) }
    var bend = [Int](repeating: 8192, count: 16)  // current pitch-wheel value per channel
    for note in track.notes {
      let on = tick(note.onset, ppq: ppq)
      let off = max(on, tick(note.end, ppq: ppq))
      let wanted = note.pitchBend ?? 8192
      if bend[Int(note.channel.value)] != wanted {
        bend[Int(note.channel.value)] = wanted
        list.add(on, .pitchBend(channel: note.channel, value: UInt16(min(16383, max(0, wanted)))))
      }
      list.add(on, .noteOn(channel: note.channel, note: note.pitch, velocity: note.velocity), rank: 4)
      list.add(off, .noteOff(channel: note.channel, note: note.pitch, velocity: 0), rank: off > on ? 3 : 5)
    }
    for text in track.texts where keepTrackNames || text.kind != MIDIMetaEvent.trackNameKind {
      list.add(tick(text.time, ppq: ppq), .meta(.text(kind: text.kind, bytes: Array(text.text.utf8))))
    }
  }
}
