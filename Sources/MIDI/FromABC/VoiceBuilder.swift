import ABCParser

/// How far a written accidental reaches in its bar.
enum AccidentalPropagation: Hashable {
  /// Every octave of the letter (ABC 2.1 default, abc2midi default).
  case pitch
  /// Only the same letter in the same octave (`%%propagate-accidentals octave`).
  case octave
  /// Only the note it is written on (`%%propagate-accidentals not`, `%%MIDI nobarlines`).
  case none
}

/// The state of one voice while `ScriptBuilder` reads the body in source order.
///
/// A class, owned by one `ScriptBuilder`: the builder reads and changes the current voice hundreds of times per bar
/// through `voices[current]`, and reading a field of a struct element copies the whole element (every array and
/// dictionary it holds is retained and released again).
final class VoiceBuilder {
  var script: VoiceScript
  /// The key signature: the accidental each letter carries (K-03…K-07).
  var keySignature: [NoteLetter: Accidental]
  /// Accidentals written earlier in the bar, by letter (pitch propagation) …
  var barAccidentalsByLetter: [NoteLetter: Accidental] = [:]
  /// … and by letter and octave (octave propagation).
  var barAccidentalsByOctave: [Int: Accidental] = [:]
  var unitLength: NoteLength
  /// The meter in force; `nil` when the tune gives none (abc2midi then counts in 4/4).
  var meter: Meter?
  /// Octaves added to every written pitch (`octave=`, clef `+8`/`-8`).
  var octaveShift: Int

  /// Decorations written since the last note, waiting for the note, chord or rest they belong to.
  var pendingDecorations: [Decoration] = []
  /// Grace sounds waiting for their host note.
  var pendingGraces: [Sound] = []
  /// Tuplet in force: each of the next `tupletRemaining` notes, chords or rests is multiplied by `tupletRatio`.
  var tupletRatio: NoteLength = .one
  var tupletRemaining = 0
  var tupletLocation: SourceLocation?

  /// The last note, chord or rest (with its ornament and grace sounds): item indices and the length broken rhythm
  /// compares (`nil` for a chord, which abc2midi always accepts).
  var lastGroup: (range: Range<Int>, base: NoteLength?)?
  /// A `>`/`<` seen after `lastGroup`, waiting for its second operand.
  var pendingBroken: (rhythm: BrokenRhythm, first: (range: Range<Int>, base: NoteLength?))?
  /// The last group is a staccato note; and the first operand of `pendingBroken` is (for abc2midi's "Cannot apply
  /// broken rhythm" next to a staccato note).
  var lastGroupIsStaccato = false
  var pendingBrokenAfterStaccato = false

  /// `R:hornpipe` swing (abc2midi's `hornp`): position in the bar and the length of the previous plain note.
  var hornpipePosition: NoteLength = .zero
  var hornpipeLast: NoteLength?

  /// Open slurs, and the `%%MIDI trim`/`expand` amounts in whole notes (abc2midi trims no note inside a slur but
  /// the last).
  var slurDepth = 0
  var trim = NoteLength.zero
  var expand = NoteLength.zero

  /// Lyrics (LY-01…LY-06): the notes that can carry a syllable (item indices, written notes and chords in order,
  /// each marked when it starts a bar), and the first one no `w:` line has used yet. A `w:` line right after another
  /// is a further verse; only the first verse is sung (on every pass).
  var lyricTargets: [(item: Int, startsBar: Bool)] = []
  var lyricCursor = 0
  var lyricBarPending = true
  var lastWasLyrics = false

  /// Overlay voices (`&`) started in the current bar, and the index of the item where the bar started.
  var overlaysInBar = 0
  var barStartItem = 0
  /// For an overlay voice: how many of its base voice's items it has mirrored (bars, endings, rests).
  var mirroredItems = 0

  init(
    script: VoiceScript, keySignature: [NoteLetter: Accidental], unitLength: NoteLength, meter: Meter?,
    octaveShift: Int
  ) {
    self.script = script
    self.keySignature = keySignature
    self.unitLength = unitLength
    self.meter = meter
    self.octaveShift = octaveShift
  }

  /// Forgets the bar's accidentals (at every bar line, BL-05).
  func resetBarAccidentals() {
    barAccidentalsByLetter.removeAll(keepingCapacity: true)
    barAccidentalsByOctave.removeAll(keepingCapacity: true)
  }

  /// The length of one bar of the meter in force (4/4 when none is given, as abc2midi counts).
  var barLength: NoteLength { meter?.barLength ?? NoteLength(1) }

  /// Appends an item and returns its index. Sounds get the voice's trim (outside slurs) and expand.
  @discardableResult
  func append(_ item: ScriptItem) -> Int {
    if case .sound(var s) = item, !s.isGrace, trim > .zero || expand > .zero {
      if slurDepth == 0 { s.trim = trim }
      s.expand = expand
      script.items.append(.sound(s))
    } else {
      script.items.append(item)
    }
    return script.items.count - 1
  }

  /// Records the sound at item `index` as the next note a `w:` syllable can go to.
  func addLyricTarget(_ index: Int) {
    lyricTargets.append((index, lyricBarPending))
    lyricBarPending = false
    lastWasLyrics = false
  }

  /// Aligns a `w:` line (`continuing` for its `+:` continuation lines) to the notes not yet sung (LY-02, LY-03,
  /// LY-08): a syllable per note, `_` and `*` pass a note, `|` goes to the next bar.
  func alignLyrics(_ lyrics: Lyrics, continuing: Bool) {
    defer { lastWasLyrics = true }
    guard continuing || !lastWasLyrics else { return }
    for item in lyrics.items {
      guard lyricCursor < lyricTargets.count else { return }
      switch item {
      case .syllable(let text, let continues):
        let index = lyricTargets[lyricCursor].item
        if case .sound(var s) = script.items[index], !text.isEmpty {
          s.lyric = continues ? text + "-" : text
          script.items[index] = .sound(s)
        }
        lyricCursor += 1
      case .hold, .skip:
        lyricCursor += 1
      case .bar:
        var next = lyricCursor + 1
        while next < lyricTargets.count && !lyricTargets[next].startsBar { next += 1 }
        lyricCursor = next
      }
    }
  }

  /// At `)`: the last note of a slur is trimmed like any note outside one.
  func endSlur() {
    slurDepth = max(0, slurDepth - 1)
    guard trim > .zero,
      let i = script.items.lastIndex(where: { if case .sound(let s) = $0 { return !s.isGrace } else { return false } }),
      case .sound(var s) = script.items[i]
    else { return }
    s.trim = trim
    script.items[i] = .sound(s)
  }
}
