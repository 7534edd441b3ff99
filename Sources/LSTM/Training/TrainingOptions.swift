/// How to train: batch shape, optimisation, schedule, stopping and evaluation.
public struct TrainingOptions: Sendable, Equatable, Codable {
  /// `B`: windows per optimizer step.
  public var batchSize = 32
  /// `T`: characters per window (truncated-BPTT length); each window reads `T + 1` tokens.
  public var sequenceLength = 100
  /// Stop after this many optimizer steps in total (counting steps before a resume).
  public var maxSteps = 3000
  /// Stop after this many seconds of wall time in this invocation (`nil`: no budget).
  public var timeBudget: Double? = nil
  /// Base learning rate.
  public var learningRate = 5e-3
  public var schedule: LearningRateSchedule = .constant
  public var adam = AdamOptions()
  /// Clip gradients to this global L2 norm (`torch.nn.utils.clip_grad_norm_`); 0 disables clipping.
  public var gradientClip = 5.0
  /// Carry the LSTM state across consecutive windows (each batch row reads the stream on from where its previous
  /// window ended; a row that reaches the end restarts at a random offset with a zero state). When false, every
  /// window starts at a uniformly random offset from a zero state (the PyTorch baseline's `get_batch`).
  public var carryState = false
  /// How batches are cut from the training tunes: random windows of the stream (`windows`, with or without
  /// `carryState`) or whole tunes read window after window with the state carried inside a tune (`tunes`, see
  /// `TuneBatcher`; `carryState` is implied).
  public var batching: Batching = .windows
  /// Validate every this many steps (0: only at the end).
  public var evaluateEvery = 100
  /// Stop after this many validations in a row without a new best (0: never stop early).
  public var patience = 0
  /// Save a checkpoint every this many steps when training into a run directory (0: only at the end).
  public var checkpointEvery = 500
  /// Seeds window sampling and dropout (initialisation is seeded separately by the caller).
  public var seed: UInt64 = 42
  /// Worker threads (the calling thread included).
  public var threads = 2
  /// Held-out tunes scored together in one batch during validation.
  public var validationBatch = 32
  /// Arithmetic of the large products (`.mixedBFloat16` needs AVX512_BF16; validation is always float32).
  public var precision: ComputePrecision = .float32

  public init() {}

  /// How a step's batch is cut from the training data.
  public enum Batching: String, Sendable, Equatable, Codable, CaseIterable {
    /// `B` windows of `T + 1` tokens of the tune stream (the PyTorch baseline's `get_batch`).
    case windows
    /// `B` rows each reading whole tunes, window after window, state carried within a tune, padding masked.
    case tunes
  }

  /// - Throws: `TrainingError.invalidOption` naming the first option out of range.
  public func validate() throws(TrainingError) {
    if batchSize < 1 { throw .invalidOption(name: "batch_size", value: "\(batchSize)", expected: "at least 1") }
    if sequenceLength < 1 {
      throw .invalidOption(name: "sequence_length", value: "\(sequenceLength)", expected: "at least 1")
    }
    if maxSteps < 0 { throw .invalidOption(name: "steps", value: "\(maxSteps)", expected: "0 or more") }
    if let budget = timeBudget, !(budget > 0) {
      throw .invalidOption(name: "time_budget", value: "\(budget)", expected: "a positive number of seconds")
    }
    if !(learningRate >= 0) || !learningRate.isFinite {
      throw .invalidOption(name: "learning_rate", value: "\(learningRate)", expected: "a finite number ≥ 0")
    }
    if !(gradientClip >= 0) {
      throw .invalidOption(name: "gradient_clip", value: "\(gradientClip)", expected: "0 (off) or a positive norm")
    }
    if threads < 1 { throw .invalidOption(name: "threads", value: "\(threads)", expected: "at least 1") }
    if validationBatch < 1 {
      throw .invalidOption(name: "validation_batch", value: "\(validationBatch)", expected: "at least 1")
    }
    if batchSize * sequenceLength > 1 << 24 {
      throw .invalidOption(
        name: "batch_size × sequence_length", value: "\(batchSize * sequenceLength)",
        expected: "at most 16777216 tokens per step")
    }
  }
}
