import Foundation
import LSTM

@testable import studio

/// Tiny models the generate and evaluate tests build themselves (no shipped model is needed).
enum GenerateTestModels {
  /// Two short tunes that pass the generated-tune rejection policy (balanced repeats, 4 bars, closing bar line).
  static let tunes = [
    "X:1\nT:Test Reel\nM:4/4\nL:1/8\nK:G Major\n|:GABc d2B2|c2A2 B2G2|GABc d2B2|A2F2 G4:|",
    "X:2\nT:Test Jig\nM:6/8\nL:1/8\nK:D Major\n|:DFA dAF|GBd gdB|AFD EFG|FDD D3:|",
  ]

  /// A model whose logits ignore the input: every weight is 0, so `h = 0` and the logits are `fc.bias`.
  /// (Gates are all 0 → i = f = o = ½, g = tanh 0 = 0, so the cell and hidden state stay 0.)
  static func fixedLogits(symbols: [String], logits: [Float]) throws -> Checkpoint {
    precondition(symbols.count == logits.count)
    let h = LSTMHyperparameters(vocabularySize: symbols.count, embeddingSize: 2, hiddenSize: 2, layers: 1)
    let layout = ParameterLayout(h)
    var values = [Float](repeating: 0, count: layout.totalCount)
    let bias = try requireEntry(layout, "fc.bias")
    for (i, z) in logits.enumerated() { values[bias.offset + i] = z }
    return Checkpoint(
      parameters: try LSTMParameters(hyperparameters: h, values: values), vocabulary: Vocabulary(symbols: symbols))
  }

  /// A small LSTM trained until it has memorised `tunes` (the stream `tune1\n\ntune2\n\ntune1…`), so that sampling
  /// at moderate temperature reproduces valid tunes. Deterministic (fixed seeds); about a second.
  static let memorised: Checkpoint = {
    let vocabulary = Vocabulary(tunes: tunes)
    let stream = Array(repeating: tunes.joined(separator: "\n\n"), count: 8).joined(separator: "\n\n")
    // swift-format-ignore
    let tokens = try! vocabulary.encode(stream)
    let validation = tunes.compactMap { try? vocabulary.encode($0 + "\n\n") }
    let data = TrainingData(vocabulary: vocabulary, trainTokens: tokens, validationSequences: validation)
    let h = LSTMHyperparameters(vocabularySize: vocabulary.count, embeddingSize: 16, hiddenSize: 64, layers: 1)
    var generator = SplitMix64(seed: 2024)
    var options = TrainingOptions()
    options.batchSize = 16
    options.sequenceLength = 64
    options.learningRate = 0.01
    options.maxSteps = 400
    options.evaluateEvery = 0
    options.seed = 7
    options.threads = 1
    // swift-format-ignore
    let trainer = try! Trainer(
      parameters: try! LSTMParameters(hyperparameters: h, initializingWith: &generator), data: data, options: options)
    for _ in 0..<options.maxSteps { _ = try! trainer.trainStep() }
    return trainer.checkpoint()
  }()

  /// Writes `checkpoint` as `directory/name/model.safetensors` and returns the file's path.
  static func save(_ checkpoint: Checkpoint, in directory: String, name: String = "tiny") throws -> String {
    let folder = directory + "/" + name
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/model.safetensors"
    try checkpoint.write(to: path, dtype: .f32)
    return path
  }
}

/// Looks up a layout entry or fails with a message naming it.
private func requireEntry(_ layout: ParameterLayout, _ name: String) throws -> ParameterLayout.Entry {
  guard let entry = layout.entry(named: name) else {
    throw NSError(domain: "GenerateTestModels", code: 1, userInfo: [NSLocalizedDescriptionKey: "no tensor \(name)"])
  }
  return entry
}
