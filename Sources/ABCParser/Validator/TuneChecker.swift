/// One pass over a tune body, voice by voice, for the semantic checks of the validator catalogue (ABC018–ABC036).
struct TuneChecker {
  struct Statistics {
    /// Bars with music in the first voice (a final bar without a closing bar line counts).
    var bars = 0
    /// Notes in all voices (chord notes count once per chord).
    var notes = 0
    /// Voices whose music does not end with a bar line.
    var voicesNotEndingWithBar: [String] = []
  }

  /// Checking state of one voice.
  struct VoiceState {
    var id: String
    var firstLocation: SourceLocation? = nil
    var meter: Meter?
    var unit: NoteLength
    var bar = NoteLength.zero
    var barStart: SourceLocation? = nil
    var barEnd: SourceLocation? = nil
    var barNumber = 1
    var barHasMusic = false
    var barsWithMusic = 0
    var total = NoteLength.zero
    var overlaySaved: NoteLength? = nil
    var previousBarSpecial = true  // the first bar may be a pickup
    var pendingUnderfull: [(bar: Int, diagnostic: Diagnostic)] = []
    // tuplets
    var tupletRemaining = 0
    var tupletRatio = NoteLength.one
    var tupletText = ""
    var tupletLocation = SourceLocation.start
    var tupletFound = 0
    // broken rhythm
    var lastOperand: (duration: NoteLength, length: NoteLength, location: SourceLocation, element: BodyElement)? = nil
    var pendingBroken: (factor: NoteLength, firstLength: NoteLength, first: BodyElement, location: SourceLocation, count: Int)? = nil
    // grace
    var pendingGrace: SourceLocation? = nil
    // ties
    var pendingTies: [Int] = []
    var tieLocation = SourceLocation.start
    var lastPitches: [Int] = []
    // repeats
    var repeatOpen: (location: SourceLocation, bar: Int)? = nil
    var sawRepeatEnd = false
    var lastEndingMax = 0
    // slurs
    var slurs: [SourceLocation] = []
    // lyrics
    var notesSinceLyrics = 0
    var lyricGroup: (notes: Int, syllables: Int, location: SourceLocation, hasBars: Bool, verseNotes: Int)? = nil
    // pitch
    var transpose = 0
    var midiTranspose = 0
    var endsWithBar = false
    var hasMusic = false
  }

  let tune: ABCTune
  let strict: Bool
  let checkBars: Bool
  var diagnostics: [Diagnostic] = []
  var statistics = Statistics()
  var voices: [String: VoiceState] = [:]
  var voiceOrder: [String] = []
  var current = ""
  var definedParts: [String] = []
  var definedPartLocations: [String: SourceLocation] = [:]

  init(tune: ABCTune, strict: Bool, checkBars: Bool) {
    self.tune = tune
    self.strict = strict
    self.checkBars = checkBars
  }

  mutating func report(_ id: DiagnosticID, at loc: SourceLocation, length: Int = 1, _ message: String, hint: String? = nil) {
    diagnostics.append(
      Diagnostic(
        id: id, severity: id.severity(strict: strict), location: loc, length: length, message: message, hint: hint,
        tuneIndex: tune.index))
  }

  // MARK: driver

  mutating func run() {
    let first = tune.declaredVoices.first?.key ?? ""
    current = first
    start(voice: first)
    var work: [BodyElement] = []
    for e in tune.body {
      if case .macro(let m) = e { work.append(contentsOf: m.expansion) } else { work.append(e) }
    }
    for e in work { visit(e) }
    finish()
  }

  mutating func start(voice id: String) {
    guard voices[id] == nil else { return }
    var v = VoiceState(id: id, meter: tune.meter, unit: tune.unitLength)
    if let k = tune.key {
      v.transpose = (k.clef.transpose ?? 0) + 12 * ((k.clef.octave ?? 0) + k.clef.octaveShift)
    }
    if let declared = tune.declaredVoices.first(where: { $0.key == id }) {
      let c = declared.clef
      if c.transpose != nil || c.octave != nil || c.octaveShift != 0 {
        v.transpose = (c.transpose ?? 0) + 12 * ((c.octave ?? 0) + c.octaveShift)
      }
    }
    for d in tune.headerDirectives {
      if case .transpose(let t)? = d.midi { v.midiTranspose = t }
    }
    voices[id] = v
    voiceOrder.append(id)
  }

  /// Runs `body` on the current voice's state.
  mutating func withVoice<R>(_ body: (inout VoiceState, inout TuneChecker) -> R) -> R {
    var v = voices[current] ?? VoiceState(id: current, meter: tune.meter, unit: tune.unitLength)
    voices[current] = nil
    let r = body(&v, &self)
    voices[current] = v
    return r
  }

  mutating func visit(_ e: BodyElement) {
    switch e {
    case .note(let n):
      withVoice { v, c in
        c.beforeOperand(&v, location: n.location, isNote: true)
        c.checkTie(&v, pitches: [n.diatonicIndex], location: n.location)
        c.operand(&v, length: n.length, location: n.location, element: e)
        v.pendingTies = n.tie != nil ? [n.diatonicIndex] : []
        if let t = n.tie { v.tieLocation = t.range.start }
        v.lastPitches = [n.diatonicIndex]
        c.checkPitch(&v, n)
        v.notesSinceLyrics += 1
        c.statistics.notes += 1
      }
    case .chord(let ch):
      withVoice { v, c in
        let notes = ch.notes
        c.beforeOperand(&v, location: ch.location, isNote: !notes.isEmpty)
        let pitches = notes.map(\.diatonicIndex)
        if !notes.isEmpty { c.checkTie(&v, pitches: pitches, location: ch.location) } else { c.restAfterTie(&v) }
        c.operand(&v, length: ch.effectiveLength, location: ch.location, element: e)
        var tied: [Int] = []
        for n in notes where n.tie != nil || ch.tie != nil { tied.append(n.diatonicIndex) }
        v.pendingTies = tied
        if let t = ch.tie { v.tieLocation = t.range.start } else if let n = notes.first(where: { $0.tie != nil }), let t = n.tie { v.tieLocation = t.range.start }
        v.lastPitches = pitches
        for n in notes { c.checkPitch(&v, n) }
        if !notes.isEmpty {
          v.notesSinceLyrics += 1
          c.statistics.notes += 1
        }
      }
    case .rest(let r):
      withVoice { v, c in
        c.beforeOperand(&v, location: r.location, isNote: false)
        c.restAfterTie(&v)
        c.operand(&v, length: r.length, location: r.location, element: e)
        v.lastPitches = []
      }
    case .multiMeasureRest(let m):
      withVoice { v, c in
        c.beforeOperand(&v, location: m.location, isNote: false)
        c.restAfterTie(&v)
        if let bar = v.meter?.barLength {
          let d = bar * NoteLength(exactly: m.bars, 1)!
          v.total += d
          v.bar = bar
        }
        v.barHasMusic = true
        v.hasMusic = true
        v.endsWithBar = false
        v.lastOperand = nil
      }
    case .tie(let t):
      withVoice { v, _ in
        v.pendingTies = v.lastPitches
        v.tieLocation = t.location
      }
    case .barLine(let b):
      withVoice { v, c in c.bar(&v, b) }
    case .ending(let en):
      withVoice { v, c in c.ending(&v, en) }
    case .tuplet(let t):
      withVoice { v, _ in
        v.tupletRemaining = t.r
        v.tupletRatio = t.ratio
        v.tupletText = t.text
        v.tupletLocation = t.location
        v.tupletFound = 0
      }
    case .graceGroup(let g):
      withVoice { v, c in
        if let p = v.pendingGrace {
          c.report(.graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note", hint: "write the main note right after the group: {g}A")
        }
        v.pendingGrace = g.location
      }
    case .brokenRhythm(let br):
      withVoice { v, c in c.broken(&v, br) }
    case .slurStart(let s):
      withVoice { v, _ in v.slurs.append(s.location) }
    case .slurEnd(let s):
      withVoice { v, c in
        if v.slurs.popLast() == nil {
          c.report(.slurUnmatched, at: s.location, ") closes no slur", hint: "remove it or add the ( that opens the slur")
        }
      }
    case .overlay:
      withVoice { v, _ in
        if v.overlaySaved == nil { v.overlaySaved = v.bar }
        v.bar = .zero
      }
    case .field(let f):
      field(f)
    case .directive(let d):
      if case .transpose(let t)? = d.midi { withVoice { v, _ in v.midiTranspose = t } }
      if case .relativeTranspose(let t)? = d.midi { withVoice { v, _ in v.midiTranspose += t } }
    case .decoration, .chordSymbol, .annotation, .space, .comment, .lineBreak, .continuation, .scoreLineBreak,
      .spacer, .stray, .macro:
      break
    }
  }

  // MARK: operands and bars

  /// Checks pending grace groups and closes a lyric group before a note, chord or rest.
  mutating func beforeOperand(_ v: inout VoiceState, location: SourceLocation, isNote: Bool) {
    if let p = v.pendingGrace, !isNote {
      report(.graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note", hint: "a grace group cannot precede a rest")
    }
    v.pendingGrace = nil
    closeLyrics(&v)
    if v.firstLocation == nil { v.firstLocation = location }
  }

  mutating func operand(_ v: inout VoiceState, length: NoteLength, location: SourceLocation, element: BodyElement) {
    var d = length * v.unit
    if v.tupletRemaining > 0 {
      d = d * v.tupletRatio
      v.tupletRemaining -= 1
      v.tupletFound += 1
    }
    if let pb = v.pendingBroken {
      d = d * pb.factor
      if pb.firstLength != length {
        report(
          .brokenRhythmMisuse, at: pb.location, length: pb.count,
          "\(String(repeating: ">", count: pb.count)) between notes of different length (\(ABCPrinter.print([pb.first])) and \(ABCPrinter.print([element])))",
          hint: "broken rhythm pairs notes of equal length: a>b")
      }
      v.pendingBroken = nil
    }
    if v.barStart == nil { v.barStart = location }
    v.bar += d
    if v.overlaySaved == nil { v.total += d }
    v.barHasMusic = true
    v.hasMusic = true
    v.endsWithBar = false
    v.lastOperand = (d, length, location, element)
  }

  mutating func broken(_ v: inout VoiceState, _ br: BrokenRhythm) {
    guard let last = v.lastOperand else {
      report(.brokenRhythmMisuse, at: br.location, length: br.count, "\(brText(br)) with no note before it", hint: "broken rhythm goes between two notes: a>b")
      return
    }
    if v.pendingBroken != nil {
      report(.brokenRhythmMisuse, at: br.location, length: br.count, "\(brText(br)) follows another broken rhythm mark")
    }
    let (f1, f2) = br.factors
    let extra = last.duration * (f1 - .one)
    v.bar += extra
    if v.overlaySaved == nil { v.total += extra }
    v.pendingBroken = (f2, last.length, last.element, br.location, br.count)
    v.lastOperand = nil
  }

  func brText(_ br: BrokenRhythm) -> String {
    String(repeating: br.direction == .firstLonger ? ">" : "<", count: br.count)
  }

  mutating func bar(_ v: inout VoiceState, _ b: BarLine) {
    if let pb = v.pendingBroken {
      report(.brokenRhythmMisuse, at: pb.location, length: pb.count, "broken rhythm with no note after it before the bar line")
      v.pendingBroken = nil
    }
    if let p = v.pendingGrace {
      report(.graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note", hint: "write the main note right after the group: {g}A")
      v.pendingGrace = nil
    }
    v.lastOperand = nil
    v.endsWithBar = true
    if b.style == .dotted { return }
    if let s = v.overlaySaved {
      v.bar = s
      v.overlaySaved = nil
    }
    let special = b.isRepeatStart || b.isRepeatEnd || b.style != .single
    if v.barHasMusic {
      v.barsWithMusic += 1
      if checkBars, let expected = v.meter?.barLength, expected > .zero, let start = v.barStart {
        if v.bar > expected {
          report(
            .barOverfull, at: start, length: max(1, b.range.start.offset - start.offset),
            "bar \(v.barNumber) lasts \(describe(v.bar, v.meter)) but M:\(v.meter!) needs \(describe(expected, v.meter)) (\(describe(v.bar - expected, v.meter)) too many)",
            hint: "check the note lengths in this bar")
        } else if v.bar < expected && !(v.previousBarSpecial || special) {
          let d = Diagnostic(
            id: .barUnderfull, severity: DiagnosticID.barUnderfull.severity(strict: strict), location: start,
            length: max(1, b.range.start.offset - start.offset),
            message: "bar \(v.barNumber) lasts \(describe(v.bar, v.meter)) but M:\(v.meter!) needs \(describe(expected, v.meter)) (\(describe(expected - v.bar, v.meter)) missing)",
            hint: "check the note lengths in this bar", tuneIndex: tune.index)
          v.pendingUnderfull.append((v.barNumber, d))
        }
      }
      v.barNumber += 1
    }
    v.bar = .zero
    v.barStart = nil
    v.barHasMusic = false
    v.previousBarSpecial = special
    repeatMarks(&v, b)
  }

  /// Describes a duration in the meter's denominator (`9/8`).
  func describe(_ d: NoteLength, _ meter: Meter?) -> String {
    if let den = meter?.timeSignature?.denominator, den > 0, let units = NoteLength(exactly: den, 1) {
      let n = d * units
      if n.denominator == 1 { return "\(n.numerator)/\(den)" }
    }
    return d.description
  }

  mutating func repeatMarks(_ v: inout VoiceState, _ b: BarLine) {
    if b.isRepeatEnd {
      if v.repeatOpen == nil {
        report(
          .repeatMissingStart, at: b.location, length: b.text.utf8.count,
          "end repeat at bar \(v.barNumber - 1) has no start repeat; repeating from "
            + (v.sawRepeatEnd ? "the previous :|" : "the start of the tune"),
          hint: "add |: where the repeated section starts")
      }
      v.repeatOpen = nil
      v.sawRepeatEnd = true
    }
    if b.isRepeatStart {
      if let open = v.repeatOpen {
        report(
          .repeatDuplicateStart, at: b.location, length: b.text.utf8.count,
          "start repeat at bar \(v.barNumber) follows the start repeat at \(open.location) that was never closed",
          hint: "close the first section with :| (nested repeats are played literally)")
      }
      v.repeatOpen = (b.location, v.barNumber)
      v.lastEndingMax = 0
    } else if b.closesEnding && !b.isRepeatEnd {
      v.lastEndingMax = 0
    }
  }

  /// A partial bar right before a section boundary (ending, part or key change) is allowed.
  func forgiveUnderfullBeforeBoundary(_ v: inout VoiceState) {
    if !v.barHasMusic, let last = v.pendingUnderfull.last, last.bar == v.barNumber - 1 { v.pendingUnderfull.removeLast() }
  }

  mutating func ending(_ v: inout VoiceState, _ e: Ending) {
    v.previousBarSpecial = true
    forgiveUnderfullBeforeBoundary(&v)
    guard let lo = e.numbers.map(\.lowerBound).min() else { return }
    if lo == 1 {
      if v.repeatOpen == nil && !v.sawRepeatEnd {
        report(
          .endingMisplaced, at: e.location, length: e.text.utf8.count,
          "ending \(e.text) at bar \(v.barNumber) comes before any repeat; repeating from the start of the tune",
          hint: "mark the start of the repeated section with |:")
      }
    } else if v.lastEndingMax == 0 {
      report(
        .endingMisplaced, at: e.location, length: e.text.utf8.count,
        "ending \(e.text) at bar \(v.barNumber) has no matching first ending", hint: "write the first ending as [1 or |1")
    }
    v.lastEndingMax = max(v.lastEndingMax, e.maxPass)
    v.pendingTies = []
  }

  // MARK: ties, pitch, lyrics

  mutating func checkTie(_ v: inout VoiceState, pitches: [Int], location: SourceLocation) {
    guard !v.pendingTies.isEmpty else { return }
    if !v.pendingTies.contains(where: { pitches.contains($0) }) {
      report(
        .tieDifferentPitch, at: v.tieLocation, "tie at \(v.tieLocation) joins notes of different pitch; ties need the same pitch",
        hint: "use a slur ( ) for different pitches")
    }
    v.pendingTies = []
  }

  mutating func restAfterTie(_ v: inout VoiceState) {
    if !v.pendingTies.isEmpty {
      report(.tieDangling, at: v.tieLocation, "tie at \(v.tieLocation) is followed by a rest", hint: "remove the tie")
      v.pendingTies = []
    }
  }

  mutating func checkPitch(_ v: inout VoiceState, _ n: Note) {
    let p = n.writtenMIDIPitch + v.transpose + v.midiTranspose
    if p < 0 || p > 127 {
      report(
        .pitchOutOfRange, at: n.location, length: n.range.byteCount,
        "note \(ABCPrinter.print([.note(n)])) sounds at MIDI \(p), outside 0…127", hint: "use fewer octave marks")
    }
  }

  mutating func closeLyrics(_ v: inout VoiceState) {
    guard let g = v.lyricGroup else { return }
    v.lyricGroup = nil
    if !g.hasBars && g.syllables != g.notes {
      report(
        .lyricsMismatch, at: g.location, length: 2, "w: line has \(g.syllables) syllables for \(g.notes) notes",
        hint: g.syllables > g.notes ? "extra syllables are dropped" : "use * to skip notes or _ to hold syllables")
    }
  }

  mutating func lyrics(_ f: Field, _ l: Lyrics) {
    withVoice { v, c in
      let hasBars = l.items.contains { $0 == .bar }
      if f.letter == "+", var g = v.lyricGroup {
        g.syllables += l.noteCount
        g.hasBars = g.hasBars || hasBars
        v.lyricGroup = g
        return
      }
      let notes: Int
      if let g = v.lyricGroup {
        c.closeLyrics(&v)
        notes = g.verseNotes
      } else {
        notes = v.notesSinceLyrics
        v.notesSinceLyrics = 0
      }
      v.lyricGroup = (notes, l.noteCount, f.location, hasBars, notes)
    }
  }

  // MARK: fields

  mutating func field(_ f: Field) {
    switch f.value {
    case .voice(let voice):
      if voice.key != current {
        current = voice.key
        start(voice: current)
      }
      let c = voice.clef
      if c.transpose != nil || c.octave != nil || c.octaveShift != 0 {
        withVoice { v, _ in v.transpose = (c.transpose ?? 0) + 12 * ((c.octave ?? 0) + c.octaveShift) }
      }
    case .meter(let m):
      withVoice { v, c in
        if v.barHasMusic && f.form == .inline {
          c.report(
            .meterChangeMidBar, at: f.location, length: f.range.byteCount, "meter change in the middle of bar \(v.barNumber)",
            hint: "put the M: change right after a bar line")
        }
        v.meter = m
      }
    case .unitLength(let l):
      withVoice { v, _ in v.unit = l }
    case .key(let k):
      withVoice { v, c in
        c.forgiveUnderfullBeforeBoundary(&v)
        v.previousBarSpecial = true
      }
      let c = k.clef
      if c.transpose != nil || c.octave != nil || c.octaveShift != 0 {
        withVoice { v, _ in v.transpose = (c.transpose ?? 0) + 12 * ((c.octave ?? 0) + c.octaveShift) }
      }
    case .parts(let p):
      withVoice { v, c in
        c.forgiveUnderfullBeforeBoundary(&v)
        v.previousBarSpecial = true
      }
      if let label = p.terms.first, case .part(let name) = label {
        definedParts.append(name)
        if definedPartLocations[name] == nil { definedPartLocations[name] = f.location }
      }
    case .lyrics(let l):
      lyrics(f, l)
    case .instruction(let ds):
      for d in ds {
        if case .transpose(let t)? = d.midi { withVoice { v, _ in v.midiTranspose = t } }
      }
    default:
      break
    }
  }

  // MARK: end of tune

  mutating func finish() {
    for id in voiceOrder {
      guard var v = voices[id] else { continue }
      closeLyrics(&v)
      if v.barHasMusic { v.barsWithMusic += 1 }
      // The last bar may be short (closing bar).
      if let last = v.pendingUnderfull.last, last.bar == v.barNumber - 1, !v.barHasMusic {
        v.pendingUnderfull.removeLast()
      }
      diagnostics.append(contentsOf: v.pendingUnderfull.map(\.diagnostic))
      if v.tupletRemaining > 0 {
        report(
          .tupletIncomplete, at: v.tupletLocation, length: v.tupletText.utf8.count,
          "\(v.tupletText) at \(v.tupletLocation) expects \(v.tupletFound + v.tupletRemaining) notes, found \(v.tupletFound) before the end",
          hint: "complete the tuplet or change its count")
      }
      if let p = v.pendingGrace {
        report(.graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note", hint: "write the main note after the group")
      }
      if let pb = v.pendingBroken {
        report(.brokenRhythmMisuse, at: pb.location, length: pb.count, "broken rhythm with no note after it")
      }
      if !v.pendingTies.isEmpty {
        report(.tieDangling, at: v.tieLocation, "tie at the end of the tune has nothing to tie to", hint: "remove the tie")
      }
      for s in v.slurs {
        report(.slurUnclosed, at: s, "slur opened at \(s) is never closed", hint: "close it with )")
      }
      if let open = v.repeatOpen {
        report(
          .repeatUnclosed, at: open.location, length: 2, "start repeat at bar \(open.bar) is never closed",
          hint: "end the repeated section with :|")
      }
      if v.hasMusic && !v.endsWithBar { statistics.voicesNotEndingWithBar.append(id) }
      voices[id] = v
    }
    if let firstID = voiceOrder.first, let first = voices[firstID] { statistics.bars = first.barsWithMusic }
    // Voice lengths (V-10).
    let musical = voiceOrder.compactMap { voices[$0] }.filter(\.hasMusic)
    if musical.count > 1, let reference = musical.first {
      for v in musical.dropFirst() where v.total != reference.total {
        let diff = v.total > reference.total ? v.total - reference.total : reference.total - v.total
        report(
          .voiceLengthMismatch, at: v.firstLocation ?? tune.location, length: 1,
          "voice \(v.id.isEmpty ? "1" : v.id) is \(diff) of a whole note \(v.total > reference.total ? "longer" : "shorter") than voice \(reference.id.isEmpty ? "1" : reference.id)",
          hint: "voices should have the same total length")
      }
    }
    // Parts (P-08).
    if !definedParts.isEmpty, let parts = tune.parts, let field = tune.headerFields.last(where: { $0.letter == "P" }) {
      let played = parts.labels
      for label in played where !definedParts.contains(label) {
        report(
          .partUndefined, at: field.location, length: field.range.byteCount,
          "P:\(field.trimmedValue) uses part \(label), which is never defined", hint: "mark the part in the body with P:\(label)")
      }
      for label in Set(definedParts) where !played.contains(label) {
        report(
          .partUnused, at: definedPartLocations[label] ?? field.location, length: 2,
          "part \(label) is defined but not played (P:\(field.trimmedValue))")
      }
    }
  }
}
