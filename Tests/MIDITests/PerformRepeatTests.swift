import ABCParser
import MIDI
import Testing

/// Repeats, variant endings and parts (ABC reference §12.2 oracles; checklist BL-03…BL-09, E-01…E-06, P-01…P-06).
@Suite struct PerformRepeatTests {
  typealias P = Perform

  // ABC `C D E F G A B c d e f g` as MIDI numbers (scientific pitch names).
  static let c4 = 60, d4 = 62, e4 = 64, f4 = 65, g4 = 67, a4 = 69, b4 = 71, c5 = 72, d5 = 74, e5 = 76, f5 = 77, g5 = 79

  static func played(_ body: String, header: String = "M:2/4\nL:1/4\nK:C", options: PerformanceOptions = .init())
    throws -> [Int]
  {
    try P.pitches(P.abc(header, body), options: options)
  }

  @Test func firstAndSecondEndingsFollowThePass() throws {
    // §12.2: `C|:D E|1 F G:|2 A B|]` plays C D E F G D E A B.
    #expect(
      try Self.played("C|:D E|1 F G:|2 A B|]") == [
        Self.c4, Self.d4, Self.e4, Self.f4, Self.g4, Self.d4, Self.e4, Self.a4, Self.b4,
      ])
  }

  @Test func doubleColonClosesOneSectionAndOpensTheNext() throws {
    // §12.2: `C D|E F:|G A|B c::d e|f g:|` plays C D E F C D E F G A B c G A B c d e f g d e f g.
    let expected = [
      Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.e4, Self.f4, Self.g4, Self.a4, Self.b4, Self.c5,
      Self.g4, Self.a4,
      Self.b4, Self.c5, Self.d5, Self.e5, Self.f5, Self.g5, Self.d5, Self.e5, Self.f5, Self.g5,
    ]
    #expect(try Self.played("C D|E F:|G A|B c::d e|f g:|") == expected)
  }

  @Test func endingListsAndRangesPickThePasses() throws {
    // §12.2: `|:C D|[1,3 E F:|[2 G A:|[4 B c|]` plays CD EF CD GA CD EF CD Bc.
    let expected = [
      Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.g4, Self.a4, Self.c4, Self.d4, Self.e4, Self.f4,
      Self.c4, Self.d4,
      Self.b4, Self.c5,
    ]
    #expect(try Self.played("|:C D|[1,3 E F:|[2 G A:|[4 B c|]") == expected)
  }

  @Test func missingStartRepeatsFromTheTuneStartThenFromThePreviousEndRepeat() throws {
    // §12.2 / BL-09: `C|D E|F G:|A B|c d:|` plays C D E F G C D E F G A B c d A B c d (the pickup repeats).
    let expected = [
      Self.c4, Self.d4, Self.e4, Self.f4, Self.g4, Self.c4, Self.d4, Self.e4, Self.f4, Self.g4, Self.a4, Self.b4,
      Self.c5, Self.d5,
      Self.a4, Self.b4, Self.c5, Self.d5,
    ]
    #expect(try Self.played("C|D E|F G:|A B|c d:|") == expected)
  }

  @Test func pickupBeforeAnExplicitStartIsPlayedOnce() throws {
    #expect(
      try Self.played("C|:D E|F G:|") == [
        Self.c4, Self.d4, Self.e4, Self.f4, Self.g4, Self.d4, Self.e4, Self.f4, Self.g4,
      ])
  }

  @Test func extraColonsAddPasses() throws {
    // BL-04: `|::C D::|` is played three times.
    #expect(try Self.played("|::C D::|") == [Self.c4, Self.d4, Self.c4, Self.d4, Self.c4, Self.d4])
  }

  @Test func doubleBarStartsTheNextImplicitSection() throws {
    // A section after `||` without `|:` repeats from the double bar, not from the tune start.
    #expect(try Self.played("C D||E F:|") == [Self.c4, Self.d4, Self.e4, Self.f4, Self.e4, Self.f4])
  }

  @Test func sessionStyleSecondPartWithoutStartRepeatRepeatsItself() throws {
    // `|:A…|1 …:|2 …|] B…:|`: the B part repeats from the end of the A part's endings (abc2midi instead jumps back
    // into the A part; see `abc2midiRepeatsReproducesItsPassCounter`).
    let body = "C D|1 E F:|2 G A|]B c:|"
    #expect(
      try Self.played(body) == [
        Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.g4, Self.a4, Self.b4, Self.c5, Self.b4, Self.c5,
      ])
  }

  @Test func lastEndingSpanningBarsBeforeAnEndRepeatIsOneBar() throws {
    // `|2 G A|B c:|`: the second ending is its first bar; `B c:|` is its own repeated section.
    let body = "|:C D|1 E F:|2 G A|B c:|"
    #expect(
      try Self.played(body) == [
        Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.g4, Self.a4, Self.b4, Self.c5, Self.b4, Self.c5,
      ])
  }

  @Test func nestedStartRepeatIsPlayedAsDoubleColonWithAWarning() throws {
    let (p, warnings) = try P.performance(P.abc("M:2/4\nL:1/4\nK:C", "|:C D|:E F:|"))
    #expect(P.notes(of: p).map(\.pitch) == [Self.c4, Self.d4, Self.c4, Self.d4, Self.e4, Self.f4, Self.e4, Self.f4])
    #expect(warnings.contains { $0.kind == .repeats })
  }

  @Test func abc2midiRepeatsReproducesItsPassCounter() throws {
    // abc2midi carries its pass counter past the endings: the B part's `:|` jumps back into the A part (measured on
    // abc2midi 4.84 with irish.abc "German Beau").
    let body = "C D|1 E F:|2 G A|]B c:|"
    var options = PerformanceOptions()
    options.abc2midiRepeats = true
    let played = try Self.played(body, options: options)
    #expect(
      played == [
        Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.g4, Self.a4, Self.b4, Self.c5, Self.c4, Self.d4,
        Self.b4, Self.c5,
      ])
    // Both readings agree on the §12.2 oracles.
    #expect(
      try Self.played("|:C D|[1,3 E F:|[2 G A:|[4 B c|]", options: options)
        == (try Self.played("|:C D|[1,3 E F:|[2 G A:|[4 B c|]")))
    #expect(try Self.played("C|D E|F G:|A B|c d:|", options: options) == (try Self.played("C|D E|F G:|A B|c d:|")))
  }

  @Test func partsFollowThePlayOrderExpression() throws {
    // §12.2: `P:A(BA)2C.B` with A=CD, B=EF, C=GA plays CD EF CD EF CD GA EF.
    let abc = "X:1\nT:t\nM:2/4\nL:1/4\nP:A(BA)2C.B\nK:C\nP:A\nC D|\nP:B\nE F|\nP:C\nG A|\n"
    let expected = [
      Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.e4, Self.f4, Self.c4, Self.d4, Self.g4, Self.a4,
      Self.e4, Self.f4,
    ]
    #expect(try P.pitches(abc) == expected)
  }

  @Test func repeatsInsideAPartArePlayedEachTimeThePartIs() throws {
    // §12.2: `P:AAB` with A=`|:C D:|` plays the A repeat twice each time.
    let abc = "X:1\nT:t\nM:2/4\nL:1/4\nP:AAB\nK:C\nP:A\n|:C D:|\nP:B\nE F|]\n"
    let expected = [Self.c4, Self.d4, Self.c4, Self.d4, Self.c4, Self.d4, Self.c4, Self.d4, Self.e4, Self.f4]
    #expect(try P.pitches(abc) == expected)
  }

  @Test func partNamedButNeverDefinedIsSkippedWithAWarning() throws {
    let abc = "X:1\nT:t\nM:2/4\nL:1/4\nP:AB\nK:C\nP:A\nC D|]\n"
    let (p, warnings) = try P.performance(abc)
    #expect(P.notes(of: p).map(\.pitch) == [Self.c4, Self.d4])
    #expect(warnings.contains { $0.kind == .parts && $0.message.contains("part B") })
  }

  @Test func withoutAPlayOrderPartLabelsAreMarkers() throws {
    let abc = "X:1\nT:t\nM:2/4\nL:1/4\nK:C\nP:A\nC D|\nP:B\nE F|]\n"
    let (p, _) = try P.performance(abc)
    #expect(P.notes(of: p).map(\.pitch) == [Self.c4, Self.d4, Self.e4, Self.f4])
    #expect(p.markers.map(\.text) == ["A", "B"])
    #expect(p.markers.map(\.time) == [.zero, NoteLength(1, 2)])
  }

  @Test func tieAtTheEndOfAFirstEndingJoinsWhatFollowsInThatPass() throws {
    // T-06: the tie goes to the repeat start (C), not to the second ending.
    let notes = try P.notes(P.abc("M:2/4\nL:1/4\nK:C", "|:C D|1 E C-:|2 G A|]"))
    // Pass 1: C D E C(tied into the next pass's C, 2 beats); pass 2: D G A.
    #expect(notes.map(\.pitch) == [Self.c4, Self.d4, Self.e4, Self.c4, Self.d4, Self.g4, Self.a4])
    #expect(notes[3].onset == P.b(3) && notes[3].duration == P.b(2))
  }
}
