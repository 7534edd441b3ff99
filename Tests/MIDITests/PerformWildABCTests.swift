import ABCParser
import Foundation
import MIDI
import Testing

/// ABC from the wild (issue 17): constructs of public collections and other programs' test material that studio
/// played wrongly, each with its expected notes worked out by hand from ABC 2.1 (and checked against abc2midi 4.84
/// where it follows the standard).
@Suite struct PerformWildABCTests {
  typealias P = Perform

  static let c4 = 60, d4 = 62, e4 = 64, f4 = 65, g4 = 67, a4 = 69, b4 = 71
  static let c5 = 72, d5 = 74, e5 = 76, b5 = 83

  static func played(_ header: String, _ body: String, options: PerformanceOptions = .init()) throws -> [Int] {
    try P.pitches(P.abc(header, body), options: options)
  }

  static let modes: [PerformanceOptions] = [PerformanceOptions(), .abc2midiCompatible]

  // MARK: 1. Decoration letters before an end repeat

  @Test(arguments: ["H:|", "S:|", "T:|"], modes)
  func decorationLetterBeforeAnEndRepeatKeepsTheRepeat(ending: String, options: PerformanceOptions) throws {
    // `H` (fermata), `S` (segno), `T` (trill) stand before the bar line; no field ends at a bar line.
    let pitches = try Self.played("M:2/4\nL:1/4\nK:C", "|:C D|E F \(ending)", options: options)
    #expect(pitches == [Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.e4, Self.f4])
  }

  @Test(arguments: ["H::", "S::", "T::"], modes)
  func decorationLetterBeforeADoubleRepeatKeepsBothRepeats(bar: String, options: PerformanceOptions) throws {
    // Ryan's Mammoth ("The Irishman's Love"): `H::` is a fermata on the next note and a `::`, not an H: field that
    // swallows the note G after it.
    let pitches = try Self.played("M:2/4\nL:1/4\nK:C", "|:C D|E F \(bar)G A|B c:|", options: options)
    #expect(pitches == [Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.e4, Self.f4,
      Self.g4, Self.a4, Self.b4, Self.c5, Self.g4, Self.a4, Self.b4, Self.c5])
  }

  @Test(arguments: modes)
  func multiBarRestBeforeAnEndRepeatKeepsTheRepeat(options: PerformanceOptions) throws {
    // `Z:|` is a one-bar rest, then the end repeat: C D, rest, C D, rest.
    let notes = try P.notes(P.abc("M:2/4\nL:1/4\nK:C", "|:C D|Z:|"), options: options)
    #expect(notes.map(\.pitch) == [Self.c4, Self.d4, Self.c4, Self.d4])
    #expect(notes.map(\.onset) == [P.b(0), P.b(1), P.b(4), P.b(5)])
  }

  @Test func decorationLetterBeforeAnEndRepeatIsNotAField() throws {
    let tune = try P.tune(P.abc("M:2/4\nL:1/4\nK:C", "|:C D|E F H:|"))
    #expect(!tune.diagnostics.contains { $0.id == .fieldInMusic || $0.id == .misplacedField })
  }

  // MARK: 2. Invisible bar before a repeat

  @Test(arguments: modes)
  func invisibleBarBeforeAnEndRepeatKeepsTheRepeat(options: PerformanceOptions) throws {
    #expect(
      try Self.played("M:2/4\nL:1/4\nK:C", "|:C D|E F [|]:|", options: options) == [
        Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.e4, Self.f4,
      ])
  }

  // MARK: 3. Grace note before a staccato note

  @Test func graceBeforeAStaccatoNoteKeepsTheNote() throws {
    // L:1/8: the grace c takes a quarter of a unit (1/32 = 1/8 beat) from B/ (1/16 = 1/4 beat); the staccato B sounds
    // for half its written length (1/8 beat), from 1/8 to 1/4 beat.
    let notes = try P.notes(P.abc("M:2/4\nL:1/8\nK:C", "{c}.B/A/ G3|]"))
    #expect(notes.map(\.pitch) == [Self.c5, Self.b4, Self.a4, Self.g4])
    #expect(notes[1].onset == P.b(1, 8))
    #expect(notes[1].duration == P.b(1, 8))
    #expect(notes[2].onset == P.b(1, 4))
  }

  @Test func graceLongerThanAStaccatoNoteIsDroppedInAbc2midiMode() throws {
    // abc2midi: "Grace sequence exceeds host note. Grace sequence cut off." — the note stays, the grace goes.
    let notes = try P.notes(P.abc("M:2/4\nL:1/8\nK:C", "{c}.B/A/ G3|]"), options: .abc2midiCompatible)
    #expect(notes.map(\.pitch) == [Self.b4, Self.a4, Self.g4])
    #expect(notes[0].duration == P.b(1, 8))
  }

  // MARK: 4. Field lines between a multi-bar first ending and the second

  @Test(arguments: ["M:3/4", "K:C", "[M:3/4]", "Q:1/4=100"], modes)
  func fieldBetweenEndingsKeepsThePassOrder(field: String, options: PerformanceOptions) throws {
    // "Old Sir Simon the King" shape: CDEF GABc cBAG | CDEF c.
    let body = "|:CDEF|[1 GABc|cBAG:|\n\(field)\n[2 c3|]"
    let expected = [
      Self.c4, Self.d4, Self.e4, Self.f4, Self.g4, Self.a4, Self.b4, Self.c5, Self.c5, Self.b4, Self.a4, Self.g4,
      Self.c4, Self.d4, Self.e4, Self.f4, Self.c5,
    ]
    #expect(try Self.played("L:1/4\nM:4/4\nK:C", body, options: options) == expected)
  }

  @Test func meterChangeBetweenEndingsActsOnTheSecondPass() throws {
    let (p, _) = try P.performance(P.abc("L:1/4\nM:4/4\nK:C", "|:CDEF|[1 GABc|cBAG:|\nM:3/4\n[2 c3|]"))
    // Three 4/4 bars, the repeated first bar, then 3/4 from the second ending (whole notes: 3 + 1 = 4).
    #expect(p.meterChanges.map(\.numerator) == [4, 3])
    #expect(p.meterChanges.last?.time == NoteLength(4))
  }

  // MARK: 5. Body field lines whose letter is a note letter

  @Test(arguments: ["d: * * * *", "E:7", "A:Ireland", "B:O'Neill", "C:Trad.", "D:record", "F:file", "G:group"])
  func fieldLineWithANoteLetterIsNotMusic(line: String) throws {
    let text = P.abc("L:1/4\nK:C", "CDEF|\n\(line)\nGABc|]")
    #expect(
      try P.pitches(text) == [Self.c4, Self.d4, Self.e4, Self.f4, Self.g4, Self.a4, Self.b4, Self.c5])
    let tune = try P.tune(text)
    #expect(!tune.diagnostics.contains { $0.id == .strayCharacter })
    #expect(tune.diagnostics.contains { $0.id == .unknownField || $0.id == .misplacedField })
  }

  @Test func noteFollowedByAnEndRepeatAtALineStartIsStillMusic() throws {
    // `A:|` is the note A and an end repeat, not an A: field.
    #expect(try Self.played("M:2/4\nL:1/4\nK:C", "|:G\nA:|") == [Self.g4, Self.a4, Self.g4, Self.a4])
  }

  // MARK: 6. Body P: labels without a play order

  @Test(arguments: modes)
  func bodyPartLabelIsNotARepeatStart(options: PerformanceOptions) throws {
    // No header P:: labels only (P-06); the :| goes back to the tune start: C D C D (abc2midi, abcjs).
    #expect(
      try Self.played("L:1/4\nK:C", "P:A\nC4|\nP:B\nD4:|", options: options) == [Self.c4, Self.d4, Self.c4, Self.d4])
  }

  @Test(arguments: modes)
  func withAPlayOrderEachPartRepeatsOnItsOwn(options: PerformanceOptions) throws {
    // Header P:AB: part B is unfolded on its own (abc2midi 4.84: C D D).
    #expect(
      try Self.played("P:AB\nL:1/4\nK:C", "P:A\nC4|\nP:B\nD4:|", options: options) == [Self.c4, Self.d4, Self.d4])
  }

  // MARK: 7. Clef octave shifts end with the clef

  @Test(arguments: ["treble", "bass", "tenor"], modes)
  func clefOctaveShiftEndsWhenTheClefChanges(clef: String, options: PerformanceOptions) throws {
    #expect(
      try Self.played("L:1/4\nK:C", "B [K:clef=\(clef)+8] B [K:clef=\(clef)] B|", options: options) == [
        Self.b4, Self.b5, Self.b4,
      ])
  }

  // MARK: 8. An end repeat closing the last of several endings

  @Test(arguments: modes)
  func endRepeatAfterTheLastOfSeveralEndingsClosesThatEnding(options: PerformanceOptions) throws {
    // Passes 1-3: _a b; pass 4: _a c' ^c' (the fourth ending runs to its :|, E-03); then d'.
    let ab = 80
    let b = 83
    let c6 = 84
    let cs6 = 85
    let d6 = 86
    #expect(
      try Self.played("L:1/8\nK:C", "|: _a8 |1-3 b8 :|4 c'8 | ^c'8 :| d'8 ||", options: options) == [
        ab, b, ab, b, ab, b, ab, c6, cs6, d6,
      ])
  }

  @Test func secondEndingBeforeAPartWithoutAStartRepeatStaysOneBar() throws {
    // The session pattern keeps its reading: |2 is one bar, the B part after it repeats on its own.
    #expect(
      try Self.played("M:2/4\nL:1/4\nK:C", "|:C D|1 E F:|2 G A|B c|d e:|") == [
        Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.g4, Self.a4, Self.b4, Self.c5, Self.d5, Self.e5,
        Self.b4, Self.c5, Self.d5, Self.e5,
      ])
  }

  // MARK: 9. Hornpipe swing and written broken rhythm

  @Test func hornpipeSwingLeavesWrittenBrokenRhythmAndKeepsBarTime() throws {
    var options = PerformanceOptions.abc2midiCompatible
    options.ornaments = false
    let notes = try P.notes(P.abc("M:4/4\nL:1/8\nR:hornpipe\nK:C", "B>B cd e2 f2|B2 cd efga|]"), options: options)
    // B>B under R:hornpipe plays 2:1 like the swung pairs (abc2midi: 320 + 160 ticks), never swung twice.
    #expect(notes[0].duration == P.b(2, 3))
    #expect(notes[1].onset == P.b(2, 3))
    #expect(notes[2].onset == P.b(1))
    // Every bar still lasts four beats.
    #expect(notes[6].onset == P.b(4))
    #expect(notes.last.map { $0.onset + $0.duration } == P.b(8))
  }

  // MARK: 10. Hard-wrapped chords

  @Test(arguments: modes)
  func chordWrappedAcrossLinesIsJoined(options: PerformanceOptions) throws {
    let notes = try P.notes(P.abc("M:4/4\nL:1/4\nK:C", "C [C\nE] G c|]"), options: options)
    #expect(notes.map(\.pitch) == [Self.c4, Self.c4, Self.e4, Self.g4, Self.c5])
    #expect(notes.map(\.onset).map { $0.doubleValue.rounded(.down) } == [0, 1, 1, 2, 3])
  }

  @Test func wrappedChordKeepsItsLengthAndWarns() throws {
    let text = P.abc("M:4/4\nL:1/4\nK:C", "[C\nE]2 G2|]")
    let notes = try P.notes(text)
    #expect(notes.map(\.pitch) == [Self.c4, Self.e4, Self.g4])
    #expect(notes.map(\.duration) == [P.b(2), P.b(2), P.b(2)])
    let tune = try P.tune(text)
    #expect(tune.diagnostics.map(\.id) == [.chordAcrossLines])
    #expect(tune.diagnostics.allSatisfy { $0.severity == .warning })
    // The text is kept byte for byte.
    #expect(ABCPrinter.print(tune.body) == "[C\nE]2 G2|]\n")
  }

  @Test func unclosedChordAtABarIsNotJoined() throws {
    // `[e2c2(3A/2B/2c/2|` (Joy of the Dance): closed at the tuplet, as before.
    let tune = try P.tune(P.abc("M:4/4\nL:1/8\nK:C", "[e2c2(3A/2B/2c/2|\nd8|]"))
    #expect(tune.diagnostics.contains { $0.id == .chordUnclosed })
  }

  // MARK: 14. A slur opened inside a chord

  @Test(arguments: modes)
  func slurInsideAChordKeepsTheChordWhole(options: PerformanceOptions) throws {
    let notes = try P.notes(P.abc("M:4/4\nL:1/4\nK:C", "[E2(e2]c2) D2|]"), options: options)
    #expect(notes.map(\.pitch) == [Self.e4, Self.e5, Self.c5, Self.d4])
    #expect(notes.map { $0.onset.doubleValue.rounded(.down) } == [0, 0, 2, 4])
    let tune = try P.tune(P.abc("M:4/4\nL:1/4\nK:C", "[E2(e2]c2) D2|]"))
    #expect(tune.diagnostics.map(\.id) == [.slurInChord])
  }

  // MARK: 13. Keys from the wild

  @Test(arguments: [("C^f^c^a", [66, 61, 70, 71]), ("Bb^f", [66, 60, 69, 70]), ("Es", [66, 61, 69, 71])])
  func keysWithGluedAccidentalsOrUnknownModesPlay(key: String, expected: [Int]) throws {
    // K:C^f^c^a → F♯ C♯ A♯; K:Bb^f → B♭ with F♯; K:Es (unknown mode s) → E major: F♯ C♯ A B.
    #expect(try Self.played("M:4/4\nL:1/4\nK:\(key)", "F C A B|]") == expected)
  }
}

/// `ABCPerformer.playOrder` and `studio convert --explain`: the unfolded order of written bars, endings and parts.
@Suite struct PlayOrderTests {
  typealias P = Perform

  static func summary(_ header: String, _ body: String, options: PerformanceOptions = .init()) throws -> String {
    try ABCPerformer(options: options).playOrder(P.tune(P.abc(header, body))).map(\.summary).joined(separator: " / ")
  }

  @Test func endingsAndRepeatsShowWrittenBarNumbers() throws {
    // Bar 1 is the pickup; the first ending is bars 3–4, the second bar 5.
    #expect(
      try Self.summary("L:1/4\nM:4/4\nK:C", "C|:CDEF|[1 GABc|cBAG:|\nM:3/4\n[2 c3|]") == "1–2 [1 3–4 ↺ 2 [2 5")
  }

  @Test func partsFollowThePlayOrder() throws {
    let body = "P:A\n|:C D:|\nP:B\nE F||G A:|"
    #expect(try Self.summary("P:ABA\nL:1/4\nK:C", body) == "P:A 1 ↺ 1 P:B 2–3 ↺ 3 P:A 1 ↺ 1")
    // abc2midi restarts the B part's :| from the start of the part, not from the ||.
    #expect(
      try Self.summary("P:ABA\nL:1/4\nK:C", body, options: .abc2midiCompatible) == "P:A 1 ↺ 1 P:B 2–3 ↺ 2–3 P:A 1 ↺ 1")
  }

  @Test func eachVoiceHasItsOrder() throws {
    let orders = try ABCPerformer().playOrder(P.tune(P.abc("L:1/4\nK:C", "V:1\n|:C D|E F:|\nV:2\n|:c d|e f:|")))
    #expect(orders.map(\.voice) == ["1", "2"])
    #expect(orders.map(\.summary) == ["1–2 ↺ 1–2", "1–2 ↺ 1–2"])
    #expect(orders.map(\.barsPlayed) == [4, 4])
  }

  @Test func convertExplainPrintsThePlayOrderWithoutWriting() throws {
    let dir = try TestPaths.temporaryDirectory("convert-explain")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = "X:7\nT:Simon\nL:1/4\nM:4/4\nK:C\nC|:CDEF|[1 GABc|cBAG:|\nM:3/4\n[2 c3|]\n"
    try text.write(to: dir.appendingPathComponent("s.abc"), atomically: true, encoding: .utf8)
    guard let r = try StudioBinary.run(["convert", "--explain", "s.abc"], in: dir) else { return }
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("s.abc: X:7 \"Simon\", play order (ABC 2.1 order):"))
    #expect(r.out.contains("  1–2 [1 3–4 ↺ 2 [2 5  (6 bars played)"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["s.abc"])
    guard let missing = try StudioBinary.run(["convert", "--explain", "s.abc", "--tune", "3"], in: dir) else { return }
    #expect(missing.status == 1)
  }

  // MARK: Decorations as abc2midi reads them (issue 17, held-out collections)

  @Test(arguments: ["~(fed)", "T(fed)", "~ f e d", "T (fed)", "~\"D\"fed", "H(fed)"])
  func shorthandDecorationAwayFromItsNoteIsLostInAbc2midiMode(body: String) throws {
    // abc2midi 4.84 (measured): "Malformed note", then f e d plain, an eighth each.
    let abc = P.abc("M:4/4\nL:1/8\nK:C", body + " z5|]")
    let notes = try P.notes(abc, options: .abc2midiCompatible)
    #expect(notes.map(\.pitch) == [77, 76, 74])
    #expect(notes.map(\.duration) == [P.b(1, 2), P.b(1, 2), P.b(1, 2)])
    // By default the decoration waits for its note: the f is ornamented (or held, for H).
    #expect(try P.notes(abc).count != 3 || P.notes(abc)[0].duration != P.b(1, 2))
  }

  @Test func shorthandDecorationDirectlyBeforeItsNoteStaysInAbc2midiMode() throws {
    // `~f` and `~!p!f`: the roll plays (upper g for a quarter of the unit, then f).
    for body in ["~fed z5|]", "~!p!fed z5|]"] {
      let notes = try P.notes(P.abc("M:4/4\nL:1/8\nK:C", body), options: .abc2midiCompatible)
      #expect(notes.map(\.pitch) == [79, 77, 76, 74])
      #expect(notes[0].duration == P.b(1, 8))
    }
  }

  @Test func bangStaccatoAndRollAreIgnoredInAbc2midiMode() throws {
    // abc2midi 4.84: "instruction !staccato! ignored"; !roll! likewise. ABC 2.1 defines both; studio plays them.
    let abc = P.abc("M:4/4\nL:1/8\nK:C", "!staccato!f !roll!e d z5|]")
    let compatible = try P.notes(abc, options: .abc2midiCompatible)
    #expect(compatible.map(\.pitch) == [77, 76, 74])
    #expect(compatible.map(\.duration) == [P.b(1, 2), P.b(1, 2), P.b(1, 2)])
    let standard = try P.notes(abc)
    #expect(standard.map(\.pitch) == [77, 77, 76, 74])
    #expect(standard[0].duration == P.b(1, 4))
  }

  @Test(arguments: ["M:C|", "M:6/8", "M:3/4"])
  func hornpipeBrokenRhythmIsTwoToOneInEveryMeterInAbc2midiMode(meter: String) throws {
    // abc2midi 4.84 (measured): under R:hornpipe a written `B>c` plays 2:1 whatever the meter; the plain pair `de`
    // swings only in 2/4 and 4/4, so here it stays even.
    let abc = P.abc("R:hornpipe\n\(meter)\nL:1/8\nK:C", "B>c de z4|]")
    let notes = try P.notes(abc, options: .abc2midiCompatible)
    #expect(notes.map(\.duration) == [P.b(2, 3), P.b(1, 3), P.b(1, 2), P.b(1, 2)])
    // By default R: has no playback meaning: 3:1.
    #expect(try P.notes(abc).map(\.duration) == [P.b(3, 4), P.b(1, 4), P.b(1, 2), P.b(1, 2)])
  }

  @Test func brokenRhythmNextToAStaccatoNoteIsNotAppliedInAbc2midiMode() throws {
    // abc2midi 4.84 (measured): "Cannot apply broken rhythm. Notes not equal durations" for `d>.c` and `.d>c`; the
    // notes keep their written eighths, the staccato one sounding half. `B>A` after them is dotted as usual.
    for (body, durations) in [
      ("d>.c B>A z4|]", [P.b(1, 2), P.b(1, 4), P.b(3, 4), P.b(1, 4)]),
      (".d>c B>A z4|]", [P.b(1, 4), P.b(1, 2), P.b(3, 4), P.b(1, 4)]),
    ] {
      let abc = P.abc("M:4/4\nL:1/8\nK:C", body)
      let notes = try P.notes(abc, options: .abc2midiCompatible)
      #expect(notes.map(\.onset) == [P.b(0), P.b(1, 2), P.b(1), P.b(7, 4)])
      #expect(notes.map(\.duration) == durations)
      // By default the pair is dotted: the second note starts at 3/4 beat.
      #expect(try P.notes(abc)[1].onset == P.b(3, 4))
    }
  }

  @Test func brokenRhythmBetweenTwoStaccatoNotesIsAppliedInAbc2midiMode() throws {
    // abc2midi 4.84 (measured): `.d>.c` is dotted (both lengths shortened alike), each note sounding half.
    let notes = try P.notes(P.abc("M:4/4\nL:1/8\nK:C", ".d>.c B>A z4|]"), options: .abc2midiCompatible)
    #expect(notes.map(\.onset) == [P.b(0), P.b(3, 4), P.b(1), P.b(7, 4)])
    #expect(notes.map(\.duration) == [P.b(3, 8), P.b(1, 8), P.b(3, 4), P.b(1, 4)])
  }

  @Test func staccatoNoteIsNotTiedInAbc2midiMode() throws {
    // abc2midi 4.84 (measured): `.E-E F2` → "Cannot find note before tie"; E sounds an eighth's half, then E again.
    let abc = P.abc("M:4/4\nL:1/8\nK:C", ".E-E F2 z4|]")
    let notes = try P.notes(abc, options: .abc2midiCompatible)
    #expect(notes.map(\.pitch) == [64, 64, 65])
    #expect(notes.map(\.onset) == [P.b(0), P.b(1, 2), P.b(1)])
    #expect(notes.map(\.duration) == [P.b(1, 4), P.b(1, 2), P.b(1)])
    // By default the tie holds: one E of a quarter (studio lets the tie win over the staccato).
    #expect(try P.notes(abc).map(\.pitch) == [64, 65])
  }

  @Test func hornpipeDoesNotSwingAStaccatoNoteWithAPlainOneInAbc2midiMode() throws {
    // abc2midi 4.84 (measured on Ryan's Mammoth, "Colberth's Hornpipe"): `.B(GD` in 2/4, L:1/16 → B and G stay
    // even sixteenths (B sounding half), while the plain pair `DG` after them swings 2:1.
    let notes = try P.notes(P.abc("R:hornpipe\nM:2/4\nL:1/16\nK:G", ".BGDG BGDG|]"), options: .abc2midiCompatible)
    #expect(notes.map(\.onset).prefix(4) == [P.b(0), P.b(1, 4), P.b(1, 2), P.b(5, 6)])
    #expect(notes[0].duration == P.b(1, 8))
  }
}
