import Foundation
import LSTM
import Testing

@testable import studio

/// `studio train` end to end, in-process: a tiny model on three tunes, resume, and the errors the issue names.
@Suite struct TrainCommandTests {
  private typealias Support = GenerateTestSupport

  /// A settings file for a tiny, fast run whose outputs go under `directory`.
  private static func config(in directory: String, extra: String = "") throws -> String {
    try Support.write(
      """
      data:
        validation_fraction: 0.34
        split: random
      model:
        embedding: 8
        hidden: 16
        layers: 1
        dropout: 0.0
      training:
        batch_size: 4
        sequence_length: 16
        steps: 40
        learning_rate: 0.01
        schedule: constant
        eval_every: 10
        checkpoint_every: 10
        patience: 0
        threads: 1
        run_dir: \(directory)/runs
        models_dir: \(directory)/models
      \(extra)
      """, named: "train.yaml", in: directory)
  }

  private static func train(_ arguments: [String]) throws {
    var command = try Studio.parseAsRoot(["train"] + arguments)
    try command.run()
  }

  @Test func trainsWritesTheModelTrackingFilesAndResumes() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let corpus = try Support.write(Support.threeTunes, named: "tunes.abc", in: dir)
    let config = try Self.config(in: dir)
    try Self.train(["--config", config, "--corpus", corpus, "--name", "tiny", "--steps", "30", "--precision", "fp32"])

    let model = try Checkpoint.read(path: dir + "/models/tiny/model.safetensors")
    #expect(model.hyperparameters.hiddenSize == 16)
    #expect(model.hyperparameters.embeddingSize == 8)
    #expect(model.step == 30)
    #expect(model.validationBPC.map { $0.isFinite && $0 > 0 } == true)

    let shipped = try Support.read(dir + "/models/tiny/config.yaml")
    #expect(shipped.contains("precision: fp32"))
    // The config written beside the model reproduces it: it loads with the strict reader.
    _ = try StudioConfig(text: shipped, path: "config.yaml")

    let metrics = try Support.read(dir + "/runs/tiny/metrics.jsonl").split(separator: "\n")
    #expect(metrics.count >= 3)
    let losses = metrics.compactMap { line -> Double? in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      return (object["train/loss"] ?? object["train_loss"] ?? object["loss"]) as? Double
    }
    #expect(losses.count >= 2)
    if let first = losses.first, let last = losses.last { #expect(last < first, "training loss did not fall") }
    let runFiles = try FileManager.default.contentsOfDirectory(atPath: dir + "/runs/tiny")
    #expect(runFiles.contains { $0.hasPrefix("events.out.tfevents.") })
    #expect(runFiles.contains("loss.svg"))
    #expect(runFiles.contains("checkpoint.safetensors"))
    #expect(!runFiles.contains { $0.hasSuffix(".tmp") })

    // Starting the same run again is refused; --resume continues it to the new step count.
    #expect(throws: StudioFailure.self) {
      try Self.train(["--config", config, "--corpus", corpus, "--name", "tiny", "--steps", "40"])
    }
    try Self.train(["--config", config, "--corpus", corpus, "--name", "tiny", "--steps", "40", "--resume"])
    let resumed = try Checkpoint.read(path: dir + "/runs/tiny/checkpoint.safetensors")
    #expect(resumed.step == 40)
  }

  @Test func emptyCorpusAndCorpusWithoutTunesAreClearErrors() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let config = try Self.config(in: dir)
    let empty = try Support.write("", named: "empty.abc", in: dir)
    let prose = try Support.write("just some words\nand no tunes at all\n", named: "prose.abc", in: dir)
    for corpus in [empty, prose, dir + "/missing.abc"] {
      do {
        try Self.train(["--config", config, "--corpus", corpus, "--name", "x", "--steps", "5"])
        Issue.record("\(corpus): expected an error")
      } catch let failure as StudioFailure {
        #expect(failure.message.contains(URL(fileURLWithPath: corpus).lastPathComponent), "\(failure.message)")
        #expect(failure.exitCode != 0)
      }
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/models/x"))
  }

  @Test func unwritableOutputDirectoryIsAClearError() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let corpus = try Support.write(Support.threeTunes, named: "tunes.abc", in: dir)
    // run_dir below a regular file cannot be created, whoever runs the test.
    try Support.write("a file", named: "blocker", in: dir)
    let config = try Support.write(
      try Support.read(try Self.config(in: dir)).replacingOccurrences(
        of: "run_dir: \(dir)/runs", with: "run_dir: \(dir)/blocker/runs"), named: "blocked.yaml", in: dir)
    do {
      try Self.train(["--config", config, "--corpus", corpus, "--name", "x", "--steps", "5"])
      Issue.record("expected an error for an unwritable run directory")
    } catch let failure as StudioFailure {
      #expect(failure.message.contains("blocker"), "\(failure.message)")
    }
  }

  @Test func precisionSettingResolves() throws {
    #expect(try TrainCommand.precision(configured: "fp32") == .float32)
    let auto = try TrainCommand.precision(configured: "auto")
    #expect(auto == (ComputePrecision.bfloat16Available ? .mixedBFloat16 : .float32))
    if ComputePrecision.bfloat16Available {
      #expect(try TrainCommand.precision(configured: "bf16") == .mixedBFloat16)
    } else {
      #expect(throws: StudioFailure.self) { try TrainCommand.precision(configured: "bf16") }
    }
    let config = try StudioConfig(text: "training:\n  precision: fp32\n", path: "c.yaml")
    #expect(config.training.precision == "fp32")
    #expect(throws: ConfigError.self) { _ = try StudioConfig(text: "training:\n  precision: fp16\n", path: "c.yaml") }
  }
}
