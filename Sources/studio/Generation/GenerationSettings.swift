import LSTM

/// Everything `TuneGenerator` needs to know about one run (config `generation:` merged with the flags).
struct GenerationSettings: Sendable {
  /// Tunes to produce.
  var count: Int
  /// Temperature, top-k, top-p; `maxCharacters` caps the characters the model samples per attempt (prime excluded).
  var sampling: SamplingOptions
  /// Seeds every random choice: attempt `a` of tune `n` draws from its own `SplitMix64`, so the same seed gives the
  /// same tunes whatever the batch size.
  var seed: UInt64
  /// Samples per tune before giving up on it.
  var maxAttempts: Int
  /// Skip validation: keep the first sample of every tune exactly as the model wrote it.
  var raw: Bool
  /// Sequences sampled in parallel (one batched product per layer and character). Free rows draw further attempts
  /// of unfinished tunes ahead of time; results are the same as drawing them one by one.
  var batch: Int
  /// `--key`, `--meter`, `--title`, `--prime`.
  var key: String?
  var meter: String?
  var title: String?
  var prime: String?
  /// Structure-aware sampling (nil: off); see `TuneStepper`.
  var structure: StructureOptions?
  /// The model's copy model (`copy.json`), mixed into every draw; nil: the LSTM alone.
  var copy: CopyModel?

  /// Structure-aware sampling: the corpus form to steer toward and the tonic bias.
  struct StructureOptions: Sendable {
    /// The model's `form.json`; nil steers nothing and only masks what would break the tune.
    var profile: FormProfile?
    var tonicBias: Float
    /// Probability of restating an earlier bar where tunes usually do (see `TuneGenerator.repeatBar`).
    var repeatBars: Double = 0
  }

  init(
    count: Int, sampling: SamplingOptions, seed: UInt64, maxAttempts: Int = 8, raw: Bool = false, batch: Int = 8,
    key: String? = nil, meter: String? = nil, title: String? = nil, prime: String? = nil,
    structure: StructureOptions? = nil, copy: CopyModel? = nil
  ) {
    self.structure = structure
    self.copy = copy
    self.count = count
    self.sampling = sampling
    self.seed = seed
    self.maxAttempts = maxAttempts
    self.raw = raw
    self.batch = batch
    self.key = key
    self.meter = meter
    self.title = title
    self.prime = prime
  }

  /// The template fed to the model for tune `number`.
  /// - Throws: `PrimePlan.InvalidOption`.
  func primePlan(
    number: Int, knows: (Unicode.Scalar) -> Bool = { _ in true }, meter drawnMeter: String? = nil
  ) throws -> PrimePlan {
    try PrimePlan.make(
      key: key, meter: meter ?? drawnMeter, title: title, prime: prime, number: number, knows: knows)
  }
}
