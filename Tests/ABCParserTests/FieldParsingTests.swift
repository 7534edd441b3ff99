import Testing

@testable import ABCParser

@Suite struct FieldParsingTests {
  func headerValue(_ line: String) -> FieldValue? {
    let file = ABCParser().parse("X:1\nT:t\n\(line)\nK:C\nC|\n")
    return file.tunes.first?.headerFields.first { $0.letter == line.first }?.value
  }

  func key(_ value: String) -> Key? {
    let file = ABCParser().parse("X:1\nT:t\nK:\(value)\nC|\n")
    if case .key(let k)? = file.tunes.first?.headerFields.last?.value { return k }
    return nil
  }

  @Test(arguments: [
    ("G", "G", Mode.ionian, 1), ("Ador", "A", .dorian, 1), ("F# minor", "F#", .aeolian, 3),
    ("D Major", "D", .ionian, 2),
    ("D Mix", "D", .mixolydian, 1), ("EPhr", "E", .phrygian, 0), ("Bbm", "Bb", .aeolian, -5), ("Am", "A", .aeolian, 0),
    ("F Lydian", "F", .lydian, 0), ("B Locrian", "B", .locrian, 0), ("C", "C", .ionian, 0), ("Eb", "Eb", .ionian, -3),
    ("CMaj", "C", .ionian, 0), ("A minor", "A", .aeolian, 0), ("Edor", "E", .dorian, 2),
  ])
  func keysAndModes(value: String, tonic: String, mode: Mode, fifths: Int) throws {
    let k = try #require(key(value))
    guard case .tonic(let pc, let m) = k.root else {
      Issue.record("expected a tonic for \(value)")
      return
    }
    #expect(pc.description == tonic)
    #expect(m == mode)
    #expect(k.fifths == fifths)
  }

  @Test func keySignatureWithModifyingAndExplicitAccidentals() throws {
    let k = try #require(key("D =c ^g"))
    #expect(k.signature == [.f: .sharp, .g: .sharp])
    let e = try #require(key("D exp _b _e ^f"))
    #expect(e.isExplicit)
    #expect(e.signature == [.b: .flat, .e: .flat, .f: .sharp])
    #expect(try #require(key("none")).signature == [:])
    #expect(try #require(key("")).signature == [:])
    #expect(try #require(key("Hp")).signature == [.f: .sharp, .c: .sharp])
  }

  @Test func clefParameters() throws {
    let k = try #require(key("G clef=bass transpose=-2 octave=1 middle=d stafflines=5"))
    #expect(k.clef.clef == .bass)
    #expect(k.clef.transpose == -2)
    #expect(k.clef.octave == 1)
    #expect(k.clef.middle == "d")
    #expect(k.clef.staffLines == 5)
    let t = try #require(key("C treble-8"))
    #expect(t.clef.octaveShift == -1)
    let clefOnly = ABCParser().parse("X:1\nT:t\nK:G\nG|[K:bass]G|\n").tunes[0]
    let inline = clefOnly.body.compactMap {
      if case .field(let f) = $0, case .key(let k) = f.value { return k } else { return nil }
    }
    #expect(inline.first?.root == .unchanged)
    #expect(inline.first?.signature == nil)
  }

  @Test(arguments: [
    ("M:6/8", Meter.fraction(numerators: [6], denominator: 8), NoteLength(3, 4)), ("M:C", .common, NoteLength(1)),
    ("M:C|", .cut, NoteLength(1)), ("M:none", Meter.none, nil),
    ("M:(2+3+2)/8", .fraction(numerators: [2, 3, 2], denominator: 8), NoteLength(7, 8)),
    ("M:2+3/8", .fraction(numerators: [2, 3], denominator: 8), NoteLength(5, 8)),
  ])
  func meters(line: String, meter: Meter, bar: NoteLength?) {
    guard case .meter(let m)? = headerValue(line) else {
      Issue.record("no meter for \(line)")
      return
    }
    #expect(m == meter)
    #expect(m.barLength == bar)
  }

  @Test(arguments: [
    ("2/4", NoteLength(1, 16)), ("3/4", NoteLength(1, 8)), ("C", NoteLength(1, 8)), ("6/8", NoteLength(1, 8)),
  ])
  func defaultUnitLengthFollowsTheMeter(meter: String, unit: NoteLength) throws {
    let tune = try #require(ABCParser().parse("X:1\nT:t\nM:\(meter)\nK:C\nC|\n").tunes.first)
    #expect(tune.unitLength == unit)
  }

  @Test func unitLengths() {
    #expect(headerValue("L:1/16") == .unitLength(NoteLength(1, 16)))
    #expect(headerValue("L:1") == .unitLength(NoteLength(1)))
    #expect(headerValue("L:1/7") == .invalid)
  }

  @Test(arguments: [
    ("Q:1/4=120", 120.0), ("Q:3/8=100", 150.0), ("Q:1/4 3/8 1/4 3/8=40", 200.0), ("Q:\"Allegro\" 1/4=96", 96.0),
    ("Q:120", 120.0), ("Q:C=120", 60.0), ("Q:\"Allegro\"", 120.0), ("Q:1/2=60 \"slow\"", 120.0),
  ])
  func tempos(line: String, quarters: Double) throws {
    guard case .tempo(let t)? = headerValue(line) else {
      Issue.record("no tempo for \(line)")
      return
    }
    #expect(t.quarterNotesPerMinute(unitLength: NoteLength(1, 8)) == quarters)
  }

  @Test func partsExpandIteratively() {
    guard case .parts(let p)? = headerValue("P:A(BA)2C.B") else {
      Issue.record("no parts")
      return
    }
    #expect(p.playOrder().labels == ["A", "B", "A", "B", "A", "C", "B"])
    guard case .parts(let q)? = headerValue("P:((AB)2C)2") else { return }
    #expect(q.playOrder().labels.joined() == "ABABCABABC")
    guard case .parts(let h)? = headerValue("P:((((A9)9)9)9)9") else { return }
    let order = h.playOrder(limit: 1000)
    #expect(order.isTruncated && order.labels.count == 1000)
    #expect(headerValue("P:A(B") == .invalid)
  }

  @Test func voices() {
    guard case .voice(let v)? = headerValue("V:T1 clef=treble-8 name=\"Tenor I\" snm=\"T.I\" t=-12") else {
      Issue.record("no voice")
      return
    }
    #expect(v.id == "T1")
    #expect(v.name == "Tenor I")
    #expect(v.subname == "T.I")
    #expect(v.clef.clef == .treble && v.clef.octaveShift == -1 && v.clef.transpose == -12)
  }

  @Test(arguments: [
    ("program 73", MIDIDirective.program(channel: nil, program: 73)),
    ("program 2 41", .program(channel: 2, program: 41)),
    ("channel 10", .channel(10)), ("transpose -12", .transpose(-12)),
    ("beat 105 95 80 1", .beat(first: 105, strong: 95, other: 80, stride: 1)),
    ("gchord fzcz", .gchord("fzcz")), ("gchordoff", .gchordOff),
    ("chordprog 29 octave=-1", .chordProgram(program: 29, octave: -1)),
    ("bassvol 80", .bassVolume(80)),
    ("drum dzd 35 38 100 90", .drum(pattern: "dzd", keys: [35, 38], velocities: [100, 90])),
    ("grace 1/3", .grace(NoteLength(1, 3))), ("ratio 2 1", .ratio(2, 1)),
    ("control chord 7 100", .control(target: .chord, controller: 7, value: 100)),
    ("chordname sus9 0 2 7", .chordName(name: "sus9", semitones: [0, 2, 7])), ("nobarlines", .noBarlines),
    ("voice Tb instrument=59", .voiceInstrument(voice: "Tb", instrument: 59, bank: nil, mute: false)),
    ("temperamentnormal", .other(name: "temperamentnormal", arguments: [])),
  ])
  func midiDirectives(args: String, expected: MIDIDirective) throws {
    let tune = try #require(ABCParser().parse("X:1\nT:t\nK:C\n%%MIDI \(args)\nC|\n").tunes.first)
    let d = tune.body.compactMap { if case .directive(let d) = $0 { return d } else { return nil } }.first
    #expect(d?.midi == expected)
  }

  @Test func malformedMIDIDirectiveIsDiagnosed() {
    let file = ABCParser().parse("X:1\nT:t\nK:C\n%%MIDI program 300\nC|\n")
    #expect(file.allDiagnostics.contains { $0.id == .invalidMIDIDirective })
  }

  @Test func inlineInstructionsSplitOnMIDIEquals() throws {
    let e = TestSupport.body("[I:MIDI=program 73 MIDI=chordprog 29]C")
    guard case .field(let f)? = e.first, case .instruction(let ds) = f.value else {
      Issue.record("no instruction")
      return
    }
    #expect(ds.map(\.midi) == [.program(channel: nil, program: 73), .chordProgram(program: 29, octave: nil)])
  }

  @Test(arguments: [
    ("w:syll-a--ble", 4), ("w:syl-a -ble", 4), ("w:time__ a-way * my~love", 7), ("w:one two three", 3),
    ("w:2.~Down the road", 3),
  ])
  func lyricsConsumeNotes(line: String, notes: Int) throws {
    let e = TestSupport.body("CDEF GABc|\n\(line)")
    guard case .field(let f)? = e.last, case .lyrics(let l) = f.value else {
      Issue.record("no lyrics in \(e)")
      return
    }
    #expect(l.noteCount == notes)
  }

  @Test func textFieldsDecodeEscapesAndContinue() throws {
    let tune = try #require(
      ABCParser().parse("X:1\nT:Caf\\'e &amp; \\u00e9t\\'e $1Slow$0\nH:First heard in\n+:Ennis\nK:C\nC|\n").tunes.first)
    #expect(tune.title == "Café & été Slow")
    let plus = try #require(tune.headerFields.first { $0.letter == "+" })
    #expect(plus.continuedLetter == "H")
    #expect(plus.value == .text("Ennis"))
  }

  @Test func unknownAndMisplacedFieldsWarn() {
    let file = ABCParser().parse("K:G\nL:1/8\n\nX:1\nT:t\nY:AB\nK:C\nC|[T:part]C|\nw:la la\n")
    let ids = file.allDiagnostics.map(\.id)
    #expect(ids.contains(.unknownField))
    #expect(ids.contains(.misplacedField))
  }
}
