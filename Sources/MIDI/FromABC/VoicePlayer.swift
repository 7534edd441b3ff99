import ABCParser

/// Plays one voice in played order: exact time, abc2midi's beat velocities, ties joined across bar lines and passes
/// (A-04, T-06), chord attack, transposition, channel and program changes, and the voice's accompaniment, drums and
/// drone (ABC reference §12.1, §12.3–§12.6).
struct VoicePlayer {
  /// Channels for what this voice plays.
  struct Channels {
    var voice: MIDIChannel
    var bass: MIDIChannel?
    var chord: MIDIChannel?
    var drone: MIDIChannel?
  }

  /// What a voice produced.
  struct Output {
    var notes: [Performance.Note] = []
    var channelEvents: [Performance.ChannelEvent] = []
    var accompanimentNotes: [Performance.Note] = []
    var accompanimentEvents: [Performance.ChannelEvent] = []
    var drumNotes: [Performance.Note] = []
    var droneNotes: [Performance.Note] = []
    var droneEvents: [Performance.ChannelEvent] = []
    var tempoChanges: [Performance.TempoChange] = []
    var meterChanges: [Performance.MeterChange] = []
    var keyChanges: [Performance.KeyChange] = []
    var markers: [Performance.Marker] = []
    var lyrics: [Performance.TextEvent] = []
    var end = NoteLength.zero
  }

  let options: PerformanceOptions
  let channels: Channels

  private var time = NoteLength.zero
  private var beat: BeatModel
  private var channel: MIDIChannel
  private var voiceTranspose = 0
  private var globalTranspose: Int
  private var chordAttack: NoteLength
  private var nextVelocity: Int?
  private var nextVelocityIncrement = 0
  private var drumMap: [Int: Int] = [:]
  private var saved: [Int: (bars: Int, transpose: Int, channel: MIDIChannel)] = [:]
  private var openTies: [(note: Int, pitch: Int, staffStep: Int, afterBar: Bool, location: SourceLocation)] = []
  private var accompanist: Accompanist
  private var drone = (program: 70, pitch1: 45, pitch2: 33, velocity1: 80, velocity2: 80)
  private var droneStart: NoteLength?
  private var droneProgramSent = false
  private var warnedRange = false
  private var output = Output()
  private(set) var warnings: [PerformanceWarning] = []

  /// - Parameters:
  ///   - chords, drums: whether this voice drives an accompaniment and a drum track.
  ///   - transpose: `%%MIDI transpose` / `K: transpose=` given in the tune header (all voices).
  init(
    options: PerformanceOptions, channels: Channels, meter: Meter?, chords: Bool, drums: Bool, transpose: Int
  ) {
    self.options = options
    self.channels = channels
    self.channel = channels.voice
    self.beat = BeatModel(meter: meter)
    self.globalTranspose = transpose
    self.chordAttack = options.chordAttack
    self.accompanist = Accompanist(
      chords: chords, drums: drums, bassChannel: channels.bass ?? channels.voice,
      chordChannel: channels.chord ?? channels.voice, meter: meter)
    if let program = options.programOverride, !channels.voice.isPercussion {
      output.channelEvents.append(
        Performance.ChannelEvent(
          time: .zero, event: .programChange(channel: channels.voice, program: UInt7(clamping: program))))
    }
  }

  /// Plays `items` and returns everything the voice produced.
  mutating func play(_ items: [PlayedItem]) -> Output {
    for item in items {
      switch item {
      case .sound(let s): sound(s)
      case .bar(let b): bar(b)
      case .control(let c): control(c)
      case .part(let label): output.markers.append(Performance.Marker(time: time, text: label))
      case .sectionStart(let id): saved[id] = (beat.barNumber, voiceTranspose, channel)
      case .jumpBack(let id):
        if let s = saved[id] {
          beat.barNumber = s.bars
          voiceTranspose = s.transpose
          channel = s.channel
        }
      }
    }
    for open in openTies {
      warnings.append(
        PerformanceWarning(.unmatchedTie, "tie at the end of the voice has no note to tie to", at: open.location))
    }
    openTies.removeAll()
    stopDrone()
    output.accompanimentNotes = accompanist.notes
    output.drumNotes = accompanist.drumNotes
    output.end = time
    warnings += accompanist.warnings
    return output
  }

  // MARK: - Sounds

  private mutating func sound(_ s: Sound) {
    let onset = time
    let continued = s.isGrace ? [] : joinTies(s)
    if let lyric = s.lyric {
      output.lyrics.append(Performance.TextEvent(time: onset, kind: MIDIMetaEvent.lyricKind, text: lyric))
    }
    var velocity = beat.velocity()
    if s.isAccented { velocity += options.accentVelocityBoost }
    if let v = nextVelocity {
      velocity = v
      nextVelocity = nil
    } else if nextVelocityIncrement != 0 {
      velocity += nextVelocityIncrement
      nextVelocityIncrement = 0
    }
    let attack = s.isArpeggio ? chordAttack * NoteLength(3) : chordAttack
    var sounding = 0
    for (t, tone) in s.tones.enumerated() where !continued.contains(t) {
      if tone.duration == .zero && !tone.isTied { continue }
      // abc2midi staggers only untied chord notes (a tied note starts on the beat).
      let delay = tone.isTied ? .zero : attack * NoteLength(sounding)
      if !tone.isTied { sounding += 1 }
      let start = onset + delay
      var length = tone.duration
      if s.trim > .zero && length > s.trim { length -= s.trim }
      length += s.expand
      let duration = max(.zero, length - delay)
      let pitch = midiPitch(tone.pitch, location: s.location)
      let index = output.notes.count
      output.notes.append(
        Performance.Note(
          onset: start, duration: duration, pitch: UInt7(clamping: pitch),
          velocity: UInt7(clamping: max(1, min(127, velocity))),
          channel: channel, pitchBend: tone.pitchBend, location: s.location))
      if tone.isTied && !s.isGrace {
        openTies.append((index, tone.pitch, tone.staffStep, false, s.location))
      }
    }
    accompanist.play(until: onset + s.advance, transpose: transposition(percussion: false))
    time = onset + s.advance
    beat.advance(by: s.advance)
  }

  /// Lets tied notes sound on through this sound's matching notes, which then do not start again. A tie is matched
  /// by pitch, or after a bar line by staff position (A-04: the tied note keeps its accidental). Returns the indices
  /// of the tones that continue a tied note.
  private mutating func joinTies(_ s: Sound) -> Set<Int> {
    guard !openTies.isEmpty else { return [] }
    var stillOpen: [(note: Int, pitch: Int, staffStep: Int, afterBar: Bool, location: SourceLocation)] = []
    var used = Array(repeating: false, count: openTies.count)
    var matchedTones = Set<Int>()
    for (t, tone) in s.tones.enumerated() {
      guard
        let k = openTies.indices.first(where: {
          !used[$0]
            && (openTies[$0].pitch == tone.pitch || (openTies[$0].afterBar && openTies[$0].staffStep == tone.staffStep))
        })
      else { continue }
      used[k] = true
      matchedTones.insert(t)
      let open = openTies[k]
      output.notes[open.note].duration = time + tone.duration - output.notes[open.note].onset
      if tone.isTied { stillOpen.append((open.note, open.pitch, open.staffStep, false, open.location)) }
    }
    for (k, open) in openTies.enumerated() where !used[k] {
      warnings.append(
        PerformanceWarning(
          .unmatchedTie, "tie is not followed by a note of the same pitch; the notes are played separately (T-05)",
          at: open.location))
    }
    openTies = stillOpen
    return matchedTones
  }

  private mutating func bar(_ b: BarMark) {
    for k in openTies.indices { openTies[k].afterBar = true }
    if beat.bar(plain: b.isPlain) { accompanist.newBar(at: time) }
  }

  // MARK: - Controls

  private mutating func control(_ c: PlayControl) {
    switch c {
    case .tempo(let us):
      output.tempoChanges.append(Performance.TempoChange(time: time, microsecondsPerQuarter: us))
    case .meter(let m):
      beat.setMeter(m)
      accompanist.setMeter(m)
      if let ts = m.timeSignature {
        output.meterChanges.append(
          Performance.MeterChange(time: time, numerator: ts.numerator, denominator: ts.denominator))
      }
    case .key(let sharps, let minor):
      output.keyChanges.append(Performance.KeyChange(time: time, sharps: sharps, minor: minor))
    case .chordSymbol(let chord, _):
      accompanist.chord = chord
    case .voiceTranspose(let t):
      voiceTranspose = t
    case .dynamic(let a, let b, let c):
      beat.setBeat(first: a, strong: b, other: c, stride: 1)
    case .velocityShift(let n):
      beat.shift(by: n)
    case .pedal(let on):
      channelEvent(.controlChange(channel: channel, controller: 64, value: on ? 127 : 0))
    case .midi(let d):
      midi(d)
    }
  }

  private mutating func midi(_ d: MIDIDirective) {
    switch d {
    case .program(let ch, let program):
      guard options.programOverride == nil || ch != nil else { return }
      let target = ch.flatMap { MIDIChannel(exactly: $0 - 1) } ?? channel
      channelEvent(.programChange(channel: target, program: UInt7(clamping: program)))
    case .channel(let n):
      if let c = MIDIChannel(exactly: n - 1) { channel = c }
    case .transpose(let n):
      globalTranspose = n
    case .relativeTranspose(let n):
      globalTranspose += n
    case .beat(let a, let b, let c, let n):
      beat.setBeat(first: a, strong: b, other: c, stride: n)
    case .beatString(let s):
      beat.beatString = s.filter { "fFmMpP".contains($0) }
    case .beatMod(let n):
      beat.shift(by: n)
    case .noBeatAccents:
      beat.accents = false
    case .beatAccents:
      beat.accents = true
    case .gchord(let s):
      accompanist.setPattern(s)
    case .gchordOn:
      accompanist.setOn(true)
    case .gchordOff:
      accompanist.setOn(false)
    case .gchordBars(let n):
      accompanist.setPatternBars(n, at: time)
    case .chordProgram(let program, let octave):
      if let o = octave, (-2...2).contains(o) { accompanist.chordBase = 48 + 12 * o }
      if let c = channels.chord { accompanimentEvent(.programChange(channel: c, program: UInt7(clamping: program))) }
    case .bassProgram(let program, let octave):
      if let o = octave, (-2...2).contains(o) { accompanist.bassBase = 36 + 12 * o }
      if let c = channels.bass { accompanimentEvent(.programChange(channel: c, program: UInt7(clamping: program))) }
    case .chordVolume(let v):
      accompanist.chordVelocity = v
    case .bassVolume(let v):
      accompanist.bassVelocity = v
    case .control(let target, let controller, let value):
      let event = { (c: MIDIChannel) in
        MIDIEvent.controlChange(channel: c, controller: UInt7(clamping: controller), value: UInt7(clamping: value))
      }
      switch target {
      case .voice: channelEvent(event(channel))
      case .bass: if let c = channels.bass { accompanimentEvent(event(c)) }
      case .chord: if let c = channels.chord { accompanimentEvent(event(c)) }
      }
    case .drum(let pattern, let keys, let velocities):
      accompanist.setDrums(pattern: pattern, keys: keys, velocities: velocities)
    case .drumOn:
      accompanist.drumsOn = true
    case .drumOff:
      accompanist.drumsOn = false
    case .drumBars(let n):
      accompanist.setDrumBars(n, at: time)
    case .drumMap(let note, let key):
      if let pitch = Self.drumMapPitch(note), (0...127).contains(key) { drumMap[pitch] = key }
    case .drone(let values):
      let v = values + Array(repeating: 0, count: max(0, 5 - values.count))
      if v[0] > 0 { drone.program = min(127, v[0]) }
      if v[1] > 0 { drone.pitch1 = min(127, v[1]) }
      if v[2] > 0 { drone.pitch2 = min(127, v[2]) }
      if v[3] > 0 { drone.velocity1 = min(127, v[3]) }
      if v[4] > 0 { drone.velocity2 = min(127, v[4]) }
    case .droneOn:
      startDrone()
    case .droneOff:
      stopDrone()
    case .chordAttack(let ticks):
      chordAttack = NoteLength(exactly: max(0, ticks), 1920) ?? .zero
    case .other(let name, let arguments):
      let n = arguments.first.flatMap { Int($0) } ?? 0
      if name == "vol" { nextVelocity = min(127, max(1, n)) }
      if name == "volinc" { nextVelocityIncrement = n }
    default:
      break
    }
  }

  private mutating func channelEvent(_ e: MIDIEvent) {
    output.channelEvents.append(Performance.ChannelEvent(time: time, event: e))
  }

  private mutating func accompanimentEvent(_ e: MIDIEvent) {
    output.accompanimentEvents.append(Performance.ChannelEvent(time: time, event: e))
  }

  private mutating func startDrone() {
    guard let c = channels.drone, droneStart == nil else { return }
    if !droneProgramSent {
      droneProgramSent = true
      output.droneEvents.append(
        Performance.ChannelEvent(time: time, event: .programChange(channel: c, program: UInt7(clamping: drone.program)))
      )
    }
    droneStart = time
  }

  private mutating func stopDrone() {
    guard let c = channels.drone, let start = droneStart else { return }
    droneStart = nil
    let t = transposition(percussion: false)
    for (p, v) in [(drone.pitch1, drone.velocity1), (drone.pitch2, drone.velocity2)] {
      output.droneNotes.append(
        Performance.Note(
          onset: start, duration: time - start, pitch: UInt7(clamping: p + t), velocity: UInt7(clamping: max(1, v)),
          channel: c))
    }
  }

  // MARK: - Pitch

  /// Semitones added to every pitch of this voice now (none on the percussion channel).
  private func transposition(percussion: Bool) -> Int {
    percussion ? 0 : voiceTranspose + globalTranspose + options.transpose
  }

  /// The MIDI pitch of a tone on the current channel: transposed, or mapped by `%%MIDI drummap` on channel 10.
  private mutating func midiPitch(_ pitch: Int, location: SourceLocation) -> Int {
    let p = channel.isPercussion ? (drumMap[pitch] ?? pitch) : pitch + transposition(percussion: false)
    if !(0...127).contains(p) && !warnedRange {
      warnedRange = true
      warnings.append(
        PerformanceWarning(
          .pitchRange, "pitch \(p) is outside MIDI 0…127 (after transposition); clamped (N-03)", at: location))
    }
    return min(127, max(0, p))
  }

  /// The pitch of a `%%MIDI drummap` note name (`^F`, `c'`, `A,`), ignoring the key signature.
  static func drumMapPitch(_ text: String) -> Int? {
    var chars = Array(text.trimmingABCSpaces())[...]
    var shift = 0
    while let c = chars.first, c == "^" || c == "_" || c == "=" {
      shift += c == "^" ? 1 : c == "_" ? -1 : 0
      chars.removeFirst()
    }
    guard let c = chars.first, let ascii = c.asciiValue, let letter = NoteLetter(ascii: ascii) else { return nil }
    chars.removeFirst()
    var octave = c.isLowercase ? 1 : 0
    for m in chars {
      if m == "'" { octave += 1 } else if m == "," { octave -= 1 }
    }
    return 60 + 12 * octave + letter.semitone + shift
  }
}
