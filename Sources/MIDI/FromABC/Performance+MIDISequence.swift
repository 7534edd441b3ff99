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
    var conductor = MIDITrack()
    conductorEvents(into: &conductor, ppq: ppq)
    var trackList: [MIDITrack] = []
    for (index, track) in tracks.enumerated() {
      var midiTrack = MIDITrack()
      if let name = track.name ?? (index == 0 ? title : nil) {
        midiTrack.events.append(TimedMIDIEvent(tick: 0, .meta(.text(MIDIMetaEvent.trackNameKind, name))))
      }
      Self.appendEvents(of: track, to: &midiTrack, ppq: ppq)
      trackList.append(midiTrack)
    }
    let endTick = Self.tick(length, ppq: ppq)
    if format == 0 {
      var merged = conductor
      for t in trackList {
        // The first voice's name duplicates the title in a single track; keep only other texts.
        merged.events += t.events.filter { if case .meta(.text(MIDIMetaEvent.trackNameKind, _)) = $0.event { return false } else { return true } }
      }
      merged.events.append(TimedMIDIEvent(tick: endTick, .meta(.endOfTrack)))
      return MIDISequence(format: 0, ppq: ppq, tracks: [merged.normalized()])
    }
    var all = [conductor] + trackList
    for i in all.indices { all[i].events.append(TimedMIDIEvent(tick: endTick, .meta(.endOfTrack))) }
    return MIDISequence(format: format, ppq: ppq, tracks: all.map { $0.normalized() })
  }

  /// Title, tempo map, time and key signatures and markers (the whole of track 0 in format 1).
  private func conductorEvents(into track: inout MIDITrack, ppq: Int) {
    if let title {
      track.events.append(TimedMIDIEvent(tick: 0, .meta(.text(MIDIMetaEvent.trackNameKind, title))))
    }
    for change in tempoChanges {
      let us = UInt32(min(0xFF_FFFF, max(1, change.microsecondsPerQuarter)))
      track.events.append(TimedMIDIEvent(tick: Self.tick(change.time, ppq: ppq), .meta(.tempo(microsecondsPerQuarter: us))))
    }
    for change in meterChanges {
      guard let event = Self.timeSignature(numerator: change.numerator, denominator: change.denominator) else { continue }
      track.events.append(TimedMIDIEvent(tick: Self.tick(change.time, ppq: ppq), .meta(event)))
    }
    for change in keyChanges {
      let sharps = Int8(min(7, max(-7, change.sharps)))
      track.events.append(
        TimedMIDIEvent(tick: Self.tick(change.time, ppq: ppq), .meta(.keySignature(sharps: sharps, minor: change.minor))))
    }
    for marker in markers {
      track.events.append(
        TimedMIDIEvent(tick: Self.tick(marker.time, ppq: ppq), .meta(.text(MIDIMetaEvent.markerKind, marker.text))))
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
  private static func appendEvents(of track: Track, to midiTrack: inout MIDITrack, ppq: Int) {
    for e in track.channelEvents {
      midiTrack.events.append(TimedMIDIEvent(tick: tick(e.time, ppq: ppq), e.event))
    }
    var bend: [UInt8: Int] = [:]  // current pitch-wheel value per channel
    for note in track.notes {
      let on = tick(note.onset, ppq: ppq)
      let off = max(on, tick(note.end, ppq: ppq))
      let wanted = note.pitchBend ?? 8192
      if bend[note.channel.value, default: 8192] != wanted {
        bend[note.channel.value] = wanted
        midiTrack.events.append(
          TimedMIDIEvent(tick: on, .pitchBend(channel: note.channel, value: UInt16(min(16383, max(0, wanted))))))
      }
      midiTrack.events.append(TimedMIDIEvent(tick: on, .noteOn(channel: note.channel, note: note.pitch, velocity: note.velocity)))
      midiTrack.events.append(TimedMIDIEvent(tick: off, .noteOff(channel: note.channel, note: note.pitch, velocity: 0)))
    }
    for text in track.texts {
      midiTrack.events.append(TimedMIDIEvent(tick: tick(text.time, ppq: ppq), .meta(.text(kind: text.kind, bytes: Array(text.text.utf8)))))
    }
  }
}
