import ABCParser

/// Guitar-chord accompaniment and drum patterns for one voice, timed the way abc2midi's note queue times them
/// (ABC reference §12.6, §10.1 `gchord`, `drum`).
///
/// A pattern (`fzczfzcz`) divides one bar (or `gchordbars` bars) into equal slots; each slot event plays its code
/// and schedules the next one. A new bar restarts the pattern, so a short bar (a pickup) cuts it, and a bar longer
/// than the pattern leaves the rest silent. Events fire after everything written at their time has been read, so a
/// chord symbol on a beat sounds on that beat's slot.
struct Accompanist {
  /// One code of a pattern and how many slots it lasts.
  struct Step: Hashable {
    var code: Character
    var count: Int
  }

  private enum Kind { case chord, drum }
  private struct Event {
    var time: NoteLength
    var kind: Kind
    var index: Int
    var sequence: Int
  }

  let chordsEnabled: Bool
  let drumsEnabled: Bool
  let bassChannel: MIDIChannel
  let chordChannel: MIDIChannel

  // Chord accompaniment (abc2midi: gchord_seq, g_num/g_denom, g_ptr, g_started, gchords).
  private var pattern: [Step] = []
  private var slot = NoteLength.zero
  private var pointer = 0
  private var started = false
  private(set) var isOn = true
  private var barsPerPattern = 1
  var chord: GuitarChord? {
    didSet { if chord != nil { started = true } }
  }
  var bassBase = 36
  var chordBase = 48
  var bassVelocity = 80
  var chordVelocity = 75
  /// Meter for slot lengths (abc2midi's `mtime`).
  private var meter: (numerator: Int, denominator: Int) = (4, 4)

  // Drums (abc2midi: drum_seq, drum_num/drum_denom, drum_ptr, drum_on).
  private var drumPattern: [Step] = [Step(code: "z", count: 1)]
  private var drumKeys: [Int] = [35]
  private var drumVelocities: [Int] = [80]
  private var drumSlot = NoteLength(1, 4)
  private var drumPointer = 0
  private var drumBars = 1
  var drumsOn = false

  private var queue: [Event] = []
  private var sequence = 0

  /// Accompaniment notes (bass and chord channels) and drum notes (channel 10), in the order they were played.
  private(set) var notes: [Performance.Note] = []
  private(set) var drumNotes: [Performance.Note] = []
  private(set) var warnings: [PerformanceWarning] = []
  private var warnedNoPattern = false

  init(chords: Bool, drums: Bool, bassChannel: MIDIChannel, chordChannel: MIDIChannel, meter: Meter?) {
    self.chordsEnabled = chords
    self.drumsEnabled = drums
    self.bassChannel = bassChannel
    self.chordChannel = chordChannel
    setMeter(meter, initial: true)
    if chordsEnabled { schedule(.zero, .chord, 0) }
    if drumsEnabled { schedule(.zero, .drum, 0) }
  }

  // MARK: - Settings

  /// A meter change: the default pattern for the new meter replaces the current one (abc2midi's `setbeat`).
  mutating func setMeter(_ meter: Meter?, initial: Bool = false) {
    if case .some(.none) = meter {
      self.meter = (4, 4)
    } else {
      let ts = meter?.timeSignature ?? (4, 4)
      self.meter = (min(1024, max(1, ts.numerator)), min(1024, max(1, ts.denominator)))
    }
    if let p = Self.defaultPattern(self.meter) {
      setPattern(p)
    } else if initial {
      setPattern(Self.fallbackPattern(self.meter))
    }
  }

  /// abc2midi's default patterns per meter (§12.6).
  static func defaultPattern(_ ts: (numerator: Int, denominator: Int)) -> String? {
    switch (ts.numerator, ts.denominator) {
    case (2, 2), (4, 4): return "fzczfzcz"
    case (2, 4): return "fzcz"
    case (6, 4): return "fzczfzczfzcz"
    case (3, 8), (3, 4): return "fzczcz"
    case (5, 8), (5, 4): return "fzbcz"
    case (7, 8), (7, 4): return "fzbczcz"
    case (6, 8): return "fzcfzc"
    case (9, 8): return "fzcfzcfzc"
    case (12, 8): return "fzcfzcfzcfzc"
    default: return nil
    }
  }

  /// For meters abc2midi has no pattern for (it plays nothing there): bass on the first beat, chord on the others
  /// (one slot per beat; compound meters beat in dotted notes).
  static func fallbackPattern(_ ts: (numerator: Int, denominator: Int)) -> String {
    let compound = ts.numerator % 3 == 0 && ts.numerator > 3
    let beats = max(1, compound ? ts.numerator / 3 : ts.numerator)
    return "f" + String(repeating: "c", count: beats - 1)
  }

  /// `%%MIDI gchord`: codes `zcfbghijGHIJ` (and `x`), each with an optional count; the whole string fills
  /// `gchordbars` bars.
  mutating func setPattern(_ text: String) {
    let steps = Self.parse(text, codes: "zcfbghijGHIJx")
    pattern = steps.isEmpty ? [Step(code: "z", count: 1)] : steps
    let total = max(1, pattern.reduce(0) { $0 + $1.count })
    slot = NoteLength(exactly: meter.numerator * barsPerPattern, max(1, meter.denominator) * total) ?? NoteLength(1, 4)
  }

  /// `%%MIDI gchordbars n`: the pattern spans n bars (from the next pattern set), restarting now.
  mutating func setPatternBars(_ n: Int, at time: NoteLength) {
    barsPerPattern = (1...10).contains(n) ? n : 1
    pointer = 0
    if chordsEnabled { schedule(time, .chord, 0) }
  }

  mutating func setOn(_ on: Bool) { isOn = on }

  /// `%%MIDI drum pattern keys velocities`.
  mutating func setDrums(pattern text: String, keys: [Int], velocities: [Int]) {
    let steps = Self.parse(text, codes: "dz")
    drumPattern = steps.isEmpty ? [Step(code: "z", count: 1)] : steps
    let hits = drumPattern.filter { $0.code == "d" }.count
    drumKeys = (0..<hits).map { $0 < keys.count && (0...127).contains(keys[$0]) ? keys[$0] : 35 }
    drumVelocities = (0..<hits).map {
      $0 < velocities.count && (1...127).contains(velocities[$0]) ? velocities[$0] : 80
    }
    let total = max(1, drumPattern.reduce(0) { $0 + $1.count })
    drumSlot = NoteLength(exactly: meter.numerator * drumBars, max(1, meter.denominator) * total) ?? NoteLength(1, 4)
  }

  /// `%%MIDI drumbars n`.
  mutating func setDrumBars(_ n: Int, at time: NoteLength) {
    drumBars = (1...10).contains(n) ? n : 1
    drumPointer = 0
    if drumsEnabled { schedule(time, .drum, 0) }
  }

  private static func parse(_ text: String, codes: String) -> [Step] {
    var steps: [Step] = []
    var chars = Array(text.trimmingABCSpaces())[...]
    while let c = chars.first, codes.contains(c), steps.count < 39 {
      chars.removeFirst()
      var digits = ""
      while let d = chars.first, d.isASCII, d.isNumber, digits.count < 4 {
        digits.append(d)
        chars.removeFirst()
      }
      steps.append(Step(code: c, count: max(1, Int(digits) ?? 1)))
    }
    return steps
  }

  // MARK: - Time

  /// A new bar starts at `time`: patterns restart (abc2midi's `checkbar`).
  mutating func newBar(at time: NoteLength) {
    if chordsEnabled {
      if barsPerPattern < 2 { pointer = 0 }
      schedule(time, .chord, pointer)
    }
    if drumsEnabled {
      if drumBars < 2 {
        drumPointer = 0
        schedule(time, .drum, 0)
      }
      schedule(time, .drum, drumPointer)
    }
  }

  /// Plays every slot event before `end` (strictly), in time order; `transpose` applies to chord and bass notes.
  mutating func play(until end: NoteLength, transpose: Int) {
    while let next = queue.indices.min(by: {
      (queue[$0].time, queue[$0].sequence) < (queue[$1].time, queue[$1].sequence)
    }),
      queue[next].time < end
    {
      let event = queue.remove(at: next)
      switch event.kind {
      case .chord: chordSlot(event, transpose: transpose)
      case .drum: drumSlotEvent(event)
      }
    }
  }

  private mutating func schedule(_ time: NoteLength, _ kind: Kind, _ index: Int) {
    queue.append(Event(time: time, kind: kind, index: index, sequence: sequence))
    sequence += 1
  }

  private mutating func chordSlot(_ event: Event, transpose: Int) {
    if pointer >= pattern.count { pointer = 0 }
    guard event.index == pointer else { return }
    let step = pattern[pointer]
    let length = slot * NoteLength(step.count)
    var code = step.code
    if code == "c", chord?.bassOnly == true { code = "f" }
    if started, isOn, let chord {
      let chordNotes = chord.chordNotes(base: chordBase)
      func play(_ pitch: Int, _ channel: MIDIChannel, _ velocity: Int) {
        notes.append(note(pitch + transpose, channel, velocity, event.time, length))
      }
      switch code {
      case "f":
        play(chord.bassNote(base: bassBase), bassChannel, bassVelocity)
      case "b":
        play(chord.bassNote(base: bassBase), bassChannel, bassVelocity)
        if !chord.bassOnly { for p in chordNotes { play(p, chordChannel, chordVelocity) } }
      case "c":
        for p in chordNotes { play(p, chordChannel, chordVelocity) }
      case "g", "h", "i", "j", "G", "H", "I", "J":
        let lower = code.lowercased()
        let k = ["g": 0, "h": 1, "i": 2, "j": 3][lower] ?? 0
        if k < chordNotes.count { play(chordNotes[k] - (code.isUppercase ? 12 : 0), chordChannel, chordVelocity) }
      case "x":
        if !warnedNoPattern {
          warnedNoPattern = true
          warnings.append(
            PerformanceWarning(.midiDirective, "no accompaniment pattern for this meter; give one with %%MIDI gchord"))
        }
      default:
        break
      }
    }
    pointer += 1
    schedule(event.time + length, .chord, pointer)
    if pointer >= pattern.count { pointer = 0 }
  }

  private mutating func drumSlotEvent(_ event: Event) {
    if drumPointer >= drumPattern.count { drumPointer = 0 }
    guard event.index == drumPointer else { return }
    let step = drumPattern[drumPointer]
    let length = drumSlot * NoteLength(step.count)
    if step.code == "d", drumsOn {
      let hit = drumPattern[..<drumPointer].filter { $0.code == "d" }.count
      let key = hit < drumKeys.count ? drumKeys[hit] : 35
      let velocity = hit < drumVelocities.count ? drumVelocities[hit] : 80
      drumNotes.append(note(key, .percussion, velocity, event.time, length))
    }
    drumPointer += 1
    schedule(event.time + length, .drum, drumPointer)
    if drumPointer >= drumPattern.count { drumPointer = 0 }
  }

  private func note(_ pitch: Int, _ channel: MIDIChannel, _ velocity: Int, _ time: NoteLength, _ length: NoteLength)
    -> Performance.Note
  {
    Performance.Note(
      onset: time, duration: length, pitch: UInt7(clamping: pitch), velocity: UInt7(clamping: max(1, velocity)),
      channel: channel)
  }
}
