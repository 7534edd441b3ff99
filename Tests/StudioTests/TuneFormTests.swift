import Foundation
import Testing

@testable import studio

/// `TuneForm` and `FormStatistics` on small hand-written tunes whose figures were counted by hand (the counts are
/// in the comments next to each tune).
@Suite struct TuneFormTests {
  /// AABB reel, both parts with a pick-up: A's written before `|:` (`A|:`), B's inside it (`|:e|`).
  /// A: pick-up A (1/8) + 7 full bars + closing `d2d2 d3` (7/8) = 8 bars; B likewise = 8 bars.
  /// Repeated bars: A5 = A1, A6 = A2; B3 = B1, B5 = B1, B6 = B2 → 5 of 16. Ends on D (tonic). Range D4 (62)–a (81).
  static let reel = """
    X:1
    T:Hand Reel
    M:C|
    L:1/8
    K:D
    A|:d2fd AdFA|dfaf g2fg|afdf afdf|gfed cBAG|
    d2fd AdFA|dfaf g2fg|afdf egfe|d2d2 d3:|
    |:e|fgaf gfed|cAAB cdeg|fgaf gfed|cAdB cA A2|
    fgaf gfed|cAAB cdeg|fedc BAGF|EFGE D3:|
    """

  /// Jig, A part with first and second endings of two bars each, pick-up D inside the repeat; B part pick-up d.
  /// A: body 6 bars (after the pick-up) + first ending 2 bars = 8; B: 8. Written bars compared: A 6 + 2 + 2, B 8 =
  /// 18; repeated: A5 = A1, A6 = A2, both second-ending bars = first-ending bars, B5 = B1, B6 = B2, B8 = `G3 G2` of
  /// the endings → 7. Ends on G (tonic). Range D (62)–g (79).
  static let jig = """
    X:2
    T:Hand Jig
    M:6/8
    L:1/8
    K:G
    |:D|G2B d2B|c2A B2G|A2F D2F|A2c B2A|
    G2B d2B|c2A B2G|1 A2F DEF|G3 G2:|2 A2F DEF|G3 G2||
    |:d|g2d B2d|g2d B2G|c2e d2B|A2G FED|
    g2d B2d|g2d B2G|c2e d2F|G3 G2:|
    """

  /// Waltz: pick-up A (1/4), 7 full bars, closing `F2` (2/4) = 8 bars, no bar repeats. B is B♭ in F. Range E (64)–d
  /// (74). Ends on F (tonic).
  static let waltz = """
    X:3
    T:Hand Waltz
    M:3/4
    L:1/4
    K:F
    |:A|c2 A|B2 G|F2 A|c3|d2 B|A2 F|G2 E|F2:|
    """

  /// Two parts of 4 bars in A that end on E (not the tonic); `B2-|c2` ties different pitches; the first bar of the
  /// second part holds 10/8 in 4/4.
  static let fifth = """
    X:4
    T:Hand Fifth
    M:4/4
    L:1/8
    K:A
    |:A2 cA e2 cA|B2 dB ^G2 BG|A2 cA e2 ce|a2 ec B2 E2:|
    |:e2 ae f2 ef g2|e2 cA B2 B2-|c2 cA e2 ce|d2 cB E4:|
    """

  /// Six bars in G: bar 2 repeats bar 1 under a trill, bar 3 writes the key's F♯ as `^F`, bar 4 has F♮ (differs),
  /// bar 5 repeats bar 1 with a grace note and a chord symbol → 3 of 6 bars repeat. Under 8 bars.
  static let repeats = """
    X:5
    T:Hand Repeats
    M:2/4
    L:1/8
    K:G
    "G"GF ED|!trill!GF ED|G^F ED|G=F ED|{a}"D"GF ED|G4|]
    """

  static func form(_ text: String) throws -> TuneForm { try #require(TuneForm(text: text)) }

  @Test func reelWithPickUps() throws {
    let f = try Self.form(Self.reel)
    #expect(f.key == "D major" && f.tonic == 2 && f.meter == "2/2")
    #expect(f.parts.map(\.bars) == [8, 8])
    #expect(f.bars == 16)
    #expect(f.parts.map(\.pickUp) == ["1/8", "1/8"])
    #expect(f.parts.map(\.closingBar) == ["7/8", "7/8"])
    #expect(f.parts.map(\.makesOneBar) == [true, true])
    #expect(f.comparedBars == 16 && f.repeatedBars == 5)
    #expect(f.endsOnTonic == true && f.finalPitch == 62)
    #expect(f.lowestPitch == 62 && f.highestPitch == 81)
    #expect(f.offMeterBars.isEmpty && f.tiesBetweenDifferentPitches == 0)
  }

  @Test func jigWithFirstAndSecondEndings() throws {
    let f = try Self.form(Self.jig)
    #expect(f.key == "G major" && f.meter == "6/8")
    #expect(f.parts.map(\.bars) == [8, 8])
    #expect(f.parts.map(\.endings) == [2, 0])
    #expect(f.parts.map(\.pickUp) == ["1/8", "1/8"])
    #expect(f.parts.map(\.makesOneBar) == [true, true])
    #expect(f.comparedBars == 18 && f.repeatedBars == 7)
    #expect(f.endsOnTonic == true && f.finalPitch == 67)
    #expect(f.lowestPitch == 62 && f.highestPitch == 79)
    #expect(f.offMeterBars.isEmpty)
  }

  @Test func waltz() throws {
    let f = try Self.form(Self.waltz)
    #expect(f.key == "F major" && f.meter == "3/4")
    #expect(f.parts.map(\.bars) == [8])
    #expect(f.parts.first?.pickUp == "1/4" && f.parts.first?.closingBar == "1/2")
    #expect(f.parts.first?.makesOneBar == true)
    #expect(f.repeatedBars == 0 && f.comparedBars == 8)
    #expect(f.lowestPitch == 64 && f.highestPitch == 74)
    #expect(f.endsOnTonic == true)
  }

  @Test func tuneNotEndingOnTheTonicWithDefects() throws {
    let f = try Self.form(Self.fifth)
    #expect(f.key == "A major" && f.tonic == 9)
    #expect(f.parts.map(\.bars) == [4, 4])
    #expect(f.bars == 8)
    #expect(f.parts.map(\.pickUp) == [nil, nil])
    #expect(f.parts.map(\.makesOneBar) == [true, true])
    #expect(f.endsOnTonic == false && f.finalPitch == 64)
    #expect(f.offMeterBars == ["7:3"])
    #expect(f.tiesBetweenDifferentPitches == 1)
    #expect(f.defects == 2)
  }

  @Test func repeatedBarsIgnoreDecorationsGracesAndChordSymbolsButNotPitch() throws {
    let f = try Self.form(Self.repeats)
    #expect(f.bars == 6 && f.parts.count == 1)
    #expect(f.comparedBars == 6 && f.repeatedBars == 3)
    #expect(f.endsOnTonic == true)
  }

  @Test func statisticsOverTheHandTunes() throws {
    let forms = try [Self.reel, Self.jig, Self.waltz, Self.fifth, Self.repeats].map(Self.form)
    let s = FormStatistics(forms: forms)
    #expect(s.tunes == 5 && s.analysed == 5)
    #expect(s.parts == 8)
    #expect(s.barsPerTune == .init(median: 8, p10: 6, p90: 16))  // 6, 8, 8, 16, 16
    #expect(s.sharePartsOf8Bars == 5.0 / 8)
    #expect(s.sharePartsOf16Bars == 0)
    #expect(s.shareTunesAllParts8Or16 == 3.0 / 5)
    #expect(s.sharePartsMakingOneBar == 1)
    #expect(s.shareBarsRepeated == 15.0 / 56)
    #expect(s.shareEndingOnTonic == 4.0 / 5)
    #expect(s.shareUnder8Bars == 1.0 / 5)
    #expect(s.shareWithDefects == 1.0 / 5)
    #expect(s.meters.map(\.label).sorted() == ["2/2", "2/4", "3/4", "4/4", "6/8"])
    #expect(s.keys.first == .init(label: "G major", count: 2, share: 0.4))
    #expect(s.lowestPitch == 62 && s.highestPitch == 81)

    let corpus = FormStatistics(forms: forms.prefix(3).map { $0 })
    let comparison = FormComparison(corpus: corpus, samples: s)
    // Corpus meters 2/2, 6/8, 3/4 a third each; samples a fifth each plus 4/4 and 2/4.
    let gap = try #require(comparison.largestMeterGap)
    #expect(abs(abs(gap.points) - 100.0 / 5) < 1e-9, "\(gap)")
  }

  @Test func aPartLabelStartsAPartAndAPickUpBeforeItJoinsIt() throws {
    let f = try Self.form(
      """
      X:6
      T:Labels
      M:2/4
      L:1/8
      K:C
      P:A
      C2 E2|G2 E2|C4||
      P:B
      G|:c2 G2|E2 C:|
      """)
    #expect(f.parts.map(\.label) == ["A", "B"])
    #expect(f.parts.map(\.bars) == [3, 2])
    #expect(f.parts.map(\.pickUp) == [nil, "1/8"])
    #expect(f.parts.map(\.makesOneBar) == [true, true])
    #expect(f.offMeterBars.isEmpty)
  }

  @Test func strictCleanlinessUsesTheStrictValidator() {
    #expect(TuneCleanliness.isStrictClean("X:1\nT:Clean\nM:2/4\nL:1/8\nK:G\nGABc|d4|]\n"))
    // Legacy `!` line ends are a warning only under --strict.
    #expect(!TuneCleanliness.isStrictClean("X:1\nT:Legacy\nM:2/4\nL:1/8\nK:G\nGABc|d4|]!\n"))
  }

  @Test func abc2midiFindsErrorsAndWarnings() throws {
    guard let checker = ABC2MIDIChecker.locate() else {
      print("abc2midiFindsErrorsAndWarnings: skipped: abc2midi is not installed")
      return
    }
    let verdicts = try checker.check([
      "X:1\nT:Clean\nM:2/4\nL:1/8\nK:G\nGABc|d4|]\n",
      "X:1\nT:Short bar\nM:2/4\nL:1/8\nK:G\nGABc|d4|G|d4|]\n",
      "X:1\nT:Bad field\nM:2/4\nL:1/8\nK:G\nI:linebreak !\nGABc|d4|]\n",
    ])
    #expect(verdicts.map(\.isClean) == [true, false, false], "\(verdicts)")
    #expect(verdicts.map(\.hasNoError) == [true, true, false], "\(verdicts)")
  }
}

extension TuneFormTests {
  /// The corpus habit of splitting a bar where an ending starts: `E2|[1 (3Bcd|` is one bar, not two short ones.
  /// B part: pick-up `(3Bcd`, 3 full bars, `dBAG E2` + ending `(3Bcd` (one split bar), 3 full bars, closing `AGEF G2`
  /// = 8 bars; the second ending likewise.
  @Test func aBarSplitWhereAnEndingStartsCountsOnce() throws {
    let f = try Self.form(
      """
      X:7
      T:Split
      M:C|
      L:1/8
      K:G
      (3Bcd|edBd edgd|edBd e2 (3def|gedB GABG|dBAG E2|
      [1 (3Bcd|edBd edgd|edBd e2 (3def|gedB GABG|AGEF G2:|
      [2 BA|GEDE GABG|(3ABA GA Bdef|gedB GABG|AGEF G2|]
      """)
    #expect(f.parts.map(\.bars) == [8])
    #expect(f.parts.first?.endings == 2)
    #expect(f.offMeterBars.isEmpty)
    #expect(f.parts.first?.makesOneBar == true)
  }
}

extension TuneFormTests {
  /// A generated jig: pick-up `G2A` (3/8) and closing `F2A G2` (5/8) make 8/8, not one bar of 6/8: the closing bar
  /// does not fit (abc2midi warns about it too), and the part does not make one bar.
  @Test func aShortClosingBarThatDoesNotCompleteThePickUpDoesNotFit() throws {
    let f = try Self.form(
      """
      X:8
      T:Mismatch
      M:6/8
      L:1/8
      K:G
      |:G2A|GAB cBc|d^cd BAG|F2A ABc|B2G GAB|
      AGF E2A|FGA B2A|G2B A2G|F2A G2:|
      """)
    #expect(f.parts.map(\.bars) == [8])
    #expect(f.parts.first?.makesOneBar == false)
    #expect(f.offMeterBars == ["7:25"])
  }
}
