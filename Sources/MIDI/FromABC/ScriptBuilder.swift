import ABCParser

/// What holds for the whole tune while it is played (from the header and the file header).
struct TuneSettings {
  var title: String?
  /// Tempo at the start, microseconds per quarter note.
  var tempo: Int
  /// The header meter; `nil` when none is given (abc2midi counts in 4/4, and writes a 4/4 time signature).
  var meter: Meter?
  /// `true` when the header says `M:none`: no time-signature event.
  var freeMeter: Bool
  /// The header key signature for the key-signature meta event.
  var sharps: Int
  var minor: Bool
  /// The header unit note length (ornament timing uses it, as abc2midi does).
  var unitLength: NoteLength
  /// The header `P:` play order, expanded; `nil` when there is none (P-06).
  var partOrder: [String]?
  /// Voice ids in order of first appearance (the first is the default voice).
  var voiceOrder: [String]
  /// `%%MIDI transpose` in the header: semitones for every voice and the accompaniment.
  var transpose = 0
}

/// Reads a parsed tune in source order and writes one `VoiceScript` per voice (and overlay): pitches resolved against
/// key signature and bar accidentals, lengths against `L:`, tuplets, broken rhythm, chords, grace notes,
/// decorations, chord symbols and `%%MIDI` directives (ABC reference §3–§10, §12.3–§12.5).
///
/// Settings abc2midi treats as global while reading (`%%MIDI ratio`, `grace`, `gracedivider`, `chordname`,
/// `nobarlines`, `fermatafixed`, `C`, `deltaloudness`, `%%propagate-accidentals`) act here in source order; the rest
/// are carried in the scripts as `PlayControl`s and act in played order.
struct ScriptBuilder {
  let tune: ABCTune
  let options: PerformanceOptions
  var warnings: [PerformanceWarning] = []

  var voices: [VoiceBuilder] = []
  var voiceIndex: [String: Int] = [:]
  var current = 0
  /// Part labels met so far (copied into voices that start later so every voice has every part).
  var partLabels: [(label: String, location: SourceLocation)] = []

  // Settings abc2midi keeps global while reading a tune.
  var propagation = AccidentalPropagation.pitch
  var fermataFixed = false
  /// Factors for a single `>` (first, second): 3/2 and 1/2 unless `%%MIDI ratio` or hornpipe swing says otherwise.
  var brokenFactors = (NoteLength(3, 2), NoteLength(1, 2))
  /// Grace timing: `.divider(n)` gives each grace 1/n of its written length (default 4); `.fraction(f)` gives the
  /// whole group the fraction `f` of the host (`%%MIDI grace a/b`).
  var graceTiming = GraceTiming.divider(4)
  var chordNames: [String: [Int]] = [:]
  var middleC = 60
  var deltaLoudness = 15
  var hornpipe = false
  /// Unequal chord notes are reported once per tune (the pop corpus has thousands).
  var reportedUnequalChord = false

  // Header values.
  var headerKey: [NoteLetter: Accidental] = [:]
  var headerOctaveShift = 0
  var headerMeter: Meter?
  var headerUnit = NoteLength(1, 8)
  var headerTempo = 500_000
  /// `%%MIDI transpose`/`rtranspose` in the header (abc2midi's global transposition).
  var headerTranspose = 0

  /// Groups of grace sounds and the sound they steal time from, per voice (resolved in `finish`).
  var graceGroups: [[GraceGroupRecord]] = []
  /// Trills waiting to be expanded, per voice.
  var trills: [[TrillRecord]] = []

  enum GraceTiming: Hashable {
    case divider(Int)
    case fraction(NoteLength)
  }

  struct GraceGroupRecord {
    var graces: Range<Int>
    var host: Int
    var timing: GraceTiming
    var location: SourceLocation
  }

  struct TrillRecord {
    var index: Int
    var upperPitch: Int
    var upperStep: Int
  }

  init(tune: ABCTune, options: PerformanceOptions) {
    self.tune = tune
    self.options = options
  }

  /// Builds the scripts: header first, then the body, then grace timing and ornaments.
  mutating func build() -> (settings: TuneSettings, scripts: [VoiceScript]) {
    let settings = readHeader()
    var elements = tune.body[...]
    readBody(&elements)
    finishOverlays()
    finish()
    var result = settings
    result.voiceOrder = voices.map(\.script.id)
    result.transpose = headerTranspose
    return (result, voices.map(\.script))
  }

  // MARK: - Voices

  /// The voice with `id`, created (with the header's key, unit length and meter) when new.
  mutating func voice(_ id: String, name: String? = nil, overlayOf: String? = nil) -> Int {
    if let i = voiceIndex[id] {
      if let name, voices[i].script.name == nil { voices[i].script.name = name }
      return i
    }
    let builder = VoiceBuilder(
      script: VoiceScript(id: id, name: name, overlayOf: overlayOf), keySignature: headerKey, unitLength: headerUnit,
      meter: headerMeter, octaveShift: headerOctaveShift)
    if overlayOf == nil {
      for p in partLabels { builder.append(.part(label: p.label, location: p.location)) }
    }
    voices.append(builder)
    graceGroups.append([])
    trills.append([])
    voiceIndex[id] = voices.count - 1
    return voices.count - 1
  }

  /// Switches to voice `v` (a `V:` field): an unfinished tuplet or a pending broken rhythm does not carry over.
  mutating func switchVoice(to v: Int) {
    if voices[current].tupletRemaining > 0 {
      warnings.append(
        PerformanceWarning(.tuplet, "tuplet not finished before the voice changes", at: voices[current].tupletLocation))
      voices[current].tupletRemaining = 0
    }
    current = v
  }

  // MARK: - Header

  /// Reads the file header and the tune header: key, meter, unit length, tempo, parts, voice declarations,
  /// directives. Returns the settings for the whole tune.
  mutating func readHeader() -> TuneSettings {
    let key = tune.key
    headerKey = key?.signature ?? [:]
    headerMeter = tune.meter
    headerUnit = tune.unitLength
    if let clef = key?.clef { headerOctaveShift = clef.octaveShift + (clef.octave ?? 0) }
    if let tempo = tune.tempo, let us = Self.microsecondsPerQuarter(tempo, unitLength: headerUnit) {
      headerTempo = us
    } else {
      headerTempo = 60_000_000 / max(1, options.defaultTempo)
    }
    if options.honourRhythmField, let rhythm = tune.headerField("R"), case .text(let text) = rhythm.value {
      let word = text.trimmingABCSpaces().lowercased()
      if word.hasPrefix("hornpipe") {
        // abc2midi 4.84 (measured): written `>` plays 2:1 in every meter; plain pairs swing only in 2/4 and 4/4
        // (elsewhere it reports "Hornpipe must be in 2/4 or 4/4 time").
        brokenFactors = (NoteLength(4, 3), NoteLength(2, 3))
        let ts = headerMeter?.timeSignature ?? (4, 4)
        if ts.denominator == 4 && (ts.numerator == 2 || ts.numerator == 4) {
          hornpipe = true
        }
      }
    }

    // The default voice: the first declared voice, else the first body V:, else "1" (music before any V: joins the
    // first voice, as abc2midi does).
    let declared = tune.declaredVoices
    var firstID = declared.first?.key
    if firstID == nil {
      for e in tune.body {
        if case .field(let f) = e, case .voice(let v) = f.value {
          firstID = v.key
          break
        }
      }
    }
    current = voice(firstID ?? "1")

    // Header elements in order: directives act on the voice declared last (abc2midi), `V:` lines declare voices.
    for element in tune.fileHeader + tune.header {
      switch element {
      case .directive(let d):
        directive(d, inHeader: true)
      case .field(let f):
        switch f.value {
        case .voice(let v):
          current = voice(v.key, name: v.name)
          applyVoiceParameters(v.clef)
        case .instruction(let ds):
          for d in ds { directive(d, inHeader: true) }
        default:
          break
        }
      default:
        break
      }
    }
    // `K: transpose=` in the header transposes every voice and the accompaniment (abc2midi's global transposition).
    if let transpose = key?.clef.transpose { headerTranspose += transpose }
    current = voiceIndex[firstID ?? "1"] ?? 0

    var order: [String]?
    if let parts = tune.parts {
      let expanded = parts.playOrder()
      if expanded.isTruncated {
        warnings.append(PerformanceWarning(.parts, "P: play order is too long; played only its first 10000 parts"))
      }
      order = expanded.labels
    }
    var isFree = false
    if case .some(.none) = headerMeter { isFree = true }
    return TuneSettings(
      title: tune.title, tempo: headerTempo, meter: headerMeter, freeMeter: isFree,
      sharps: max(-7, min(7, key?.fifths ?? 0)), minor: key?.isMinor ?? false, unitLength: headerUnit,
      partOrder: order, voiceOrder: [])
  }

  /// `K:`/`V:` clef parameters of the current voice: `octave=`, clef `±8` (sounding shift) and `transpose=`.
  mutating func applyVoiceParameters(_ clef: ClefParameters) {
    // A clef named without +8/-8 (`[K:clef=treble]`) ends the octave shift of an earlier body clef (K-09), as in
    // abc2midi; the header clef's shift stays.
    if clef.octave != nil || clef.octaveShift != 0 || clef.clef != nil {
      voices[current].octaveShift = headerOctaveShift + clef.octaveShift + (clef.octave ?? 0)
    }
    if let t = clef.transpose { voices[current].append(.control(.voiceTranspose(t))) }
  }

  /// Microseconds per quarter note for a `Q:` value (abc2midi's integer arithmetic), `nil` when it has no number and
  /// no known tempo word.
  static func microsecondsPerQuarter(_ tempo: Tempo, unitLength: NoteLength) -> Int? {
    if let bpm = tempo.bpm, bpm > 0, let beat = tempo.beatLength(unitLength: unitLength), beat.numerator > 0 {
      let (num, o1) = 60_000_000.multipliedReportingOverflow(by: beat.denominator)
      let (den, o2) = (bpm * 4).multipliedReportingOverflow(by: beat.numerator)
      guard !o1, !o2, den > 0 else { return nil }
      return max(1, min(0xFF_FFFF, num / den))
    }
    if let text = tempo.text, let word = Tempo.wordTempo(text) { return 60_000_000 / word }
    return nil
  }
}
