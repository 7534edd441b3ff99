import ArgumentParser
import Foundation
import LSTM
import Testing

@testable import studio

/// `studio evaluate`: the novelty index, held-out bits per character, validity counting.
@Suite struct GenerateEvaluateTests {
  typealias Support = GenerateTestSupport

  /// Longest common substring by dynamic programming (the reference for the suffix automaton).
  func bruteForce(_ query: [Unicode.Scalar], _ tunes: [[Unicode.Scalar]]) -> Int {
    var best = 0
    for tune in tunes {
      var previous = [Int](repeating: 0, count: tune.count + 1)
      for q in query {
        var current = [Int](repeating: 0, count: tune.count + 1)
        for (j, t) in tune.enumerated() where q == t {
          current[j + 1] = previous[j] + 1
          best = max(best, current[j + 1])
        }
        previous = current
      }
    }
    return best
  }

  @Test func noveltyIndexFindsTheLongestSharedRunWithinOneTune() {
    var generator = SplitMix64(seed: 99)
    let alphabet: [Unicode.Scalar] = ["a", "b", "c", "|", "\n", "é"]
    func randomText(_ maxLength: Int) -> String {
      var s = String.UnicodeScalarView()
      for _ in 0..<generator.nextIndex(below: maxLength + 1) {
        s.append(alphabet[generator.nextIndex(below: alphabet.count)])
      }
      return String(s)
    }
    for _ in 0..<200 {
      let tunes = (0..<(1 + generator.nextIndex(below: 4))).map { _ in randomText(30) }
      let query = randomText(30)
      let match = NoveltyIndex(tunes: tunes).longestMatch(in: query)
      #expect(match.length == bruteForce(Array(query.unicodeScalars), tunes.map { Array($0.unicodeScalars) }))
      if match.length > 0, let index = match.tuneIndex {
        let scalars = Array(query.unicodeScalars)[match.queryOffset..<(match.queryOffset + match.length)]
        #expect(tunes[index].contains(String(String.UnicodeScalarView(scalars))))
      }
    }
  }

  @Test func matchesNeverSpanTwoTunes() {
    let index = NoveltyIndex(tunes: ["abcd", "efgh"])
    #expect(index.longestMatch(in: "cdef").length == 2)
    #expect(index.longestMatch(in: "xxefghxx") == .init(length: 4, tuneIndex: 1, queryOffset: 2))
    #expect(index.longestMatch(in: "zzz") == .init(length: 0, tuneIndex: nil, queryOffset: 0))
  }

  @Test func noveltyOfTheIrishCorpusAgainstItself() throws {
    guard let corpora = Support.corporaDirectory(for: "noveltyOfTheIrishCorpusAgainstItself") else { return }
    let tunes = try TuneCorpus.load(paths: [corpora + "/irish.abc"]).tunes
    let split = DatasetSplit.split(tunes, validationFraction: 0.1, seed: 0, method: .everyTenth)
    // Held-out tunes against the training tunes: real tunes are novel by this measure almost always…
    let heldOut = ModelEvaluator.novelty(of: split.validation, training: split.train)
    #expect(heldOut.samples == 80)
    #expect(heldOut.shareNovel > 0.8, "\(heldOut.novel) of 80")
    // …and a training tune is never novel against itself.
    let copies = ModelEvaluator.novelty(of: Array(split.train.prefix(20)), training: split.train)
    #expect(copies.novel == 0)
    #expect(copies.medianLongestRun >= 100)
  }

  @Test func heldOutScoringMatchesTheModelsOwnLogits() throws {
    let checkpoint = GenerateTestModels.memorised
    let model = try LanguageModel(checkpoint: checkpoint, threads: 1)
    let tunes = GenerateTestModels.tunes + ["X:3\nT:Test\nK:G\nGABc|"]
    // Reference: -log p of every character after the first of tune + "\n\n", from logits(for:).
    var nats = 0.0
    var characters = 0
    for tune in tunes {
      let text = tune + "\n\n"
      let ids = try checkpoint.vocabulary.encode(text)
      let logits = try model.logits(for: text)
      for position in 0..<(ids.count - 1) {
        let row = logits[position].map(Double.init)
        let top = row.max() ?? 0
        let logSum = top + log(row.reduce(0) { $0 + exp($1 - top) })
        nats += logSum - row[Int(ids[position + 1])]
        characters += 1
      }
    }
    let batched = try ModelEvaluator.heldOutBitsPerCharacter(
      model: model, tunes: tunes + ["X:4\nT:Ünknown\nK:G\nG|"], batch: 2)
    #expect(batched.characters == characters)
    #expect(batched.skipped == 1)
    #expect(abs(batched.bitsPerCharacter - nats / Double(characters) / log(2)) < 1e-6)
  }

  @Test func evaluateMeasuresAMemorisingModelAsValidButNotNovel() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try GenerateTestModels.save(GenerateTestModels.memorised, in: dir + "/models")
    let corpus = try Support.write(GenerateTestModels.tunes.joined(separator: "\n\n") + "\n", named: "c.abc", in: dir)
    var config = StudioConfig()
    config.generation.temperature = 0.5
    config.data.validationFraction = 0.5
    config.data.split = "random"
    let job = EvaluationJob(modelName: model, samples: 6, seed: 3, corpusPaths: [corpus], batch: 4, config: config)
    let evaluation = try job.run()
    #expect(evaluation.validity.samples == 6)
    #expect(evaluation.validity.withoutErrors >= 5, "\(evaluation.validity)")
    let novelty = try #require(evaluation.novelty)
    #expect(novelty.trainingTunes == 1)
    #expect(novelty.maximumLongestRun >= 30, "a memorising model copies its training tune")
    let heldOut = try #require(evaluation.heldOut)
    #expect(heldOut.tunes == 1)
    #expect(heldOut.bitsPerCharacter.isFinite && heldOut.bitsPerCharacter > 0)
    #expect(evaluation.text.contains("validity: "))
    #expect(try GenerationJSON.pretty(evaluation).contains("\"shareWithoutErrors\""))

    // Through the CLI: a missed target is exit status 1.
    #expect(throws: ExitCode(1)) {
      try Support.runStudio(["evaluate", "--model", model, "--samples", "4", "--corpus", corpus, "--format", "json"])
    }
  }

  @Test func evaluateWithoutTheCorpusSaysSo() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try GenerateTestModels.save(GenerateTestModels.memorised, in: dir + "/models")
    // A configured corpus that is missing gives a note; a missing --corpus is an error (exit status 2, issue 13).
    var config = StudioConfig()
    config.data.corpora = [dir + "/absent.abc"]
    let job = EvaluationJob(modelName: model, samples: 2, seed: 1, corpusPaths: [], batch: 2, config: config)
    let evaluation = try job.run()
    #expect {
      try EvaluationJob(
        modelName: model, samples: 2, seed: 1, corpusPaths: [dir + "/absent.abc"], batch: 2, config: StudioConfig()
      ).run()
    } throws: { ($0 as? StudioFailure)?.exitCode == 2 }
    #expect(evaluation.novelty == nil)
    #expect(evaluation.heldOut == nil)
    #expect(
      evaluation.notes.contains {
        $0.contains("not found") && $0.contains("novelty and validation bits/char not measured")
      })
  }

  @Test func evaluateReadsTheCorpusFromTheConfigBesideTheModel() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try GenerateTestModels.save(GenerateTestModels.memorised, in: dir + "/models")
    try Support.write(GenerateTestModels.tunes.joined(separator: "\n\n") + "\n", named: "c.abc", in: dir)
    // As `studio train` writes it: corpus paths relative to the directory holding models/.
    try Support.write(
      "data:\n  corpora: [\"c.abc\"]\n  validation_fraction: 0.5\n  split: random\n  seed: 1\n",
      named: "models/tiny/config.yaml",
      in: dir)
    let job = EvaluationJob(modelName: model, samples: 2, seed: 1, corpusPaths: [], batch: 2, config: StudioConfig())
    let evaluation = try job.run()
    #expect(evaluation.novelty?.trainingTunes == 1)
    #expect(evaluation.notes.contains { $0.contains("models/tiny/config.yaml") })
  }
}
