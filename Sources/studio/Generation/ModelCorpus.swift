import Foundation
import LSTM

/// The corpus a model was trained on and its split: `--corpus` (split by `data:` of the config in use), else the
/// `config.yaml` that `studio train` writes beside the model (`models/NAME/config.yaml`: the corpora, weights and
/// split it trained on; relative paths are tried from the current directory, then from the directory holding
/// `models/`), else the `data:` section of the config in use. Used by `studio evaluate` (novelty, held-out score)
/// and `studio corpus copy-model` (fitting on the training tunes).
struct ModelCorpus {
  var corpusPaths: [String]
  var config: StudioConfig

  /// Where the corpus and split come from.
  struct Plan {
    var paths: [String]
    var data: DataConfig
    var origin: String
  }

  func plan(modelPath: String) throws -> Plan {
    if !corpusPaths.isEmpty {
      return Plan(paths: corpusPaths, data: config.data, origin: "--corpus and the data: settings in use")
    }
    let beside = URL(fileURLWithPath: modelPath).deletingLastPathComponent().appendingPathComponent("config.yaml").path
    if FileManager.default.fileExists(atPath: beside) {
      let trained = try StudioConfig(contentsOf: beside)
      return Plan(paths: trained.data.corpora, data: trained.data, origin: beside)
    }
    return Plan(
      paths: config.data.corpora, data: config.data,
      origin: "the data: section of \(config.sourcePath ?? "the built-in defaults")")
  }

  /// The corpora of `plan` that exist, and the paths that do not.
  func load(_ plan: Plan, modelPath: String) throws -> (corpora: [TuneCorpus], missing: [String]) {
    var corpora: [TuneCorpus] = []
    var missing: [String] = []
    for path in plan.paths {
      guard let found = Self.existing(path, modelPath: modelPath) else {
        missing.append(path)
        continue
      }
      corpora.append(try TuneCorpus.loadForCLI(paths: [found]))
    }
    return (corpora, missing)
  }

  /// Each corpus split as `studio train` splits it.
  static func split(_ corpora: [TuneCorpus], _ plan: Plan) -> [DatasetSplit] {
    let method: SplitMethod = plan.data.split == "random" ? .seededRandom : .everyTenth
    return corpora.map {
      DatasetSplit.split(
        $0.tunes, validationFraction: plan.data.validationFraction, seed: UInt64(bitPattern: Int64(plan.data.seed)),
        method: method)
    }
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
