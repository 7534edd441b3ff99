import Foundation

/// Every setting of config.yaml, section by section. Flags of each command override these values.
struct StudioConfig {
  var data = DataConfig()
  var model = ModelConfig()
  var training = TrainingConfig()
  var generation = GenerationConfig()
  var render = RenderConfig()
  var tracking = TrackingConfig()
  /// The file the values came from, or nil for built-in defaults.
  var sourcePath: String?

  init() {}

  /// Reads and checks a config file. Unknown sections or keys and wrong types are errors naming the key and file.
  init(contentsOf path: String) throws {
    let data: [UInt8]
    do {
      data = try InputFile.read(path)
    } catch let failure as StudioFailure {
      throw ConfigError(
        file: path, key: nil, line: nil, column: nil,
        message: failure.message.replacingOccurrences(of: "cannot read \(path): ", with: "cannot read the file: "))
    }
    try self.init(text: String(decoding: data, as: UTF8.self), path: path)
  }

  init(text: String, path: String) throws {
    let file = try ConfigFile(text: text, path: path)
    self.data = try DataConfig(file.section("data"))
    self.model = try ModelConfig(file.section("model"))
    self.training = try TrainingConfig(file.section("training"))
    self.generation = try GenerationConfig(file.section("generation"))
    self.render = try RenderConfig(file.section("render"))
    self.tracking = try TrackingConfig(file.section("tracking"))
    self.sourcePath = path
  }
}

/// `data:` — which corpora to learn from and how to split them.
struct DataConfig {
  /// ABC files or directories (searched recursively for *.abc).
  var corpora: [String] = ["../shared/corpora/irish.abc"]
  /// Mixing weight per corpus (same order as `corpora`); the seed's "merge two datasets into a new genre".
  var weights: [Double] = [1]
  /// Share of tunes held out for validation.
  var validationFraction = 0.1
  /// `every-tenth` (tune i is held out when i % 10 == 9, as the PyTorch baseline does) or `random` (seeded).
  var split = "every-tenth"
  var seed = 42

  init() {}
  init(_ s: ConfigSection) throws {
    corpora = try s.stringList("corpora", default: corpora)
    weights = try s.doubleList("weights", default: weights)
    validationFraction = try s.double("validation_fraction", default: validationFraction, range: 0...0.9)
    split = try s.choice("split", default: split, among: ["every-tenth", "random"])
    seed = try s.int("seed", default: seed)
    try s.finish()
  }
}

/// `model:` — the shape of the character-level LSTM.
struct ModelConfig {
  var embedding = 64
  var hidden = 256
  var layers = 2
  /// Dropout between stacked LSTM layers (0 disables it).
  var dropout = 0.1

  init() {}
  init(_ s: ConfigSection) throws {
    embedding = try s.int("embedding", default: embedding, range: 1...8192)
    hidden = try s.int("hidden", default: hidden, range: 1...8192)
    layers = try s.int("layers", default: layers, range: 1...16)
    dropout = try s.double("dropout", default: dropout, range: 0...0.95)
    try s.finish()
  }
}

/// `training:` — optimisation, schedule, stopping and checkpoints.
struct TrainingConfig {
  var batchSize = 32
  var sequenceLength = 100
  /// Number of optimizer steps (ignored when `time_budget` is set and runs out first).
  var steps = 3000
  /// Wall-clock budget such as `10m`, `90s`, `1h` (nil: no budget).
  var timeBudget: String?
  var learningRate = 0.005
  /// `constant`, `step` or `cosine` (cosine uses `warmup_steps` and decays to `min_learning_rate`).
  var schedule = "cosine"
  var warmupSteps = 100
  var minLearningRate = 0.0002
  /// For `step`: multiply the rate by `step_gamma` every `step_size` steps.
  var stepSize = 1000
  var stepGamma = 0.5
  var weightDecay = 0.0
  /// Clip gradients to this global L2 norm (0 disables clipping).
  var gradientClip = 1.0
  /// Carry the LSTM state across consecutive windows (true) or reset it for every window (false).
  var carryState = false
  /// `windows` (random windows of the tune stream) or `tunes` (whole tunes, state carried within a tune, padding
  /// masked): see `TuneBatcher`.
  var batching = "tunes"
  /// Validate every this many steps.
  var evalEvery = 100
  /// Stop after this many validations without improvement (0 disables early stopping).
  var patience = 8
  var checkpointEvery = 500
  var seed = 1234
  /// OpenBLAS threads.
  var threads = 2
  /// OpenBLAS kernels: `auto` (best for this CPU, overriding an inherited OPENBLAS_CORETYPE), `inherit`
  /// (keep the environment's choice), or a core name such as `SkylakeX` / `Haswell`.
  var openblasKernel = "auto"
  /// Where runs are written while training (`<run_dir>/<name>/`).
  var runDirectory = "runs"
  /// Where the finished model goes (`<models_dir>/<name>/model.safetensors`).
  var modelsDirectory = "models"
  /// Precision of the exported model: f32, f16 or bf16.
  var exportDType = "f16"
  /// Training arithmetic: `auto` (bf16 mixed precision where the CPU has AVX512_BF16, else fp32), `fp32` or `bf16`.
  var precision = "auto"

  init() {}
  init(_ s: ConfigSection) throws {
    batchSize = try s.int("batch_size", default: batchSize, range: 1...4096)
    sequenceLength = try s.int("sequence_length", default: sequenceLength, range: 1...100_000)
    steps = try s.int("steps", default: steps, range: 0...100_000_000)
    timeBudget = try s.optionalString("time_budget")
    learningRate = try s.double("learning_rate", default: learningRate, range: 0...10)
    schedule = try s.choice("schedule", default: schedule, among: ["constant", "step", "cosine"])
    warmupSteps = try s.int("warmup_steps", default: warmupSteps, range: 0...100_000_000)
    minLearningRate = try s.double("min_learning_rate", default: minLearningRate, range: 0...10)
    stepSize = try s.int("step_size", default: stepSize, range: 1...100_000_000)
    stepGamma = try s.double("step_gamma", default: stepGamma, range: 0...1)
    weightDecay = try s.double("weight_decay", default: weightDecay, range: 0...1)
    gradientClip = try s.double("gradient_clip", default: gradientClip, range: 0...1e6)
    carryState = try s.bool("carry_state", default: carryState)
    batching = try s.choice("batching", default: batching, among: ["windows", "tunes"])
    evalEvery = try s.int("eval_every", default: evalEvery, range: 1...100_000_000)
    patience = try s.int("patience", default: patience, range: 0...1_000_000)
    checkpointEvery = try s.int("checkpoint_every", default: checkpointEvery, range: 1...100_000_000)
    seed = try s.int("seed", default: seed)
    threads = try s.int("threads", default: threads, range: Limits.threads)
    openblasKernel = try s.string("openblas_kernel", default: openblasKernel)
    runDirectory = try s.string("run_dir", default: runDirectory)
    modelsDirectory = try s.string("models_dir", default: modelsDirectory)
    exportDType = try s.choice("export_dtype", default: exportDType, among: ["f32", "f16", "bf16"])
    precision = try s.choice("precision", default: precision, among: ["auto", "fp32", "bf16"])
    try s.finish()
  }
}

/// `generation:` — sampling new tunes.
struct GenerationConfig {
  /// A shipped model name (irish, pop, irish-pop) or a path to a .safetensors file or model directory.
  var model = "irish"
  var count = 4
  /// 0 = greedy decoding.
  var temperature = 0.8
  /// Keep only the k most likely characters (0 = off).
  var topK = 0
  /// Nucleus sampling: keep the smallest set of characters whose probability reaches p (1 = off).
  var topP = 0.95
  var maxCharacters = 1500
  /// Attempts per tune before giving up on a tune that keeps failing validation.
  var maxAttempts = 8
  var seed: Int?
  var outputDirectory = "out"
  var midi = false
  var wav = false
  /// Sequences sampled in parallel.
  var batch = 8
  /// Sampling threads (1 is fastest for small models and on a busy machine).
  var threads = 1

  /// Structure-aware sampling: masks characters that break the bar, ties, repeats or the planned form, and steers
  /// part lengths, parts per tune and meters toward the model's corpus (`form.json`).
  var structure = true
  /// Logit bias toward the tonic in the closing bar of the last part (0 = off).
  var tonicBias = 2.0
  /// Probability of restating an earlier bar where tunes usually do (bars 5–6 from 1–2, a later part's last two
  /// bars from the part before); 0 = never.
  var repeatBars = 0.8
  /// Mix the model's copy model (`copy.json`) into sampling.
  var copyModel = true

  init() {}
  init(_ s: ConfigSection) throws {
    model = try s.string("model", default: model)
    count = try s.int("count", default: count, range: Limits.tunes)
    temperature = try s.double("temperature", default: temperature, range: 0...10)
    topK = try s.int("top_k", default: topK, range: 0...100_000)
    topP = try s.double("top_p", default: topP, range: 0...1)
    maxCharacters = try s.int("max_chars", default: maxCharacters, range: Limits.characters)
    maxAttempts = try s.int("max_attempts", default: maxAttempts, range: Limits.attempts)
    seed = try s.optionalInt("seed")
    outputDirectory = try s.string("out_dir", default: outputDirectory)
    midi = try s.bool("midi", default: midi)
    wav = try s.bool("wav", default: wav)
    batch = try s.int("batch", default: batch, range: Limits.batch)
    threads = try s.int("threads", default: threads, range: Limits.threads)
    structure = try s.bool("structure", default: structure)
    tonicBias = try s.double("tonic_bias", default: tonicBias, range: 0...20)
    repeatBars = try s.double("repeat_bars", default: repeatBars, range: 0...1)
    copyModel = try s.bool("copy_model", default: copyModel)
    try s.finish()
  }
}

/// `render:` — MIDI → audio.
struct RenderConfig {
  /// A SoundFont path; nil means: STUDIO_SOUNDFONT, then soundfonts/, then the system's GM fonts.
  var soundfont: String?
  var sampleRate = 44100
  var gain = 0.6
  var reverb = true
  var chorus = true
  /// 16, 24 or 32f (32-bit float).
  var bits = "16"
  var normalize = false
  /// Longest release/reverb tail after the last note, in seconds (it ends sooner once silent).
  var tail = 3.0
  /// Longest audio rendered from one tune or MIDI file, in seconds (`--max-seconds` raises it for one run); longer
  /// music is refused before rendering, so a damaged file cannot fill the disk.
  var maxSeconds = RenderConfig.defaultMaxSeconds
  static let defaultMaxSeconds = 3600.0
  static let maxSecondsRange = 1.0...604_800.0

  init() {}
  init(_ s: ConfigSection) throws {
    soundfont = try s.optionalString("soundfont")
    sampleRate = try s.int("sample_rate", default: sampleRate, range: 8000...96_000)
    gain = try s.double("gain", default: gain, range: 0...10)
    reverb = try s.bool("reverb", default: reverb)
    chorus = try s.bool("chorus", default: chorus)
    if let n = try s.optionalInt("bits") { bits = String(n) } else { bits = try s.choice("bits", default: bits, among: ["16", "24", "32f"]) }
    guard ["16", "24", "32f"].contains(bits) else {
      throw ConfigError(file: s.file, key: "render.bits", line: nil, column: nil, message: "\(bits) is not one of: 16, 24, 32f")
    }
    normalize = try s.bool("normalize", default: normalize)
    tail = try s.double("tail", default: tail, range: 0...60)
    maxSeconds = try s.double("max_seconds", default: maxSeconds, range: RenderConfig.maxSecondsRange)
    try s.finish()
  }
}

/// `tracking:` — experiment tracking without an online account.
struct TrackingConfig {
  /// Metrics as JSON lines (`metrics.jsonl`).
  var jsonl = true
  /// TensorBoard event files (`tensorboard --logdir runs/`).
  var tensorboard = true
  /// A loss-curve SVG written when training ends.
  var svg = true
  /// Log training loss every this many steps.
  var logEvery = 10

  init() {}
  init(_ s: ConfigSection) throws {
    jsonl = try s.bool("jsonl", default: jsonl)
    tensorboard = try s.bool("tensorboard", default: tensorboard)
    svg = try s.bool("svg", default: svg)
    logEvery = try s.int("log_every", default: logEvery, range: 1...1_000_000)
    try s.finish()
  }
}
