import ABCParser

/// How `ABCPerformer` plays a tune. The defaults follow ABC 2.1 and abc2midi's documented model (ABC reference §12);
/// the flags switch on abc2midi-compatible behaviour where it departs from the standard.
public struct PerformanceOptions: Hashable, Sendable {
  /// Semitones added to every pitch except on the percussion channel (applied on top of `K: transpose=` and
  /// `%%MIDI transpose`).
  public var transpose: Int
  /// General MIDI program (0…127) for every voice, replacing `%%MIDI program`; `nil` keeps the tune's programs.
  public var programOverride: Int?
  /// Play the guitar-chord accompaniment, drums and drones (`%%MIDI gchord`, `drum`, `drone`); `false` leaves only
  /// the voices.
  public var accompaniment: Bool
  /// Ticks per quarter note used by `ABCToMIDI` when it converts to a `MIDISequence` (1…32767).
  public var ppq: Int
  /// SMF format for `ABCToMIDI` (0 or 1); `nil` picks abc2midi's choice (0 for a single track, else 1).
  public var format: Int?
  /// C-03 compatibility: sound every note of a chord for the length of its first note, as abc2midi does. By
  /// default each chord note keeps its own length (the chord still advances by its first note).
  public var abc2midiChords: Bool
  /// Tempo (quarter notes per minute) when the tune has no `Q:` (Q-07; abc2midi uses 120).
  public var defaultTempo: Int
  /// Swing plain eighth-note pairs 2:1 in tunes marked `R:hornpipe` in 2/4 or 4/4, and play written `>`/`<` 2:1 in
  /// any meter (abc2midi does; §12.5). Off by default: the standard gives `R:` no meaning for playback.
  public var honourRhythmField: Bool
  /// Delay between the starts of successive notes of a chord, in whole notes (abc2midi's `chordattack`: 10 ticks at
  /// 480 PPQ is `NoteLength(1, 192)`). Later notes are shortened so every chord note still ends together.
  /// `%%MIDI chordattack n` in a tune overrides it (n ticks at 480 PPQ).
  public var chordAttack: NoteLength
  /// Add `accentVelocityBoost` to notes marked `L`, `!accent!`, `!>!`, `!emphasis!` or `!sfz!` (capped at 127).
  /// abc2midi 4.84 ignores accents; applying them is a deliberate deviation (ABC reference §12.4).
  public var accentVelocityBoost: Int
  /// Play repeats, endings and parts exactly as abc2midi 4.84 does (`ABC2MIDIRepeats`), quirks included; by default
  /// they follow ABC reference §12.2 (`RepeatUnfolder`).
  public var abc2midiRepeats: Bool
  /// Expand trills (`T`, `!trill!`) and rolls (`~`, `!roll!`) into notes the way abc2midi does (§12.5); `false`
  /// plays the plain note.
  public var ornaments: Bool
  /// Play grace notes as abc2midi does: drop those that take as long as what sounds of their note (a staccato
  /// note; "Grace sequence exceeds host note"), and let a grace note's accidental hold for the rest of the bar. By
  /// default the graces play, the note sounds for what is left of its time, and a grace's accidental is its own
  ///
  public var abc2midiGraces: Bool
  /// Read decorations as abc2midi 4.84 does: a one-character decoration (`~`, `T`, `H`, `.`…) counts only when a
  /// note, a grace group or another decoration follows it directly (`~(dcd)`, `T (d2c)` and `~"D"d` lose it: abc2midi
  /// reports "Malformed note"), `!staccato!`, `!roll!` (and their `+…+` forms) are ignored, and a broken rhythm between
  /// a staccato and a plain note (`d>.c`, `.d>c`) is not applied ("Cannot apply broken rhythm"; `.d>.c` is), and a staccato note is not tied to the next (`.E-E` plays two notes). By default a decoration waits
  /// for the next note, every decoration of the standard plays, and `d>.c` is dotted.
  public var abc2midiDecorations: Bool

  public init(
    transpose: Int = 0, programOverride: Int? = nil, accompaniment: Bool = true, ppq: Int = 480, format: Int? = nil,
    abc2midiChords: Bool = false, defaultTempo: Int = 120, honourRhythmField: Bool = false,
    chordAttack: NoteLength = .zero, accentVelocityBoost: Int = 20, abc2midiRepeats: Bool = false,
    ornaments: Bool = true, abc2midiGraces: Bool = false, abc2midiDecorations: Bool = false
  ) {
    self.transpose = transpose
    self.programOverride = programOverride
    self.accompaniment = accompaniment
    self.ppq = ppq
    self.format = format
    self.abc2midiChords = abc2midiChords
    self.defaultTempo = defaultTempo
    self.honourRhythmField = honourRhythmField
    self.chordAttack = chordAttack
    self.accentVelocityBoost = accentVelocityBoost
    self.abc2midiRepeats = abc2midiRepeats
    self.ornaments = ornaments
    self.abc2midiGraces = abc2midiGraces
    self.abc2midiDecorations = abc2midiDecorations
  }

  /// The settings under which studio reproduces abc2midi 4.84 note for note (used by the differential tests):
  /// abc2midi's chord attack (10 ticks), its C-03 chord lengths, its repeat handling, `R:hornpipe` swing, its grace
  /// notes and decorations, and no accent boost.
  public static var abc2midiCompatible: PerformanceOptions {
    PerformanceOptions(
      abc2midiChords: true, honourRhythmField: true, chordAttack: NoteLength(1, 192), accentVelocityBoost: 0,
      abc2midiRepeats: true, abc2midiGraces: true, abc2midiDecorations: true)
  }
}
