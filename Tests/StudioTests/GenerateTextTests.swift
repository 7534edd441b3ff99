import Foundation
import Testing

@testable import studio

/// Priming templates, end-of-tune detection, X:/title finishing, file names.
@Suite struct GenerateTextTests {
  @Test func withoutOptionsTheModelStartsFromTheReferenceLine() throws {
    let plan = try PrimePlan.make(key: nil, meter: nil, title: nil, prime: nil, number: 4)
    #expect(plan.segments == [.text("X:4\n")])
  }

  @Test func headerOptionsFixFieldsAndLeaveTheRestToTheModel() throws {
    let keyOnly = try PrimePlan.make(key: "Am", meter: nil, title: nil, prime: nil, number: 1)
    #expect(
      keyOnly.segments == [
        .text("X:1\nT:"), .sampledLine, .text("M:"), .sampledLine, .headerUntilKey(key: "A Minor"),
      ])
    let all = try PrimePlan.make(key: "D mix", meter: "6/8", title: " The Tune ", prime: nil, number: 2)
    #expect(all.segments == [.text("X:2\nT:The Tune\nM:6/8\n"), .headerUntilKey(key: "D Mixolydian")])
    #expect(all.fixedTitle == "The Tune")
    // A model whose corpus has no titles and spells keys short (POP909 phrases): no T: line, `Am`.
    let popLetters = Set("X:MLQK0123456789/=\nabcdefgABCDEFGmz|#-^_,'".unicodeScalars)
    let pop = try PrimePlan.make(
      key: "Am", meter: "4/4", title: "Night Drive", prime: nil, number: 3, knows: { popLetters.contains($0) })
    #expect(pop.segments == [.text("X:3\nM:4/4\n"), .headerUntilKey(key: "Am")])
    #expect(pop.fixedTitle == "Night Drive")
    #expect(PrimePlan.shortKey("D Dorian") == "Ddor" && PrimePlan.shortKey("G Major") == "G")
    #expect(PrimePlan.shortKey("F# Minor") == "F#m" && PrimePlan.shortKey("none") == "none")
  }

  @Test func primeTextIsFedAsWritten() throws {
    #expect(
      try PrimePlan.make(key: nil, meter: nil, title: nil, prime: "X:9\nT:A\nK:G\nGA", number: 1).segments
        == [.text("X:9\nT:A\nK:G\nGA")])
    #expect(
      try PrimePlan.make(key: nil, meter: nil, title: nil, prime: "T:A\nK:G\n", number: 3).segments
        == [.text("X:3\nT:A\nK:G\n")])
    #expect(throws: PrimePlan.InvalidOption.self) {
      try PrimePlan.make(key: "G", meter: nil, title: nil, prime: "X:1", number: 1)
    }
    #expect(throws: PrimePlan.InvalidOption.self) {
      try PrimePlan.make(key: nil, meter: nil, title: "two\nlines", prime: nil, number: 1)
    }
  }

  @Test(arguments: [
    ("G", "G Major"), ("g", "G Major"), ("Am", "A Minor"), ("F#m", "F# Minor"), ("Bb", "Bb Major"),
    ("D dor", "D Dorian"), ("A Dorian", "A Dorian"), ("Emin", "E Minor"), ("C lydian", "C Lydian"),
    ("D Mixolydian", "D Mixolydian"), ("Eaeolian", "E Minor"),
  ])
  func keysTakeTheCorpusSpelling(input: String, expected: String) throws {
    #expect(try PrimePlan.normalizedKey(input) == expected)
  }

  @Test func otherValidKeysAndMetersPassThrough() throws {
    #expect(try PrimePlan.normalizedKey("none") == "none")
    #expect(try PrimePlan.checkedMeter("C|") == "C|")
    #expect(try PrimePlan.checkedMeter(" 6/8 ") == "6/8")
    #expect(throws: PrimePlan.InvalidOption.self) { _ = try PrimePlan.checkedMeter("") }
  }

  @Test func aTuneEndsAtAnEmptyLineOrTheNextXLine() {
    func ending(_ text: String, sampled: Int) -> TuneText.Ending? {
      TuneText.ending(of: text.unicodeScalars, sampledCount: sampled)?.ending
    }
    #expect(ending("X:1\nK:G\nGABc|\n\n", sampled: 7) == .blankLine)
    #expect(TuneText.ending(of: "X:1\nK:G\nGABc|\n\n".unicodeScalars, sampledCount: 7)?.drop == 2)
    #expect(ending("X:1\nK:G\nGABc|\nX:", sampled: 8) == .nextTune)
    #expect(TuneText.ending(of: "X:1\nK:G\nGABc|\nX:".unicodeScalars, sampledCount: 8)?.drop == 3)
    #expect(ending("X:1\nK:G\nGABc|\n", sampled: 6) == nil)
    #expect(ending("X:1\nK:G\nGA X:", sampled: 5) == nil, "X: inside a line is not a new tune")
    #expect(ending("X:1\n\n", sampled: 0) == nil, "the prime alone never ends a tune")
  }

  @Test func finishingSetsTheNumberAndAddsATitleWhenMissing() {
    let titled = TuneText.finalize("X:7\nT:Given\nM:4/4\nK:G\nGABc|\n\n", number: 2, fallbackTitle: "Made Up")
    #expect(titled.text == "X:2\nT:Given\nM:4/4\nK:G\nGABc|\n")
    #expect(titled.title == "Given" && !titled.titleGenerated)
    let untitled = TuneText.finalize("X:1\nM:4/4\nK:G\nGABc|", number: 3, fallbackTitle: "Made Up")
    #expect(untitled.text == "X:3\nT:Made Up\nM:4/4\nK:G\nGABc|\n")
    #expect(untitled.titleGenerated)
    let empty = TuneText.finalize("X:1\nT:\nK:G\nG|", number: 1, fallbackTitle: "Made Up")
    #expect(empty.text == "X:1\nT:Made Up\nK:G\nG|\n")
    let noX = TuneText.finalize("T:Body Only\nK:G\nG|", number: 5, fallbackTitle: "Made Up")
    #expect(noX.text == "X:5\nT:Body Only\nK:G\nG|\n")
    // Provenance copied from the corpus is dropped from the header (with continuations); directives, other fields
    // and the body stay.
    let attributed = TuneText.finalize(
      "X:4\nT:Jig\n% Nottingham Music Database\nS:Trad, arr Phil Rowe\nC:O'Carolan\nH:Long ago\n+:in Sligo\n"
        + "%%MIDI program 73\nR:jig\nZ:EF\nM:6/8\nK:G\n% a body comment\nGAB|\n", number: 1, fallbackTitle: "Made Up")
    #expect(attributed.text == "X:1\nT:Jig\n%%MIDI program 73\nR:jig\nM:6/8\nK:G\n% a body comment\nGAB|\n")
    // A T: line in the body is not the title.
    #expect(TuneText.title(of: "X:1\nK:G\nT:Part B\nG|") == nil)
  }

  @Test func primeNumbersAreSeededAndSpreadAndFilesAreRenumbered() {
    let numbers = (1...20).map { TuneGenerator.primeNumber(seed: 7, tune: $0, attempt: 0) }
    #expect(numbers == (1...20).map { TuneGenerator.primeNumber(seed: 7, tune: $0, attempt: 0) })
    #expect(numbers.allSatisfy { (1...999).contains($0) })
    #expect(Set(numbers).count >= 15)
    #expect(TuneGenerator.primeNumber(seed: 7, tune: 1, attempt: 1) != numbers[0])
    #expect(TuneText.renumbered("X:512\nT:a\nK:G\n", number: 3) == "X:3\nT:a\nK:G\n")
    #expect(TuneText.renumbered("T:a\nK:G\n", number: 3) == "T:a\nK:G\n")
    #expect(TuneText.renumbered("X:512", number: 3) == "X:3")
  }

  @Test func madeUpTitlesDependOnSeedAndNumber() {
    #expect(TitleMaker.title(seed: 1, number: 1) == TitleMaker.title(seed: 1, number: 1))
    let titles = Set((1...20).map { TitleMaker.title(seed: 1, number: $0) })
    #expect(titles.count >= 15)
    #expect(titles.allSatisfy { !$0.isEmpty && !$0.contains("\n") })
    let songs = Set((1...20).map { TitleMaker.title(seed: 1, number: $0, style: .song) })
    #expect(songs.count >= 15)
    #expect(songs.isDisjoint(with: titles))
    #expect(songs.allSatisfy { title in TitleMaker.songNouns.contains { title.contains($0) } })
  }

  @Test(arguments: [
    ("The Windy Harbour", "the-windy-harbour"), ("Maggie's Fancy", "maggies-fancy"),
    ("Ó Raghallaigh's", "o-raghallaighs"),
    ("  --  ", "tune"), ("Reel No. 2 / Jig", "reel-no-2-jig"), ("日本", "tune"),
  ])
  func fileNamesUseSafeCharacters(title: String, stem: String) {
    #expect(OutputNamer.stem(for: title) == stem)
  }

  @Test func namesNeverClashWithExistingFilesOrEachOther() throws {
    let dir = try GenerateTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "x".write(toFile: dir + "/reel.mid", atomically: true, encoding: .utf8)
    var namer = OutputNamer(directory: dir, extensions: ["abc", "mid"], overwrite: false)
    #expect(namer.reservePath(for: "Reel") == dir + "/reel-2")
    #expect(namer.reservePath(for: "Reel") == dir + "/reel-3")
    #expect(namer.reservePath(for: "Jig") == dir + "/jig")
    var forcing = OutputNamer(directory: dir, extensions: ["abc", "mid"], overwrite: true)
    #expect(forcing.reservePath(for: "Reel") == dir + "/reel")
    #expect(forcing.reservePath(for: "Reel") == dir + "/reel-2", "two tunes of one run never share a name")
  }

  @Test func rejectionReasonsAreGroupedByKind() {
    #expect(TuneGenerator.kind(of: "error ABC018 [abc.bar.overfull] at 5:3: bar 3 lasts 9/8") == "ABC018 error")
    #expect(TuneGenerator.kind(of: "unbalanced repeats (ABC019): end repeat at bar 8") == "unbalanced repeats ABC019")
    #expect(TuneGenerator.kind(of: "only 3 bars (at least 4 needed)") == "only N bars")
    #expect(
      TuneGenerator.kind(of: "cut off: reached --max-chars (900) before the tune ended") == "cut off at --max-chars")
  }
}
