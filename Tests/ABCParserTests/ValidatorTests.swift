import Testing

@testable import ABCParser

/// One validator case: ABC text with a `⚑` where the diagnostic must point, and the expected id.
struct DiagnosticCase: CustomTestStringConvertible, Sendable {
  var name: String
  var source: String
  var id: DiagnosticID
  var severity: Diagnostic.Severity
  var testDescription: String { name }
}

let h = "X:1\nT:t\nM:4/4\nL:1/8\n"

let diagnosticCases: [DiagnosticCase] = [
  .init(name: "ABC001 no X:", source: "⚑just text\n", id: .noTune, severity: .error),
  .init(name: "ABC002 bad X:", source: "X:⚑a1\nT:t\nK:C\nC|\n", id: .badReferenceNumber, severity: .warning),
  .init(
    name: "ABC003 duplicate X:", source: "X:1\nT:a\nK:C\nC|\n\n⚑X:1\nT:b\nK:C\nC|\n", id: .duplicateReferenceNumber,
    severity: .warning),
  .init(name: "ABC004 T: not second", source: "X:1\nM:4/4\n⚑T:late\nK:C\nC|\n", id: .missingTitle, severity: .warning),
  .init(name: "ABC005 no K:", source: "⚑X:7\nT:t\nM:4/4\n", id: .missingKey, severity: .error),
  .init(name: "ABC006 bad key", source: "X:1\nT:t\nK:⚑H#foo\nC|\n", id: .invalidKey, severity: .error),
  .init(name: "ABC007 key out of range", source: "X:1\nT:t\nK:⚑G# major\nC|\n", id: .keyOutOfRange, severity: .error),
  .init(
    name: "ABC008 unknown clef", source: "X:1\nT:t\nK:⚑C clef=violin\nC|\n", id: .unknownKeyParameter,
    severity: .warning),
  .init(name: "ABC009 bad meter", source: "X:1\nT:t\nM:⚑4/x\nK:C\nC|\n", id: .invalidMeter, severity: .error),
  .init(
    name: "ABC010 bad unit length", source: "X:1\nT:t\nL:⚑1/7\nK:C\nC|\n", id: .invalidUnitLength, severity: .error),
  .init(name: "ABC011 bad tempo", source: "X:1\nT:t\nQ:⚑fast\nK:C\nC|\n", id: .invalidTempo, severity: .error),
  .init(
    name: "ABC012 unknown field", source: "X:1\nT:t\n⚑J:whatever\nK:C\nC|\n", id: .unknownField, severity: .warning),
  .init(name: "ABC013 field inline", source: "X:1\nT:t\nK:C\nC⚑[O:Ireland]C|\n", id: .misplacedField, severity: .warning),
  .init(
    name: "ABC013 K: in file header", source: "⚑K:G\nL:1/8\n\nX:1\nT:t\nK:C\nC|\n", id: .misplacedField,
    severity: .warning),
  .init(name: "ABC014 field in music", source: h + "K:C\nCDEF ⚑M:3/4 CDE|\n", id: .fieldInMusic, severity: .warning),
  .init(name: "ABC015 stray character", source: h + "K:C\nCD⚑R EF|\n", id: .strayCharacter, severity: .error),
  .init(name: "ABC015 reserved character", source: h + "K:C\nCD⚑#EF|\n", id: .reservedCharacter, severity: .warning),
  .init(name: "ABC016 zero length", source: h + "K:C\nC⚑/0 D|\n", id: .invalidLength, severity: .error),
  .init(name: "ABC017 odd length", source: h + "K:C\nC⚑5/3 D|\n", id: .unusualLength, severity: .warning),
  .init(
    name: "ABC018 overfull bar", source: h + "K:C\nCDEF GABc|⚑CDEF GABc d|CDEF GABc|\n", id: .barOverfull,
    severity: .warning),
  .init(
    name: "ABC018 underfull bar", source: h + "K:C\nCDEF GABc|⚑CDEF GAB|CDEF GABc|\n", id: .barUnderfull,
    severity: .warning),
  .init(
    name: "ABC019 end repeat without start", source: h + "K:C\nCDEF GABc⚑:|\n", id: .repeatMissingStart,
    severity: .warning),
  .init(
    name: "ABC020 start repeat never closed", source: h + "K:C\n⚑|:CDEF GABc|CDEF GABc|]\n", id: .repeatUnclosed,
    severity: .warning),
  .init(
    name: "ABC020 start repeat twice", source: h + "K:C\n|:CDEF GABc⚑|:CDEF GABc:|\n", id: .repeatDuplicateStart,
    severity: .warning),
  .init(
    name: "ABC021 ending before repeat", source: h + "K:C\nCDEF GABc|⚑[1 CDEF GABc:|[2 CDEF GAB2|]\n",
    id: .endingMisplaced, severity: .warning),
  .init(
    name: "ABC021 second ending alone", source: h + "K:C\n|:CDEF GABc:|⚑[2 CDEF GAB2|]\n", id: .endingMisplaced,
    severity: .warning),
  .init(name: "ABC022 unclosed slur", source: h + "K:C\n⚑(CDEF GABc|\n", id: .slurUnclosed, severity: .error),
  .init(name: "ABC022 stray )", source: h + "K:C\nCDEF⚑) GABc|\n", id: .slurUnmatched, severity: .error),
  .init(name: "ABC023 unclosed chord", source: h + "K:C\n⚑[CEG|\n", id: .chordUnclosed, severity: .error),
  .init(name: "ABC023 stray ]", source: h + "K:C\nCDEF⚑] GABc|\n", id: .chordUnmatched, severity: .error),
  .init(name: "ABC024 short tuplet", source: h + "K:C\nCDEF GA ⚑(3Bc|]\n", id: .tupletIncomplete, severity: .error),
  .init(
    name: "ABC025 grace not followed by note", source: h + "K:C\nCDEF GABc ⚑{ga}|\n", id: .graceWithoutNote,
    severity: .error),
  .init(name: "ABC025 grace unclosed", source: h + "K:C\nCDEF GABc ⚑{ga\n", id: .graceUnclosed, severity: .error),
  .init(
    name: "ABC026 tie to another pitch", source: h + "K:C\nCDEF GAB⚑-c|\n", id: .tieDifferentPitch, severity: .warning),
  .init(name: "ABC026 tie at the end", source: h + "K:C\nCDEF GABc⚑-|\n", id: .tieDangling, severity: .warning),
  .init(
    name: "ABC027 broken rhythm unequal", source: h + "K:C\nC2⚑>D CDEF G|\n", id: .brokenRhythmMisuse,
    severity: .warning),
  .init(
    name: "ABC028 unknown decoration", source: h + "K:C\n⚑!foobar!CDEF GABc|\n", id: .unknownDecoration,
    severity: .warning),
  .init(
    name: "ABC029 not a chord name", source: h + "K:C\n⚑\"Cxyz\"CDEF GABc|\n", id: .unknownChordSymbol,
    severity: .warning),
  .init(name: "ABC030 unterminated quote", source: h + "K:C\nCD⚑\"Am EF|\n", id: .unterminatedText, severity: .error),
  .init(
    name: "ABC031 voices differ", source: h + "K:C\nV:1\nCDEF GABc|\nV:2\n⚑CDEF GAB|\n", id: .voiceLengthMismatch,
    severity: .warning),
  .init(
    name: "ABC032 undefined part", source: "X:1\nT:t\n⚑P:ABD\nK:C\nP:A\nC|\nP:B\nD|\n", id: .partUndefined,
    severity: .error),
  .init(
    name: "ABC032 unused part", source: "X:1\nT:t\nP:A\nK:C\nP:A\nC|\n⚑P:B\nD|\n", id: .partUnused, severity: .warning),
  .init(
    name: "ABC033 lyrics mismatch", source: h + "K:C\nCDEF GABc|\n⚑w:do re mi\n", id: .lyricsMismatch,
    severity: .warning),
  .init(
    name: "ABC034 unclosed inline field", source: h + "K:C\nCD⚑[K:D EF|\n", id: .inlineFieldSyntax, severity: .error),
  .init(name: "ABC034 space after [", source: h + "K:C\nCD⚑[ K:D] EF|\n", id: .inlineFieldSyntax, severity: .error),
  .init(
    name: "ABC035 bad U: symbol", source: "X:1\nT:t\n⚑U: A = !trill!\nK:C\nC|\n", id: .invalidUserSymbol,
    severity: .warning),
  .init(name: "ABC036 pitch out of range", source: h + "K:C\n⚑C,,,,,,,2 C6|\n", id: .pitchOutOfRange, severity: .error),
  .init(
    name: "ABC037 blank line after header", source: "X:1\nT:t\nK:C\n⚑\nCDEF|\n", id: .blankLineInTune,
    severity: .warning),
  .init(
    name: "ABC038 tunes not separated", source: "X:1\nT:a\nK:C\nC|\n⚑X:2\nT:b\nK:C\nC|\n", id: .tunesNotSeparated,
    severity: .warning),
  .init(name: "ABC039 rest in chord", source: h + "K:C\n[C⚑z]DEF GABc|\n", id: .restInChord, severity: .warning),
  .init(
    name: "ABC040 multi-bar rest in free meter", source: "X:1\nT:t\nM:none\nK:C\n⚑Z4|\n",
    id: .multiMeasureRestWithoutMeter, severity: .warning),
  .init(name: "ABC041 plus decoration", source: h + "K:C\n⚑+trill+CDEF GABc|\n", id: .legacySyntax, severity: .warning),
  .init(name: "ABC041 legacy tempo", source: "X:1\nT:t\nQ:⚑120\nK:C\nC|\n", id: .legacySyntax, severity: .warning),
  .init(
    name: "ABC043 meter change mid-bar", source: h + "K:C\nCDEF⚑[M:3/4]GAB|\n", id: .meterChangeMidBar,
    severity: .warning),
  .init(name: "ABC044 tune without body", source: "⚑X:9\nT:Only a title\nK:G\n", id: .noBody, severity: .info),
]

@Suite struct ValidatorTests {
  @Test(arguments: diagnosticCases)
  func diagnosticPointsAtTheMarker(_ c: DiagnosticCase) throws {
    let (diagnostics, markers) = TestSupport.validate(c.source)
    let marker = try #require(markers.first)
    let matching = diagnostics.filter { $0.id == c.id }
    #expect(
      !matching.isEmpty, "expected \(c.id.rawValue), got \(diagnostics.map { "\($0.location) \($0.id.rawValue)" })")
    #expect(matching.contains { $0.location == marker }, "at \(marker): \(matching.map(\.location))")
    #expect(matching.first?.severity == c.severity)
    #expect(c.id.code.hasPrefix("ABC"))
  }

  @Test func cleanTuneHasNoDiagnostics() {
    let (d, _) = TestSupport.validate(
      "X:1\nT:Clean\nM:6/8\nL:1/8\nQ:3/8=100\nK:Ador\n|:A2B cBA|\"G\"GAB {c}d2e|[1 (3fed c BAG:|[2 dcB A3|]\nw:la la la la la la\n"
    )
    #expect(d.filter { $0.id != .lyricsMismatch }.isEmpty, "\(d)")
  }

  @Test(arguments: [
    "|:CDEF GABc:|",  // plain repeat
    "CDEF GABc:|CDEF GABc:|",  // thesession-style B part (warning only)
    "E2|:CDEF GABc|CDEF GA:|",  // pickup and closing partial bar
    "|:CDEF GABc|1 CDEF GA:|2 CDEF GAB2||",  // endings with partial bars
    "(3CDE F2 G4|[CEG]8|]",  // tuplet and chord
    "C>D E<F G>>A B<<c|",  // broken rhythm
    "CDEF & GABc|C8|",  // overlay
  ])
  func wellFormedBarsAreNotFlagged(music: String) {
    let (d, _) = TestSupport.validate(h + "K:C\n" + music + "\n")
    #expect(!d.contains { $0.id == .barOverfull || $0.id == .barUnderfull || $0.severity == .error }, "\(d)")
  }

  @Test func strictModeEscalatesLegacyWarnings() {
    let source = h + "K:C\n|:CDEF GABc|!\n+trill+C8|]\n"
    let loose = TestSupport.validate(source).diagnostics
    let strict = TestSupport.validate(source, strict: true).diagnostics
    #expect(loose.filter { $0.id == .legacySyntax }.allSatisfy { $0.severity == .warning })
    #expect(strict.filter { $0.id == .legacySyntax }.allSatisfy { $0.severity == .error })
    #expect(strict.contains { $0.id == .repeatUnclosed && $0.severity == .error })
  }

  @Test func diagnosticsCarryTuneIndexAndSortByPosition() {
    let (d, _) = TestSupport.validate("X:1\nT:a\nK:C\nC⚑R|\n\nX:2\nT:b\nK:C\nD⚑R|\n")
    let strays = d.filter { $0.id == .strayCharacter }
    #expect(strays.map(\.tuneIndex) == [0, 1])
    #expect(d.map(\.location.offset) == d.map(\.location.offset).sorted())
  }

  @Test func formatterShowsSourceLineCaretAndHint() {
    let (text, markers) = TestSupport.extractMarkers("X:1\nT:t\nK:C\nCD⚑R EF|\n")
    let d = ABCValidator().validate(ABCParser().parse(text)).first { $0.id == .strayCharacter }!
    #expect(d.location == markers[0])
    let out = DiagnosticFormatter.text(d, file: "x.abc", line: "CDR EF|")
    #expect(out.hasPrefix("x.abc:4:3: error[abc.music.stray-character]: unexpected \"R\" in music code"))
    #expect(out.contains("\n    CDR EF|\n      ^"))
    #expect(out.contains("\n  hint: "))
    let json = DiagnosticFormatter.json(
      d, file: "x \"q\".abc", tune: TuneSummary(index: 0, referenceNumber: 1, title: "t", hasErrors: true))
    #expect(json.contains("\"file\":\"x \\\"q\\\".abc\""))
    #expect(json.contains("\"tune\":1,\"index\":1,\"title\":\"t\",\"line\":4,\"column\":3,\"severity\":\"error\""))
  }
}

@Suite struct GenerationPolicyTests {
  @Test func oneIrregularBarIsAllowed() throws {
    let tune = try #require(
      ABCParser().parse(h + "K:G\n|:GABc dBGBd|c2ec B2dB|GABc dBGB|A2FA G4:|\n").tunes.first)
    let verdict = ABCValidator.acceptsGenerated(tune)
    #expect(verdict.accepted, "\(verdict.reasons)")
  }

  @Test func acceptsAWellFormedGeneratedTune() throws {
    let tune = try #require(
      ABCParser().parse(h + "K:G\n|:GABc dBGB|c2ec B2dB|GABc dBGB|A2FA G4:|\n").tunes.first)
    let verdict = ABCValidator.acceptsGenerated(tune)
    #expect(verdict.accepted, "\(verdict.reasons)")
  }

  @Test(arguments: [
    (h + "K:G\nGABc dBGB|c2ec B2dB|GABc dBGB|A2FA G4:|\n", "unbalanced repeats"),
    (h + "K:G\nGABc dBGB|c2ec B2dB|GABc dBGB|A2FA G4\n", "does not end with a bar line"),
    (h + "K:G\nGABc dBGB|\n", "bars"),
    (h + "K:G\n|:GABc dBGB|c2ec B2dB|GABc dBGB|A2FA G4 (3ab:|\n", "error"),
    ("X:1\nT:t\nM:4/4\nGABc dBGB|c2ec B2dB|GABc dBGB|A2FA G4|\n", "no K: line"),
    (h + "K:G\n|:GABc dBGBd|c2ec B2dBc|GABc dBGB|A2FA G4:|\n", "do not fit the meter"),
  ])
  func rejectsWithAReason(source: String, reason: String) throws {
    let tune = try #require(ABCParser().parse(source).tunes.first)
    let verdict = ABCValidator.acceptsGenerated(tune)
    #expect(!verdict.accepted)
    #expect(verdict.reasons.contains { $0.contains(reason) }, "\(verdict.reasons)")
  }
}
