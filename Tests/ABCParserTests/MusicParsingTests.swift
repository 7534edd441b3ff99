import Testing

@testable import ABCParser

@Suite struct MusicParsingTests {
  func note(_ s: String) -> Note? {
    TestSupport.first(s) { if case .note(let n) = $0 { return n } else { return nil } }
  }

  @Test(arguments: [
    ("A", NoteLength(1)), ("A2", NoteLength(2)), ("A3/2", NoteLength(3, 2)), ("A/", NoteLength(1, 2)),
    ("A//", NoteLength(1, 4)), ("A///", NoteLength(1, 8)), ("A/4", NoteLength(1, 4)), ("A3/", NoteLength(3, 2)),
    ("A16", NoteLength(16)), ("A/16", NoteLength(1, 16)),
  ])
  func lengthIsAMultipleOfTheUnit(source: String, expected: NoteLength) throws {
    let n = try #require(note(source))
    #expect(n.length == expected)
    #expect(n.lengthText == String(source.dropFirst()))
  }

  @Test(arguments: [
    ("C", 60), ("c", 72), ("C,", 48), ("A,,", 45), ("c''", 96), ("C,'", 60), ("^F", 66), ("_B", 70), ("^^g", 81),
    ("__e", 74), ("=c", 72), ("B", 71),
  ])
  // abc-reference.md N-02 says A,, = 33; abc2midi 4.84 measures 45 (A = 69, two octaves down), which is right.
  func writtenPitch(source: String, midi: Int) throws {
    #expect(try #require(note(source)).writtenMIDIPitch == midi)
  }

  @Test func microtoneAccidental() throws {
    let n = try #require(note("^/c"))
    #expect(n.accidental == .microtone(semitones: NoteLength(1, 2)))
    #expect(n.accidentalText == "^/")
  }

  @Test func tiesAttachToTheNote() throws {
    #expect(try #require(note("c2-")).tie?.isDotted == false)
    #expect(try #require(note("c2.-")).tie?.isDotted == true)
    let elements = TestSupport.body("A2 -A2")
    guard case .tie = elements[1] else {
      Issue.record("expected a detached tie, got \(elements)")
      return
    }
  }

  @Test(arguments: [("z", false, NoteLength(1)), ("z2", false, NoteLength(2)), ("x/", true, NoteLength(1, 2))])
  func rests(source: String, invisible: Bool, length: NoteLength) throws {
    let r = try #require(TestSupport.first(source) { if case .rest(let r) = $0 { return r } else { return nil } })
    #expect(r.isInvisible == invisible && r.length == length)
  }

  @Test func multiMeasureRestsAndSpacers() throws {
    let m = try #require(
      TestSupport.first("Z4|") { if case .multiMeasureRest(let m) = $0 { return m } else { return nil } })
    #expect(m.bars == 4 && !m.isInvisible)
    let x = try #require(
      TestSupport.first("X|") { if case .multiMeasureRest(let m) = $0 { return m } else { return nil } })
    #expect(x.bars == 1 && x.isInvisible)
    #expect(TestSupport.first("y") { if case .spacer = $0 { return true } else { return nil } } == true)
  }

  @Test(arguments: [
    ("|", BarLine.Style.single, 0, 0), ("||", .double, 0, 0), ("|]", .thinThick, 0, 0), ("[|", .thickThin, 0, 0),
    ("|:", .single, 0, 1), (":|", .single, 1, 0), ("::", .double, 1, 1), (":|:", .single, 1, 1), ("::|", .single, 2, 0),
    ("|::", .single, 0, 2), ("[|]", .invisible, 0, 0), (".|", .dotted, 0, 0), (":|]", .thinThick, 1, 0),
    ("[|:", .thickThin, 0, 1),
  ])
  func barLines(source: String, style: BarLine.Style, end: Int, start: Int) throws {
    let b = try #require(
      TestSupport.first("A\(source)B") { if case .barLine(let b) = $0 { return b } else { return nil } })
    #expect(b.text == source)
    #expect(b.style == style)
    #expect(b.endRepeats == end && b.startRepeats == start)
  }

  @Test(arguments: [
    ("|1 A", [1...1], false), (":|2 A", [2...2], false), ("|[1 A", [1...1], true), ("| [1,3 A", [1...1, 3...3], true),
    ("|[1-3,5 A", [1...3, 5...5], true),
  ])
  func endingsFollowTheirBar(source: String, numbers: [ClosedRange<Int>], bracketed: Bool) throws {
    let e = try #require(TestSupport.first(source) { if case .ending(let e) = $0 { return e } else { return nil } })
    #expect(e.numbers == numbers)
    #expect(e.isBracketed == bracketed)
    #expect(e.contains(pass: numbers[0].lowerBound))
  }

  @Test(arguments: [
    ("(3abc", "4/4", 3, 2, 3), ("(3abc", "6/8", 3, 2, 3), ("(2ab", "4/4", 2, 3, 2), ("(5abcde", "6/8", 5, 3, 5),
    ("(5abcde", "4/4", 5, 2, 5), ("(3:2:2 G4c2", "4/4", 3, 2, 2), ("(3::2 ab", "4/4", 3, 2, 2),
    ("(4ABcd", "4/4", 4, 3, 4),
  ])
  func tupletsResolveQAndR(source: String, meter: String, p: Int, q: Int, r: Int) throws {
    let elements = TestSupport.body(source, meter: meter)
    guard case .tuplet(let t)? = elements.first else {
      Issue.record("no tuplet in \(elements)")
      return
    }
    #expect(t.p == p && t.q == q && t.r == r)
    #expect(t.ratio == NoteLength(q, p))
  }

  @Test func graceGroups() throws {
    let g = try #require(
      TestSupport.first("{gag}A") { if case .graceGroup(let g) = $0 { return g } else { return nil } })
    #expect(!g.isAcciaccatura && g.notes.count == 3)
    let a = try #require(
      TestSupport.first("{/g}A") { if case .graceGroup(let g) = $0 { return g } else { return nil } })
    #expect(a.isAcciaccatura && a.notes.count == 1)
    let l = try #require(
      TestSupport.first("{a3/2b/}c") { if case .graceGroup(let g) = $0 { return g } else { return nil } })
    #expect(l.notes.map(\.length) == [NoteLength(3, 2), NoteLength(1, 2)])
  }

  @Test(arguments: [
    (">", BrokenRhythm.Direction.firstLonger, 1, NoteLength(3, 2), NoteLength(1, 2)),
    (">>", .firstLonger, 2, NoteLength(7, 4), NoteLength(1, 4)),
    ("<", .secondLonger, 1, NoteLength(1, 2), NoteLength(3, 2)),
    ("<<<", .secondLonger, 3, NoteLength(1, 8), NoteLength(15, 8)),
  ])
  func brokenRhythm(mark: String, direction: BrokenRhythm.Direction, count: Int, first: NoteLength, second: NoteLength)
    throws
  {
    let b = try #require(
      TestSupport.first("a\(mark)b") { if case .brokenRhythm(let b) = $0 { return b } else { return nil } })
    #expect(b.direction == direction && b.count == count)
    #expect(b.factors.first == first && b.factors.second == second)
  }

  @Test func slursAndDottedSlurs() {
    let e = TestSupport.body(".(c (d e) f)")
    let starts = e.compactMap { if case .slurStart(let s) = $0 { return s.isDotted } else { return nil } }
    let ends = e.filter { if case .slurEnd = $0 { return true } else { return false } }.count
    #expect(starts == [true, false])
    #expect(ends == 2)
  }

  @Test(arguments: [
    ("!trill!A", "trill", Decoration.Form.bang), ("+fermata+A", "fermata", .plus), (".A", "staccato", .shorthand),
    ("~A", "roll", .shorthand), ("TA", "trill", .shorthand), ("HA", "fermata", .shorthand), ("uA", "upbow", .shorthand),
    ("!<(!A", "<(", .bang),
  ])
  func decorations(source: String, name: String, form: Decoration.Form) throws {
    let d = try #require(TestSupport.first(source) { if case .decoration(let d) = $0 { return d } else { return nil } })
    #expect(d.name == name && d.form == form)
  }

  @Test func userDefinedSymbolsRebindShorthands() throws {
    let tune = try #require(ABCParser().parse("X:1\nT:t\nU: W = !breath!\nU: T = !nil!\nK:C\nWA TB|\n").tunes.first)
    let decorations = tune.body.compactMap { if case .decoration(let d) = $0 { return d.name } else { return nil } }
    #expect(decorations == ["breath"])
    #expect(tune.body.contains { if case .stray(let s) = $0 { return s.text == "T" } else { return false } })
  }

  @Test(arguments: [
    ("\"Am7\"A", "A", "m7", ChordQuality.minorSeventh, nil as String?),
    ("\"F#m7b5\"A", "F#", "m7b5", .halfDiminished, nil),
    ("\"C/E\"A", "C", "", .major, "E"), ("\"Bb7\"A", "Bb", "7", .seventh, nil), ("\"G(Em)\"A", "G", "", .major, nil),
    ("\"Ddim\"A", "D", "dim", .diminished, nil), ("\"Esus4\"A", "E", "sus4", .suspended, nil),
  ])
  func chordSymbolsAreParsed(source: String, root: String, type: String, quality: ChordQuality, bass: String?) throws {
    let s = try #require(
      TestSupport.first(source) { if case .chordSymbol(let c) = $0 { return c } else { return nil } })
    let chord = try #require(s.chord)
    #expect(chord.root.description == root)
    #expect(chord.type == type)
    #expect(chord.quality == quality)
    #expect(chord.bass?.description == bass)
  }

  @Test(arguments: [
    ("\"^rit.\"c", Annotation.Placement.above, "rit."), ("\"_below\"c", .below, "below"), ("\"<(\"c", .left, "("),
    ("\">)\"c", .right, ")"), ("\"@10,20 x\"c", .free, "10,20 x"),
  ])
  func annotations(source: String, placement: Annotation.Placement, text: String) throws {
    let a = try #require(TestSupport.first(source) { if case .annotation(let a) = $0 { return a } else { return nil } })
    #expect(a.placement == placement && a.text == text)
  }

  @Test func chordsWithInnerAndOuterLengths() throws {
    let c = try #require(
      TestSupport.first("[C2E2G2]3-") { if case .chord(let c) = $0 { return c } else { return nil } })
    #expect(c.notes.count == 3)
    #expect(c.length == NoteLength(3))
    #expect(c.effectiveLength == NoteLength(6))
    #expect(c.tie != nil)
    let unequal = try #require(
      TestSupport.first("[CE2]G") { if case .chord(let c) = $0 { return c } else { return nil } })
    #expect(unequal.effectiveLength == NoteLength(1))
    let innerTie = try #require(
      TestSupport.first("[C-E]") { if case .chord(let c) = $0 { return c } else { return nil } })
    #expect(innerTie.notes.map { $0.tie != nil } == [true, false])
  }

  @Test func restsInsideChordsAreKeptAndWarned() throws {
    let file = ABCParser().parse("X:1\nT:t\nK:C\n[^g3/8z/8]|\n")
    let c = try #require(
      file.tunes.first?.body.compactMap { if case .chord(let c) = $0 { return c } else { return nil } }.first)
    #expect(c.notes.count == 1)
    #expect(c.elements.contains { if case .rest = $0 { return true } else { return false } })
    #expect(file.allDiagnostics.contains { $0.id == .restInChord && $0.severity == .warning })
  }

  @Test func inlineFieldsAreFields() throws {
    let e = TestSupport.body("AB[K:D]cd[M:3/4][L:1/16][r:remark]")
    let letters = e.compactMap {
      if case .field(let f) = $0 { return f.form == .inline ? f.letter : nil } else { return nil }
    }
    #expect(letters == ["K", "M", "L", "r"])
  }

  @Test func overlaysAndLineBreakMarks() {
    let e = TestSupport.body("c d e f & A4 |$ abc \\")
    #expect(e.contains { if case .overlay = $0 { return true } else { return false } })
    #expect(e.contains { if case .scoreLineBreak(let s) = $0 { return s.text == "$" } else { return false } })
    #expect(e.contains { if case .continuation = $0 { return true } else { return false } })
  }

  @Test(arguments: ["ABc|!", "ABc!def|"])
  func legacyBangIsALineBreakWhenNoClosingBang(source: String) {
    let e = TestSupport.body(source)
    #expect(e.contains { if case .scoreLineBreak(let s) = $0 { return s.isLegacy } else { return false } })
    #expect(!e.contains { if case .decoration = $0 { return true } else { return false } })
  }

  @Test func staticAndTransposingMacros() throws {
    let tune = try #require(
      ABCParser().parse("X:1\nT:t\nm: ~G3 = G{A}G{F}G\nm: ~n2 = (3o/n/m/ n\nK:C\n~G3 ~c2|\n").tunes.first)
    let uses = tune.body.compactMap { if case .macro(let m) = $0 { return m } else { return nil } }
    #expect(uses.count == 2)
    #expect(uses[0].expandedText == "G{A}G{F}G")
    #expect(uses[1].expandedText == "(3d/c/B/ c")
    #expect(uses[1].expansion.contains { if case .tuplet = $0 { return true } else { return false } })
    #expect(tune.hasMusic)
  }

  @Test func commentsAreKept() {
    let e = TestSupport.body("ABc % a comment")
    guard case .comment(let c)? = e.last else {
      Issue.record("no comment")
      return
    }
    #expect(c.text == "% a comment")
  }

  @Test func elementLocationsAreExactByteColumns() throws {
    let (text, markers) = TestSupport.extractMarkers("X:1\nT:t\nK:C\n\"Ä\"⚑A ⚑^c|⚑z\n")
    let tune = try #require(ABCParser().parse(text).tunes.first)
    let starts = tune.body.compactMap { e -> SourceLocation? in
      switch e {
      case .note, .rest: return e.location
      default: return nil
      }
    }
    #expect(starts == markers)
  }
}
