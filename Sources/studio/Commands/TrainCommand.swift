import ArgumentParser
import Dispatch
import Foundation
import LSTM
import Synchronization

/// `studio train`: trains a character-level LSTM on ABC corpora.
///
/// Writes `runs/NAME/` while training (`checkpoint.safetensors` + `trainer-state.safetensors` for `--resume`,
/// `best.safetensors`, `metrics.jsonl`, TensorBoard events, `loss.svg`) and, at the end, ships the best model (lowest
/// validation bits/char) as `models/NAME/model.safetensors` (float16 by default, `training.export_dtype`) next to
/// `models/NAME/config.yaml`, the settings that reproduce the run.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a character-level LSTM on ABC tunes.",
    discussion: """
      Examples:
        studio train --corpus ../shared/corpora/irish.abc --name irish --time-budget 10m
        studio train --corpus a.abc --corpus b/ --weights 1,2 --name mix --steps 5000
        studio train --name irish --resume

      Settings come from config.yaml sections model, training, data and tracking; flags override them. \
      --steps alone trains that many steps (no time budget); --time-budget alone trains until the budget is spent \
      (no step limit); both: whichever comes first. Training also stops early after training.patience validations \
      without improvement. Ctrl-C, SIGTERM or SIGHUP saves a checkpoint and exits (a second one quits at once); \
      --resume continues it exactly. A save is atomic as a pair (the previous checkpoint and trainer state are kept \
      until the new ones are complete), so even a kill -9 leaves a resumable run. The run directory is locked \
      (flock) while training: a second `train` of the same --name is refused.

      Limits: --threads 1…64; each weight 0…1000.

      Exit status: 0 success, 1 problems found in the corpus (no tunes, invalid UTF-8), 2 usage or I/O error \
      (missing corpus, unwritable run directory, run locked), 130 interrupted (after saving).

      Output: runs/NAME/ (checkpoints, metrics.jsonl, TensorBoard events, loss.svg) and \
      models/NAME/model.safetensors (the best model by validation bits/char) with models/NAME/config.yaml and \
      models/NAME/form.json (the corpus's part lengths, parts and meters, for structure-aware sampling) and \
      models/NAME/copy.json (the copy model that lets tunes restate their own bars, fitted on training tunes).
      """)

  @OptionGroup var global: GlobalOptions

  @Option(
    name: .customLong("corpus"),
    help: ArgumentHelp(
      "ABC file or directory (repeat for several corpora).",
      valueName: "path"))
  var corpora: [String] = []

  @Option(help: ArgumentHelp("Mixing weight per corpus, comma-separated (e.g. 1,2).", valueName: "w1,w2,..."))
  var weights: String?

  @Option(help: "Run name: runs/NAME and models/NAME (default: the corpus file names).")
  var name: String?

  @Option(help: "Optimizer steps in total.")
  var steps: Int?

  @Option(help: ArgumentHelp("Wall-clock budget, e.g. 90s, 10m, 1h30m.", valueName: "duration"))
  var timeBudget: String?

  @Flag(help: "Continue runs/NAME from its last checkpoint.")
  var resume = false

  @Option(help: "Seed for initialisation, window order and dropout.")
  var seed: Int?

  @Option(help: "Worker threads, 1…64 (default: training.threads).")
  var threads: Int?

  @Option(
    help: "Training arithmetic: fp32, or bf16 (mixed precision, needs AVX512_BF16). Default: bf16 where available.")
  var precision: ComputePrecision?

  func validate() throws {
    if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    if let timeBudget, (try? parseDuration(timeBudget)) == nil {
      throw ValidationError("--time-budget \(timeBudget) is not a duration; use e.g. 90s, 10m or 1h30m")
    }
    try Limits.check("--threads", threads, in: Limits.threads)
    if precision == .mixedBFloat16, !ComputePrecision.bfloat16Available {
      throw ValidationError("--precision bf16 needs a CPU with AVX512_BF16; use --precision fp32")
    }
    if let name,
      name.isEmpty || name.contains("/") || name.hasPrefix(".")
        || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    {
      throw ValidationError("--name must be a plain name (no '/', no control characters such as a newline, not starting with '.')")
    }
  }

  func run() throws {
    let config = try global.loadConfig()
    let plan = try TrainingPlan(command: self, config: config)
    try plan.execute(verbose: global.verbose)
  }
}

extension TrainCommand {
  /// Resolves `training.precision`: `auto` picks bf16 mixed precision where the CPU has AVX512_BF16, else fp32.
  static func precision(configured: String) throws -> ComputePrecision {
    switch configured {
    case "fp32": return .float32
    case "bf16":
      guard ComputePrecision.bfloat16Available else {
        throw StudioFailure(
          "training.precision is bf16, but this CPU has no AVX512_BF16; set it to auto or fp32", exitCode: 2)
      }
      return .mixedBFloat16
    default: return ComputePrecision.bfloat16Available ? .mixedBFloat16 : .float32
    }
  }
}

/// Everything `studio train` decided before training: data, model shape, options and paths.
private struct TrainingPlan {
  var name: String
  var corpusPaths: [String]
  var weights: [Double]
  var config: StudioConfig
  var options: TrainingOptions
  var resume: Bool
  var runDirectory: String
  var modelDirectory: String
  var seed: UInt64

  init(command c: TrainCommand, config: StudioConfig) throws {
    self.config = config
    corpusPaths = c.corpora.isEmpty ? config.data.corpora : c.corpora
    guard !corpusPaths.isEmpty else {
      throw StudioFailure("no corpus given; pass --corpus PATH or set data.corpora in config.yaml")
    }
    if let text = c.weights {
      let parts = text.split(separator: ",", omittingEmptySubsequences: false)
      let parsed = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.filter {
        Limits.weight.contains($0)
      }
      guard parsed.count == parts.count else {
        throw StudioFailure(
          "--weights \(text): expected numbers between 0 and \(Int(Limits.weight.upperBound)) separated by commas, "
            + "e.g. 1,2")
      }
      weights = parsed
    } else {
      weights = config.data.weights
      if let bad = weights.first(where: { !Limits.weight.contains($0) }) {
        throw StudioFailure(
          "data.weights: \(bad) is not between 0 and \(Int(Limits.weight.upperBound))")
      }
    }
    if weights.count == 1, corpusPaths.count > 1 { weights = Array(repeating: weights[0], count: corpusPaths.count) }
    guard weights.count == corpusPaths.count else {
      throw StudioFailure("\(weights.count) weights for \(corpusPaths.count) corpora; give one weight per --corpus")
    }
    name =
      c.name
      ?? corpusPaths.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
      .joined(separator: "-")
    seed = UInt64(bitPattern: Int64(c.seed ?? config.training.seed))
    resume = c.resume
    runDirectory = config.training.runDirectory + "/" + name
    modelDirectory = config.training.modelsDirectory + "/" + name

    let t = config.training
    var o = TrainingOptions()
    o.batchSize = t.batchSize
    o.sequenceLength = t.sequenceLength
    let budget = try c.timeBudget.map(parseDuration) ?? t.timeBudget.map(parseDuration)
    switch (c.steps, c.timeBudget) {
    case (let steps?, nil):
      o.maxSteps = steps
      o.timeBudget = nil
    case (nil, _?):
      o.maxSteps = Int.max
      o.timeBudget = budget
    default:
      o.maxSteps = c.steps ?? t.steps
      o.timeBudget = budget
    }
    o.learningRate = t.learningRate
    // With only a time budget the step count is unknown: the cosine schedule then spans training.steps.
    let total = o.maxSteps == Int.max ? t.steps : o.maxSteps
    switch t.schedule {
    case "step": o.schedule = .step(every: t.stepSize, gamma: t.stepGamma)
    case "cosine": o.schedule = .cosine(warmup: t.warmupSteps, total: total, minimum: t.minLearningRate)
    default: o.schedule = .constant
    }
    o.adam.weightDecay = Float(t.weightDecay)
    o.gradientClip = t.gradientClip
    o.carryState = t.carryState
    o.batching = TrainingOptions.Batching(rawValue: t.batching) ?? .windows
    o.evaluateEvery = t.evalEvery
    o.patience = t.patience
    o.checkpointEvery = t.checkpointEvery
    o.seed = seed
    o.threads = c.threads ?? t.threads
    o.precision = try c.precision ?? TrainCommand.precision(configured: t.precision)
    options = o
  }

  func loadData() throws -> TrainingData {
    var corpora: [(corpus: TuneCorpus, weight: Double)] = []
    for (path, weight) in zip(corpusPaths, weights) {
      corpora.append((try TuneCorpus.loadForCLI(paths: [path]), weight))
    }
    let method: SplitMethod = config.data.split == "random" ? .seededRandom : .everyTenth
    do {
      return try TrainingData.make(
        corpora: corpora, validationFraction: config.data.validationFraction,
        splitMethod: method, seed: UInt64(bitPattern: Int64(config.data.seed)))
    } catch {
      throw StudioFailure(cleaned(error.description), exitCode: 1)
    }
  }

  func execute(verbose: Bool) throws {
    let run = TrainingRun(directory: runDirectory)
    // The run's paths are checked before the corpus is read: a failed resume leaves no empty run directory.
    if resume {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: runDirectory, isDirectory: &isDirectory), isDirectory.boolValue
      else {
        throw StudioFailure("nothing to resume: \(runDirectory) does not exist; start without --resume")
      }
      if let missing = run.missingForResume {
        throw StudioFailure("cannot resume \(runDirectory): \(missing); start without --resume or with another --name")
      }
    }
    try AtomicWriter.checkOutputDirectory(runDirectory)
    try AtomicWriter.checkOutputDirectory(modelDirectory)
    if !resume && run.hasCheckpoint {
      throw StudioFailure("\(runDirectory) already holds a run; pass --resume to continue it or --name to start another")
    }
    // The corpus is read before the run directory is made: a bad corpus leaves nothing behind.
    let data = try loadData()
    do { try run.prepare() } catch { throw StudioFailure(cleaned(error.description)) }
    let lock = try RunLock(directory: runDirectory)
    defer { lock.release() }
    run.removeStaleTemporaryFiles()
    for path in [run.checkpointPath, run.statePath, run.bestPath, run.previousCheckpointPath, run.previousStatePath] {
      TemporaryFiles.track(output: path)
    }
    TemporaryFiles.track(output: modelDirectory + "/model.safetensors")
    if !resume && run.hasCheckpoint {
      throw StudioFailure("\(runDirectory) already holds a run; pass --resume to continue it or --name to start another")
    }
    let trainer: Trainer
    if resume {
      let saved = try wrap { try run.loadForResume() }
      try checkResumeSettings(saved.checkpoint)
      trainer = try wrap { try Trainer(resuming: saved.checkpoint, state: saved.state, data: data, options: options) }
    } else {
      if run.hasCheckpoint {
        throw StudioFailure(
          "\(runDirectory) already holds a run; pass --resume to continue it or --name to start "
            + "another")
      }
      let m = config.model
      let hyperparameters = LSTMHyperparameters(
        vocabularySize: data.vocabulary.count, embeddingSize: m.embedding, hiddenSize: m.hidden, layers: m.layers,
        dropout: m.dropout)
      var generator = SplitMix64(seed: seed)
      let parameters = try wrap { try LSTMParameters(hyperparameters: hyperparameters, initializingWith: &generator) }
      trainer = try wrap { try Trainer(parameters: parameters, data: data, options: options) }
    }
    let h = trainer.hyperparameters
    printError(
      "train \(name): \(data.trainTokens.count) training characters, "
        + "\(data.validationSequences.count) validation tunes, vocabulary \(data.vocabulary.count); "
        + "model E=\(h.embeddingSize) H=\(h.hiddenSize) L=\(h.layers) (\(h.parameterCount) parameters); "
        + "B=\(options.batchSize) T=\(options.sequenceLength), \(options.threads) threads, "
        + "OpenBLAS \(OpenBLASKernel.coreName)" + (resume ? "; resuming at step \(trainer.step)" : ""))

    let tracking = config.tracking
    let tracker = try wrap {
      try RunTracker(
        directory: runDirectory, runName: name,
        options: .init(
          jsonLines: tracking.jsonl, tensorBoard: tracking.tensorboard, resumeFromStep: resume ? trainer.step : nil))
    }
    let interrupt = InterruptFlag()
    defer { interrupt.uninstall() }
    let bar =
      options.timeBudget == nil
      ? ProgressBar(total: options.maxSteps, label: "train")
      : ProgressBar(total: 1000, label: "train")
    var lastValidation: Double?
    var trackingError: (any Error)?
    let summary = try wrap {
      try trainer.train(
        run: run, extra: ["created_by": "studio \(StudioVersion.string)"],
        shouldStop: { interrupt.isSet }
      ) { event in
        switch event {
        case .step(let s):
          let detail =
            "loss \(format(s.loss / M_LN2, 3)) bpc"
            + (lastValidation.map { " val \(format($0, 3))" } ?? "") + " \(formatRate(s.tokensPerSecond)) tok/s"
          bar.update(
            completed: options.timeBudget == nil ? s.step : Int(s.progress * 1000),
            detail: options.timeBudget == nil ? detail : "step \(s.step) " + detail)
          if s.step % tracking.logEvery == 0 {
            do {
              try tracker.log(
                step: s.step,
                scalars: [
                  RunTracker.Metric.trainLoss: s.loss, RunTracker.Metric.learningRate: s.learningRate,
                  RunTracker.Metric.tokensPerSecond: s.tokensPerSecond, RunTracker.Metric.gradientNorm: s.gradientNorm,
                ])
            } catch { trackingError = error }
          }
        case .validation(let v):
          lastValidation = v.bitsPerCharacter
          do {
            try tracker.log(step: v.step, scalars: [RunTracker.Metric.validationBitsPerChar: v.bitsPerCharacter])
          } catch { trackingError = error }
          if verbose || !Terminal.isStderrTTY {
            printError(
              "step \(v.step): validation \(format(v.bitsPerCharacter, 4)) bits/char"
                + (v.improved ? " (best)" : ""))
          }
        case .checkpointSaved(let path, let step, _):
          if verbose { printError("step \(step): saved \(path)") }
        }
      }
    }
    bar.finish()
    if tracking.svg {
      do { try tracker.writeLossCurveSVG() } catch { trackingError = error }
    }
    tracker.close()
    if let trackingError { printError("warning: metrics: \(trackingError)") }

    // Ship the best model (or the latest one when no validation ran).
    let source = FileManager.default.fileExists(atPath: run.bestPath) ? run.bestPath : run.checkpointPath
    let best = try wrap { try Checkpoint.read(path: source) }
    let dtype = TensorDType(rawValue: config.training.exportDType.uppercased()) ?? .f16
    let modelPath = modelDirectory + "/model.safetensors"
    try wrap { try best.write(to: modelPath, dtype: dtype) }
    try AtomicWriter.write(Array(shippedConfig(best: best).utf8), to: modelDirectory + "/config.yaml")
    // The corpus's form, which structure-aware sampling steers toward (generate, evaluate).
    if let corpus = try? TuneCorpus.load(paths: corpusPaths) {
      let form = FormProfile.measure(corpus.tunes)
      try wrap { try AtomicWriter.write(Array(try form.jsonData()), to: modelDirectory + "/" + FormProfile.fileName) }
    }
    // The copy model, fitted on training tunes (never the held-out ones).
    var seen = Set<Range<Int>>()
    let trainingTunes = data.trainTuneRanges.filter { seen.insert($0).inserted }.map {
      data.vocabulary.decode(data.trainTokens[$0]).trimmingCharacters(in: .newlines)
    }
    if !trainingTunes.isEmpty {
      let shipped = try wrap { try LanguageModel(checkpoint: try Checkpoint.read(path: modelPath), threads: 1) }
      let copy = try wrap { try CopyModelFitting.fit(model: shipped, tunes: trainingTunes) }
      try wrap { try AtomicWriter.write(Array(try copy.jsonData()), to: modelDirectory + "/" + CopyModel.fileName) }
      if verbose { print(CopyModelFitting.summary(copy)) }
    }

    let bestText =
      summary.bestValidationBPC.map { "\(format($0, 4)) bits/char at step \(summary.bestStep ?? 0)" }
      ?? "not measured"
    print(
      """
      \(name): \(summary.stepsDone) steps (\(summary.stepsThisRun) this run, stopped by \(summary.reason.rawValue)) \
      in \(ProgressBar.clock(summary.elapsed)), \(formatRate(summary.tokensPerSecond)) tok/s
      best validation: \(bestText)
      model: \(modelPath) (\(dtype.rawValue))
      run: \(runDirectory)/ (resume with: studio train --name \(name) --resume)
      """)
    if summary.reason == .interrupted { throw ExitCode(130) }
  }

  /// A resume keeps the model's architecture (a changed `model:` section is refused: the weights could not be used)
  /// and reports recipe settings that differ from the run's shipped config (they apply from the resume on).
  func checkResumeSettings(_ checkpoint: Checkpoint) throws {
    let h = checkpoint.hyperparameters
    let m = config.model
    var changed: [String] = []
    if m.embedding != h.embeddingSize { changed.append("model.embedding \(h.embeddingSize) → \(m.embedding)") }
    if m.hidden != h.hiddenSize { changed.append("model.hidden \(h.hiddenSize) → \(m.hidden)") }
    if m.layers != h.layers { changed.append("model.layers \(h.layers) → \(m.layers)") }
    guard changed.isEmpty else {
      throw StudioFailure(
        "cannot resume \(runDirectory) with another architecture (\(changed.joined(separator: ", "))); resume with "
          + "the settings the run was started with, or start a new run with --name")
    }
    let shipped = modelDirectory + "/config.yaml"
    guard FileManager.default.fileExists(atPath: shipped), let before = try? StudioConfig(contentsOf: shipped) else { return }
    var recipe: [String] = []
    let (a, b) = (before.training, config.training)
    if a.batchSize != b.batchSize { recipe.append("training.batch_size \(a.batchSize) → \(b.batchSize)") }
    if a.sequenceLength != b.sequenceLength {
      recipe.append("training.sequence_length \(a.sequenceLength) → \(b.sequenceLength)")
    }
    if a.learningRate != b.learningRate { recipe.append("training.learning_rate \(a.learningRate) → \(b.learningRate)") }
    if a.schedule != b.schedule { recipe.append("training.schedule \(a.schedule) → \(b.schedule)") }
    if m.dropout != before.model.dropout { recipe.append("model.dropout \(before.model.dropout) → \(m.dropout)") }
    if !recipe.isEmpty {
      printError("note: resuming with changed settings (they apply from step \(checkpoint.step ?? 0) on): "
        + recipe.joined(separator: ", "))
    }
  }

  /// `models/NAME/config.yaml`: the settings that reproduce this model (`studio train --config …`).
  func shippedConfig(best: Checkpoint) -> String {
    let h = best.hyperparameters
    let t = config.training
    func quoted(_ s: String) -> String {
      "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    return """
      # Model \(name), trained by studio \(StudioVersion.string). Reproduce: studio train --config this-file --name \(name)
      # Best validation: \(best.validationBPC.map { String(format: "%.4f", $0) } ?? "n/a") bits/char at step \
      \(best.step ?? 0); corpus fingerprints: \(best.corpusFingerprints.joined(separator: ", "))
      data:
        corpora: [\(corpusPaths.map(quoted).joined(separator: ", "))]
        weights: [\(weights.map { "\($0)" }.joined(separator: ", "))]
        validation_fraction: \(config.data.validationFraction)
        split: \(config.data.split)
        seed: \(config.data.seed)
      model:
        embedding: \(h.embeddingSize)
        hidden: \(h.hiddenSize)
        layers: \(h.layers)
        dropout: \(h.dropout)
      training:
        batch_size: \(options.batchSize)
        sequence_length: \(options.sequenceLength)
        steps: \(best.step ?? options.maxSteps)
        learning_rate: \(t.learningRate)
        schedule: \(t.schedule)
        warmup_steps: \(t.warmupSteps)
        min_learning_rate: \(t.minLearningRate)
        step_size: \(t.stepSize)
        step_gamma: \(t.stepGamma)
        weight_decay: \(t.weightDecay)
        gradient_clip: \(t.gradientClip)
        carry_state: \(t.carryState)
        batching: \(t.batching)
        eval_every: \(t.evalEvery)
        patience: \(t.patience)
        seed: \(Int64(bitPattern: seed))
        export_dtype: \(t.exportDType)
        precision: \(options.precision.rawValue)

      """
  }
}

/// Runs `body`, turning library errors into a clean `StudioFailure` (exit status 2).
private func wrap<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as StudioFailure {
    throw error
  } catch {
    throw StudioFailure(cleaned("\(error)"))
  }
}

/// Library descriptions read like compiler messages (`path: error: what`, or `error: what`); the CLI prints its own
/// `error: ` prefix, so the inner one is dropped.
func cleaned(_ message: String) -> String {
  if message.hasPrefix("error: ") { return String(message.dropFirst(7)) }
  if let range = message.range(of: ": error: ") { return message.replacingCharacters(in: range, with: ": ") }
  return message
}

/// Parses `90s`, `10m`, `1h30m`, `2h`, or a plain number of seconds.
func parseDuration(_ text: String) throws -> Double {
  let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
  if let seconds = Double(text), seconds > 0 { return seconds }
  var total = 0.0
  var number = ""
  for ch in text.lowercased() {
    if ch.isNumber || ch == "." {
      number.append(ch)
    } else if let unit = units[ch], let value = Double(number) {
      total += value * unit
      number = ""
    } else {
      throw ValidationError("'\(text)' is not a duration")
    }
  }
  guard number.isEmpty, total > 0 else { throw ValidationError("'\(text)' is not a duration") }
  return total
}

private func format(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

private func formatRate(_ x: Double) -> String {
  x >= 1000 ? String(format: "%.1fk", x / 1000) : String(format: "%.0f", x)
}

/// Ctrl-C, SIGTERM and SIGHUP for a long job: the first one sets the flag (the training loop saves a checkpoint and
/// stops at the next step boundary); a second one terminates at once (`SignalHandling`).
private final class InterruptFlag: Sendable {
  private let flag = Atomic<Bool>(false)

  init() {
    SignalHandling.setFirstSignalHandler { [self] signo in fire(signo) }
  }

  private func fire(_ signo: Int32) {
    flag.store(true, ordering: .relaxed)
    printError(
      "\n\(SignalHandling.name(signo)): saving a checkpoint after this step (Ctrl-C again to quit at once)")
  }

  var isSet: Bool { flag.load(ordering: .relaxed) }

  func uninstall() { SignalHandling.setFirstSignalHandler(nil) }
}

/// An exclusive lock on a run directory (`flock` on `DIR/.lock`), held while training, so two `train` processes
/// of one run cannot interleave their checkpoints and metrics.
private final class RunLock {
  private var fd: Int32

  /// - Throws: `StudioFailure` (exit status 2) when another process holds the lock or the file cannot be opened.
  init(directory: String) throws {
    let path = directory + "/.lock"
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StudioFailure("cannot lock \(directory): \(InputFile.reason(errno))") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      close(fd)
      fd = -1
      throw StudioFailure(
        code == EWOULDBLOCK
          ? "\(directory) is in use by another `studio train` (its lock \(path) is held); wait for it or pick another --name"
          : "cannot lock \(directory): \(InputFile.reason(code))")
    }
  }

  func release() {
    guard fd >= 0 else { return }
    flock(fd, LOCK_UN)
    close(fd)
    fd = -1
  }

  deinit { release() }
}
