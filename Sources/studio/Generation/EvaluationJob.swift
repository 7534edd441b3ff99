import Foundation
import LSTM

/// `studio evaluate` from flags to a report: samples tunes with the default generation settings, checks them, and
/// measures novelty and held-out bits per character against the model's training corpus.
///
/// The corpus and its split: `--corpus` (split by `data:` of the config in use), else the `config.yaml` that
/// `studio train` writes beside the model (`models/NAME/config.yaml`: the corpora, weights and split it trained on;
/// relative paths are tried from the current directory, then from the directory holding `models/`), else the
/// `data:` section of the config in use.
struct EvaluationJob {
  var modelName: String
  var samples: Int
  var seed: UInt64
  var corpusPaths: [String]
  var batch: Int
  /// Worker threads of the model's per-character products.
  var threads: Int = 1
  var config: StudioConfig

  /// Where the corpus and split come from.
  struct CorpusPlan {
    var paths: [String]
    var data: DataConfig
    var origin: String
  }

  func run(progress: (Int) -> Void = { _ in }) throws -> ModelEvaluation {
    let start = ContinuousClock.now
    // A corpus named on the command line must exist: checked before the long sampling, and an error (exit 2),
    // not a note.
    for path in corpusPaths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw StudioFailure("cannot read the corpus \(path): no such file or directory")
      }
      if !isDirectory.boolValue { try InputFile.requireRegular(path, what: "the corpus") }
    }
    let modelPath = try ModelLocator.resolve(modelName, modelsDirectory: config.training.modelsDirectory)
    let checkpoint = try Checkpoint.read(path: modelPath)
    let model = try LanguageModel(checkpoint: checkpoint, threads: threads)
    let g = config.generation
    let sampling = SamplingOptions(
      temperature: g.temperature, topK: g.topK, topP: g.topP, maxCharacters: g.maxCharacters)
    var notes: [String] = []

    // Validity: one sample per tune, no retries.
    let settings = GenerationSettings(
      count: samples, sampling: sampling, seed: seed, maxAttempts: 1, raw: true, batch: batch)
    var tunes: [GeneratedTune] = []
    _ = try TuneGenerator(model: model, settings: settings).run(
      progress: { progress($0.accepted) }, onTune: { tunes.append($0) })
    let validity = ModelEvaluator.validity(of: tunes, seed: seed)

    // Novelty and held-out scoring need the corpus.
    var novelty: ModelEvaluation.Novelty?
    var heldOut: ModelEvaluation.HeldOut?
    let plan = try corpusPlan(modelPath: modelPath)
    var corpora: [TuneCorpus] = []
    var missing: [String] = []
    for path in plan.paths {
      guard let found = Self.existing(path, modelPath: modelPath) else {
        missing.append(path)
        continue
      }
      corpora.append(try TuneCorpus.loadForCLI(paths: [found]))
    }
    if plan.paths.isEmpty || !missing.isEmpty {
      let what = missing.isEmpty ? "no corpus is configured" : "corpus \(missing.joined(separator: ", ")) not found"
      notes.append("\(what): novelty and validation bits/char not measured (pass --corpus PATH)")
    } else {
      let method: SplitMethod = plan.data.split == "random" ? .seededRandom : .everyTenth
      let splits = corpora.map {
        DatasetSplit.split(
          $0.tunes, validationFraction: plan.data.validationFraction, seed: UInt64(bitPattern: Int64(plan.data.seed)),
          method: method)
      }
      let fingerprints = corpora.map(\.fingerprint)
      if !checkpoint.corpusFingerprints.isEmpty && checkpoint.corpusFingerprints != fingerprints {
        notes.append(
          "the model was trained on other data than \(plan.paths.joined(separator: ", ")) (corpus fingerprints differ)")
      }
      notes.append("corpus and split from \(plan.origin)")
      novelty = ModelEvaluator.novelty(of: tunes.map(\.text), training: splits.flatMap(\.train))
      let scored = try ModelEvaluator.heldOutBitsPerCharacter(model: model, tunes: splits.flatMap(\.validation))
      if scored.skipped > 0 {
        notes.append(
          "\(scored.skipped) held-out tunes have characters outside the model's vocabulary and were not scored")
      }
      if scored.characters > 0 {
        heldOut = .init(
          tunes: scored.scoredTunes, characters: scored.characters, bitsPerCharacter: scored.bitsPerCharacter,
          checkpointBitsPerCharacter: checkpoint.validationBPC)
      } else {
        notes.append("the split holds no held-out tune to score")
      }
    }
    let elapsed = ContinuousClock.now - start
    return ModelEvaluation(
      model: modelPath, seed: seed, settings: sampling, validity: validity, novelty: novelty, heldOut: heldOut,
      notes: notes, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
  }

  /// The corpora to compare with and how they were split.
  func corpusPlan(modelPath: String) throws -> CorpusPlan {
    if !corpusPaths.isEmpty {
      return CorpusPlan(paths: corpusPaths, data: config.data, origin: "--corpus and the data: settings in use")
    }
    let beside = URL(fileURLWithPath: modelPath).deletingLastPathComponent().appendingPathComponent("config.yaml").path
    if FileManager.default.fileExists(atPath: beside) {
      let trained = try StudioConfig(contentsOf: beside)
      return CorpusPlan(paths: trained.data.corpora, data: trained.data, origin: beside)
    }
    return CorpusPlan(
      paths: config.data.corpora, data: config.data,
      origin: "the data: section of \(config.sourcePath ?? "the built-in defaults")")
  }

  /// `path` as given when it exists, else relative to the directory that holds the model's `models/` folder.
  static func existing(_ path: String, modelPath: String) -> String? {
    if FileManager.default.fileExists(atPath: path) { return path }
    guard !path.hasPrefix("/") else { return nil }
    // models/NAME/model.safetensors → the directory holding models/.
    let root = URL(fileURLWithPath: modelPath).standardizedFileURL.deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent()
    let candidate = root.appendingPathComponent(path).standardizedFileURL.path
    return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
  }
}
