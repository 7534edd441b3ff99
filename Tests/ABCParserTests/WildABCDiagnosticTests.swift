import Testing

@testable import ABCParser

/// Diagnostics on ABC from the wild (issue 17): what the standard allows stays quiet or a warning, what silently went
/// wrong is reported. Expected positions are marked with ⚑.
@Suite struct WildABCDiagnosticTests {
  typealias T = TestSupport

  static func ids(_ source: String, strict: Bool = false) -> [DiagnosticID] {
    T.validate(source, strict: strict).diagnostics.map(\.id)
  }

  // MARK: 11. Comment and directive lines between tunes

  @Test(arguments: ["% A French tune\n%\n", "%%MIDI program 1\n", "% one\n%%text two\n"])
  func commentLinesBeforeAnXLineAreFileText(lines: String) {
    let source = "X:1\nT:a\nK:C\nCDEF|\n\n\(lines)X:2\nT:b\nK:C\nGABc|\n"
    let ids = Self.ids(source)
    #expect(!ids.contains(.tunesNotSeparated))
    #expect(!ids.contains(.blankLineInTune))
    #expect(ABCParser().parse(source).tunes.count == 2)
  }

  @Test func musicAfterAnEmptyLineIsStillReported() {
    let source = "X:1\nT:a\nK:C\nCDEF|\n\n⚑GABc|\n"
    let (diagnostics, markers) = T.validate(source)
    #expect(diagnostics.first { $0.id == .blankLineInTune }?.location == markers[0])
  }

  // MARK: 12. Severity as the standard says

  @Test func reservedCharactersWarnEvenInStrictFiles() {
    let source = "%abc-2.1\nX:1\nT:t\nM:4/4\nL:1/4\nK:C\nC ⚑@D E F|\n"
    let (diagnostics, markers) = T.validate(source, strict: true)
    let reserved = diagnostics.first { $0.id == .reservedCharacter }
    #expect(reserved?.severity == .warning)
    #expect(reserved?.location == markers[0])
  }

  @Test(arguments: [false, true])
  func inlineTitleIsAccepted(strict: Bool) {
    // The standard's own example file writes [T:…] inside the music.
    let ids = Self.ids("X:1\nT:t\nM:4/4\nL:1/4\nK:C\nC D E F|[T:Second part] G A B c|]\n", strict: strict)
    #expect(!ids.contains(.misplacedField))
  }

  @Test func emptyLyricsLineSkipsAMusicLineQuietly() {
    // "w:" with nothing after it skips a line of music (ABC 2.1 §5).
    let source = "X:1\nT:t\nM:4/4\nL:1/4\nK:C\nC D E F|\nw:do re mi fa\nG A B c|\nw:\nc B A G|\nw:so la ti do\n"
    #expect(!Self.ids(source).contains(.lyricsMismatch))
  }

  @Test func tooFewSyllablesAreStillReported() {
    let source = "X:1\nT:t\nM:4/4\nL:1/4\nK:C\nC D E F|\nw:do re\n"
    #expect(Self.ids(source).contains(.lyricsMismatch))
  }

  @Test(arguments: [
    ("M:2/4\nL:1/4\nK:C\nC D|E F:|", "the start of the tune"),
    ("M:2/4\nL:1/4\nK:C\n|:C D:|E F||G A:|", "the || after bar 2"),
    ("M:2/4\nL:1/4\nK:C\n|:C D:|E F:|", "the previous :| (bar 1)"),
    ("M:2/4\nL:1/4\nP:AB\nK:C\nP:A\nC D|\nP:B\nE F:|", "the start of part B"),
  ])
  func missingStartRepeatSaysWhereConvertRepeatsFrom(body: String, from: String) {
    let diagnostics = T.validate("X:1\nT:t\n\(body)\n").diagnostics
    let message = diagnostics.first { $0.id == .repeatMissingStart }?.message ?? ""
    #expect(message.hasSuffix("repeating from \(from)"), "\(message)")
  }

  @Test func endingBeforeAnyRepeatSaysWhereConvertRepeatsFrom() {
    let diagnostics = T.validate("X:1\nT:t\nM:2/4\nL:1/4\nK:C\nC D||E F|1 G A:|2 B c|]\n").diagnostics
    let message = diagnostics.first { $0.id == .endingMisplaced }?.message ?? ""
    #expect(message.hasSuffix("repeating from the || after bar 1"), "\(message)")
  }

  // MARK: 13. What was missed

  @Test func duplicateEndingNumberIsReported() {
    let source = "X:1\nT:t\nM:4/4\nL:1/4\nK:C\n|:C D E F|1 G A B c:|⚑1 c B A G|]\n"
    let (diagnostics, markers) = T.validate(source)
    let d = diagnostics.first { $0.id == .endingMisplaced }
    #expect(d?.location == markers[0])
    #expect(d?.message.contains("ending number 1") == true)
  }

  @Test(arguments: [
    "|:C D E F|1 G A B c:|2 c B A G|]", "|:C D|1 E F:|2 G A|B c|1 d e:|2 f g|]", "|:C D|1,3 E F:|2 G A:|4 B c|]",
  ])
  func distinctEndingNumbersAreQuiet(body: String) {
    #expect(!Self.ids("X:1\nT:t\nM:4/4\nL:1/4\nK:C\n\(body)\n").contains(.endingMisplaced))
  }

  @Test(arguments: ["Es", "Bn"])
  func unknownModeIsAnErrorAndPlaysTheTonicMajor(key: String) throws {
    let file = ABCParser().parse("X:1\nT:t\nK:\(key)\nCDEF|\n")
    let tune = try #require(file.tunes.first)
    let d = try #require(tune.diagnostics.first { $0.id == .invalidKey })
    #expect(d.severity == .error)
    #expect(d.message.contains("major"))
    guard case .tonic(_, let mode)? = tune.key?.root else {
      Issue.record("K:\(key) has no tonic")
      return
    }
    #expect(mode == .ionian)
  }

  @Test(arguments: [("C^f^c^a", 3), ("Bb^f", 1), ("Am^g", 1), ("D=c", 1)])
  func keyAccidentalsWithoutSpacesAreAcceptedWithAWarning(key: String, count: Int) throws {
    let tune = try #require(ABCParser().parse("X:1\nT:t\nK:\(key)\nCDEF|\n").tunes.first)
    #expect(tune.key?.accidentals.count == count)
    #expect(tune.diagnostics.map(\.id) == [.unknownKeyParameter])
    #expect(tune.diagnostics.allSatisfy { $0.severity == .warning })
  }

  @Test func slurInsideAChordIsAWarningAndBalances() {
    let ids = Self.ids("X:1\nT:t\nM:4/4\nL:1/8\nK:C\n[E2(e2]c2) D2 z2|]\n")
    #expect(ids == [.slurInChord])
  }
}
