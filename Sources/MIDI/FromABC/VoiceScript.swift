import ABCParser

/// One voice's music in source order, ready to be unfolded: what `ScriptBuilder` makes of a tune body and
/// `RepeatUnfolder` and `VoicePlayer` consume. Lengths are exact, in whole notes; pitches are MIDI numbers before
/// any transposition (`K: transpose=`, `%%MIDI transpose`, `PerformanceOptions.transpose` are applied when played).
struct VoiceScript {
  /// The voice id (`V:` id; `"1"` for a tune without voices). Overlays get `"<id>&<n>"`.
  var id: String
  /// `name=` from the voice declaration.
  var name: String?
  /// The voice this overlay (`&`) belongs to, `nil` for an ordinary voice.
  var overlayOf: String?
  var items: [ScriptItem] = []

  init(id: String, name: String? = nil, overlayOf: String? = nil) {
    self.id = id
    self.name = name
    self.overlayOf = overlayOf
  }

  /// `true` when the voice has at least one chord symbol of a known type (abc2midi makes no accompaniment for a
  /// voice whose chord symbols are all unknown).
  var hasChordSymbols: Bool {
    items.contains { if case .control(.chordSymbol(_, known: true)) = $0 { return true } else { return false } }
  }

  /// `true` when the voice turns drums on (`%%MIDI drumon`, `!drum!`).
  var hasDrums: Bool {
    items.contains { if case .control(.midi(.drumOn)) = $0 { return true } else { return false } }
  }

  /// `true` when the voice turns a drone on (`%%MIDI droneon`).
  var hasDrone: Bool {
    items.contains { if case .control(.midi(.droneOn)) = $0 { return true } else { return false } }
  }

  /// The channel of the first `%%MIDI channel n` in the voice (0-based), if any.
  var explicitChannel: Int? {
    for case .control(.midi(.channel(let c))) in items { return c - 1 }
    return nil
  }
}

/// An element of a voice script.
enum ScriptItem {
  /// Something that takes time: notes sounding together, or a rest.
  case sound(Sound)
  /// A bar line (accidentals were already reset by the builder; the player counts bars for the beat model).
  case bar(BarMark)
  /// A variant ending (`[1`, `|2`, `[1,3`), right after its bar line.
  case ending(EndingMark)
  /// A body `P:` part label.
  case part(label: String, location: SourceLocation)
  /// A change of playing state at this point in time.
  case control(PlayControl)
}

/// Notes that start together (a note or chord), or a rest: the unit of time in a script.
struct Sound {
  /// How far time moves on after this sound, in whole notes.
  var advance: NoteLength
  /// The notes; empty for a rest.
  var tones: [Tone]
  /// A grace note (or grace chord): counted in time like any note, but never the target of a tuplet or broken rhythm.
  var isGrace = false
  /// Marked with an accent (`L`, `!accent!`, `!>!`, `!emphasis!`, `!sfz!`).
  var isAccented = false
  /// `!arpeggio!`: the chord attack is tripled for this chord (abc2midi).
  var isArpeggio = false
  /// `%%MIDI trim`: notes longer than this are shortened by it (none inside slurs but the last slur note).
  var trim = NoteLength.zero
  /// `%%MIDI expand`: notes are lengthened by this to overlap the next.
  var expand = NoteLength.zero
  /// The `w:` syllable sung on this note, as written (a `-` is added when the word goes on).
  var lyric: String?
  var location: SourceLocation

  /// `true` for a rest.
  var isRest: Bool { tones.isEmpty }
}

/// One note of a sound.
struct Tone {
  /// MIDI pitch before transposition (key, bar accidentals, octave marks, `octave=`, clef ±8, middle C applied).
  var pitch: Int
  /// Diatonic staff position (letter + 7 × octave), used to join ties across bar lines.
  var staffStep: Int
  /// Sounding length in whole notes (may differ from the sound's advance: staccato, unequal chord notes, ties).
  var duration: NoteLength
  /// Tied to the next note of the same pitch (`-`).
  var isTied = false
  /// Pitch-wheel value for a microtone (0…16383), `nil` for none.
  var pitchBend: Int?
}

/// A bar line as the player needs it.
struct BarMark {
  /// abc2midi's distinction: a plain bar always restarts the bar count (and the accompaniment pattern); any other
  /// (`||`, `|]`, `[|`, `.|`, repeat bars) only when the bar is full or before the first bar.
  var isPlain: Bool
  /// Colons before the bar: `:|` 1, `::|` 2.
  var endRepeats: Int
  /// Colons after the bar: `|:` 1.
  var startRepeats: Int
  /// `||`, `|]`, `[|` (and `.|`): a place an implicit repeat may start from (BL-09).
  var isSectionBoundary: Bool
  var location: SourceLocation
}

/// A variant ending.
struct EndingMark {
  var numbers: [ClosedRange<Int>]
  var location: SourceLocation

  func contains(pass: Int) -> Bool { numbers.contains { $0.contains(pass) } }
  var maxPass: Int { numbers.map(\.upperBound).max() ?? 1 }
}

/// A change of playing state carried in a script (applied in played order).
enum PlayControl {
  /// `Q:` in the body: microseconds per quarter note.
  case tempo(microsecondsPerQuarter: Int)
  /// `M:` in the body (also resets the beat stride and the default accompaniment pattern).
  case meter(Meter)
  /// `K:` in the body: the key-signature meta event.
  case key(sharps: Int, minor: Bool)
  /// A chord symbol for the accompaniment; `known` is `false` for a type neither abc2midi, `%%MIDI chordname` nor the
  /// parser knows (it is played as a major triad).
  case chordSymbol(GuitarChord, known: Bool)
  /// A `%%MIDI` directive acted on while playing (program, channel, beat, gchord, drum, control …).
  case midi(MIDIDirective)
  /// `K:`/`V:` `transpose=` in the body: transposition of this voice, in semitones.
  case voiceTranspose(Int)
  /// A dynamic mark (`!p!`, `!ff!` …): abc2midi's `beat a b c 1`.
  case dynamic(first: Int, strong: Int, other: Int)
  /// `!crescendo(!`, `!diminuendo)!` …: shift the three beat velocities (abc2midi's `beatmod`).
  case velocityShift(Int)
  /// `!ped!` / `!ped-up!`: sustain pedal (controller 64).
  case pedal(on: Bool)
}
