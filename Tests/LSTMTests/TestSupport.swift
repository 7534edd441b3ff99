import Foundation

@testable import LSTM

/// A fresh temporary directory, removed by the caller with `removeDirectory`.
func makeTemporaryDirectory(_ label: String = "lstm") -> String {
  let path = NSTemporaryDirectory() + "studio-\(label)-\(UUID().uuidString)"
  try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

func removeDirectory(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

/// A tiny two-tune corpus as training data (validation: the second tune).
func tinyData(repeats: Int = 20) -> TrainingData {
  let train = Array(repeating: "X:1\nK:D\nABcd efga|", count: repeats).joined(separator: "\n\n")
  let validation = "X:2\nK:D\nABcd efga|"
  let vocabulary = Vocabulary(tunes: [train, validation])
  return TrainingData(
    vocabulary: vocabulary, trainTokens: try! vocabulary.encode(train),
    validationSequences: [try! vocabulary.encode(validation + "\n\n")], corpusFingerprints: ["test"])
}

func tinyModel(_ vocabulary: Vocabulary, hidden: Int = 24, layers: Int = 1, dropout: Double = 0, seed: UInt64 = 1)
  -> LSTMParameters
{
  var rng = SplitMix64(seed: seed)
  return try! LSTMParameters(
    hyperparameters: LSTMHyperparameters(
      vocabularySize: vocabulary.count, embeddingSize: 8, hiddenSize: hidden,
      layers: layers, dropout: dropout),
    initializingWith: &rng)
}

/// The package root (two levels above this file's directory), for reading ../shared/corpora.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

/// `../shared/corpora` relative to the package root, or nil when absent.
var sharedCorporaDirectory: String? {
  let path = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/corpora").path
  return FileManager.default.fileExists(atPath: path) ? path : nil
}
