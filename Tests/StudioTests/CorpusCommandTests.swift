import Foundation
import LSTM
import Testing

@testable import studio

@Suite struct CorpusCommandTests {
  typealias Support = GenerateTestSupport

  @Test func statsCountTunesKeysMetersAndLengths() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = try Support.write(Support.threeTunes, named: "three.abc", in: dir)
    let stats = CorpusStatistics(corpus: try TuneCorpus.load(paths: [path]))
    #expect(stats.tunes == 3)
    #expect(stats.files == [.init(path: path, tunes: 3)])
    #expect(stats.keys.map(\.value) == ["A Dorian", "D Major", "G Major"])
    #expect(stats.meters == [.init(value: "C|", tunes: 2), .init(value: "6/8", tunes: 1)])
    #expect(stats.tunesWithoutKey == 0)
    #expect(stats.duplicateTunes == 0)
    let tunes = TuneCorpus.tunes(in: Support.threeTunes)
    #expect(stats.characters == tunes.joined(separator: "\n\n").unicodeScalars.count)
    #expect(stats.tuneCharacters.max == tunes.map { $0.unicodeScalars.count }.max())
    #expect(stats.tuneLines.min == 6)  // the second tune: five header lines and one of music
    #expect(stats.vocabularySize == Vocabulary(tunes: tunes).count)
    let text = stats.text()
    #expect(text.contains("tunes:       3"))
    #expect(text.contains("keys:        3 distinct: A Dorian 1, D Major 1, G Major 1"))
    // The CLI runs end to end on the file, in both formats.
    try Support.runStudio(["corpus", "stats", path])
    try Support.runStudio(["corpus", "stats", path, "--format", "json"])
  }

  @Test func statsOfMissingFileIsAClearError() throws {
    // A path that cannot be read is an I/O error (exit status 2), named.
    #expect {
      try Support.runStudio(["corpus", "stats", "/nonexistent/x.abc"])
    } throws: { error in
      let failure = error as? StudioFailure
      return failure?.exitCode == 2 && failure?.message == "/nonexistent/x.abc: no such file or directory"
    }
  }

  @Test func mergeWeightsRepeatAndDedupeDropsCopies() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let a = try Support.write(Support.threeTunes, named: "a.abc", in: dir)
    // b holds one new tune and a copy of "First Reel" under another X: number and with other spacing.
    let copy = TuneCorpus.tunes(in: Support.threeTunes)[0].replacingOccurrences(of: "X:1", with: "X:9")
      .replacingOccurrences(of: "DFAd|", with: "DFAd |")
    let b = try Support.write(
      "X:4\nT:Fourth\nM:3/4\nL:1/8\nK:C Major\nC2E2G2|c6|]\n\n" + copy + "\n", named: "b.abc", in: dir)
    let out = dir + "/merged.abc"
    try Support.runStudio(["corpus", "merge", a, b, "-o", out, "--weights", "2,1"])
    let merged = try TuneCorpus.load(paths: [out])
    #expect(merged.tunes.count == 3 * 2 + 2)
    // Weight 2 writes corpus a twice, in order, then b.
    #expect(Array(merged.tunes[0..<3]) == Array(merged.tunes[3..<6]))

    let deduped = dir + "/deduped.abc"
    try Support.runStudio(["corpus", "merge", a, b, "-o", deduped, "--dedupe", "--renumber"])
    let tunes = try TuneCorpus.load(paths: [deduped]).tunes
    #expect(tunes.count == 4)
    #expect(tunes.map { $0.split(separator: "\n")[0] } == ["X:1", "X:2", "X:3", "X:4"])
    #expect(tunes[3].contains("T:Fourth"))
  }

  @Test func mergeWithFractionalWeightIsSeededAndDeterministic() {
    let tunes = (1...10).map { "X:\($0)\nT:T\($0)\nK:C\nC|" }
    let first = CorpusTools.merge([tunes], weights: [0.5], dedupe: false, renumber: false, shuffle: false, seed: 3)
    let again = CorpusTools.merge([tunes], weights: [0.5], dedupe: false, renumber: false, shuffle: false, seed: 3)
    let other = CorpusTools.merge([tunes], weights: [0.5], dedupe: false, renumber: false, shuffle: false, seed: 4)
    #expect(first.tunes.count == 5)
    #expect(Set(first.tunes).count == 5)
    #expect(first == again)
    #expect(first.tunes != other.tunes)
    let shuffled = CorpusTools.merge([tunes], weights: [1], dedupe: false, renumber: false, shuffle: true, seed: 3)
    #expect(shuffled.tunes.sorted() == tunes.sorted())
    #expect(shuffled.tunes != tunes)
  }

  @Test func mergeRejectsWrongWeightCount() {
    #expect(throws: (any Error).self) {
      try Support.runStudio(["corpus", "merge", "a.abc", "b.abc", "-o", "x.abc", "--weights", "1"])
    }
    #expect(throws: (any Error).self) {
      try Support.runStudio(["corpus", "merge", "a.abc", "-o", "x.abc", "--weights", "-1"])
    }
  }

  @Test func splitWritesTrainAndValidationFilesByWholeTune() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let text = (1...20).map { "X:\($0)\nT:Tune \($0)\nM:4/4\nL:1/8\nK:G\nGABc dedB|" }.joined(separator: "\n\n") + "\n"
    let path = try Support.write(text, named: "twenty.abc", in: dir)
    try Support.runStudio(["corpus", "split", path, "--val", "0.25", "--seed", "5"])
    let train = try TuneCorpus.load(paths: [dir + "/twenty.train.abc"]).tunes
    let validation = try TuneCorpus.load(paths: [dir + "/twenty.val.abc"]).tunes
    #expect(validation.count == 5)
    #expect(train.count == 15)
    #expect(Set(train + validation) == Set(TuneCorpus.tunes(in: text)))
    // Same seed, same split; existing files are kept unless --force.
    #expect(throws: StudioFailure.self) {
      try Support.runStudio(["corpus", "split", path, "--val", "0.25", "--seed", "5"])
    }
    let out = dir + "/again"
    try Support.runStudio(["corpus", "split", path, "--val", "0.25", "--seed", "5", "--out-dir", out])
    #expect(try Support.read(out + "/twenty.val.abc") == Support.read(dir + "/twenty.val.abc"))
    try Support.runStudio(["corpus", "split", path, "--method", "every-tenth", "--force"])
    #expect(try TuneCorpus.load(paths: [dir + "/twenty.val.abc"]).tunes.count == 2)
  }

  @Test func cleanDropsTunesWithErrorsAndNormalisesWhitespace() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // Tune 2 has no K: line (ABC005, an error); CRLF line ends, a tab and trailing spaces get normalised.
    let text =
      "X:1\r\nT:Good\r\nM:4/4\r\nL:1/8\r\nK:G\r\nGABc\td2B2|   \r\n\r\n\r\n"
      + "X:2\r\nT:No key\r\nM:4/4\r\nL:1/8\r\n\r\n"
      + "X:3\r\nT:Also good\r\nM:3/4\r\nL:1/8\r\nK:D\r\nd2 f2 a2|]\r\n"
    let path = try Support.write(text, named: "dirty.abc", in: dir)
    let result = CorpusTools.clean(text: text, path: path)
    #expect(result.kept.count == 2)
    #expect(result.kept[0] == "X:1\nT:Good\nM:4/4\nL:1/8\nK:G\nGABc d2B2|")
    let dropped = try #require(result.dropped.first)
    #expect(result.dropped.count == 1)
    #expect(dropped.index == 1)
    #expect(dropped.title == "No key")
    // The message names the file and a line inside tune 2 (lines 9-12 of the input).
    #expect(dropped.firstError.hasPrefix(path + ":"))
    let line = Int(dropped.firstError.dropFirst(path.count + 1).prefix { $0.isNumber }) ?? 0
    #expect((9...12).contains(line))
    #expect(dropped.firstError.contains("ABC005"))

    let out = dir + "/clean.abc"
    try Support.runStudio(["corpus", "clean", path, "-o", out])
    #expect(try Support.read(out) == CorpusTools.fileText(result.kept))
  }

  @Test func tuneStartLinesCountEveryLineBreakKind() {
    #expect(CorpusTools.tuneStartLines(in: "X:1\nK:C\n\nX:2\r\nK:D\r\rX:3\n") == [1, 4, 7])
    #expect(CorpusTools.tuneStartLines(in: "\u{FEFF}X:1\n") == [1])
  }

  @Test func fetchRejectsUnknownCorpusNames() {
    #expect(throws: StudioFailure.self) { try Support.runStudio(["corpus", "fetch", "klezmer", "-o", "/tmp"]) }
  }
}
