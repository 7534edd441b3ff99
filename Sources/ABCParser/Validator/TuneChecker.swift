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
    var lastOperand: (duration: NoteLength, length: NoteLength, location: SourceLocation, path: (Int, Int?))? = nil
    var pendingBroken:
      (factor: NoteLength, firstLength: NoteLength, first: (Int, Int?), location: SourceLocation, count: Int)? = nil
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
    /// Ending numbers used since the group's repeat start (a number used twice is reported).
    var endingNumbers: Set<Int> = []
    /// The last bar line was an end repeat closing an ending.
    var endingGroupContinues = false
    /// Where the performer restarts an end repeat that has no start (BL-09): the most recent of the previous `:|`,
    /// the previous `||`/`|]`/`[|`, the start of the part (with a header `P:` play order) or of the tune.
    var implicitRepeatStart = "the start of the tune"
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
  /// Voices not currently active; the active one is `cur` (so per-element work never copies voice state).
  var voices: [String: VoiceState] = [:]
  var voiceOrder: [String] = []
  var current = ""
  var cur: VoiceState
  /// Reused buffer for chord pitches.
  var scratch: [Int] = []
  /// Header values, computed once.
  let headerMeter: Meter?
  let headerUnit: NoteLength
  let headerKey: Key?
  let declared: [Voice]
  let headerDirectives: [Directive]
  var definedParts: [String] = []
  var definedPartLocations: [String: SourceLocation] = [:]

  init(tune: ABCTune, strict: Bool, checkBars: Bool) {
    self.tune = tune
    self.strict = strict
    self.checkBars = checkBars
    self.headerMeter = tune.meter
    self.headerUnit = tune.unitLength
    self.headerKey = tune.key
    self.declared = tune.declaredVoices
    self.headerDirectives = tune.headerDirectives
    self.cur = VoiceState(id: "", meter: headerMeter, unit: headerUnit)
  }

  mutating func report(
    _ id: DiagnosticID, at loc: SourceLocation, length: Int = 1, _ message: String, hint: String? = nil
  ) {
    diagnostics.append(
      Diagnostic(
        id: id, severity: id.severity(strict: strict), location: loc, length: length, message: message, hint: hint,
        tuneIndex: tune.index))
  }

  // MARK: driver

  mutating func run() {
    let first = declared.first?.key ?? ""
    current = first
    cur = makeVoice(first)
    voiceOrder.append(first)
    for k in tune.body.indices {
      if case .macro(let m) = tune.body[k] {
        for j in m.expansion.indices { visit(m.expansion[j], path: (k, j)) }
      } else {
        visit(tune.body[k], path: (k, nil))
      }
    }
    finish()
  }

  /// Switches the active voice to `id`, creating its state on first use.
  mutating func switchVoice(to id: String) {
    guard id != current else { return }
    voices[current] = cur
    current = id
    if let v = voices.removeValue(forKey: id) {
      cur = v
    } else {
      cur = makeVoice(id)
      voiceOrder.append(id)
    }
  }

  func makeVoice(_ id: String) -> VoiceState {
    var v = VoiceState(id: id, meter: headerMeter, unit: headerUnit)
    if let k = headerKey {
      v.transpose = (k.clef.transpose ?? 0) + 12 * ((k.clef.octave ?? 0) + k.clef.octaveShift)
    }
    if let declared = declared.first(where: { $0.key == id }) {
      let c = declared.clef
      if c.transpose != nil || c.octave != nil || c.octaveShift != 0 {
        v.transpose = (c.transpose ?? 0) + 12 * ((c.octave ?? 0) + c.octaveShift)
      }
    }
    for d in headerDirectives {
      if case .transpose(let t)? = d.midi { v.midiTranspose = t }
    }
    return v
  }

  mutating func visit(_ e: borrowing BodyElement, path: (Int, Int?)) {
    switch e {
    case .note(let n):
      beforeOperand(location: n.location, isNote: true)
      let pitch = n.diatonicIndex
      if !cur.pendingTies.isEmpty { checkTie(pitch: pitch, location: n.location) }
      operand(length: n.length, location: n.location, path: path)
      cur.pendingTies.removeAll(keepingCapacity: true)
      if let t = n.tie {
        cur.pendingTies.append(pitch)
        cur.tieLocation = t.range.start
      }
      cur.lastPitches.removeAll(keepingCapacity: true)
      cur.lastPitches.append(pitch)
      checkPitch(n)
      cur.notesSinceLyrics += 1
      statistics.notes += 1
    case .chord(let ch):
      // One pass over the chord's elements, reusing the voice's pitch buffers (no allocation per chord).
      var noteCount = 0
      var firstLength: NoteLength? = nil
      var tieLocation: SourceLocation? = ch.tie?.range.start
      scratch.removeAll(keepingCapacity: true)
      for element in ch.elements {
        switch element {
        case .note(let n):
          noteCount += 1
          scratch.append(n.diatonicIndex)
          if firstLength == nil { firstLength = n.length }
          if tieLocation == nil, let t = n.tie { tieLocation = t.range.start }
          checkPitch(n)
        case .rest(let r):
          if firstLength == nil { firstLength = r.length }
        case .slurStart(let s):
          cur.slurs.append(s.location)
        default:
          break
        }
      }
      beforeOperand(location: ch.location, isNote: noteCount > 0)
      if noteCount > 0 {
        if !cur.pendingTies.isEmpty { checkTie(pitches: scratch, location: ch.location) }
      } else {
        restAfterTie()
      }
      operand(length: (firstLength ?? .one) * ch.length, location: ch.location, path: path)
      cur.pendingTies.removeAll(keepingCapacity: true)
      var k = 0
      for element in ch.elements {
        if case .note(let n) = element {
          if n.tie != nil || ch.tie != nil { cur.pendingTies.append(scratch[k]) }
          k += 1
        }
      }
      if let t = tieLocation { cur.tieLocation = t }
      cur.lastPitches.removeAll(keepingCapacity: true)
      cur.lastPitches.append(contentsOf: scratch)
      if noteCount > 0 {
        cur.notesSinceLyrics += 1
        statistics.notes += 1
      }
    case .rest(let r):
      beforeOperand(location: r.location, isNote: false)
      restAfterTie()
      operand(length: r.length, location: r.location, path: path)
      cur.lastPitches.removeAll(keepingCapacity: true)
    case .multiMeasureRest(let m):
      beforeOperand(location: m.location, isNote: false)
      restAfterTie()
      if let bar = cur.meter?.barLength {
        let d = bar * NoteLength(exactly: m.bars, 1)!
        cur.total += d
        cur.bar = bar
      }
      cur.barHasMusic = true
      cur.hasMusic = true
      cur.endsWithBar = false
      cur.lastOperand = nil
    case .tie(let t):
      cur.pendingTies = cur.lastPitches
      cur.tieLocation = t.location
    case .barLine(let b):
      bar(b)
    case .ending(let en):
      ending(en)
    case .tuplet(let t):
      cur.tupletRemaining = t.r
      cur.tupletRatio = t.ratio
      cur.tupletText = t.text
      cur.tupletLocation = t.location
      cur.tupletFound = 0
    case .graceGroup(let g):
      if let p = cur.pendingGrace {
        report(
          .graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note",
          hint: "write the main note right after the group: {g}A")
      }
      cur.pendingGrace = g.location
    case .brokenRhythm(let br):
      broken(br)
    case .slurStart(let s):
      cur.slurs.append(s.location)
    case .slurEnd(let s):
      if cur.slurs.popLast() == nil {
        report(.slurUnmatched, at: s.location, ") closes no slur", hint: "remove it or add the ( that opens the slur")
      }
    case .overlay:
      if cur.overlaySaved == nil { cur.overlaySaved = cur.bar }
      cur.bar = .zero
    case .field(let f):
      field(f)
    case .directive(let d):
      if case .transpose(let t)? = d.midi { cur.midiTranspose = t }
      if case .relativeTranspose(let t)? = d.midi { cur.midiTranspose += t }
    case .decoration, .chordSymbol, .annotation, .space, .comment, .lineBreak, .continuation, .scoreLineBreak,
      .spacer, .stray, .macro:
      break
    }
  }

  // MARK: operands and bars

  /// Checks pending grace groups and closes a lyric group before a note, chord or rest.
  mutating func beforeOperand(location: SourceLocation, isNote: Bool) {
    if let p = cur.pendingGrace, !isNote {
      report(
        .graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note",
        hint: "a grace group cannot precede a rest")
    }
    cur.pendingGrace = nil
    closeLyrics()
    if cur.firstLocation == nil { cur.firstLocation = location }
  }

  /// The longest note or rest that is not reported as `abc.length.absurd`: 32 whole notes (32 bars of 4/4).
  static let absurdLength = NoteLength(32)

  mutating func operand(length: NoteLength, location: SourceLocation, path: (Int, Int?)) {
    var d = length * cur.unit
    if cur.tupletRemaining > 0 {
      d = d * cur.tupletRatio
      cur.tupletRemaining -= 1
      cur.tupletFound += 1
    }
    if let pb = cur.pendingBroken {
      d = d * pb.factor
      if pb.firstLength != length {
        report(
          .brokenRhythmMisuse, at: pb.location, length: pb.count,
          "\(String(repeating: ">", count: pb.count)) between notes of different length (\(text(pb.first)) and \(text(path)))",
          hint: "broken rhythm pairs notes of equal length: a>b")
      }
      cur.pendingBroken = nil
    }
    if d > Self.absurdLength {
      report(
        .absurdLength, at: location, "a note or rest of \(d) whole notes is absurdly long (more than "
          + "\(Self.absurdLength)); it would play for minutes to hours",
        hint: "check the length number: A2, A/2, A3/2")
    }
    if cur.barStart == nil { cur.barStart = location }
    cur.bar += d
    if cur.overlaySaved == nil { cur.total += d }
    cur.barHasMusic = true
    cur.hasMusic = true
    cur.endsWithBar = false
    cur.lastOperand = (d, length, location, path)
  }

  /// The ABC text of the element at `path` (body index, expansion index).
  func text(_ path: (Int, Int?)) -> String {
    guard path.0 < tune.body.count else { return "" }
    if let j = path.1, case .macro(let m) = tune.body[path.0], j < m.expansion.count {
      return ABCPrinter.print([m.expansion[j]])
    }
    return ABCPrinter.print([tune.body[path.0]])
  }

  mutating func broken(_ br: BrokenRhythm) {
    guard let last = cur.lastOperand else {
      report(
        .brokenRhythmMisuse, at: br.location, length: br.count, "\(brText(br)) with no note before it",
        hint: "broken rhythm goes between two notes: a>b")
      return
    }
    if cur.pendingBroken != nil {
      report(.brokenRhythmMisuse, at: br.location, length: br.count, "\(brText(br)) follows another broken rhythm mark")
    }
    let (f1, f2) = br.factors
    let extra = last.duration * (f1 - .one)
    cur.bar += extra
    if cur.overlaySaved == nil { cur.total += extra }
    cur.pendingBroken = (f2, last.length, last.path, br.location, br.count)
    cur.lastOperand = nil
  }

  func brText(_ br: BrokenRhythm) -> String {
    String(repeating: br.direction == .firstLonger ? ">" : "<", count: br.count)
  }

  mutating func bar(_ b: BarLine) {
    if let pb = cur.pendingBroken {
      report(
        .brokenRhythmMisuse, at: pb.location, length: pb.count,
        "broken rhythm with no note after it before the bar line")
      cur.pendingBroken = nil
    }
    if let p = cur.pendingGrace {
      report(
        .graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note",
        hint: "write the main note right after the group: {g}A")
      cur.pendingGrace = nil
    }
    cur.lastOperand = nil
    cur.endsWithBar = true
    if b.style == .dotted { return }
    if let s = cur.overlaySaved {
      cur.bar = s
      cur.overlaySaved = nil
    }
    let special = b.isRepeatStart || b.isRepeatEnd || b.style != .single
    if cur.barHasMusic {
      cur.barsWithMusic += 1
      if checkBars, let expected = cur.meter?.barLength, expected > .zero, let start = cur.barStart {
        if cur.bar > expected {
          report(
            .barOverfull, at: start, length: max(1, b.range.start.offset - start.offset),
            "bar \(cur.barNumber) lasts \(describe(cur.bar, cur.meter)) but M:\(cur.meter!) needs \(describe(expected, cur.meter)) (\(describe(cur.bar - expected, cur.meter)) too many)",
            hint: "check the note lengths in this bar")
        } else if cur.bar < expected && !(cur.previousBarSpecial || special) {
          let d = Diagnostic(
            id: .barUnderfull, severity: DiagnosticID.barUnderfull.severity(strict: strict), location: start,
            length: max(1, b.range.start.offset - start.offset),
            message:
              "bar \(cur.barNumber) lasts \(describe(cur.bar, cur.meter)) but M:\(cur.meter!) needs \(describe(expected, cur.meter)) (\(describe(expected - cur.bar, cur.meter)) missing)",
            hint: "check the note lengths in this bar", tuneIndex: tune.index)
          cur.pendingUnderfull.append((cur.barNumber, d))
        }
      }
      cur.barNumber += 1
    }
    cur.bar = .zero
    cur.barStart = nil
    cur.barHasMusic = false
    cur.previousBarSpecial = special
    repeatMarks(b)
  }

  /// Describes a duration in the meter's denominator (`9/8`).
  func describe(_ d: NoteLength, _ meter: Meter?) -> String {
    if let den = meter?.timeSignature?.denominator, den > 0, let units = NoteLength(exactly: den, 1) {
      let n = d * units
      if n.denominator == 1 { return "\(n.numerator)/\(den)" }
    }
    return d.description
  }

  mutating func repeatMarks(_ b: BarLine) {
    cur.endingGroupContinues = b.isRepeatEnd && cur.lastEndingMax > 0
    if b.isRepeatEnd {
      if cur.repeatOpen == nil {
        report(
          .repeatMissingStart, at: b.location, length: b.text.utf8.count,
          "end repeat at bar \(cur.barNumber - 1) has no start repeat; repeating from \(cur.implicitRepeatStart)",
          hint: "add |: where the repeated section starts")
      }
      cur.repeatOpen = nil
      cur.sawRepeatEnd = true
      cur.implicitRepeatStart = "the previous :| (bar \(cur.barNumber - 1))"
    } else if !b.isRepeatStart, b.style == .double || b.style == .thinThick || b.style == .thickThin {
      cur.implicitRepeatStart = "the \(b.text) after bar \(cur.barNumber - 1)"
    }
    if b.isRepeatStart {
      if let open = cur.repeatOpen {
        report(
          .repeatDuplicateStart, at: b.location, length: b.text.utf8.count,
          "start repeat at bar \(cur.barNumber) follows the start repeat at \(open.location) that was never closed",
          hint: "close the first section with :| (nested repeats are played literally)")
      }
      cur.repeatOpen = (b.location, cur.barNumber)
      cur.lastEndingMax = 0
      cur.endingNumbers.removeAll()
    } else if b.closesEnding && !b.isRepeatEnd {
      cur.lastEndingMax = 0
      cur.endingNumbers.removeAll()
    }
  }

  /// A partial bar right before a section boundary (ending, part or key change) is allowed.
  mutating func forgiveUnderfullBeforeBoundary() {
    if !cur.barHasMusic, let last = cur.pendingUnderfull.last, last.bar == cur.barNumber - 1 {
      cur.pendingUnderfull.removeLast()
    }
  }

  mutating func ending(_ e: Ending) {
    cur.previousBarSpecial = true
    forgiveUnderfullBeforeBoundary()
    guard let lo = e.numbers.map(\.lowerBound).min() else { return }
    // An ending written on the end repeat of the previous ending (`|1 … :|2`) continues its group; any other starts
    // a new one (the session pattern `|2 …| B part |1 … :|2`).
    if !cur.endingGroupContinues { cur.endingNumbers.removeAll() }
    let numbers = e.numbers.flatMap { r in r.count <= 64 ? Array(r) : [r.lowerBound, r.upperBound] }
    if let twice = numbers.first(where: { cur.endingNumbers.contains($0) }) {
      report(
        .endingMisplaced, at: e.location, length: e.text.utf8.count,
        "ending \(e.text) at bar \(cur.barNumber) repeats ending number \(twice) of the same repeat; that pass plays "
          + "the first ending with it",
        hint: "number the endings of one repeat differently: [1 … :|[2 …")
    }
    cur.endingNumbers.formUnion(numbers)
    if lo == 1 {
      if cur.repeatOpen == nil && !cur.sawRepeatEnd {
        report(
          .endingMisplaced, at: e.location, length: e.text.utf8.count,
          "ending \(e.text) at bar \(cur.barNumber) comes before any repeat; repeating from \(cur.implicitRepeatStart)",
          hint: "mark the start of the repeated section with |:")
      }
    } else if cur.lastEndingMax == 0 {
      report(
        .endingMisplaced, at: e.location, length: e.text.utf8.count,
        "ending \(e.text) at bar \(cur.barNumber) has no matching first ending",
        hint: "write the first ending as [1 or |1")
    }
    cur.lastEndingMax = max(cur.lastEndingMax, e.maxPass)
    cur.pendingTies.removeAll(keepingCapacity: true)
  }

  // MARK: ties, pitch, lyrics

  mutating func checkTie(pitch: Int, location: SourceLocation) {
    if !cur.pendingTies.contains(pitch) {
      report(
        .tieDifferentPitch, at: cur.tieLocation,
        "tie at \(cur.tieLocation) joins notes of different pitch; ties need the same pitch",
        hint: "use a slur ( ) for different pitches")
    }
    cur.pendingTies.removeAll(keepingCapacity: true)
  }

  mutating func checkTie(pitches: [Int], location: SourceLocation) {
    guard !cur.pendingTies.isEmpty else { return }
    if !cur.pendingTies.contains(where: { pitches.contains($0) }) {
      report(
        .tieDifferentPitch, at: cur.tieLocation,
        "tie at \(cur.tieLocation) joins notes of different pitch; ties need the same pitch",
        hint: "use a slur ( ) for different pitches")
    }
    cur.pendingTies.removeAll(keepingCapacity: true)
  }

  mutating func restAfterTie() {
    if !cur.pendingTies.isEmpty {
      report(
        .tieDangling, at: cur.tieLocation, "tie at \(cur.tieLocation) is followed by a rest", hint: "remove the tie")
      cur.pendingTies.removeAll(keepingCapacity: true)
    }
  }

  mutating func checkPitch(_ n: Note) {
    let p = n.writtenMIDIPitch + cur.transpose + cur.midiTranspose
    if p < 0 || p > 127 {
      report(
        .pitchOutOfRange, at: n.location, length: n.range.byteCount,
        "note \(ABCPrinter.print([.note(n)])) sounds at MIDI \(p), outside 0…127", hint: "use fewer octave marks")
    }
  }

  mutating func closeLyrics() {
    guard let g = cur.lyricGroup else { return }
    cur.lyricGroup = nil
    // An empty w: skips a line of music on purpose (ABC 2.1 §5).
    if !g.hasBars && g.syllables != g.notes && g.syllables > 0 {
      report(
        .lyricsMismatch, at: g.location, length: 2, "w: line has \(g.syllables) syllables for \(g.notes) notes",
        hint: g.syllables > g.notes ? "extra syllables are dropped" : "use * to skip notes or _ to hold syllables")
    }
  }

  mutating func lyrics(_ f: Field, _ l: Lyrics) {
    let hasBars = l.items.contains { $0 == .bar }
    if f.letter == "+", var g = cur.lyricGroup {
      g.syllables += l.noteCount
      g.hasBars = g.hasBars || hasBars
      cur.lyricGroup = g
      return
    }
    let notes: Int
    if let g = cur.lyricGroup {
      closeLyrics()
      notes = g.verseNotes
    } else {
      notes = cur.notesSinceLyrics
      cur.notesSinceLyrics = 0
    }
    cur.lyricGroup = (notes, l.noteCount, f.location, hasBars, notes)
  }

  // MARK: fields

  mutating func field(_ f: Field) {
    switch f.value {
    case .voice(let voice):
      switchVoice(to: voice.key)
      let c = voice.clef
      if c.transpose != nil || c.octave != nil || c.octaveShift != 0 {
        cur.transpose = (c.transpose ?? 0) + 12 * ((c.octave ?? 0) + c.octaveShift)
      }
    case .meter(let m):
      if cur.barHasMusic && f.form == .inline {
        report(
          .meterChangeMidBar, at: f.location, length: f.range.byteCount,
          "meter change in the middle of bar \(cur.barNumber)",
          hint: "put the M: change right after a bar line")
      }
      cur.meter = m
    case .unitLength(let l):
      cur.unit = l
    case .key(let k):
      forgiveUnderfullBeforeBoundary()
      cur.previousBarSpecial = true
      let c = k.clef
      // A clef named without +8/-8 ends an earlier clef's octave shift (K-09).
      if c.transpose != nil || c.octave != nil || c.octaveShift != 0 || c.clef != nil {
        cur.transpose = (c.transpose ?? 0) + 12 * ((c.octave ?? 0) + c.octaveShift)
      }
    case .parts(let p):
      forgiveUnderfullBeforeBoundary()
      cur.previousBarSpecial = true
      if let label = p.terms.first, case .part(let name) = label {
        // With a header play order each part is unfolded on its own; without one a body P: is only a label (P-06).
        if tune.parts != nil {
          cur.implicitRepeatStart = "the start of part \(name)"
        }
        definedParts.append(name)
        if definedPartLocations[name] == nil { definedPartLocations[name] = f.location }
      }
    case .lyrics(let l):
      lyrics(f, l)
    case .instruction(let ds):
      for d in ds {
        if case .transpose(let t)? = d.midi { cur.midiTranspose = t }
      }
    default:
      break
    }
  }

  // MARK: end of tune

  mutating func finish() {
    voices[current] = cur
    for id in voiceOrder {
      guard let v = voices[id] else { continue }
      cur = v
      closeLyrics()
      if cur.barHasMusic { cur.barsWithMusic += 1 }
      // The last bar may be short (closing bar).
      if let last = cur.pendingUnderfull.last, last.bar == cur.barNumber - 1, !cur.barHasMusic {
        cur.pendingUnderfull.removeLast()
      }
      diagnostics.append(contentsOf: cur.pendingUnderfull.map(\.diagnostic))
      if cur.tupletRemaining > 0 {
        report(
          .tupletIncomplete, at: cur.tupletLocation, length: cur.tupletText.utf8.count,
          "\(cur.tupletText) at \(cur.tupletLocation) expects \(cur.tupletFound + cur.tupletRemaining) notes, found \(cur.tupletFound) before the end",
          hint: "complete the tuplet or change its count")
      }
      if let p = cur.pendingGrace {
        report(
          .graceWithoutNote, at: p, "grace notes at \(p) must be followed by a note",
          hint: "write the main note after the group")
      }
      if let pb = cur.pendingBroken {
        report(.brokenRhythmMisuse, at: pb.location, length: pb.count, "broken rhythm with no note after it")
      }
      if !cur.pendingTies.isEmpty {
        report(
          .tieDangling, at: cur.tieLocation, "tie at the end of the tune has nothing to tie to", hint: "remove the tie")
      }
      for s in cur.slurs {
        report(.slurUnclosed, at: s, "slur opened at \(s) is never closed", hint: "close it with )")
      }
      if let open = cur.repeatOpen {
        report(
          .repeatUnclosed, at: open.location, length: 2, "start repeat at bar \(open.bar) is never closed",
          hint: "end the repeated section with :|")
      }
      if cur.hasMusic && !cur.endsWithBar { statistics.voicesNotEndingWithBar.append(id) }
      voices[id] = cur
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
          "P:\(field.trimmedValue) uses part \(label), which is never defined",
          hint: "mark the part in the body with P:\(label)")
      }
      for label in Set(definedParts) where !played.contains(label) {
        report(
          .partUnused, at: definedPartLocations[label] ?? field.location, length: 2,
          "part \(label) is defined but not played (P:\(field.trimmedValue))")
      }
    }
  }
}
