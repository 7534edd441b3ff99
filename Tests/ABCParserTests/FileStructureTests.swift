import Testing

@testable import ABCParser

@Suite struct FileStructureTests {
  let twoTunes = """
    %abc-2.0
    % a collection
    L:1/8
    %%MIDI program 73

    Tunes from Tuesday's session

    X:1
    T:One
    K:G
    GABc|

    X:2
    T:Two
    K:D
    DEFG|]
    """

  @Test func fileHeaderTunesAndFreeText() {
    let file = ABCParser().parse(twoTunes)
    #expect(file.versionLine == "%abc-2.0\n")
    #expect(file.headerFields.map(\.letter) == ["L"])
    #expect(file.tunes.count == 2)
    #expect(file.tunes.map(\.title) == ["One", "Two"])
    #expect(file.tunes.map(\.index) == [0, 1])
    #expect(file.items.contains { if case .freeText = $0 { return true } else { return false } })
    #expect(file.tunes[0].fileHeader.count == 2)
    #expect(file.tunes[0].headerDirectives.first?.midi == .program(channel: nil, program: 73))
    #expect(file.tunes[1].unitLength == NoteLength(1, 8))
  }

  @Test(arguments: ["\n", "\r\n", "\r"])
  func printerReproducesAnyLineEnding(newline: String) {
    let text =
      twoTunes.replacingOccurrences(of: "\n", with: newline) + newline + "X:3\r\nT:x  \r\nK:C\r\n[CE2]G |]   % end"
    #expect(ABCPrinter.print(ABCParser().parse(text)) == text)
  }

  @Test func printedTreeParsesToTheSameTree() {
    let file = ABCParser().parse(twoTunes)
    let again = ABCParser().parse(ABCPrinter.print(file))
    #expect(again == file)
  }

  @Test func printerUsesSpellingFieldsForBuiltTrees() {
    let n = Note(
      accidental: .sharp, letter: .f, isLowercase: true, octaveText: "'", length: NoteLength(3, 2), lengthText: "3/2",
      tie: Tie())
    #expect(ABCPrinter.print([.note(n)]) == "^f'3/2-")
  }

  @Test func blankLineAfterHeaderContinuesWhenMusicFollows() throws {
    let text = "X:1\nT:Pop\nK:C\n\nCDEF|GABc|\n"
    let loose = try #require(ABCParser().parse(text).tunes.first)
    #expect(loose.hasMusic)
    #expect(loose.diagnostics.contains { $0.id == .blankLineInTune })
    let standard = try #require(
      ABCParser(options: ParseOptions(blankLinesAfterHeader: .endTune)).parse(text).tunes.first)
    #expect(!standard.hasMusic)
  }

  @Test func blankLineAfterHeaderBeforeProseEndsTheTune() throws {
    let file = ABCParser().parse("X:1\nT:Only a title\nK:G\n\nTunes from Tuesday's session\n")
    #expect(file.tunes.first?.hasMusic == false)
    #expect(file.items.contains { if case .freeText = $0 { return true } else { return false } })
  }

  @Test func missingBlankLineBetweenTunesSplitsThem() {
    let file = ABCParser().parse("X:1\nT:a\nK:C\nC|\nX:2\nT:b\nK:D\nD|\n")
    #expect(file.tunes.count == 2)
    #expect(file.allDiagnostics.contains { $0.id == .tunesNotSeparated })
  }

  @Test func textWithoutTunesIsDiagnosed() {
    let file = ABCParser().parse("just some text\n")
    #expect(file.tunes.isEmpty)
    #expect(file.diagnostics.map(\.id) == [.noTune])
  }

  @Test func fragmentsParseWithoutHeader() throws {
    let tune = try #require(ABCParser().parseTune("CDEF GABc|"))
    #expect(tune.hasMusic)
    #expect(tune.key == nil)
  }

  @Test func bodyFieldLinesAndMusicAfterAMeterOnTheSameLine() throws {
    let tune = try #require(ABCParser().parse("X:1\nT:t\nM:4/4\nK:C\nCDEF|\nM:3/4 CDE| M:4/4 CDEF|\n").tunes.first)
    let meters = tune.body.compactMap {
      if case .field(let f) = $0, case .meter(let m) = f.value { return m } else { return nil }
    }
    #expect(meters.count == 2)
    #expect(tune.diagnostics.filter { $0.id == .fieldInMusic }.count == 2)
    #expect(ABCPrinter.print(tune) == "X:1\nT:t\nM:4/4\nK:C\nCDEF|\nM:3/4 CDE| M:4/4 CDEF|\n")
  }

  @Test func strictFileVersionEscalatesLegacyWarnings() {
    let loose = ABCParser().parse("X:1\nT:t\nK:C\nABc|!\n")
    #expect(loose.allDiagnostics.first { $0.id == .legacySyntax }?.severity == .warning)
    let strict = ABCParser().parse("%abc-2.1\nX:1\nT:t\nK:C\nABc|!\n")
    #expect(strict.allDiagnostics.first { $0.id == .legacySyntax }?.severity == .error)
  }

  @Test func invalidUTF8IsDiagnosedAndSurvives() {
    let bytes: [UInt8] = Array("X:1\nT:t\nK:C\n\"".utf8) + [0xC3, 0x28, 0xFF] + Array("\"C|\n".utf8)
    let file = ABCParser().parse(bytes: bytes)
    #expect(file.diagnostics.contains { $0.id == .invalidEncoding && $0.location.line == 4 })
    #expect(file.tunes.first?.hasMusic == true)
  }

  @Test func typesetTextBlocksInTheBodyAreNotMusic() throws {
    let text = "X:1\nT:t\nK:C\nCDEF|\n%%begintext\nPlay this twice, slowly.\n%%endtext\nGABc|\n"
    let file = ABCParser().parse(text)
    #expect(file.allDiagnostics.isEmpty, "\(file.allDiagnostics)")
    #expect(ABCPrinter.print(file) == text)
  }
}
