import ABCParser

/// Performs a parsed ABC tune: unfolds it once into a `Performance`, the exact-time event timeline every MIDI
/// consumer (SMF writer, ALSA streamer, renderer) converts with `Performance.midiSequence(ppq:format:)`.
///
/// ```swift
/// let (performance, warnings) = ABCPerformer().perform(tune)
/// try MIDIFile.write(performance.midiSequence(), to: "tune.mid")
/// ```
///
/// Follows ABC 2.1 and abc2midi 4.84's documented and measured behaviour (ABC reference §12): tempo, meter and key
/// meta events; unit lengths; accidentals scoped to the bar and carried through ties; key signatures with modes and
/// explicit accidentals; `octave=`, clef `±8` and `transpose=`; broken rhythm; tuplets; chords; grace notes (each
/// takes a quarter of its written length from the following note); ties; staccato, fermata, trill, roll and
/// dynamics; rests and multi-bar rests; repeats, variant endings and parts; voices and overlays (a track and a
/// channel each); the `%%MIDI` directives of §10.1; guitar-chord accompaniment with abc2midi's per-meter patterns;
/// and abc2midi's beat-stress velocities. Where abc2midi departs from the standard, the standard wins unless an
/// option asks for abc2midi's way (`PerformanceOptions`).
public struct ABCPerformer: Sendable {
  public var options: PerformanceOptions

  public init(options: PerformanceOptions = PerformanceOptions()) { self.options = options }

  /// Performs `tune`. Never fails: what cannot be played as written is played the nearest sensible way and
  /// reported in the warnings (a tune without music gives an empty performance).
  public func perform(_ tune: ABCTune) -> (performance: Performance, warnings: [PerformanceWarning]) {
    var builder = ScriptBuilder(tune: tune, options: options)
    let (settings, scripts) = builder.build()
    var warnings = builder.warnings

    // Unfold every voice; parts align across voices (a voice silent in a part rests for its length, as abc2midi).
    var unfolder = RepeatUnfolder()
    var segments: [[[PlayedItem]]] = []
    for (i, script) in scripts.enumerated() {
      if options.abc2midiRepeats {
        let fix = settings.partOrder == nil && scripts.count == 1
        segments.append([
          ABC2MIDIRepeats.unfold(script.items, partOrder: settings.partOrder, fixRepeats: fix, isFirstVoice: i == 0)
        ])
      } else {
        segments.append(unfolder.unfold(script.items, partOrder: settings.partOrder, reportMissing: i == 0))
      }
    }
    warnings += unfolder.warnings
    var played: [[PlayedItem]] = []
    for (v, voiceSegments) in segments.enumerated() {
      var items: [PlayedItem] = []
      for (k, segment) in voiceSegments.enumerated() {
        if items.isEmpty { items = segment } else { items += segment }  // one segment (no parts): shared, not copied
        if v > 0, settings.partOrder != nil, !options.abc2midiRepeats, k < segments[0].count,
          Self.duration(segment) == .zero
        {
          let length = Self.duration(segments[0][k])
          if length > .zero { items.append(.sound(Sound(advance: length, tones: [], location: tune.location))) }
        }
        if items.count > Self.maxPlayedItems {
          warnings.append(
            PerformanceWarning(
              .parts, "the unfolded tune is too long (over \(Self.maxPlayedItems) events in a voice); cut short"))
          items.removeSubrange(Self.maxPlayedItems...)
          break
        }
      }
      played.append(items)
    }

    // Tracks and channels in abc2midi's order: each voice, then its accompaniment, drum and drone tracks.
    let withAccompaniment = options.accompaniment
    var allocator = ChannelAllocator(reserved: Set(scripts.compactMap(\.explicitChannel)))
    struct Plan {
      var voice: Int
      var channels: VoicePlayer.Channels
      var chords: Bool
      var drums: Bool
      var drone: Bool
    }
    var plans: [Plan] = []
    for (v, script) in scripts.enumerated() where Self.hasSound(played[v]) {
      let voiceChannel = script.explicitChannel.flatMap { MIDIChannel(exactly: $0) } ?? allocator.next()
      let chords = withAccompaniment && script.hasChordSymbols
      let drums = withAccompaniment && script.hasDrums
      let drone = withAccompaniment && script.hasDrone
      var channels = VoicePlayer.Channels(voice: voiceChannel)
      if chords {
        channels.bass = allocator.next()
        channels.chord = allocator.next()
      }
      if drone { channels.drone = allocator.next() }
      plans.append(Plan(voice: v, channels: channels, chords: chords, drums: drums, drone: drone))
    }
    if allocator.exhausted {
      warnings.append(
        PerformanceWarning(.voices, "more than 15 channels needed (voices and accompaniment); some share channel 1"))
    }

    var performance = Performance(title: settings.title)
    performance.tempoChanges = [Performance.TempoChange(time: .zero, microsecondsPerQuarter: settings.tempo)]
    if !settings.freeMeter {
      let ts = settings.meter?.timeSignature ?? (4, 4)
      performance.meterChanges = [
        Performance.MeterChange(time: .zero, numerator: ts.numerator, denominator: ts.denominator)
      ]
    }
    performance.keyChanges = [Performance.KeyChange(time: .zero, sharps: settings.sharps, minor: settings.minor)]
    let headerTranspose = settings.transpose
    var ends: [NoteLength] = []
    for (n, plan) in plans.enumerated() {
      let script = scripts[plan.voice]
      var player = VoicePlayer(
        options: options, channels: plan.channels, meter: settings.meter, chords: plan.chords, drums: plan.drums,
        transpose: headerTranspose)
      let out = player.play(played[plan.voice])
      warnings += player.warnings
      ends.append(out.end)
      performance.tempoChanges += out.tempoChanges
      if n == 0 {
        performance.meterChanges += out.meterChanges
        performance.keyChanges += out.keyChanges
        performance.markers += out.markers
      }
      let name = script.name ?? (n == 0 ? settings.title : nil)
      performance.tracks.append(
        Performance.Track(
          kind: .voice(id: script.id), name: name, channel: plan.channels.voice, notes: Self.sorted(out.notes),
          channelEvents: Self.sorted(out.channelEvents), texts: out.lyrics))
      if plan.chords, let chord = plan.channels.chord {
        performance.tracks.append(
          Performance.Track(
            kind: .accompaniment(voice: script.id), name: "accompaniment", channel: chord,
            notes: Self.sorted(out.accompanimentNotes), channelEvents: Self.sorted(out.accompanimentEvents)))
      }
      if plan.drums {
        performance.tracks.append(
          Performance.Track(
            kind: .drums(voice: script.id), name: "drums", channel: .percussion, notes: Self.sorted(out.drumNotes)))
      }
      if plan.drone, let c = plan.channels.drone {
        performance.tracks.append(
          Performance.Track(
            kind: .drone(voice: script.id), name: "drone", channel: c, notes: Self.sorted(out.droneNotes),
            channelEvents: out.droneEvents))
      }
    }
    if let longest = ends.max(), let shortest = ends.min(), longest != shortest, plans.count > 1 {
      warnings.append(
        PerformanceWarning(.voices, "voices have different lengths (\(shortest) to \(longest) whole notes) (V-10)"))
    }
    var length = ends.max() ?? .zero
    for track in performance.tracks { for n in track.notes where n.end > length { length = n.end } }
    performance.length = length
    performance.tempoChanges = Self.lastPerTime(performance.tempoChanges, time: \.time)
    performance.meterChanges = Self.lastPerTime(performance.meterChanges, time: \.time)
    performance.keyChanges = Self.lastPerTime(performance.keyChanges, time: \.time)
    return (performance, warnings)
  }

  // MARK: - Helpers

  /// A voice is cut short after this many played events (hostile `P:` expressions, `::::::|` chains).
  public static let maxPlayedItems = 2_000_000

  static func duration(_ items: [PlayedItem]) -> NoteLength {
    var t = NoteLength.zero
    for case .sound(let s) in items { t += s.advance }
    return t
  }

  static func hasSound(_ items: [PlayedItem]) -> Bool {
    items.contains { if case .sound = $0 { return true } else { return false } }
  }

  /// Stably sorted by onset (usually they already are: then the array is returned as it is).
  static func sorted(_ notes: [Performance.Note]) -> [Performance.Note] {
    if isSorted(notes, by: \.onset) { return notes }
    return notes.enumerated().sorted {
      $0.element.onset != $1.element.onset ? $0.element.onset < $1.element.onset : $0.offset < $1.offset
    }
    .map(\.element)
  }

  /// Stably sorted by time (usually they already are: then the array is returned as it is).
  static func sorted(_ events: [Performance.ChannelEvent]) -> [Performance.ChannelEvent] {
    if isSorted(events, by: \.time) { return events }
    return events.enumerated().sorted {
      $0.element.time != $1.element.time ? $0.element.time < $1.element.time : $0.offset < $1.offset
    }
    .map(\.element)
  }

  /// `true` when `key` never decreases along `items`.
  static func isSorted<T>(_ items: [T], by key: KeyPath<T, NoteLength>) -> Bool {
    var previous: NoteLength?
    for item in items {
      let k = item[keyPath: key]
      if let p = previous, k < p { return false }
      previous = k
    }
    return true
  }

  /// Sorted by time; of several changes at the same time the last one wins.
  static func lastPerTime<T>(_ changes: [T], time: KeyPath<T, NoteLength>) -> [T] {
    let ordered = changes.enumerated().sorted {
      $0.element[keyPath: time] != $1.element[keyPath: time]
        ? $0.element[keyPath: time] < $1.element[keyPath: time] : $0.offset < $1.offset
    }.map(\.element)
    var result: [T] = []
    for c in ordered {
      if let last = result.last, last[keyPath: time] == c[keyPath: time] {
        result[result.count - 1] = c
      } else {
        result.append(c)
      }
    }
    return result
  }
}

/// Hands out MIDI channels in order of need, skipping channel 10 (percussion) and channels a voice claims with
/// `%%MIDI channel` (abc2midi's `findchannel`, V-11).
struct ChannelAllocator {
  private var used: Set<Int>
  private(set) var exhausted = false

  init(reserved: Set<Int>) { used = reserved.union([9]) }

  mutating func next() -> MIDIChannel {
    for c in 0..<16 where !used.contains(c) {
      used.insert(c)
      return MIDIChannel(c)
    }
    exhausted = true
    return MIDIChannel(0)
  }
}
