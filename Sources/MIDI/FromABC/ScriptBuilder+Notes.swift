import ABCParser

/// What the decorations in front of a note ask the player to do.
struct NoteMarks {
  var staccato = false
  var fermata = false
  var trill = false
  var roll = false
  var accent = false
  var arpeggio = false

  init(_ decorations: [Decoration]) {
    for d in decorations {
      switch d.name {
      case "staccato", "breath": staccato = true
      case "fermata": fermata = true
      case "trill": trill = true
      case "roll": roll = true
      case "accent", ">", "emphasis", "sfz": accent = true
      case "arpeggio": arpeggio = true
      default: break
      }
    }
  }
}

extension ScriptBuilder {
  // MARK: - Notes, chords, rests

  mutating func note(_ n: Note) {
    let marks = NoteMarks(takeDecorations())
    let unit = voices[current].unitLength
    var length = applyTuplet(n.length * unit)
    let hornpipePair = hornpipeStep(length)
    if marks.fermata { length = fermataFixed ? length + unit : length * NoteLength(2) }
    let (pitch, step, bend) = resolvePitch(n, propagate: true)
    // abc2midi 4.84 does not tie from a staccato note ("Cannot find note before tie"): both notes sound.
    let tied = n.tie != nil && !(options.abc2midiDecorations && marks.staccato)
    var tone = Tone(pitch: pitch, staffStep: step, duration: length, isTied: tied, pitchBend: bend)
    if marks.staccato { tone.duration = length / NoteLength(2) }
    attachGraces(location: n.location)
    let start = voices[current].script.items.count
    var sound = Sound(advance: length, tones: [tone], isAccented: marks.accent, location: n.location)
    if marks.roll && options.ornaments {
      sound.tones[0].duration = length
      appendRoll(sound, note: n, unitLength: unit)
    } else {
      let index = voices[current].append(.sound(sound))
      if marks.trill && options.ornaments {
        let (upPitch, upStep) = neighbour(of: n, direction: 1)
        trills[current].append(TrillRecord(index: index, upperPitch: upPitch, upperStep: upStep))
      }
    }
    // Hornpipe swing leaves a pair written with `>` or `<` alone (abc2midi: `B>B` plays 2:1, bar time kept).
    let writtenBroken = voices[current].pendingBroken != nil
    // abc2midi 4.84 swings a pair only when both or neither note is staccato (it compares the shortened lengths).
    let swingable = !options.abc2midiDecorations || voices[current].lastGroupIsStaccato == marks.staccato
    finishGroup(start..<voices[current].script.items.count, base: length, staccato: marks.staccato)
    if let first = (start..<voices[current].script.items.count).first(where: { i in
      if case .sound(let s) = voices[current].script.items[i] { return !s.isGrace } else { return false }
    }) {
      voices[current].addLyricTarget(first)
    }
    if hornpipePair && !writtenBroken && swingable { applyHornpipeSwing() }
  }

  mutating func chord(_ c: Chord) {
    let marks = NoteMarks(takeDecorations())
    let unit = voices[current].unitLength
    let notes = c.notes
    guard !notes.isEmpty else {
      // A chord of rests only (LotRO dialect, R-06): a rest of the chord's length.
      rest(Rest(length: c.effectiveLength, range: c.range))
      return
    }
    let factor = tupletFactor()
    var advance = c.effectiveLength * unit * factor
    if marks.fermata { advance = fermataFixed ? advance + unit : advance * NoteLength(2) }
    var tones: [Tone] = []
    var unequal = false
    for n in notes {
      var length = n.length * c.length * unit * factor
      if marks.fermata { length = fermataFixed ? length + unit : length * NoteLength(2) }
      if length != advance { unequal = true }
      if options.abc2midiChords { length = advance }
      let (pitch, step, bend) = resolvePitch(n, propagate: true)
      var tone = Tone(
        pitch: pitch, staffStep: step, duration: length, isTied: n.tie != nil || c.tie != nil, pitchBend: bend)
      if marks.staccato { tone.duration = length / NoteLength(2) }
      tones.append(tone)
    }
    if unequal && !reportedUnequalChord {
      reportedUnequalChord = true
      let how = options.abc2midiChords ? "every note sounds as long as the first" : "each note keeps its own length"
      warnings.append(
        PerformanceWarning(
          .unequalChord,
          "chord notes of different lengths: the chord lasts as long as its first note and \(how) (C-03)",
          at: c.location))
    }
    attachGraces(location: c.location)
    voices[current].hornpipePosition += c.effectiveLength * unit * factor
    voices[current].hornpipeLast = nil
    let start = voices[current].append(
      .sound(
        Sound(
          advance: advance, tones: tones, isAccented: marks.accent, isArpeggio: marks.arpeggio, location: c.location)))
    finishGroup(start..<start + 1, base: nil)
    voices[current].addLyricTarget(start)
  }

  mutating func rest(_ r: Rest) {
    let marks = NoteMarks(takeDecorations())
    let unit = voices[current].unitLength
    var length = applyTuplet(r.length * unit)
    voices[current].hornpipePosition += length
    voices[current].hornpipeLast = nil
    if marks.fermata { length = fermataFixed ? length + unit : length * NoteLength(2) }
    attachGraces(location: r.location)
    let start = voices[current].append(.sound(Sound(advance: length, tones: [], location: r.location)))
    finishGroup(start..<start + 1, base: length)
  }

  /// `Z4`/`X4`: that many bars of rest, with bar lines between them (R-03).
  mutating func multiMeasureRest(_ m: MultiMeasureRest) {
    _ = takeDecorations()
    if voices[current].meter == nil || voices[current].meter == .some(Meter.none) {
      warnings.append(
        PerformanceWarning(
          .meter, "\(m.isInvisible ? "X" : "Z")\(m.countText) needs a meter; counted as 4/4 bars", at: m.location))
    }
    let bars = max(1, min(m.bars, 10_000))
    let length = voices[current].barLength
    for i in 0..<bars {
      if i > 0 {
        voices[current].append(
          .bar(BarMark(isPlain: true, endRepeats: 0, startRepeats: 0, isSectionBoundary: false, location: m.location)))
      }
      voices[current].append(.sound(Sound(advance: length, tones: [], location: m.location)))
    }
    voices[current].hornpipeLast = nil
    voices[current].lastGroup = nil
  }

  // MARK: - Tuplets and broken rhythm

  mutating func tuplet(_ t: Tuplet) {
    if voices[current].tupletRemaining > 0 {
      warnings.append(
        PerformanceWarning(.tuplet, "tuplet starts before the previous one has all its notes", at: t.location))
    }
    voices[current].tupletRatio = t.ratio
    voices[current].tupletRemaining = max(0, t.r)
    voices[current].tupletLocation = t.location
  }

  /// The tuplet factor for the next note, chord or rest, consuming one place of the tuplet.
  mutating func tupletFactor() -> NoteLength {
    guard voices[current].tupletRemaining > 0 else { return .one }
    voices[current].tupletRemaining -= 1
    return voices[current].tupletRatio
  }

  mutating func applyTuplet(_ length: NoteLength) -> NoteLength { length * tupletFactor() }

  mutating func brokenRhythm(_ b: BrokenRhythm) {
    guard let last = voices[current].lastGroup else {
      warnings.append(
        PerformanceWarning(
          .unequalBrokenRhythm, "\(b.direction == .firstLonger ? ">" : "<") has no note before it; ignored",
          at: b.location))
      return
    }
    voices[current].pendingBroken = (b, last)
    voices[current].pendingBrokenAfterStaccato = voices[current].lastGroupIsStaccato
  }

  /// Marks `range` as the last note/chord/rest group and applies a pending broken rhythm to it.
  /// `staccato`: the group is a staccato note (abc2midi mode leaves a broken rhythm between a staccato note and a
  /// plain one unapplied: abc2midi compares their shortened lengths).
  mutating func finishGroup(_ range: Range<Int>, base: NoteLength?, staccato: Bool = false) {
    defer { voices[current].lastGroupIsStaccato = staccato }
    if let pending = voices[current].pendingBroken {
      voices[current].pendingBroken = nil
      let rhythm = pending.rhythm
      var factors = rhythm.factors
      if rhythm.count == 1 {
        factors = rhythm.direction == .firstLonger ? brokenFactors : (brokenFactors.1, brokenFactors.0)
      }
      if options.abc2midiDecorations && staccato != voices[current].pendingBrokenAfterStaccato {
        warnings.append(
          PerformanceWarning(
            .unequalBrokenRhythm,
            "broken rhythm next to a staccato note is not applied, as in abc2midi (\"Cannot apply broken rhythm\")",
            at: rhythm.location))
      } else if let a = pending.first.base, let b = base, a != b {
        warnings.append(
          PerformanceWarning(
            .unequalBrokenRhythm,
            "broken rhythm between notes of different lengths (\(a) and \(b) of a whole note) is not applied, as in abc2midi (B-04)",
            at: rhythm.location))
      } else {
        scale(pending.first.range, by: factors.0)
        scale(range, by: factors.1)
      }
    }
    voices[current].lastGroup = (range, base)
  }

  /// Multiplies the advance and sounding lengths of the sounds in `range` by `factor`.
  mutating func scale(_ range: Range<Int>, by factor: NoteLength) {
    for i in range {
      guard case .sound(var s) = voices[current].script.items[i] else { continue }
      s.advance = s.advance * factor
      for t in s.tones.indices { s.tones[t].duration = s.tones[t].duration * factor }
      voices[current].script.items[i] = .sound(s)
    }
  }

  /// abc2midi's `R:hornpipe` swing: returns `true` when `length` is the second of a pair of equal plain eighths
  /// (sixteenths in 2/4) whose first started on a beat. Also advances the bar position used for the test.
  mutating func hornpipeStep(_ length: NoteLength) -> Bool {
    guard hornpipe else { return false }
    let meterNumerator = headerMeter?.timeSignature?.numerator ?? 4
    var pair = false
    if let last = voices[current].hornpipeLast, last == length, length.numerator == 1,
      length.denominator * meterNumerator == 32
    {
      let d = voices[current].hornpipePosition.denominator
      pair = (meterNumerator == 4 && d == 8) || (meterNumerator == 2 && d == 16)
    }
    voices[current].hornpipeLast = length
    voices[current].hornpipePosition += length
    return pair
  }

  /// Applies the hornpipe's 2:1 broken rhythm to the last two groups (the note just read and the one before).
  mutating func applyHornpipeSwing() {
    // The group before the current one is found by walking back over the current group's start.
    guard let this = voices[current].lastGroup else { return }
    var i = this.range.lowerBound - 1
    while i >= 0 {
      if case .sound(let s) = voices[current].script.items[i], !s.isGrace { break }
      i -= 1
    }
    guard i >= 0 else { return }
    scale(i..<i + 1, by: brokenFactors.0)
    scale(this.range, by: brokenFactors.1)
  }

  // MARK: - Grace notes and ornaments

  /// `{…}`: grace sounds waiting for the next note, chord or rest (G-01…G-05).
  mutating func graces(_ g: GraceGroup) {
    let unit = voices[current].unitLength
    let factor = voices[current].tupletRemaining > 0 ? voices[current].tupletRatio : .one
    for e in g.elements {
      switch e {
      case .note(let n):
        let (pitch, step, bend) = resolvePitch(n, propagate: options.abc2midiGraces)
        let length = n.length * unit * factor
        voices[current].pendingGraces.append(
          Sound(
            advance: length, tones: [Tone(pitch: pitch, staffStep: step, duration: length, pitchBend: bend)],
            isGrace: true, location: n.location))
      case .chord(let c):
        let notes = c.notes
        guard let first = notes.first else { continue }
        let length = first.length * c.length * unit * factor
        let tones = notes.map { n -> Tone in
          let (pitch, step, bend) = resolvePitch(n, propagate: options.abc2midiGraces)
          return Tone(pitch: pitch, staffStep: step, duration: length, pitchBend: bend)
        }
        voices[current].pendingGraces.append(Sound(advance: length, tones: tones, isGrace: true, location: c.location))
      default:
        continue
      }
    }
    voices[current].hornpipeLast = nil
  }

  /// Puts waiting grace sounds in front of the host about to be appended and records the group.
  mutating func attachGraces(location: SourceLocation) {
    let pending = voices[current].pendingGraces
    guard !pending.isEmpty else { return }
    voices[current].pendingGraces.removeAll()
    let start = voices[current].script.items.count
    for g in pending { voices[current].append(.sound(g)) }
    let end = voices[current].script.items.count
    graceGroups[current].append(
      GraceGroupRecord(graces: start..<end, host: end, timing: graceTiming, location: location))
  }

  /// `~` (abc2midi's ornament): a cut from the upper neighbour before the note; a note of three units gets a cut from
  /// above on its second unit and from below on its third (§12.5).
  mutating func appendRoll(_ sound: Sound, note n: Note, unitLength: NoteLength) {
    let (upPitch, upStep) = neighbour(of: n, direction: 1)
    let (downPitch, downStep) = neighbour(of: n, direction: -1)
    var main = sound
    func cut(_ pitch: Int, _ step: Int) {
      let grace = Sound(
        advance: unitLength, tones: [Tone(pitch: pitch, staffStep: step, duration: unitLength)], isGrace: true,
        location: sound.location)
      let index = voices[current].append(.sound(grace))
      graceGroups[current].append(
        GraceGroupRecord(graces: index..<index + 1, host: index + 1, timing: .divider(4), location: sound.location))
    }
    let units = sound.advance / unitLength
    if units == NoteLength(3) {
      main.advance = unitLength
      main.tones = main.tones.map {
        var t = $0
        t.duration = unitLength
        t.isTied = false
        return t
      }
      voices[current].append(.sound(main))
      cut(upPitch, upStep)
      voices[current].append(.sound(main))
      cut(downPitch, downStep)
      main.tones = sound.tones.map {
        var t = $0
        t.duration = unitLength
        return t
      }
      voices[current].append(.sound(main))
    } else {
      cut(upPitch, upStep)
      voices[current].append(.sound(main))
    }
  }

  /// The diatonic neighbour of a note (`direction` +1 above, −1 below) under the key signature only, as abc2midi
  /// plays ornaments.
  func neighbour(of n: Note, direction: Int) -> (pitch: Int, step: Int) {
    let step = n.octave * 7 + n.letter.step + direction + voices[current].octaveShift * 7
    let octave = Int((Double(step) / 7).rounded(.down))
    let letter = NoteLetter(rawValue: step - octave * 7) ?? .c
    let accidental = voices[current].keySignature[letter]?.wholeSemitones ?? 0
    return (middleC + 12 * octave + letter.semitone + accidental, step)
  }

  // MARK: - Pitch

  /// The decorations waiting for this note, cleared.
  mutating func takeDecorations() -> [Decoration] {
    var d = voices[current].pendingDecorations
    voices[current].pendingDecorations.removeAll()
    if options.abc2midiDecorations {
      // abc2midi 4.84: "instruction !staccato! ignored", and !roll! likewise.
      d.removeAll { $0.form != .shorthand && ($0.name == "staccato" || $0.name == "roll") }
    }
    return d
  }

  /// MIDI pitch, staff step and microtone bend of a written note under the voice's key signature and the bar's
  /// accidentals; a written accidental is remembered for the rest of the bar unless `propagate` is false
  /// (grace notes, A-07, except with `abc2midiGraces`) or propagation is off (A-02, A-03, A-08).
  mutating func resolvePitch(_ n: Note, propagate: Bool) -> (pitch: Int, step: Int, bend: Int?) {
    let octave = n.octave + voices[current].octaveShift
    let letter = n.letter
    let step = octave * 7 + letter.step
    let octaveKey = letter.rawValue &+ 7 &* (octave &+ 1000)
    var shift = 0
    var bend: Int?
    if let written = n.accidental {
      if case .microtone(let s) = written {
        let b = 8192 + Int((s.doubleValue * 4096).rounded())
        bend = min(16383, max(0, b))
      } else {
        shift = written.wholeSemitones
        if propagate && propagation != .none {
          voices[current].barAccidentalsByLetter[letter] = written
          voices[current].barAccidentalsByOctave[octaveKey] = written
        }
      }
    } else {
      let inBar: Accidental? =
        switch propagation {
        case .pitch: voices[current].barAccidentalsByLetter[letter]
        case .octave: voices[current].barAccidentalsByOctave[octaveKey]
        case .none: nil
        }
      shift = (inBar ?? voices[current].keySignature[letter])?.wholeSemitones ?? 0
    }
    return (middleC + 12 * octave + letter.semitone + shift, step, bend)
  }
}
