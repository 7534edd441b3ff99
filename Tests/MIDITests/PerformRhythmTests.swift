import ABCParser
import MIDI
import Testing

/// Lengths and articulation: broken rhythm, tuplets, grace notes, chords, ties, staccato, fermata, ornaments, rests,
/// tempo (ABC reference §12.1, §12.5; checklist B-, TU-, G-, C-, T-, D-, R-, Q-). Times are in quarter notes.
@Suite struct PerformRhythmTests {
  typealias P = Perform

  /// (pitch, onset, duration) in quarter notes.
  static func timing(_ body: String, header: String = "M:4/4\nL:1/8\nK:C", options: PerformanceOptions = .init())
    throws -> [(Int, NoteLength, NoteLength)]
  {
    try P.notes(P.abc(header, body), options: options).map { ($0.pitch, $0.onset, $0.duration) }
  }

  static func expectTiming(
    _ actual: [(Int, NoteLength, NoteLength)], _ expected: [(Int, NoteLength, NoteLength)],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, "note count", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
      #expect(a.0 == e.0 && a.1 == e.1 && a.2 == e.2, "got \(a), expected \(e)", sourceLocation: sourceLocation)
    }
  }

  @Test func brokenRhythmDotsAndShortens() throws {
    // B-01, B-02: `A>B` 3:1, `c<d` 1:3, `e>>f` 7:1 (eighths: half a beat each pair member).
    Self.expectTiming(
      try Self.timing("A>B c<d e>>f z2|"),
      [
        (69, P.b(0), P.b(3, 4)), (71, P.b(3, 4), P.b(1, 4)), (72, P.b(1), P.b(1, 4)), (74, P.b(5, 4), P.b(3, 4)),
        (76, P.b(2), P.b(7, 8)), (77, P.b(23, 8), P.b(1, 8)),
      ])
  }

  @Test func brokenRhythmBetweenUnequalNotesIsNotApplied() throws {
    // B-04: abc2midi leaves `C2>D` alone ("Notes not equal durations"); so do we, with a warning.
    let (p, warnings) = try P.performance(P.abc("L:1/8\nK:C", "C2>D z5|"))
    #expect(P.notes(of: p).map(\.duration) == [P.b(1), P.b(1, 2)])
    #expect(warnings.contains { $0.kind == .unequalBrokenRhythm })
  }

  @Test func ratioDirectiveAndHornpipeSwing() throws {
    // `%%MIDI ratio 2 1`: `>` is 2:1.
    Self.expectTiming(
      try Self.timing("A>B z3|", header: "M:2/4\nL:1/8\n%%MIDI ratio 2 1\nK:C"),
      [(69, P.b(0), P.b(2, 3)), (71, P.b(2, 3), P.b(1, 3))])
    // R:hornpipe swings plain eighth pairs only with honourRhythmField (abc2midi does it always).
    let body = "ABcd z4|"
    let header = "M:4/4\nL:1/8\nR:hornpipe\nK:C"
    #expect(try Self.timing(body, header: header).map(\.2) == [P.b(1, 2), P.b(1, 2), P.b(1, 2), P.b(1, 2)])
    var options = PerformanceOptions()
    options.honourRhythmField = true
    #expect(
      try Self.timing(body, header: header, options: options).map(\.2) == [P.b(2, 3), P.b(1, 3), P.b(2, 3), P.b(1, 3)])
  }

  @Test func tupletsScaleTheirNotesExactly() throws {
    // TU-01, TU-02, TU-03: `(3ABc` = three in two eighths; `(3:2:2` covers two notes; chords and rests count.
    Self.expectTiming(
      try Self.timing("(3ABc (3:2:2 A2B (3[CE]zG z2|"),
      [
        (69, P.b(0), P.b(1, 3)), (71, P.b(1, 3), P.b(1, 3)), (72, P.b(2, 3), P.b(1, 3)),
        (69, P.b(1), P.b(2, 3)), (71, P.b(5, 3), P.b(1, 3)),
        (60, P.b(2), P.b(1, 3)), (64, P.b(2), P.b(1, 3)), (67, P.b(8, 3), P.b(1, 3)),
      ])
  }

  @Test func quintupletInCompoundMeterIsFiveInTheTimeOfThree() throws {
    // TU-01: `(5` in 6/8 is five in three eighths; the note after the group is exactly on beat 1.5.
    let notes = try Self.timing("(5ABcde f z2|", header: "M:6/8\nL:1/8\nK:C")
    #expect(notes.prefix(5).map(\.2) == Array(repeating: P.b(3, 10), count: 5))
    #expect(notes[5].1 == P.b(3, 2))
  }

  @Test func graceNotesTakeAQuarterOfTheirLengthFromTheNextNote() throws {
    // G-04 (abc2midi measured): each grace is a quarter of its written length, stolen from the following note.
    Self.expectTiming(
      try Self.timing("{g}A2 {/ga}B2 {g}z2 c2|"),
      [
        (79, P.b(0), P.b(1, 8)), (69, P.b(1, 8), P.b(7, 8)),
        (79, P.b(1), P.b(1, 8)), (81, P.b(9, 8), P.b(1, 8)), (71, P.b(5, 4), P.b(3, 4)),
        (79, P.b(2), P.b(1, 8)), (72, P.b(3), P.b(1)),
      ])
  }

  @Test func graceTimingDirectives() throws {
    // `%%MIDI gracedivider 2`: half the written length.
    Self.expectTiming(
      try Self.timing("{g}A2 z6|", header: "L:1/8\n%%MIDI gracedivider 2\nK:C"),
      [(79, P.b(0), P.b(1, 4)), (69, P.b(1, 4), P.b(3, 4))])
    // `%%MIDI grace 1/4`: the whole group takes a quarter of the host.
    Self.expectTiming(
      try Self.timing("{ga}A2 z6|", header: "L:1/8\n%%MIDI grace 1/4\nK:C"),
      [(79, P.b(0), P.b(1, 8)), (81, P.b(1, 8), P.b(1, 8)), (69, P.b(1, 4), P.b(3, 4))])
  }

  @Test func graceNotesLongerThanTheirNoteAreDropped() throws {
    let (p, warnings) = try P.performance(P.abc("L:1/8\nK:C", "{g4}A/ z7|"))
    #expect(P.notes(of: p).map(\.pitch) == [69])
    #expect(warnings.contains { $0.kind == .graceNotes })
  }

  @Test func chordAdvancesByItsFirstNote() throws {
    // C-03: `[CE2]G`: the chord lasts its first note; E keeps its own length (abc2midi cuts it: abc2midiChords).
    Self.expectTiming(
      try Self.timing("[CE2]G z6|"), [(60, P.b(0), P.b(1, 2)), (64, P.b(0), P.b(1)), (67, P.b(1, 2), P.b(1, 2))])
    var options = PerformanceOptions()
    options.abc2midiChords = true
    Self.expectTiming(
      try Self.timing("[CE2]G z6|", options: options),
      [(60, P.b(0), P.b(1, 2)), (64, P.b(0), P.b(1, 2)), (67, P.b(1, 2), P.b(1, 2))])
    // C-02: inner and outer lengths multiply.
    #expect(try Self.timing("[C2E2]3 z2|").map(\.2) == [P.b(3), P.b(3)])
  }

  @Test func chordAttackStaggersLaterChordNotes() throws {
    var options = PerformanceOptions()
    options.chordAttack = NoteLength(1, 192)  // 10 ticks at 480 PPQ
    let notes = try P.notes(P.abc("L:1/4\nK:C", "[CEG] z3|"), options: options)
    #expect(notes.map(\.onset) == [P.b(0), P.b(1, 48), P.b(2, 48)])
    #expect(notes.map { $0.onset + $0.duration } == [P.b(1), P.b(1), P.b(1)])
  }

  @Test func tiesJoinNotesAcrossBarsAndChords() throws {
    // T-01, T-02, T-04, and the Nottingham-style tie written apart from its note.
    Self.expectTiming(
      try Self.timing("A2-A2 B4-|B2 [CE]2-[CE]2 c2 -|c8|"),
      [
        (69, P.b(0), P.b(2)), (71, P.b(2), P.b(3)), (60, P.b(5), P.b(2)), (64, P.b(5), P.b(2)), (72, P.b(7), P.b(5)),
      ])
  }

  @Test func tieToAnotherPitchPlaysBothWithAWarning() throws {
    // T-05.
    let (p, warnings) = try P.performance(P.abc("L:1/4\nK:C", "C-D z2|"))
    #expect(P.notes(of: p).map(\.pitch) == [60, 62])
    #expect(warnings.contains { $0.kind == .unmatchedTie })
  }

  @Test func staccatoHalvesTheSoundFermataDoublesTheNote() throws {
    // §12.5: staccato sounds half the note; fermata doubles it (fermatafixed adds one unit).
    Self.expectTiming(
      try Self.timing(".A2 HB2 !fermata!c2|"),
      [(69, P.b(0), P.b(1, 2)), (71, P.b(1), P.b(2)), (72, P.b(3), P.b(2))])
    Self.expectTiming(
      try Self.timing("HB2 c2|", header: "L:1/8\n%%MIDI fermatafixed\nK:C"),
      [(71, P.b(0), P.b(3, 2)), (72, P.b(3, 2), P.b(1))])
  }

  @Test func trimLeavesGapsExceptInsideSlursAndExpandOverlaps() throws {
    // §12.5 (abc2midi measured): `%%MIDI trim 1/4` shortens notes by a quarter unit, but not inside a slur except
    // its last note.
    let trimmed = try Self.timing("(ABc)d e2 f2|", header: "M:4/4\nL:1/8\n%%MIDI trim 1/4\nK:C")
    #expect(trimmed.map(\.2) == [P.b(1, 2), P.b(1, 2), P.b(3, 8), P.b(3, 8), P.b(7, 8), P.b(7, 8)])
    #expect(trimmed.map(\.1) == [P.b(0), P.b(1, 2), P.b(1), P.b(3, 2), P.b(2), P.b(3)])
    let expanded = try Self.timing("AB z6|", header: "M:4/4\nL:1/8\n%%MIDI expand 1/4\nK:C")
    #expect(expanded.map(\.2) == [P.b(5, 8), P.b(5, 8)])
  }

  @Test func trillAlternatesUpperNeighbourAndNoteInQuarterUnits() throws {
    // §12.5 (abc2midi measured): `TA2` at 120 BPM, L:1/8 → B A B A … in eighths of a beat.
    let notes = try Self.timing("TA2 z6|")
    #expect(notes.map(\.0) == [71, 69, 71, 69, 71, 69, 71, 69])
    #expect(notes.map(\.1) == (0..<8).map { P.b($0, 8) })
    #expect(notes.allSatisfy { $0.2 == P.b(1, 8) })
    // With `ornaments: false` the plain note is played.
    var options = PerformanceOptions()
    options.ornaments = false
    #expect(try Self.timing("TA2 z6|", options: options).map(\.0) == [69])
  }

  @Test func rollIsACutFromAbove() throws {
    // §12.5 (abc2midi measured): `~A2` is an upper grace then the note; `~A3` cuts from above and below.
    Self.expectTiming(
      try Self.timing("~A2 ~A3 z3|"),
      [
        (71, P.b(0), P.b(1, 8)), (69, P.b(1, 8), P.b(7, 8)),
        (69, P.b(1), P.b(1, 2)), (71, P.b(3, 2), P.b(1, 8)), (69, P.b(13, 8), P.b(3, 8)), (67, P.b(2), P.b(1, 8)),
        (69, P.b(17, 8), P.b(3, 8)),
      ])
  }

  @Test func restsAndMultiBarRestsTakeTime() throws {
    // R-01…R-04: `z`, `x`, `Z2` (two bars of 3/4), then a note.
    let notes = try Self.timing("z x A Z2|B", header: "M:3/4\nL:1/4\nK:C")
    #expect(notes.map(\.1) == [P.b(2), P.b(9)])
  }

  @Test func tempoFromQFieldsAndChanges() throws {
    // Q-01, Q-02 (beats added), Q-05 (Q:C3= legacy), Q-06 (body change), Q-07 (default 120).
    func tempo(_ q: String, unit: String = "L:1/8") throws -> Int {
      try P.performance(P.abc("\(unit)\n\(q)\nK:C", "C8|")).performance.tempoChanges[0].microsecondsPerQuarter
    }
    #expect(try tempo("Q:1/4=120") == 500_000)
    #expect(try tempo("Q:3/8=120") == 333_333)
    #expect(try tempo("Q:1/4 3/8=40") == 600_000)
    #expect(try tempo("Q:C=120") == 1_000_000)
    #expect(try tempo("Q:C3=120") == 333_333)
    #expect(try tempo("") == 500_000)
    let (p, _) = try P.performance(P.abc("L:1/4\nQ:1/4=120\nK:C", "C D [Q:1/4=60] E F|"))
    #expect(p.tempoChanges.map(\.microsecondsPerQuarter) == [500_000, 1_000_000])
    #expect(p.tempoChanges.map(\.time) == [.zero, NoteLength(1, 2)])
  }
}
