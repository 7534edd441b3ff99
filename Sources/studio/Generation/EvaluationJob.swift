import Foundation
import LSTM

/// `studio evaluate` from flags to a report: samples tunes with the default generation settings, checks them, and
/// measures novelty and held-out bits per character against the model's training corpus.
///
/// Two sampling passes: `samples` single raw samples (validity of the model's own output, no retries), then
/// `samples` tunes through the generation policy exactly as `studio generate` writes them (acceptance rate, tunes
/// per second, novelty, form and cleanliness). The corpus's form figures (every tune, training and held-out) are
/// cached in `cacheDirectory` under the corpus fingerprint, so only the first evaluation against a corpus pays for
/// them (`abc2midi` runs once per tune).
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
  /// Where the corpus's form figures are cached (`studio evaluate` passes `defaultCacheDirectory()`); `nil` computes
  /// them every time.
  var cacheDirectory: String?
  /// Runs `abc2midi` for the cleanliness figures; `nil` skips that check (with a note).
  var abc2midi: ABC2MIDIChecker? = ABC2MIDIChecker.locate()

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
    let copy = g.copyModel ? CopyModel.load(modelDirectory: (modelPath as NSString).deletingLastPathComponent) : nil
    let settings = GenerationSettings(
      count: samples, sampling: sampling, seed: seed, maxAttempts: 1, raw: true, batch: batch, copy: copy)
    var rawTunes: [GeneratedTune] = []
    _ = try TuneGenerator(model: model, settings: settings).run(
      progress: { progress($0.accepted) }, onTune: { rawTunes.append($0) })
    let validity = ModelEvaluator.validity(of: rawTunes, seed: seed)

    // Tunes as `studio generate` writes them: the generation policy with its retries.
    // Structure-aware sampling as `generate` does it by default (generation.structure, the model's form.json).
    let structure =
      g.structure
      ? GenerationSettings.StructureOptions(
        profile: FormProfile.load(modelDirectory: (modelPath as NSString).deletingLastPathComponent),
        tonicBias: Float(g.tonicBias), repeatBars: g.repeatBars) : nil
    let policy = GenerationSettings(
      count: samples, sampling: sampling, seed: seed, maxAttempts: g.maxAttempts, raw: false, batch: batch,
      structure: structure, copy: copy)
    var tunes: [GeneratedTune] = []
    let (summary, _) = try TuneGenerator(model: model, settings: policy).run(
      progress: { progress(samples + $0.accepted + $0.failed) }, onTune: { tunes.append($0) })
    let generation = ModelEvaluation.Generation(
      requested: summary.requested, accepted: summary.accepted, failed: summary.failed, maxAttempts: g.maxAttempts,
      structure: structure != nil, formProfile: structure?.profile != nil,
      samplesJudged: summary.samplesJudged, acceptanceRate: summary.acceptanceRate, seconds: summary.seconds,
      tunesPerSecond: summary.seconds > 0 ? Double(summary.accepted) / summary.seconds : 0,
      rejectionKinds: summary.rejectionKinds)
    if abc2midi == nil { notes.append("abc2midi is not installed: its cleanliness figure is not measured") }
    let sampleForm = try FormComparison.measure(tunes.map(\.text), abc2midi: abc2midi)
    var corpusForm: FormStatistics?
    var corpusNovelty: ModelEvaluation.Novelty?

    // Novelty and held-out scoring need the corpus.
    var novelty: ModelEvaluation.Novelty?
    var heldOut: ModelEvaluation.HeldOut?
    let source = ModelCorpus(corpusPaths: corpusPaths, config: config)
    let plan = try source.plan(modelPath: modelPath)
    let (corpora, missing) = try source.load(plan, modelPath: modelPath)
    if plan.paths.isEmpty || !missing.isEmpty {
      let what = missing.isEmpty ? "no corpus is configured" : "corpus \(missing.joined(separator: ", ")) not found"
      notes.append("\(what): novelty and validation bits/char not measured (pass --corpus PATH)")
    } else {
      let splits = ModelCorpus.split(corpora, plan)
      let fingerprints = corpora.map(\.fingerprint)
      if !checkpoint.corpusFingerprints.isEmpty && checkpoint.corpusFingerprints != fingerprints {
        notes.append(
          "the model was trained on other data than \(plan.paths.joined(separator: ", ")) (corpus fingerprints differ)")
      }
      notes.append("corpus and split from \(plan.origin)")
      novelty = ModelEvaluator.novelty(of: tunes.map(\.text), training: splits.flatMap(\.train))
      corpusNovelty = ModelEvaluator.novelty(of: splits.flatMap(\.validation), training: splits.flatMap(\.train))
      corpusForm = try corpusFormStatistics(corpora, notes: &notes)
      let scored = try ModelEvaluator.heldOutBitsPerCharacter(
        model: model, tunes: splits.flatMap(\.validation), copy: copy)
      if scored.skipped > 0 {
        notes.append(
          "\(scored.skipped) held-out tunes have characters outside the model's vocabulary and were not scored")
      }
      if scored.characters > 0 {
        heldOut = .init(
          tunes: scored.scoredTunes, characters: scored.characters, bitsPerCharacter: scored.bitsPerCharacter,
          checkpointBitsPerCharacter: checkpoint.validationBPC, barCost: scored.barCost,
          withCopy: scored.withCopy.map { .init(bitsPerCharacter: $0.bitsPerCharacter, barCost: $0.barCost) })
      } else {
        notes.append("the split holds no held-out tune to score")
      }
    }
    let elapsed = ContinuousClock.now - start
    return ModelEvaluation(
      model: modelPath, seed: seed, settings: sampling, validity: validity, generation: generation, novelty: novelty,
      corpusNovelty: corpusNovelty, form: FormComparison(corpus: corpusForm, samples: sampleForm), heldOut: heldOut,
      notes: notes, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
  }

  /// Bumped whenever `TuneForm` or `FormStatistics` count differently, so stale cached corpus figures are ignored.
  static let formVersion = 3

  /// `$XDG_CACHE_HOME/studio`, else `~/.cache/studio`; `nil` without a home directory.
  static func defaultCacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/studio" }
    if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/studio" }
    return nil
  }

  /// The form figures of every tune of `corpora`, from the cache when it holds them for this corpus text, this
  /// analysis version and this `abc2midi` choice; computed (and cached) otherwise.
  func corpusFormStatistics(_ corpora: [TuneCorpus], notes: inout [String]) throws -> FormStatistics {
    let tunes = corpora.flatMap(\.tunes)
    let key = TuneCorpus.fingerprint(of: tunes).prefix(24)
    let name = "corpus-form-v\(Self.formVersion)-\(key)\(abc2midi == nil ? "" : "-abc2midi").json"
    let path = cacheDirectory.map { $0 + "/evaluate/" + name }
    if let path, let data = FileManager.default.contents(atPath: path),
      let cached = try? JSONDecoder().decode(FormStatistics.self, from: data), cached.tunes == tunes.count
    {
      notes.append("corpus form figures from the cache \(path)")
      return cached
    }
    let statistics = try FormComparison.measure(tunes, abc2midi: abc2midi)
    if let path {
      do {
        try FileManager.default.createDirectory(
          atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try JSONEncoder().encode(statistics).write(to: URL(fileURLWithPath: path), options: .atomic)
      } catch {
        notes.append("could not cache the corpus form figures at \(path): \(error.localizedDescription)")
      }
    }
    return statistics
  }
}
