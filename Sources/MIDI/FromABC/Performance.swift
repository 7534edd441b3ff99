import ABCParser

/// A performed tune: every voice unfolded once (repeats, endings, parts, ties, ornaments, accompaniment) into an
/// event timeline in exact rational time.
///
/// Times and durations are `NoteLength`s measured in **whole notes** from the start of the tune (a quarter note is
/// `NoteLength(1, 4)`); nothing is quantised until `midiSequence(ppq:format:)` converts the timeline to ticks. The
/// SMF writer, the ALSA streamer and the FluidSynth renderer all consume a performance through that one conversion.
public struct Performance: Hashable, Sendable {
  /// The tune's first title (`T:`), used as the sequence/track name.
  public var title: String?
  /// The voice, accompaniment, drum and drone tracks, in MIDI track order (abc2midi's layout, ABC reference §12.7).
  public var tracks: [Track]
  /// Tempo changes, sorted by time; the first is at time zero.
  public var tempoChanges: [TempoChange]
  /// Time-signature changes (free meter gives none), sorted by time.
  public var meterChanges: [MeterChange]
  /// Key-signature changes, sorted by time.
  public var keyChanges: [KeyChange]
  /// Part labels (`P:`) and other markers, sorted by time.
  public var markers: [Marker]
  /// Where the performance ends (whole notes): the end of the longest voice, or of the last sounding note when one
  /// rings on past it.
  public var length: NoteLength

  public init(
    title: String? = nil, tracks: [Track] = [], tempoChanges: [TempoChange] = [], meterChanges: [MeterChange] = [],
    keyChanges: [KeyChange] = [], markers: [Marker] = [], length: NoteLength = .zero
  ) {
    self.title = title
    self.tracks = tracks
    self.tempoChanges = tempoChanges
    self.meterChanges = meterChanges
    self.keyChanges = keyChanges
    self.markers = markers
    self.length = length
  }

  /// Every note of every track, sorted by onset, then track order, then pitch.
  public var allNotes: [Note] {
    var all: [(Int, Note)] = []
    for (i, t) in tracks.enumerated() { for n in t.notes { all.append((i, n)) } }
    all.sort { a, b in
      if a.1.onset != b.1.onset { return a.1.onset < b.1.onset }
      if a.0 != b.0 { return a.0 < b.0 }
      return a.1.pitch < b.1.pitch
    }
    return all.map(\.1)
  }
}

extension Performance {
  /// One sounding note.
  public struct Note: Hashable, Sendable, CustomStringConvertible {
    /// Start, in whole notes from the start of the tune.
    public var onset: NoteLength
    /// Sounding length in whole notes (≥ 0). Staccato, ties, chord-attack and grace stealing are already applied.
    public var duration: NoteLength
    /// MIDI note number after key, accidentals, octave, clef and transposition.
    public var pitch: UInt7
    /// Note-on velocity, 1…127.
    public var velocity: UInt7
    public var channel: MIDIChannel
    /// Pitch-wheel value (0…16383, 8192 = centre) this note needs (microtones), `nil` for none.
    public var pitchBend: Int?
    /// Where the note was written (the first note for tied notes), when known.
    public var location: SourceLocation?

    public init(
      onset: NoteLength, duration: NoteLength, pitch: UInt7, velocity: UInt7, channel: MIDIChannel,
      pitchBend: Int? = nil, location: SourceLocation? = nil
    ) {
      self.onset = onset
      self.duration = duration
      self.pitch = pitch
      self.velocity = velocity
      self.channel = channel
      self.pitchBend = pitchBend
      self.location = location
    }

    /// `onset + duration`.
    public var end: NoteLength { onset + duration }

    public var description: String { "\(pitch)@\(onset)+\(duration) v\(velocity) \(channel)" }
  }

  /// A channel event that is not a note: program, controller or pitch wheel (`%%MIDI program`, `control`, `!ped!`).
  public struct ChannelEvent: Hashable, Sendable {
    /// When it happens, in whole notes.
    public var time: NoteLength
    /// A `.programChange`, `.controlChange` or `.pitchBend` event.
    public var event: MIDIEvent

    public init(time: NoteLength, event: MIDIEvent) {
      self.time = time
      self.event = event
    }
  }

  /// Text attached to a track at a time (lyric syllables, comments).
  public struct TextEvent: Hashable, Sendable {
    public var time: NoteLength
    /// SMF text kind (`MIDIMetaEvent.lyricKind`, `.textKind`, …).
    public var kind: UInt8
    public var text: String

    public init(time: NoteLength, kind: UInt8, text: String) {
      self.time = time
      self.kind = kind
      self.text = text
    }
  }

  /// One track of the performance.
  public struct Track: Hashable, Sendable {
    /// What a track plays.
    public enum Kind: Hashable, Sendable {
      /// The notes of an ABC voice (`V:` id; `"1"` for music before any `V:`), or an overlay (`&`) of one.
      case voice(id: String)
      /// Guitar-chord accompaniment (bass and chord notes) generated from the chord symbols of a voice.
      case accompaniment(voice: String)
      /// `%%MIDI drum` patterns on channel 10.
      case drums(voice: String)
      /// `%%MIDI drone` (bagpipe drone).
      case drone(voice: String)
    }

    public var kind: Kind
    /// Track name (the voice's `name=`, or the tune title for the first voice).
    public var name: String?
    /// The channel the track mainly uses (accompaniment also uses a second one for the bass).
    public var channel: MIDIChannel
    /// Notes sorted by onset (stable for equal onsets: written order).
    public var notes: [Note]
    /// Program, controller and pitch-wheel events sorted by time.
    public var channelEvents: [ChannelEvent]
    /// Lyrics and other text sorted by time.
    public var texts: [TextEvent]

    public init(
      kind: Kind, name: String? = nil, channel: MIDIChannel, notes: [Note] = [], channelEvents: [ChannelEvent] = [],
      texts: [TextEvent] = []
    ) {
      self.kind = kind
      self.name = name
      self.channel = channel
      self.notes = notes
      self.channelEvents = channelEvents
      self.texts = texts
    }
  }

  /// A tempo from `time` on.
  public struct TempoChange: Hashable, Sendable {
    public var time: NoteLength
    /// SMF Set Tempo value: microseconds per quarter note (500 000 = 120 quarter notes per minute).
    public var microsecondsPerQuarter: Int

    public init(time: NoteLength, microsecondsPerQuarter: Int) {
      self.time = time
      self.microsecondsPerQuarter = microsecondsPerQuarter
    }

    /// Quarter notes per minute.
    public var quarterNotesPerMinute: Double { 60_000_000 / Double(max(1, microsecondsPerQuarter)) }
  }

  /// A time signature from `time` on (`M:C` → 4/4, `M:C|` → 2/2).
  public struct MeterChange: Hashable, Sendable {
    public var time: NoteLength
    public var numerator: Int
    public var denominator: Int

    public init(time: NoteLength, numerator: Int, denominator: Int) {
      self.time = time
      self.numerator = numerator
      self.denominator = denominator
    }
  }

  /// A key signature from `time` on.
  public struct KeyChange: Hashable, Sendable {
    public var time: NoteLength
    /// −7…7, negative for flats.
    public var sharps: Int
    public var minor: Bool

    public init(time: NoteLength, sharps: Int, minor: Bool) {
      self.time = time
      self.sharps = sharps
      self.minor = minor
    }
  }

  /// A marker (part label) at a time.
  public struct Marker: Hashable, Sendable {
    public var time: NoteLength
    public var text: String

    public init(time: NoteLength, text: String) {
      self.time = time
      self.text = text
    }
  }
}
