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
    var trackLists: [EventList] = []
    for (index, track) in tracks.enumerated() {
      var list = EventList()
      if let name = track.name ?? (index == 0 ? title : nil) {
        list.add(0, .meta(.text(MIDIMetaEvent.trackNameKind, name)))
      }
      Self.appendEvents(of: track, to: &list, ppq: ppq)
      trackLists.append(list)
    }
    let endTick = Self.tick(length, ppq: ppq)
    if format == 0 {
      var merged = conductor
      for list in trackLists {
        // The first voice's name duplicates the title in a single track; keep only other texts.
        for e in list.events {
          if case .meta(.text(MIDIMetaEvent.trackNameKind, _)) = e.event { continue }
          merged.events.append(e)
        }
      }
      return MIDISequence(format: 0, ppq: ppq, tracks: [merged.track(endTick: endTick)])
    }
    return MIDISequence(format: format, ppq: ppq, tracks: ([conductor] + trackLists).map { $0.track(endTick: endTick) })
  }

  /// Events of one track with the rank `MIDITrack.normalized()` gives them, so one sort puts them in canonical
  /// order (the writer's own normalization then finds nothing to move).
  struct EventList {
    /// meta 0, channel set-up 2, note-off of an earlier note 3, note-on 4, note-off of a note started at that tick 5.
    var events: [(tick: Int, rank: Int, event: MIDIEvent)] = []

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
      events.append((tick, r, event))
    }

    /// The track in canonical order, ending with one end-of-track event at `endTick` (or the last event's tick).
    func track(endTick: Int) -> MIDITrack {
      let order = events.indices.sorted {
        let a = events[$0]
        let b = events[$1]
        return a.tick != b.tick ? a.tick < b.tick : a.rank != b.rank ? a.rank < b.rank : $0 < $1
      }
      var result: [TimedMIDIEvent] = []
      result.reserveCapacity(events.count + 1)
      for i in order { result.append(TimedMIDIEvent(tick: events[i].tick, events[i].event)) }
      result.append(TimedMIDIEvent(tick: max(endTick, result.last?.tick ?? 0), .meta(.endOfTrack)))
      return MIDITrack(events: result)
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
  private static func appendEvents(of track: Track, to list: inout EventList, ppq: Int) {
    for e in track.channelEvents { list.add(tick(e.time, ppq: ppq), e.event) }
    var bend: [UInt8: Int] = [:]  // current pitch-wheel value per channel
    for note in track.notes {
      let on = tick(note.onset, ppq: ppq)
      let off = max(on, tick(note.end, ppq: ppq))
      let wanted = note.pitchBend ?? 8192
      if bend[note.channel.value, default: 8192] != wanted {
        bend[note.channel.value] = wanted
        list.add(on, .pitchBend(channel: note.channel, value: UInt16(min(16383, max(0, wanted)))))
      }
      list.add(on, .noteOn(channel: note.channel, note: note.pitch, velocity: note.velocity), rank: 4)
      list.add(off, .noteOff(channel: note.channel, note: note.pitch, velocity: 0), rank: off > on ? 3 : 5)
    }
    for text in track.texts {
      list.add(tick(text.time, ppq: ppq), .meta(.text(kind: text.kind, bytes: Array(text.text.utf8))))
    }
  }
}
