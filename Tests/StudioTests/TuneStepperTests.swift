import Testing

@testable import studio

/// The incremental reader of structure-aware sampling, on hand-written ABC.
@Suite struct TuneStepperTests {
  static let reelHeader = "X:1\nT:t\nM:4/4\nL:1/8\nK:D\n"
  static let jigHeader = "X:1\nT:t\nM:6/8\nL:1/8\nK:G\n"

  /// Reads `body` without enforcing.
  static func read(_ header: String, _ body: String) -> TuneStepper {
    var stepper = TuneStepper(header: header, enforcing: false)
    for scalar in body.unicodeScalars { stepper.feed(scalar) }
    stepper.finish()
    return stepper
  }

  /// The characters of `candidates` the enforcing reader allows after `body`.
  static func allowed(
    _ header: String, _ body: String, plan: TuneStepper.Plan = .init(partBars: 8, parts: 2, tonicBias: 0),
    candidates: String = "ABCDEFGabcdefgz|:[]()-/2345<>.~!\"{} \n^_=,'"
  ) -> String {
    var stepper = TuneStepper(header: header, plan: plan, enforcing: true)
    for (i, scalar) in body.unicodeScalars.enumerated() {
      guard stepper.feed(scalar) else { return "refused \(scalar) at \(i)" }
    }
    return String(String.UnicodeScalarView(candidates.unicodeScalars.filter { stepper.allows($0) }))
  }

  @Test func readsPartsPickupsAndEndings() {
    // AABB reel with a one-note pick-up; each part's closing bar completes it.
    let reel = Self.read(
      Self.reelHeader,
      "|:A|d2fd e2ce|dcBA G2FE|DEFG ABcd|e2c2 A3A|\nd2fd e2ce|dcBA G2FE|DEFG ABce|d2d2 d3:|\n"
        + "|:e|f2af g2bg|f2af edcB|ABcd e2fe|dcBA G2FE|\nDEFG ABcd|e2ce dcBA|GBAG FDEC|D6 D:|\n")
    #expect(!reel.lost)
    #expect(reel.partLengths == [8, 8])
    #expect(reel.pickups == [TuneStepper.unit, TuneStepper.unit])
    #expect(reel.closings == [7 * TuneStepper.unit, 7 * TuneStepper.unit])
    // A jig with first and second endings: 6 bars + a 2-bar ending count as 8.
    let jig = Self.read(
      Self.jigHeader,
      "|:GAB dBG|ABA AGE|GAB dBG|AGE G3|GAB dBG|ABA AGE|1 GAB dBG|AGE G3:|2 GAB dBG|AGE G2||\n")
    #expect(jig.partLengths == [8])
    #expect(jig.pickups == [0])
    // Triplets, broken rhythm and chords keep bar time: a hornpipe bar of 8 eighths.
    let hornpipe = Self.read(Self.reelHeader, "(3ABc d>e f<g [Ac]2|A8|\n")
    #expect(!hornpipe.lost)
    #expect(hornpipe.partLengths == [2])
  }

  @Test func masksNotesThatOverfillTheBarAndShortBarLines() {
    // Seven eighths in a 4/4 bar of the first part... the pick-up bar is over; mid-part the bar needs one more.
    // Seven eighths and a c: c2 would overfill the bar, c/ and c fit; the bar may close after c, not before.
    let mid = Self.allowed(Self.reelHeader, "|:A|d2fd e2f c")
    #expect(mid.contains("/") && mid.contains("|"), "\(mid)")
    #expect(!mid.contains("e"), "c e would overfill the bar: \(mid)")
    let long = Self.allowed(Self.reelHeader, "|:A|d2fd e2f c2")
    #expect(long.contains("/") && !long.contains("|") && !long.contains("e"), "c2 only as c2/2: \(long)")
    let short = Self.allowed(Self.reelHeader, "|:A|d2fd e2")
    #expect(!short.contains("|"), "the bar is short: \(short)")
    #expect(Self.allowed(Self.reelHeader, "|:A|d2fd e2ce").contains("|"))
    #expect(!Self.allowed(Self.reelHeader, "|:A|d2fd e2ce").contains("A"))
  }

  @Test func partsEndAtThePlannedLengthAndClosingBarsCompleteThePickUp() {
    let seven = "|:A|d2fd e2ce|dcBA G2FE|DEFG ABcd|e2c2 A3A|d2fd e2ce|dcBA G2FE|DEFG ABce|"
    // In bar 8 the closing bar must stop at 7 eighths (the pick-up took one).
    let closing = Self.allowed(Self.reelHeader, seven + "d2d2 d3")
    #expect(closing.contains(":") && !closing.contains("A"), "\(closing)")
    let overfull = Self.allowed(Self.reelHeader, seven + "d2d2 d2")
    #expect(!overfull.contains(":") && !overfull.contains("|"), "\(overfull)")
    // At bar 8 a plain bar line is refused: the part ends.
    let end = Self.allowed(Self.reelHeader, seven + "d2d2 d3:")
    #expect(end.contains("|"))
    // Mid-part, a part-ending bar line is refused.
    let early = Self.allowed(Self.reelHeader, "|:A|d2fd e2ce|")
    #expect(!early.contains(":"))
  }

  @Test func atMostThreeDecorationsOrChordSymbolsBeforeANote() {
    // A run of decorations is how a sample loops (`~.~.~.…` until --max-chars); three before a note is plenty.
    let three = Self.allowed(Self.reelHeader, "|:A|\"G\"~.", candidates: ".~!\"d")
    #expect(three == "d", "\(three)")
    #expect(Self.allowed(Self.reelHeader, "|:A|~.", candidates: ".~d") == ".~d")
    // The count starts again after the note.
    #expect(Self.allowed(Self.reelHeader, "|:A|~.~d~.", candidates: ".d") == ".d")
  }

  @Test func tiesJoinTheSamePitchOnly() {
    let tied = Self.allowed(Self.reelHeader, "|:A|d2fd e2c-", candidates: "cdeC")
    #expect(tied == "c", "\(tied)")
  }

  @Test func theTuneEndsOnlyAfterItsPlannedParts() {
    let onePart = "|:A|d2fd e2ce|dcBA G2FE|DEFG ABcd|e2c2 A3A|d2fd e2ce|dcBA G2FE|DEFG ABce|d2d2 d3:|\n"
    #expect(!Self.allowed(Self.reelHeader, onePart).contains("\n"), "one part of two")
    let afterTwo = Self.allowed(Self.reelHeader, onePart + onePart.replacingOccurrences(of: "|:A|", with: "|:e|"))
    #expect(afterTwo == "\n", "after the planned parts only the end may follow: \(afterTwo)")
  }
}
