/// Parses `%%` directive lines and `I:` instructions, including typed `%%MIDI` directives (ABC 2.1 §11;
/// checklist F-13, DI-01…DI-05, §10.1).
enum DirectiveParser {
  /// Parses a `%%name args` line.
  static func parseLine(src: SourceText, line l: Int, state: inout ParseState) -> Directive {
    let line = src.lines[l]
    let text = src.string(line.start, line.contentEnd)
    let range = SourceRange(
      start: src.location(line: l, offset: line.start), end: src.location(line: l, offset: line.contentEnd))
    // Drop a trailing comment from the arguments (`%%MIDI program 1 % flute`).
    let cs = FieldParser.commentStart(src.bytes, line.start + 2, line.contentEnd)
    let body = src.string(line.start + 2, cs)
    return make(body: body, text: text, range: range, state: &state)
  }

  /// Parses the value of an `I:` field (line or inline). `MIDI=` occurrences split it into several directives
  /// (`[I:MIDI=program 73 MIDI=chordprog 29]`).
  static func parseInstruction(_ raw: String, range: SourceRange, state: inout ParseState, at loc: SourceLocation)
    -> [Directive]
  {
    let t = raw.trimmingABCSpaces()
    var pieces: [String] = []
    if t.hasPrefix("MIDI=") {
      var current = ""
      for word in t.split(separator: " ", omittingEmptySubsequences: false) {
        if word.hasPrefix("MIDI="), !current.isEmpty {
          pieces.append(current)
          current = ""
        }
        current += current.isEmpty ? String(word) : " " + word
      }
      if !current.isEmpty { pieces.append(current) }
    } else {
      pieces = [t]
    }
    return pieces.map { p in
      let body = p.hasPrefix("MIDI=") ? "MIDI " + p.dropFirst(5) : p
      return make(body: body, text: p, range: range, state: &state)
    }
  }

  static func make(body: String, text: String, range: SourceRange, state: inout ParseState) -> Directive {
    let trimmed = body.trimmingABCSpaces()
    let u = Array(trimmed.utf8)
    var k = 0
    while k < u.count, u[k] != 0x20, u[k] != 0x09, u[k] != UInt8(ascii: "=") || k == 0 { k += 1 }
    let name = String(decoding: u[0..<k], as: UTF8.self)
    if k < u.count, u[k] == UInt8(ascii: "=") { k += 1 }
    let args = String(decoding: u[k...], as: UTF8.self).trimmingABCSpaces()
    var d = Directive(name: name, arguments: args, text: text, range: range)
    switch name {
    case "MIDI":
      d.midi = MIDIDirectiveParser.parse(args)
      if d.midi == nil {
        state.report(
          .invalidMIDIDirective, at: range.start, length: range.byteCount,
          "%%MIDI \(args): malformed arguments; ignored",
          hint: "see abc2midi's guide, e.g. %%MIDI program 73, %%MIDI gchord fzcz")
      }
    case "decoration":
      state.plusDecorations = args.hasPrefix("+")
    case "linebreak":
      state.bangLineBreaks = args.contains("!")
    case "abc-version":
      if let v = Double(args), v >= 2.1 { state.strict = true }
    case "abc-include":
      state.report(
        .includeUnsupported, at: range.start, length: range.byteCount,
        "I:abc-include \(args): including files is not supported; the definitions in it are missing",
        hint: "paste the definitions into the file header")
    default:
      break
    }
    return d
  }
}

/// Parses the arguments of `%%MIDI` into `MIDIDirective` (abc2midi dialect).
enum MIDIDirectiveParser {
  /// Returns `nil` when a known directive has malformed arguments.
  static func parse(_ args: String) -> MIDIDirective? {
    let words = args.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard let nameWord = words.first else { return nil }
    let name = nameWord.lowercased()
    let rest = Array(words.dropFirst())
    let ints = rest.map { Int($0) }
    func int(_ i: Int, _ range: ClosedRange<Int> = -100_000...100_000) -> Int? {
      guard i < ints.count, let v = ints[i], range.contains(v) else { return nil }
      return v
    }
    func fraction(_ s: String?) -> NoteLength? {
      guard let s else { return nil }
      let p = s.split(separator: "/")
      if p.count == 1, let n = Int(p[0]) { return NoteLength(exactly: n, 1) }
      guard p.count == 2, let n = Int(p[0]), let d = Int(p[1]), d > 0 else { return nil }
      return NoteLength(exactly: n, d)
    }
    func octaveOption() -> Int?? {
      guard rest.count >= 2 else { return .some(nil) }
      let o = rest[1].lowercased()
      guard o.hasPrefix("octave="), let v = Int(o.dropFirst(7)), (-3...3).contains(v) else { return nil }
      return .some(v)
    }
    switch name {
    case "program":
      if rest.count >= 2, let c = int(0, 1...16), let p = int(1, 0...127) { return .program(channel: c, program: p) }
      if let p = int(0, 0...127) { return .program(channel: nil, program: p) }
      return nil
    case "channel": return int(0, 1...16).map { .channel($0) }
    case "transpose": return int(0, -127...127).map { .transpose($0) }
    case "rtranspose": return int(0, -127...127).map { .relativeTranspose($0) }
    case "c": return int(0, 0...127).map { .middleC($0) }
    case "beat":
      guard let a = int(0, 0...127), let b = int(1, 0...127), let c = int(2, 0...127), let n = int(3, 1...64) else {
        return nil
      }
      return .beat(first: a, strong: b, other: c, stride: n)
    case "beatstring": return rest.first.map { .beatString($0) }
    case "beatmod": return int(0, -127...127).map { .beatMod($0) }
    case "deltaloudness": return int(0, 0...127).map { .deltaLoudness($0) }
    case "nobeataccents": return .noBeatAccents
    case "beataccents": return .beatAccents
    case "gchord": return rest.isEmpty ? nil : .gchord(rest.joined(separator: " "))
    case "gchordon": return .gchordOn
    case "gchordoff": return .gchordOff
    case "gchordbars": return int(0, 1...64).map { .gchordBars($0) }
    case "chordname":
      guard rest.count >= 2 else { return nil }
      var semis: [Int] = []
      for w in rest.dropFirst() {
        guard let v = Int(w), (-48...48).contains(v) else { return nil }
        semis.append(v)
      }
      return .chordName(name: rest[0], semitones: semis)
    case "chordprog":
      guard let p = int(0, 0...127), let o = octaveOption() else { return nil }
      return .chordProgram(program: p, octave: o)
    case "bassprog":
      guard let p = int(0, 0...127), let o = octaveOption() else { return nil }
      return .bassProgram(program: p, octave: o)
    case "chordvol": return int(0, 0...127).map { .chordVolume($0) }
    case "bassvol": return int(0, 0...127).map { .bassVolume($0) }
    case "drum":
      guard let pattern = rest.first else { return nil }
      var numbers: [Int] = []
      for w in rest.dropFirst() {
        guard let v = Int(w), (0...127).contains(v) else { return nil }
        numbers.append(v)
      }
      let hits = pattern.filter { $0 == "d" }.count
      let keys = Array(numbers.prefix(hits))
      let velocities = Array(numbers.dropFirst(hits))
      return .drum(pattern: pattern, keys: keys, velocities: velocities)
    case "drumon": return .drumOn
    case "drumoff": return .drumOff
    case "drumbars": return int(0, 1...64).map { .drumBars($0) }
    case "drummap":
      guard rest.count >= 2, let k = int(1, 0...127) else { return nil }
      return .drumMap(note: rest[0], key: k)
    case "drone":
      var numbers: [Int] = []
      for w in rest {
        guard let v = Int(w), (0...127).contains(v) else { return nil }
        numbers.append(v)
      }
      return .drone(numbers)
    case "droneon": return .droneOn
    case "droneoff": return .droneOff
    case "grace":
      guard let f = fraction(rest.first), f > .zero, f < .one else { return nil }
      return .grace(f)
    case "gracedivider": return int(0, 1...1000).map { .graceDivider($0) }
    case "ratio":
      guard let a = int(0, 1...100), let b = int(1, 1...100) else { return nil }
      return .ratio(a, b)
    case "fermatafixed": return .fermataFixed
    case "fermataproportional": return .fermataProportional
    case "nobarlines": return .noBarlines
    case "barlines": return .barlines
    case "chordattack": return int(0, 0...10_000).map { .chordAttack($0) }
    case "randomchordattack": return int(0, 0...10_000).map { .randomChordAttack($0) }
    case "trim":
      guard let f = fraction(rest.first), f >= .zero else { return nil }
      return .trim(f)
    case "expand":
      guard let f = fraction(rest.first), f >= .zero else { return nil }
      return .expand(f)
    case "control":
      var target = MIDIDirective.Target.voice
      var k = 0
      if let w = rest.first?.lowercased(), w == "bass" || w == "chord" {
        target = w == "bass" ? .bass : .chord
        k = 1
      }
      guard let n = int(k, 0...127), let v = int(k + 1, 0...127) else { return nil }
      return .control(target: target, controller: n, value: v)
    case "voice":
      var id: String? = nil
      var instrument: Int? = nil
      var bank: Int? = nil
      var mute = false
      for w in rest {
        let lw = w.lowercased()
        if lw.hasPrefix("instrument=") {
          guard let v = Int(lw.dropFirst(11)), (1...128).contains(v) else { return nil }
          instrument = v
        } else if lw.hasPrefix("bank=") {
          guard let v = Int(lw.dropFirst(5)), (0...16383).contains(v) else { return nil }
          bank = v
        } else if lw == "mute" {
          mute = true
        } else if id == nil {
          id = w
        }
      }
      return .voiceInstrument(voice: id, instrument: instrument, bank: bank, mute: mute)
    default:
      return .other(name: nameWord, arguments: rest)
    }
  }
}
