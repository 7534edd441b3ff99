import Foundation
import Testing

@testable import LSTM

@Suite struct InfraCorpusTests {
  // MARK: - Loader

  /// A small corpus tree: CRLF, lone CR, tabs, trailing spaces, a preamble, blank lines, a BOM, nested folders,
  /// files to ignore and a file without tunes.
  static func makeFixture() throws -> String {
    let root = try InfraSupport.temporaryDirectory()
    try InfraSupport.write(
      "% preamble that is not a tune\r\nabc notes\r\n\r\nX:1\r\nT:First  \r\nK:D\r\n\tABc|d2 \r\n\r\n\r\nX:2\r\nT:Second\r\nK:G\r\nGAB|\r\n\r\n",
      to: root + "/a.abc")
    try InfraSupport.write("\u{FEFF}X:3\rT:Third\rK:A\rabc\t|\r", to: root + "/sub/deeper/b.ABC")
    try InfraSupport.write("X:9\nT:ignored, not .abc\n", to: root + "/notes.txt")
    try InfraSupport.write("X:8\nT:hidden\n", to: root + "/.hidden/c.abc")
    try InfraSupport.write("% no tunes in here\n", to: root + "/sub/empty.abc")
    return root
  }

  static let fixtureTunes = [
    "X:1\nT:First\nK:D\n ABc|d2",
    "X:2\nT:Second\nK:G\nGAB|",
    "X:3\nT:Third\nK:A\nabc |",
  ]

  @Test func loadsADirectoryRecursivelyAndNormalises() throws {
    let root = try Self.makeFixture()
    let corpus = try TuneCorpus.load(paths: [root])
    #expect(corpus.tunes == Self.fixtureTunes)
    #expect(corpus.sourcePaths == [root + "/a.abc", root + "/sub/deeper/b.ABC"])
    #expect(corpus.tuneCounts == [2, 1])
    #expect(corpus.skippedPaths == [root + "/sub/empty.abc"])
    #expect(corpus.fingerprint == SHA256.hexDigest(Array(Self.fixtureTunes.joined(separator: "\n\n").utf8)))
    #expect(corpus.characterCount == Self.fixtureTunes.joined(separator: "\n\n").unicodeScalars.count)
  }

  @Test func fingerprintIgnoresLineEndsAndFileBoundaries() throws {
    let root = try InfraSupport.temporaryDirectory()
    try InfraSupport.write(Self.fixtureTunes.joined(separator: "\n\n") + "\n", to: root + "/one.abc")
    try InfraSupport.write(Self.fixtureTunes[0].replacingOccurrences(of: "\n", with: "\r\n"), to: root + "/x/1.abc")
    try InfraSupport.write(Self.fixtureTunes[1...].joined(separator: "\n"), to: root + "/x/2.abc")
    let single = try TuneCorpus.load(paths: [root + "/one.abc"])
    let split = try TuneCorpus.load(paths: [root + "/x"])
    #expect(single.tunes == split.tunes)
    #expect(single.fingerprint == split.fingerprint)
    #expect(single.fingerprint != (try TuneCorpus.load(paths: [root + "/x/1.abc"])).fingerprint)
  }

  @Test func samePathTwiceIsReadOnce() throws {
    let root = try Self.makeFixture()
    let corpus = try TuneCorpus.load(paths: [root + "/a.abc", root, root + "/./a.abc"])
    #expect(corpus.tunes.count == 3)
    #expect(corpus.sourcePaths.first == root + "/a.abc")
  }

  @Test func tunesInTextSplitsOnXLinesOnly() {
    let text = "intro\n X:not a tune start\nX:1\nA\n\n\nB\n \nX:2\n\n"
    #expect(TuneCorpus.tunes(in: text) == ["X:1\nA\n\n\nB", "X:2"])
    #expect(TuneCorpus.tunes(in: "no tunes\n") == [])
    #expect(TuneCorpus.tunes(in: "X:") == ["X:"])
  }

  @Test func loaderErrorsNameTheFile() throws {
    let root = try InfraSupport.temporaryDirectory()
    #expect(throws: CorpusError.noPaths) { _ = try TuneCorpus.load(paths: []) }
    #expect(throws: CorpusError.pathNotFound(root + "/missing.abc")) {
      _ = try TuneCorpus.load(paths: [root + "/missing.abc"])
    }

    try InfraSupport.write("", to: root + "/empty.abc")
    #expect(throws: CorpusError.emptyFile(path: root + "/empty.abc")) {
      _ = try TuneCorpus.load(paths: [root + "/empty.abc"])
    }
    try InfraSupport.write(" \n\t\n", to: root + "/blank.abc")
    #expect(throws: CorpusError.emptyFile(path: root + "/blank.abc")) {
      _ = try TuneCorpus.load(paths: [root + "/blank.abc"])
    }
    try InfraSupport.write("T:title only\nabc\n", to: root + "/notune.abc")
    #expect(throws: CorpusError.noTunes(path: root + "/notune.abc")) {
      _ = try TuneCorpus.load(paths: [root + "/notune.abc"])
    }

    try FileManager.default.createDirectory(atPath: root + "/nothing", withIntermediateDirectories: true)
    try InfraSupport.write("X:1\n", to: root + "/nothing/readme.txt")
    #expect(throws: CorpusError.noABCFiles(directory: root + "/nothing")) {
      _ = try TuneCorpus.load(paths: [root + "/nothing"])
    }

    try InfraSupport.write("% only comments\n", to: root + "/d/a.abc")
    try InfraSupport.write("", to: root + "/d/b.abc")
    #expect(throws: CorpusError.noTunesInDirectory(directory: root + "/d", fileCount: 2)) {
      _ = try TuneCorpus.load(paths: [root + "/d"])
    }

    let bad: [UInt8] = Array("X:1\nT:ok\nK:C\nab".utf8) + [0xC3, 0x28] + Array("c\n".utf8)
    try Data(bad).write(to: URL(fileURLWithPath: root + "/latin.abc"))
    #expect(throws: CorpusError.invalidUTF8(path: root + "/latin.abc", line: 4, column: 3)) {
      _ = try TuneCorpus.load(paths: [root + "/latin.abc"])
    }
    let description = CorpusError.invalidUTF8(path: "x.abc", line: 4, column: 3).description
    #expect(description.hasPrefix("x.abc:4:3: error: invalid UTF-8"))
    #expect(CorpusError.noTunes(path: "y.abc").description.hasPrefix("y.abc: error: no tune found"))
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/mem")))
  func unreadableFileIsReported() {
    // /proc/self/mem opens as a regular file but reading offset 0 fails (EIO), even for root.
    do {
      _ = try TuneCorpus.load(paths: ["/proc/self/mem"])
      Issue.record("expected an error")
    } catch {
      guard case .unreadable(let path, _) = error else {
        Issue.record("expected unreadable, got \(error)")
        return
      }
      #expect(path == "/proc/self/mem")
    }
  }

  @Test(.tags(.corpus)) func irishCorpusMatchesThePyTorchBaseline() throws {
    guard let path = InfraSupport.corpusPath("irish.abc") else { return }
    let corpus = try TuneCorpus.load(paths: [path])
    #expect(corpus.tunes.count == 804)
    // sha256("\n\n".join(tunes)) as computed by torch_lstm_bench.py's load_corpus.
    #expect(corpus.fingerprint == "0e1352167c7da1f82c5fd7a5aafe92574d778ebb6cbee47c7f5d029ab00f94b7")
    let vocabulary = Vocabulary(tunes: corpus.tunes)
    #expect(vocabulary.count == 83)
    #expect(
      vocabulary.symbols.joined()
        == "\n !\"#'(),-./0123456789:<=>ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz|")
    let split = DatasetSplit.split(corpus.tunes, validationFraction: 0.1, seed: 0, method: .everyTenth)
    #expect(split.train.count == 724)
    #expect(split.validation.count == 80)
    let stream = try TrainingStream(sources: [(split.train, 1)], vocabulary: vocabulary)
    #expect(stream.tokens.count == 177_149)  // the baseline's train_chars
  }

  @Test(.tags(.corpus)) func allShippedCorporaLoad() throws {
    guard let nottingham = InfraSupport.corpusPath("nottingham"), let pop = InfraSupport.corpusPath("pop") else {
      return
    }
    let folk = try TuneCorpus.load(paths: [nottingham])
    #expect(folk.tunes.count == 1034)
    #expect(folk.sourcePaths.count == 14)
    let songs = try TuneCorpus.load(paths: [pop])
    #expect(songs.tunes.count == 981)
    #expect(songs.skippedPaths.count == 9)  // the README's nine files without an X: line
    #expect(songs.tunes.allSatisfy { !$0.contains("\r") && !$0.contains("\t") && $0.hasPrefix("X:") })
  }

  // MARK: - SHA-256

  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
    (
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
    ),
  ])
  func sha256KnownVectors(message: String, digest: String) {
    #expect(SHA256.hexDigest(Array(message.utf8)) == digest)
  }

  @Test func sha256OfAMillionAsAndStreaming() {
    let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    #expect(SHA256.hexDigest(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    var hasher = SHA256()
    var offset = 0
    var chunk = 1
    while offset < million.count {  // uneven chunks cross every block boundary case
      let end = min(million.count, offset + chunk)
      hasher.update(million[offset..<end])
      offset = end
      chunk = chunk % 131 + 7
    }
    #expect(SHA256.hexString(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    // Messages of 55, 56, 63, 64 bytes exercise the padding edge cases (checked against Python's hashlib).
    #expect(
      SHA256.hexDigest([UInt8](repeating: 0x61, count: 55))
        == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
    #expect(
      SHA256.hexDigest([UInt8](repeating: 0x61, count: 56))
        == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
    #expect(
      SHA256.hexDigest([UInt8](repeating: 0x61, count: 64))
        == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
  }

  // MARK: - Vocabulary

  @Test func vocabularySortsScalarsByCodePoint() throws {
    // U+212B ANGSTROM SIGN and U+00C5 are canonically equivalent Strings but distinct scalars.
    let vocabulary = Vocabulary(text: "ba\u{212B}\u{00C5}e\u{0301}\n a")
    #expect(
      vocabulary.symbols.map { $0.unicodeScalars.first!.value } == [0x0A, 0x20, 0x61, 0x62, 0x65, 0xC5, 0x301, 0x212B])
    #expect(vocabulary.count == 8)
    #expect(vocabulary.id(of: "\u{212B}") == 7)
    #expect(vocabulary.id(of: "\u{00C5}") == 5)
    #expect(vocabulary.id(of: "z") == nil)
    let text = "a\u{212B}b\ne\u{0301}"
    let ids = try vocabulary.encode(text)
    #expect(ids == [2, 7, 3, 0, 4, 6])
    #expect(vocabulary.decode(ids).unicodeScalars.elementsEqual(text.unicodeScalars))
    #expect(vocabulary.decode([0, 99, -1]) == "\n\u{FFFD}\u{FFFD}")
    #expect(Vocabulary(text: "x\u{00C5}") != Vocabulary(text: "x\u{212B}"))
  }

  @Test func unknownSymbolsThrowWithPosition() {
    let vocabulary = Vocabulary(text: "ab\n")
    #expect(throws: VocabularyError.unknownSymbol("é", line: 2, column: 3, vocabularySize: 3)) {
      _ = try vocabulary.encode("ab\nbaé")
    }
    let message = VocabularyError.unknownSymbol("é", line: 2, column: 3, vocabularySize: 3).description
    #expect(message.hasPrefix("2:3: error: character 'é' (U+00E9) is not in the model's vocabulary"))
    #expect(!vocabulary.canEncode("abc"))
    #expect(vocabulary.canEncode("ba\n"))
  }

  @Test func vocabularyCodableIsAPlainJSONArray() throws {
    let vocabulary = Vocabulary(text: "X:1\nK:D é\"")
    let data = try JSONEncoder().encode(vocabulary)
    #expect(try JSONDecoder().decode([String].self, from: data) == vocabulary.symbols)
    #expect(try JSONDecoder().decode(Vocabulary.self, from: data) == vocabulary)
    // The PyTorch baseline writes json.dumps(vocab), with \u escapes.
    let python = #"["\n", " ", "\"", "1", ":", "D", "K", "X", "\u00e9"]"#
    #expect(try Vocabulary(jsonArray: python) == vocabulary)
    #expect(try JSONDecoder().decode(Vocabulary.self, from: Data(python.utf8)) == vocabulary)
    #expect(try Vocabulary(jsonArray: vocabulary.jsonArray) == vocabulary)
  }

  @Test func invalidSymbolListsAreRejectedWhenValidating() {
    #expect(throws: VocabularyError.invalidSymbol("ab", id: 1)) { _ = try Vocabulary(validating: ["a", "ab"]) }
    #expect(throws: VocabularyError.invalidSymbol("", id: 0)) { _ = try Vocabulary(validating: [""]) }
    #expect(throws: VocabularyError.duplicateSymbol("a", id: 2)) { _ = try Vocabulary(validating: ["a", "b", "a"]) }
    #expect(throws: DecodingError.self) {
      _ = try JSONDecoder().decode(Vocabulary.self, from: Data(#"["a","bc"]"#.utf8))
    }
    #expect(throws: VocabularyError.self) { _ = try Vocabulary(jsonArray: #"{"a":1}"#) }
    #expect(throws: VocabularyError.self) { _ = try Vocabulary(jsonArray: #"["a",1]"#) }
    // The non-throwing initializer keeps ids aligned and never traps.
    let lenient = Vocabulary(symbols: ["a", "bc", "a", "d"])
    #expect(lenient.count == 4)
    #expect(lenient.id(of: "a") == 0)
    #expect(lenient.id(of: "d") == 3)
    #expect(lenient.decode([1]) == "\u{FFFD}")
  }

  // MARK: - Splits

  static let hundredTunes = (0..<100).map { "X:\($0)\nabc" }

  @Test func everyTenthHoldsOutTheBaselinesTunes() {
    let split = DatasetSplit.split(Self.hundredTunes, validationFraction: 0.3, seed: 1, method: .everyTenth)
    #expect(split.validationIndices == Array(stride(from: 9, to: 100, by: 10)))
    #expect(split.validation == split.validationIndices.map { Self.hundredTunes[$0] })
    #expect(split.train.count == 90)
    #expect(split.train.first == "X:0\nabc")
  }

  @Test func seededRandomSplitIsReproducibleAndByTune() {
    let a = DatasetSplit.split(Self.hundredTunes, validationFraction: 0.15, seed: 42, method: .seededRandom)
    let b = DatasetSplit.split(Self.hundredTunes, validationFraction: 0.15, seed: 42, method: .seededRandom)
    let c = DatasetSplit.split(Self.hundredTunes, validationFraction: 0.15, seed: 43, method: .seededRandom)
    #expect(a == b)
    #expect(a.validationIndices != c.validationIndices)
    #expect(a.validation.count == 15)
    #expect(Set(a.train).isDisjoint(with: a.validation))
    #expect(Set(a.train + a.validation) == Set(Self.hundredTunes))
    #expect(a.validationIndices == a.validationIndices.sorted())
    #expect(
      DatasetSplit.split(Self.hundredTunes, validationFraction: .nan, seed: 1, method: .seededRandom).validation.isEmpty
    )
    #expect(DatasetSplit.split(Self.hundredTunes, validationFraction: 2, seed: 1, method: .seededRandom).train.isEmpty)
    #expect(
      DatasetSplit.split([], validationFraction: 0.5, seed: 1, method: .seededRandom)
        == DatasetSplit(train: [], validation: [], validationIndices: []))
  }

  // MARK: - Training stream

  @Test func singleSourceIsTheBaselinesJoinedStream() throws {
    let tunes = ["X:1\nabc", "X:2\ncba", "X:3\nb"]
    let vocabulary = Vocabulary(tunes: tunes)
    let stream = try TrainingStream(sources: [(tunes, 1)], vocabulary: vocabulary)
    #expect(stream.tokens == (try vocabulary.encode(tunes.joined(separator: "\n\n"))))
    #expect(stream.tuneCopies == [3])
    #expect(stream.sourceTokenCounts == [tunes.reduce(0) { $0 + $1.unicodeScalars.count }])
  }

  /// Splits a stream back into tunes (copies), by the "\n\n" separator.
  static func copies(in stream: TrainingStream, _ vocabulary: Vocabulary) -> [String] {
    vocabulary.decode(stream.tokens).components(separatedBy: "\n\n")
  }

  @Test func weightsAreRepeatFactorsPerTune() throws {
    let folk = (0..<10).map { "X:\($0)\nfolk" }
    let pop = (0..<30).map { "X:\($0)\npop" }
    let vocabulary = Vocabulary(tunes: folk + pop)
    let stream = try TrainingStream(sources: [(folk, 2), (pop, 1)], vocabulary: vocabulary, seed: 3)
    let copies = Self.copies(in: stream, vocabulary)
    #expect(stream.tuneCopies == [20, 30])
    #expect(copies.count == 50)
    // Every folk tune exactly twice, every pop tune once: folk's share is 2·10 / (2·10 + 1·30) = 40%.
    for tune in folk { #expect(copies.filter { $0 == tune }.count == 2) }
    for tune in pop { #expect(copies.filter { $0 == tune }.count == 1) }
    #expect(copies.prefix(20) == ArraySlice(folk + folk), "unshuffled: source order, whole passes")
    #expect(stream.sourceTokenCounts[0] == 2 * folk.reduce(0) { $0 + $1.count })
  }

  @Test func fractionalWeightsSubsampleDistinctTunes() throws {
    let tunes = (0..<40).map { "X:\($0)\nt" }
    let vocabulary = Vocabulary(tunes: tunes)
    let half = try TrainingStream(sources: [(tunes, 0.5)], vocabulary: vocabulary, seed: 9)
    let halfCopies = Self.copies(in: half, vocabulary)
    #expect(half.tuneCopies == [20])
    #expect(Set(halfCopies).count == 20)
    #expect(halfCopies == tunes.filter { halfCopies.contains($0) }, "kept in corpus order")
    let again = try TrainingStream(sources: [(tunes, 0.5)], vocabulary: vocabulary, seed: 9)
    #expect(again.tokens == half.tokens)
    let other = try TrainingStream(sources: [(tunes, 0.5)], vocabulary: vocabulary, seed: 10)
    #expect(other.tokens != half.tokens)

    let oneAndAHalf = try TrainingStream(sources: [(tunes, 1.5)], vocabulary: vocabulary, seed: 9)
    let counts = Dictionary(Self.copies(in: oneAndAHalf, vocabulary).map { ($0, 1) }, uniquingKeysWith: +)
    #expect(oneAndAHalf.tuneCopies == [60])
    #expect(counts.values.filter { $0 == 2 }.count == 20)
    #expect(counts.values.filter { $0 == 1 }.count == 20)
  }

  @Test func balancedWeightsGiveEqualShares() throws {
    #expect(TrainingStream.balancedWeights(tuneCounts: [10, 30, 0]) == [2, 2.0 / 3.0, 0])
    let folk = (0..<10).map { "X:\($0)\nfolk" }
    let pop = (0..<30).map { "X:\($0)\npop" }
    let weights = TrainingStream.balancedWeights(tuneCounts: [folk.count, pop.count])
    let stream = try TrainingStream(
      sources: [(folk, weights[0]), (pop, weights[1])],
      vocabulary: Vocabulary(tunes: folk + pop))
    #expect(stream.tuneCopies == [20, 20])
  }

  @Test func shuffleIsASeededPermutation() throws {
    let folk = (0..<10).map { "X:\($0)\nfolk" }
    let pop = (0..<10).map { "X:\($0)\npop" }
    let vocabulary = Vocabulary(tunes: folk + pop)
    let plain = try TrainingStream(sources: [(folk, 1), (pop, 1)], vocabulary: vocabulary, seed: 5)
    let shuffled = try TrainingStream(sources: [(folk, 1), (pop, 1)], vocabulary: vocabulary, seed: 5, shuffle: true)
    let again = try TrainingStream(sources: [(folk, 1), (pop, 1)], vocabulary: vocabulary, seed: 5, shuffle: true)
    #expect(shuffled.tokens == again.tokens)
    #expect(shuffled.tokens != plain.tokens)
    #expect(Self.copies(in: shuffled, vocabulary).sorted() == Self.copies(in: plain, vocabulary).sorted())
  }

  @Test func streamErrors() {
    let vocabulary = Vocabulary(tunes: ["X:1\nab"])
    #expect(throws: TrainingStreamError.noSources) { _ = try TrainingStream(sources: [], vocabulary: vocabulary) }
    #expect(throws: TrainingStreamError.invalidWeight(source: 1, weight: -1)) {
      _ = try TrainingStream(sources: [(["X:1"], 1), (["X:1"], -1)], vocabulary: vocabulary)
    }
    #expect(throws: TrainingStreamError.self) {
      _ = try TrainingStream(sources: [(["X:1"], .nan)], vocabulary: vocabulary)
    }
    #expect(throws: TrainingStreamError.invalidWeight(source: 0, weight: 1e300)) {
      _ = try TrainingStream(sources: [(["X:1"], 1e300)], vocabulary: vocabulary)
    }
    let long = "X:1\n" + String(repeating: "a", count: 2_200_000)
    #expect(throws: TrainingStreamError.streamTooLarge(tokens: 1000 * (long.utf8.count + 2))) {
      _ = try TrainingStream(sources: [([long], 1000)], vocabulary: vocabulary)
    }
    #expect(throws: TrainingStreamError.emptyStream) {
      _ = try TrainingStream(sources: [(["X:1"], 0)], vocabulary: vocabulary)
    }
    #expect(throws: TrainingStreamError.emptyStream) {
      _ = try TrainingStream(sources: [([], 1)], vocabulary: vocabulary)
    }
    #expect(throws: TrainingStreamError.separatorNotInVocabulary) {
      _ = try TrainingStream(sources: [(["ab"], 1)], vocabulary: Vocabulary(text: "ab"))
    }
    #expect(
      throws: TrainingStreamError.unencodableTune(
        source: 0, tune: 1, error: .unknownSymbol("z", line: 1, column: 3, vocabularySize: vocabulary.count))
    ) {
      _ = try TrainingStream(sources: [(["X:1", "X:z"], 1)], vocabulary: vocabulary)
    }
  }

  // MARK: - SplitMix64

  @Test func splitMix64MatchesTheReferenceSequence() {
    var generator = SplitMix64(seed: 1_234_567)
    let expected: [UInt64] = [
      6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
      4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
    ]
    #expect((0..<5).map { _ in generator.next() } == expected)
    var restored = SplitMix64(seed: 0)
    restored.state = generator.state
    #expect(restored.next() == generator.next())
  }

  @Test func boundedDrawsStayInRangeAndCoverIt() {
    var generator = SplitMix64(seed: 8)
    var seen = [Int](repeating: 0, count: 7)
    for _ in 0..<7000 { seen[generator.nextIndex(below: 7)] += 1 }
    #expect(seen.allSatisfy { $0 > 850 && $0 < 1150 })
    for _ in 0..<1000 {
      let u = generator.nextUnitDouble()
      #expect(u >= 0 && u < 1)
    }
    #expect(generator.nextIndex(below: 1) == 0)
  }
}
