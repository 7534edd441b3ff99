import Foundation

/// Trains a character-level LSTM by truncated BPTT with Adam.
///
/// Each step samples `B` windows of `T + 1` tokens (`WindowSampler`), runs forward and backward over them
/// (`LSTMEngine`), clips the global gradient norm, and applies one Adam update at the scheduled learning rate.
/// Window order, dropout masks and everything else random derive from `options.seed`, so a run is reproducible; the
/// full trainer state (`state`) can be saved and restored for an exact resume (with the same thread count).
/// Not `Sendable`: use it from one task.
public final class Trainer {
  public let options: TrainingOptions
  public let data: TrainingData
  public let hyperparameters: LSTMHyperparameters
  let engine: LSTMEngine
  let workspace: Workspace
  private var evaluationWorkspace: Workspace?
  private var sampler: WindowSampler
  /// Whole-tune batching (`options.batching == .tunes`).
  private var tuneBatcher: TuneBatcher?
  private var adam: AdamState
  /// Optimizer steps taken (including steps before a resume).
  public private(set) var step: Int
  private var bestValidationBPC: Double?
  private var bestStep: Int?
  private var validationsWithoutImprovement = 0
  private var lastValidation: (bpc: Double, step: Int)?

  /// A trainer starting from `parameters` (e.g. freshly initialised).
  /// - Throws: `TrainingError` for invalid options, data that does not fit the model, or no compute threads.
  public init(parameters: LSTMParameters, data: TrainingData, options: TrainingOptions) throws(TrainingError) {
    try options.validate()
    try data.validate(
      sequenceLength: options.sequenceLength,
      vocabularySize: parameters.hyperparameters.vocabularySize)
    self.options = options
    self.data = data
    self.hyperparameters = parameters.hyperparameters
    do {
      engine = try LSTMEngine(parameters: parameters, threads: options.threads, precision: options.precision)
    } catch {
      throw .compute(error)
    }
    workspace = Workspace(
      hyperparameters: parameters.hyperparameters, batch: options.batchSize, steps: options.sequenceLength,
      training: true, mixedPrecision: options.precision == .mixedBFloat16)
    sampler = WindowSampler(
      seed: options.seed, carry: options.carryState, batch: options.batchSize,
      steps: options.sequenceLength)
    if options.batching == .tunes {
      guard let newline = data.vocabulary.id(of: "\n") else { throw .emptyTrainingData }
      tuneBatcher = TuneBatcher(
        seed: options.seed, batch: options.batchSize, steps: options.sequenceLength, tunes: data.tuneRanges(),
        newline: newline)
    }
    adam = AdamState(count: parameters.values.count)
    step = 0
  }

  /// A trainer continuing a saved run exactly: weights from `checkpoint`, everything else from `state`.
  /// - Throws: `TrainingError.resumeMismatch` when the state does not fit the options (batch size, state carrying).
  public convenience init(
    resuming checkpoint: Checkpoint, state: TrainerState, data: TrainingData,
    options: TrainingOptions
  ) throws(TrainingError) {
    try self.init(parameters: checkpoint.parameters, data: data, options: options)
    if !checkpoint.corpusFingerprints.isEmpty, !data.corpusFingerprints.isEmpty,
      checkpoint.corpusFingerprints != data.corpusFingerprints
    {
      throw .resumeMismatch(
        reason: "the corpora differ from the ones the run was trained on (fingerprints "
          + "\(checkpoint.corpusFingerprints.map { String($0.prefix(12)) }) vs "
          + "\(data.corpusFingerprints.map { String($0.prefix(12)) }))")
    }
    if var batcher = tuneBatcher {
      let H = hyperparameters.hiddenSize
      guard state.step == 0 || batcher.restore(state.cursors),
        state.carriedHidden.count == hyperparameters.layers || state.step == 0,
        state.carriedHidden.allSatisfy({ $0.count == options.batchSize * H })
      else {
        throw .resumeMismatch(
          reason: "the saved state was not made with training.batching: tunes and this batch size; resume with "
            + "the run's settings")
      }
      tuneBatcher = batcher
    } else if options.carryState {
      let B = options.batchSize
      let H = hyperparameters.hiddenSize
      guard state.cursors.count == B || state.cursors.isEmpty,
        state.carriedHidden.count == hyperparameters.layers || state.step == 0,
        state.carriedHidden.allSatisfy({ $0.count == B * H })
      else {
        throw .resumeMismatch(
          reason: "the saved state was made with another batch size or without "
            + "training.carry_state; resume with the run's settings")
      }
    } else if !state.cursors.isEmpty {
      throw .resumeMismatch(
        reason: "the run carried state across windows; set training.carry_state: true (or training.batching: tunes)")
    }
    step = state.step
    adam = state.adam
    sampler.generator = SplitMix64(seed: state.samplerState)  // the seed is the whole state
    sampler.cursors = state.cursors
    for (l, (h, c)) in zip(state.carriedHidden, state.carriedCell).enumerated() {
      workspace.hs[l].copy(from: h)
      workspace.cell[l].copy(from: c)
    }
    bestValidationBPC = state.bestValidationBPC
    bestStep = state.bestStep
    validationsWithoutImprovement = state.validationsWithoutImprovement
    if let bpc = state.lastValidationBPC, let at = state.lastValidationStep { lastValidation = (bpc, at) }
  }

  /// Share of window positions that were padding (whole-tune batching; 0 otherwise).
  public var paddingShare: Double { tuneBatcher?.paddingShare ?? 0 }

  /// The current weights.
  public var parameters: LSTMParameters { engine.parameterValues }

  /// Everything needed to resume exactly (with `parameters`).
  public var state: TrainerState {
    let carrying = (options.carryState && !sampler.cursors.isEmpty) || (tuneBatcher != nil && step > 0)
    let rows = options.batchSize * hyperparameters.hiddenSize
    return TrainerState(
      step: step, adam: adam, samplerState: sampler.generator.state,
      cursors: tuneBatcher?.encoded ?? sampler.cursors,
      carriedHidden: carrying ? workspace.hs.map { Array(UnsafeBufferPointer(start: $0.base, count: rows)) } : [],
      carriedCell: carrying ? workspace.cell.map(\.array) : [],
      bestValidationBPC: bestValidationBPC, bestStep: bestStep,
      validationsWithoutImprovement: validationsWithoutImprovement, lastValidationBPC: lastValidation?.bpc,
      lastValidationStep: lastValidation?.step)
  }

  /// The current weights as a checkpoint (validation result included when it was measured at this step).
  public func checkpoint(extra: [String: String] = [:]) -> Checkpoint {
    Checkpoint(
      parameters: parameters, vocabulary: data.vocabulary, step: step,
      validationBPC: lastValidation?.step == step ? lastValidation?.bpc : nil,
      corpusFingerprints: data.corpusFingerprints, extra: extra)
  }

  /// Bytes of activations and optimizer state held for training (parameters, gradients, Adam moments, packed
  /// weights, one window of activations).
  public var memoryBytes: Int {
    let p = engine.parameters.count
    let packed = engine.packedForward.reduce(0) { $0 + $1.count } + engine.packedBackward.reduce(0) { $0 + $1.count }
    return 4 * (4 * p + packed + engine.table.count) + workspace.byteCount + (evaluationWorkspace?.byteCount ?? 0)
  }

  // MARK: - One step

  /// One optimizer step on the next batch of windows.
  /// - Returns: the batch's mean loss (nats), the gradient norm before clipping and the learning rate used.
  /// - Throws: `TrainingError.nonFiniteLoss` (the weights are left unchanged).
  @discardableResult
  public func trainStep() throws(TrainingError) -> (loss: Double, gradientNorm: Double, learningRate: Double) {
    let T = options.sequenceLength
    let B = options.batchSize
    var scored = T * B
    if var batcher = tuneBatcher {
      let next = data.trainTokens.withUnsafeBufferPointer { batcher.next(from: $0, into: workspace) }
      tuneBatcher = batcher
      for b in next.reset { workspace.resetState(row: b) }
      scored = max(1, next.scored)
    } else {
      let reset = data.trainTokens.withUnsafeBufferPointer { sampler.next(from: $0, into: workspace) }
      if options.carryState {
        for b in reset { workspace.resetState(row: b) }
      } else {
        workspace.resetState()
      }
    }
    let key = options.seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15
    do { try engine.forward(workspace, steps: T, dropoutKey: key) } catch { throw .compute(error) }
    // The mean over scored positions: padding (target −1) neither counts nor gets a gradient.
    let (sum, count) = engine.loss(workspace, steps: T, scale: 1 / Float(scored))
    let loss = sum / Double(max(1, count))
    guard loss.isFinite else { throw .nonFiniteLoss(step: step + 1) }
    do { try engine.backward(workspace) } catch { throw .compute(error) }
    let norm = engine.gradientSquaredNorm().squareRoot()
    guard norm.isFinite else { throw .nonFiniteLoss(step: step + 1) }
    let clip = options.gradientClip
    let scale = clip > 0 && norm > clip ? clip / (norm + 1e-6) : 1
    let rate = options.schedule.rate(at: step, base: options.learningRate)
    Adam.update(engine, state: &adam, learningRate: Float(rate), options: options.adam, gradScale: Float(scale))
    if options.carryState || tuneBatcher != nil { workspace.carryState(steps: T) }
    step += 1
    return (loss, norm, rate)
  }

  // MARK: - Validation

  /// Scores every validation sequence from a zero state: total `-log p` over every predicted character.
  /// - Returns: bits per character, nats per character and the number of characters scored.
  /// - Throws: `TrainingError.compute` when kernel scratch memory cannot be allocated.
  public func evaluate() throws(TrainingError) -> (bitsPerCharacter: Double, loss: Double, characters: Int) {
    let B = options.validationBatch
    let chunk = 128
    let ws =
      evaluationWorkspace
      ?? Workspace(hyperparameters: hyperparameters, batch: B, steps: chunk, training: false)
    evaluationWorkspace = ws
    let order = data.validationSequences.indices.sorted {
      data.validationSequences[$0].count < data.validationSequences[$1].count
    }
    var total = 0.0
    var characters = 0
    for groupStart in stride(from: 0, to: order.count, by: B) {
      let group = order[groupStart..<min(order.count, groupStart + B)].map { data.validationSequences[$0] }
      let span = (group.map(\.count).max() ?? 1) - 1
      ws.resetState()
      var t0 = 0
      while t0 < span {
        let steps = min(chunk, span - t0)
        for t in 0..<steps {
          for b in 0..<B {
            let position = t0 + t
            let sequence = b < group.count ? group[b] : []
            let scored = position + 1 < sequence.count
            ws.tokens.base[t * B + b] = scored ? sequence[position] : 0
            ws.targets.base[t * B + b] = scored ? sequence[position + 1] : -1
          }
        }
        do { try engine.forward(ws, steps: steps) } catch { throw .compute(error) }
        let (sum, count) = engine.loss(ws, steps: steps, scale: 1)
        total += sum
        characters += count
        ws.carryState(steps: steps)
        t0 += steps
      }
    }
    let nats = total / Double(max(1, characters))
    return (nats / log(2), nats, characters)
  }

  // MARK: - The loop

  /// Trains until the step limit, the time budget, early stopping or `shouldStop()` (checked before every step),
  /// validating every `options.evaluateEvery` steps and at the end (not after an interruption).
  ///
  /// With a `run`, saves `checkpoint.safetensors` + sidecar every `options.checkpointEvery` steps and at the end,
  /// and `best.safetensors` whenever validation improves. `extra` goes into every checkpoint's metadata.
  /// - Throws: `TrainingError` (non-finite loss, checkpoint write failure); checkpoints already written stay valid.
  public func train(
    run: TrainingRun? = nil, extra: [String: String] = [:], shouldStop: () -> Bool = { false },
    onEvent: (TrainingEvent) -> Void = { _ in }
  ) throws(TrainingError) -> TrainingSummary {
    let clock = ContinuousClock()
    let start = clock.now
    func seconds(_ d: Duration) -> Double {
      Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
    let firstStep = step
    let tokensPerStep = Double(options.batchSize * options.sequenceLength)
    var trainSeconds = 0.0
    var recentRate = 0.0
    var lastLoss: Double?
    var reason = StopReason.stepLimit

    func validate() throws(TrainingError) -> Bool {
      let began = clock.now
      let result = try evaluate()
      let improved = bestValidationBPC.map { result.bitsPerCharacter < $0 } ?? true
      if improved {
        bestValidationBPC = result.bitsPerCharacter
        bestStep = step
        validationsWithoutImprovement = 0
      } else {
        validationsWithoutImprovement += 1
      }
      lastValidation = (result.bitsPerCharacter, step)
      onEvent(
        .validation(
          ValidationResult(
            step: step, bitsPerCharacter: result.bitsPerCharacter, loss: result.loss, characters: result.characters,
            seconds: seconds(clock.now - began), improved: improved)))
      if improved, let run {
        do { try run.saveBest(checkpoint(extra: extra)) } catch { throw .checkpoint(error) }
        onEvent(.checkpointSaved(path: run.bestPath, step: step, best: true))
      }
      return options.patience > 0 && validationsWithoutImprovement >= options.patience
    }
    func save() throws(TrainingError) {
      guard let run else { return }
      do { try run.save(checkpoint(extra: extra), state: state) } catch { throw .checkpoint(error) }
      onEvent(.checkpointSaved(path: run.checkpointPath, step: step, best: false))
    }

    while true {
      let elapsed = seconds(clock.now - start)
      if step >= options.maxSteps {
        reason = .stepLimit
        break
      }
      if let budget = options.timeBudget, elapsed >= budget {
        reason = .timeBudget
        break
      }
      if shouldStop() {
        reason = .interrupted
        break
      }
      let began = clock.now
      let result = try trainStep()
      let dt = seconds(clock.now - began)
      trainSeconds += dt
      let rate = tokensPerStep / max(dt, 1e-9)
      recentRate = recentRate == 0 ? rate : 0.9 * recentRate + 0.1 * rate
      lastLoss = result.loss
      let now = seconds(clock.now - start)
      var progress = Double(step) / Double(max(1, options.maxSteps))
      if let budget = options.timeBudget { progress = max(progress, now / budget) }
      onEvent(
        .step(
          TrainingStep(
            step: step, loss: result.loss, learningRate: result.learningRate, gradientNorm: result.gradientNorm,
            tokensPerSecond: recentRate, elapsed: now, progress: min(1, progress))))
      if options.evaluateEvery > 0, step % options.evaluateEvery == 0 {
        if try validate() {
          reason = .earlyStopping
          break
        }
      }
      if options.checkpointEvery > 0, step % options.checkpointEvery == 0 { try save() }
    }
    if reason != .interrupted, lastValidation?.step != step {
      _ = try validate()
    }
    try save()
    let stepsThisRun = step - firstStep
    return TrainingSummary(
      stepsDone: step, stepsThisRun: stepsThisRun, reason: reason, finalLoss: lastLoss,
      bestValidationBPC: bestValidationBPC, bestStep: bestStep,
      tokensPerSecond: trainSeconds > 0 ? Double(stepsThisRun) * tokensPerStep / trainSeconds : 0,
      elapsed: seconds(clock.now - start))
  }
}
