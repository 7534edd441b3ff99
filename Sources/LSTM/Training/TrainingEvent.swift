/// One optimizer step, as reported to the caller's `onEvent`.
public struct TrainingStep: Sendable, Equatable {
  /// Steps done, this one included.
  public var step: Int
  /// Mean cross-entropy of this step's windows, nats per character.
  public var loss: Double
  public var learningRate: Double
  /// Global gradient L2 norm before clipping.
  public var gradientNorm: Double
  /// Training throughput over the recent steps (tokens per second, validation excluded).
  public var tokensPerSecond: Double
  /// Wall time of this invocation so far, seconds.
  public var elapsed: Double
  /// Progress towards the step limit or time budget, whichever is closer, in 0...1 (for an ETA).
  public var progress: Double
}

/// A validation pass over the held-out tunes.
public struct ValidationResult: Sendable, Equatable {
  public var step: Int
  /// Bits per character (`-log2 p` averaged over every predicted character of every held-out tune).
  public var bitsPerCharacter: Double
  /// The same in nats.
  public var loss: Double
  public var characters: Int
  public var seconds: Double
  /// Whether this is the best validation so far.
  public var improved: Bool
}

/// Why a training run ended.
public enum StopReason: String, Sendable, Equatable, Codable {
  case stepLimit = "step limit"
  case timeBudget = "time budget"
  case earlyStopping = "early stopping"
  case interrupted = "interrupted"
}

/// Something that happened during `Trainer.train`.
public enum TrainingEvent: Sendable {
  case step(TrainingStep)
  case validation(ValidationResult)
  /// A checkpoint (and its trainer-state sidecar) was written; `best` when it is the new best model.
  case checkpointSaved(path: String, step: Int, best: Bool)
}

/// The outcome of `Trainer.train`.
public struct TrainingSummary: Sendable, Equatable {
  public var stepsDone: Int
  public var stepsThisRun: Int
  public var reason: StopReason
  public var finalLoss: Double?
  public var bestValidationBPC: Double?
  public var bestStep: Int?
  /// Mean training throughput of this invocation, tokens per second (validation excluded).
  public var tokensPerSecond: Double
  public var elapsed: Double
}
