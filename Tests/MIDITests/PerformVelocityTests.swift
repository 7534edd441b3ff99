import ABCParser
import MIDI
import Testing

/// abc2midi's beat-stress velocities, dynamics and `%%MIDI beat` directives (ABC reference §12.4, measured on
/// abc2midi 4.84).
@Suite struct PerformVelocityTests {
  typealias P = Perform

  static func velocities(_ body: String, header: String, options: PerformanceOptions = .init()) throws -> [Int] {
    try P.notes(P.abc(header, body), options: options).map(\.velocity)
  }

  @Test(arguments: [
    ("M:4/4\nL:1/4\nK:C", "CDEF|GABc|", [105, 80, 95, 80, 105, 80, 95, 80]),  // strong on beat 3
    ("M:6/8\nL:1/8\nK:C", "CDEFGA|", [105, 80, 80, 95, 80, 80]),  // every dotted quarter
    ("M:3/4\nL:1/4\nK:C", "CDE|FGA|", [105, 80, 80, 105, 80, 80]),  // downbeat only
    ("M:2/4\nL:1/8\nK:C", "CDEF|", [105, 80, 80, 80]),
    ("M:4/4\nL:1/8\nK:C", "CDEFGABc|", [105, 80, 80, 80, 95, 80, 80, 80]),  // off-beat eighths are soft
  ])
  func firstNoteLoudStrongPositionsMediumOthersSoft(header: String, body: String, expected: [Int]) throws {
    #expect(try Self.velocities(body, header: header) == expected)
  }

  @Test func dynamicsReplaceTheTripleAndMakeEveryBeatStrong() throws {
    // §12.4 (measured): after `!ff!` a bar of quarters plays 120 110 110 110; after `!p!` 60 50 50 50.
    #expect(
      try Self.velocities("!ff!CDEF|!p!CDEF|", header: "M:4/4\nL:1/4\nK:C") == [120, 110, 110, 110, 60, 50, 50, 50])
    // Between beats the soft value applies: `!mf!` eighths 90 65 80 65.
    #expect(try Self.velocities("!mf!CDEF z4|", header: "M:4/4\nL:1/8\nK:C") == [90, 65, 80, 65])
  }

  @Test func beatDirectiveAndAccentsOff() throws {
    #expect(try Self.velocities("CDEF|", header: "M:4/4\nL:1/4\n%%MIDI beat 100 90 70 1\nK:C") == [100, 90, 90, 90])
    #expect(try Self.velocities("CDEF|", header: "M:4/4\nL:1/4\n%%MIDI nobeataccents\nK:C") == [95, 95, 95, 95])
    #expect(try Self.velocities("CDEF|", header: "M:4/4\nL:1/4\n%%MIDI beatstring fpmp\nK:C") == [105, 80, 95, 80])
    #expect(try Self.velocities("CDEF|", header: "M:4/4\nL:1/4\n%%MIDI beatmod -20\nK:C") == [85, 60, 75, 60])
  }

  @Test func crescendoMarksShiftEveryVelocity() throws {
    // abc2midi: each hairpin mark is `beatmod ±15` (`%%MIDI deltaloudness` changes the step).
    #expect(try Self.velocities("C !<(!D E !<)!F|", header: "M:4/4\nL:1/4\nK:C") == [105, 95, 110, 110])
    #expect(
      try Self.velocities("!>(!C D E F|", header: "M:4/4\nL:1/4\n%%MIDI deltaloudness 10\nK:C") == [95, 70, 85, 70])
  }

  @Test func accentsAddTwentyUnlessSwitchedOff() throws {
    // A deliberate deviation (§12.4): abc2midi ignores accents.
    #expect(try Self.velocities("LC !accent!D E F|", header: "M:4/4\nL:1/4\nK:C") == [125, 100, 95, 80])
    #expect(
      try Self.velocities("LC !accent!D E F|", header: "M:4/4\nL:1/4\nK:C", options: .abc2midiCompatible) == [
        105, 80, 95, 80,
      ])
  }

  @Test func repeatInsideABarDoesNotRestartTheCount() throws {
    // abc2midi counts on through a `:|` in the middle of a bar: after the jump the pickup-shortened bar continues.
    // `C|:DEF:|` (4/4, quarters): the short last bar does not restart the count at `:|`, so the second pass sits
    // on beats 4, 5, 6 of one long bar: soft, medium (a multiple of the stride), soft.
    #expect(try Self.velocities("C|:DEF:|", header: "M:4/4\nL:1/4\nK:C") == [105, 105, 80, 95, 80, 95, 80])
  }

  @Test func meterChangeEndsADynamicStride() throws {
    // After `!p!` (stride 1), `[M:3/4]` restores the meter's own stride.
    #expect(try Self.velocities("!p!CD|[M:3/4]EFG|", header: "M:2/4\nL:1/4\nK:C") == [60, 50, 60, 35, 35])
  }

  @Test func volDirectiveSetsOneNote() throws {
    #expect(try Self.velocities("C [I:MIDI=vol 33] D E F|", header: "M:4/4\nL:1/4\nK:C") == [105, 33, 95, 80])
  }
}
