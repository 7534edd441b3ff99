import Foundation
import Testing

@testable import LSTM

@Suite(
  .tags(.corpus),
  .enabled(
    if: sharedCorporaDirectory != nil,
    "../shared/corpora not found next to the package; corpus tests skipped"))
struct CorpusTrainingTests {
  /// studio prepares irish.abc exactly as torch_lstm_bench.py does (804 tunes; 724 training tunes giving 177,149
  /// training characters; 80 validation tunes; 83 symbols), so bits/char and tokens/s compare.
  @Test func irishDataMatchesThePyTorchBaselineConventions() throws {
    let corpus = try TuneCorpus.load(paths: [try #require(sharedCorporaDirectory) + "/irish.abc"])
    let data = try TrainingData.make(corpora: [(corpus, 1)], validationFraction: 0.1, splitMethod: .everyTenth, seed: 1)
    #expect(corpus.tunes.count == 804)
    #expect(data.vocabulary.count == 83)
    #expect(data.trainTokens.count == 177_149)
    #expect(data.validationSequences.count == 80)
  }

  /// A few dozen steps on irish.abc lower the validation bits/char well below the untrained ~6.4 (log2 83).
  @Test func shortTrainingOnIrishLearns() throws {
    let corpus = try TuneCorpus.load(paths: [try #require(sharedCorporaDirectory) + "/irish.abc"])
    let data = try TrainingData.make(corpora: [(corpus, 1)], validationFraction: 0.1, splitMethod: .everyTenth, seed: 1)
    var options = TrainingOptions()
    options.batchSize = 16
    options.sequenceLength = 64
    options.maxSteps = 80
    options.learningRate = 1e-2
    options.evaluateEvery = 0
    let trainer = try Trainer(parameters: tinyModel(data.vocabulary, hidden: 64), data: data, options: options)
    let before = try trainer.evaluate().bitsPerCharacter
    let summary = try trainer.train()
    #expect(before > 6)
    #expect(try #require(summary.bestValidationBPC) < 4.0)
  }
}

@Suite struct TrainingRunTests {
  /// A run directory that cannot be created is a clear error naming it.
  @Test func unwritableRunDirectoryIsAnError() throws {
    let directory = makeTemporaryDirectory("run")
    defer { removeDirectory(directory) }
    let blocker = directory + "/file"
    _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
    let error = #expect(throws: CheckpointError.self) { try TrainingRun(directory: blocker + "/runs/x").prepare() }
    #expect(error?.description.contains(blocker) == true)
    let inTheWay = #expect(throws: CheckpointError.self) { try TrainingRun(directory: blocker).prepare() }
    #expect(inTheWay?.description.contains("a file is in the way") == true)
  }
}
