/// Everything besides the weights that a run needs to continue exactly where it stopped: optimizer moments, the
/// window sampler's random state and cursors, the carried LSTM state, and the early-stopping record. Saved in the
/// run directory's sidecar next to each checkpoint.
public struct TrainerState: Sendable, Equatable {
  /// Optimizer steps taken.
  public var step: Int
  public var adam: AdamState
  /// Window sampler random state and per-row cursors (cursors are empty unless carrying state).
  public var samplerState: UInt64
  public var cursors: [Int]
  /// Carried initial state for the next window, per layer `[B × H]` (empty unless carrying state).
  public var carriedHidden: [[Float]]
  public var carriedCell: [[Float]]
  /// Best validation bits per character so far, and the step it was reached at.
  public var bestValidationBPC: Double?
  public var bestStep: Int?
  /// Validations since the best one (early stopping).
  public var validationsWithoutImprovement: Int
  /// The latest validation result (bits per character, step).
  public var lastValidationBPC: Double?
  public var lastValidationStep: Int?

  public init(
    step: Int, adam: AdamState, samplerState: UInt64, cursors: [Int], carriedHidden: [[Float]],
    carriedCell: [[Float]], bestValidationBPC: Double?, bestStep: Int?, validationsWithoutImprovement: Int,
    lastValidationBPC: Double? = nil, lastValidationStep: Int? = nil
  ) {
    self.step = step
    self.adam = adam
    self.samplerState = samplerState
    self.cursors = cursors
    self.carriedHidden = carriedHidden
    self.carriedCell = carriedCell
    self.bestValidationBPC = bestValidationBPC
    self.bestStep = bestStep
    self.validationsWithoutImprovement = validationsWithoutImprovement
    self.lastValidationBPC = lastValidationBPC
    self.lastValidationStep = lastValidationStep
  }
}
