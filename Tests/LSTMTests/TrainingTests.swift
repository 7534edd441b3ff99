import Foundation
import Testing

@testable import LSTM

@Suite struct TrainingTests {
  /// A small model memorises a tiny repetitive corpus: the training loss falls from ~ln V to near zero.
  @Test func overfitsATinyCorpus() throws {
    let data = tinyData()
    var options = TrainingOptions()
    options.batchSize = 8
    options.sequenceLength = 24
    options.maxSteps = 250
    options.learningRate = 2e-2
    options.evaluateEvery = 0
    let trainer = try Trainer(parameters: tinyModel(data.vocabulary, hidden: 48), data: data, options: options)
    let first = try trainer.trainStep().loss
    var last = first
    for _ in 1..<options.maxSteps { last = try trainer.trainStep().loss }
    #expect(first > 2.0, "initial loss \(first) should be near ln V")
    #expect(last < 0.05, "final training loss \(last) nats should be near zero")
    if ComputePrecision.bfloat16Available {
      options.precision = .mixedBFloat16
      let mixed = try Trainer(parameters: tinyModel(data.vocabulary, hidden: 48), data: data, options: options)
      var mixedLast = 0.0
      for _ in 0..<options.maxSteps { mixedLast = try mixed.trainStep().loss }
      #expect(mixedLast < 0.05, "mixed-precision final training loss \(mixedLast)")
    }
    let validation = try trainer.evaluate()
    #expect(validation.bitsPerCharacter < 1.5, "the held-out near-copy is predicted too (untrained: ~4 bits)")
  }

  /// N + M steps in one run equal N steps, a checkpoint to disk, a resumed trainer and M more steps: bit for bit
  /// (same thread count), with dropout, state carried across windows and a cosine schedule all exercised.
  @Test(arguments: [(false, ComputePrecision.float32), (true, .float32), (true, .mixedBFloat16)])
  func resumeContinuesExactly(carryState: Bool, precision: ComputePrecision) throws {
    if precision == .mixedBFloat16, !ComputePrecision.bfloat16Available { return }
    let data = tinyData()
    var options = TrainingOptions()
    options.batchSize = 5
    options.sequenceLength = 12
    options.maxSteps = 14
    options.learningRate = 1e-2
    options.schedule = .cosine(warmup: 3, total: 14, minimum: 1e-3)
    options.adam.weightDecay = 0.01
    options.carryState = carryState
    options.precision = precision
    options.evaluateEvery = 4
    options.checkpointEvery = 0
    options.seed = 77
    let parameters = tinyModel(data.vocabulary, hidden: 20, layers: 2, dropout: 0.2)

    let straight = try Trainer(parameters: parameters, data: data, options: options)
    _ = try straight.train()

    let directory = makeTemporaryDirectory("resume")
    defer { removeDirectory(directory) }
    let run = TrainingRun(directory: directory)
    try run.prepare()
    var firstLeg = options
    firstLeg.maxSteps = 9
    let first = try Trainer(parameters: parameters, data: data, options: firstLeg)
    let firstSummary = try first.train(run: run)
    #expect(firstSummary.stepsDone == 9)

    let (checkpoint, state) = try run.loadForResume()
    #expect(checkpoint.step == 9)
    let resumed = try Trainer(resuming: checkpoint, state: state, data: data, options: options)
    let summary = try resumed.train(run: run)
    #expect(summary.stepsThisRun == 5)
    #expect(resumed.step == straight.step)
    #expect(resumed.parameters.values == straight.parameters.values, "weights after resume differ")
    #expect(resumed.state.adam == straight.state.adam)
  }

  /// The same seed gives the same run; another seed another one.
  @Test func trainingIsReproducible() throws {
    let data = tinyData()
    var options = TrainingOptions()
    options.batchSize = 4
    options.sequenceLength = 10
    options.maxSteps = 5
    options.evaluateEvery = 0
    func run(seed: UInt64) throws -> [Float] {
      options.seed = seed
      let trainer = try Trainer(parameters: tinyModel(data.vocabulary, dropout: 0.1), data: data, options: options)
      _ = try trainer.train()
      return trainer.parameters.values
    }
    #expect(try run(seed: 3) == run(seed: 3))
    #expect(try run(seed: 3) != run(seed: 4))
  }

  /// Early stopping ends the run after `patience` validations without improvement; interruption stops at once.
  @Test func stopsEarlyAndOnRequest() throws {
    let data = tinyData()
    var options = TrainingOptions()
    options.batchSize = 4
    options.sequenceLength = 10
    options.maxSteps = 1000
    options.learningRate = 0  // nothing improves after the first validation
    options.evaluateEvery = 2
    options.patience = 2
    let trainer = try Trainer(parameters: tinyModel(data.vocabulary), data: data, options: options)
    var validations = 0
    let summary = try trainer.train(onEvent: { event in if case .validation = event { validations += 1 } })
    #expect(summary.reason == .earlyStopping)
    #expect(summary.stepsDone == 6)
    #expect(validations == 3)

    options.learningRate = 1e-3
    let interrupted = try Trainer(parameters: tinyModel(data.vocabulary), data: data, options: options)
    var calls = 0
    let stopped = try interrupted.train(shouldStop: {
      calls += 1
      return calls > 3
    })
    #expect(stopped.reason == .interrupted)
    #expect(stopped.stepsDone == 3)
  }

  /// Bad data and options are reported with the offending value, never trapped on.
  @Test func rejectsUnusableDataAndOptions() throws {
    let data = tinyData()
    let model = tinyModel(data.vocabulary)
    var options = TrainingOptions()
    options.sequenceLength = 10_000
    #expect(throws: TrainingError.trainingDataTooShort(tokens: data.trainTokens.count, needed: 10_002)) {
      try Trainer(parameters: model, data: data, options: options)
    }
    options = TrainingOptions()
    options.batchSize = 0
    #expect(throws: TrainingError.invalidOption(name: "batch_size", value: "0", expected: "at least 1")) {
      try Trainer(parameters: model, data: data, options: options)
    }
    var empty = data
    empty.trainTokens = []
    #expect(throws: TrainingError.emptyTrainingData) { try Trainer(parameters: model, data: empty, options: .init()) }
    var noValidation = data
    noValidation.validationSequences = []
    #expect(throws: TrainingError.noValidationData) {
      try Trainer(parameters: model, data: noValidation, options: .init())
    }
    var bad = data
    bad.trainTokens[3] = 999
    #expect(throws: TrainingError.tokenOutOfRange(id: 999, vocabularySize: data.vocabulary.count)) {
      try Trainer(parameters: model, data: bad, options: .init())
    }
    let tooFew = (0..<5).map { "X:\($0)\nK:C\nCDEF|" }
    #expect(throws: TrainingError.noValidationData) {
      try TrainingData.make(
        corpora: [(TuneCorpus(tunes: tooFew), 1)], validationFraction: 0.1,
        splitMethod: .everyTenth, seed: 1)
    }
    var broken = model
    broken.values[broken.layout.fcBias] = .nan
    let diverging = try Trainer(parameters: broken, data: data, options: .init())
    #expect(throws: TrainingError.nonFiniteLoss(step: 1)) { _ = try diverging.train() }
    #expect(diverging.step == 0, "a non-finite step must not update the weights")
  }

  /// With state carried, each batch row reads the stream on from where its last window ended.
  @Test func carriedWindowsAreConsecutive() throws {
    let h = LSTMHyperparameters(vocabularySize: 100, embeddingSize: 2, hiddenSize: 2, layers: 1)
    let ws = Workspace(hyperparameters: h, batch: 3, steps: 4, training: true)
    let stream = (0..<40).map { Int32($0) }
    var sampler = WindowSampler(seed: 9, carry: true, batch: 3, steps: 4)
    let firstReset = stream.withUnsafeBufferPointer { sampler.next(from: $0, into: ws) }
    #expect(firstReset == [0, 1, 2])
    let firstStarts = (0..<3).map { ws.tokens.base[$0] }
    let secondReset = stream.withUnsafeBufferPointer { sampler.next(from: $0, into: ws) }
    for b in 0..<3 where !secondReset.contains(b) {
      #expect(ws.tokens.base[b] == firstStarts[b] + 4)
      #expect(ws.targets.base[3 * 3 + b] == firstStarts[b] + 8)
    }
  }
}

@Suite struct TrainingRunEndToEndTests {
  /// What `studio train` does, end to end: train into a run directory (checkpoint, sidecar, best model), resume to
  /// more steps, ship the best model as float16, load it for sampling and generate a tune-like continuation.
  @Test func trainResumeShipAndSample() throws {
    let directory = makeTemporaryDirectory("e2e")
    defer { removeDirectory(directory) }
    let tunes = (0..<30).map { "X:\($0)\nK:D\nABcd efga|" + String(repeating: "fedc BAGF|", count: $0 % 3 + 1) }
    let data = try TrainingData.make(
      corpora: [(TuneCorpus(tunes: tunes), 1)], validationFraction: 0.1,
      splitMethod: .everyTenth, seed: 3)
    #expect(data.validationSequences.count == 3)
    var options = TrainingOptions()
    options.batchSize = 8
    options.sequenceLength = 20
    options.maxSteps = 40
    options.learningRate = 1e-2
    options.evaluateEvery = 20
    options.checkpointEvery = 20
    let run = TrainingRun(directory: directory + "/runs/demo")
    try run.prepare()
    var events: [String] = []
    let first = try Trainer(parameters: tinyModel(data.vocabulary, hidden: 32), data: data, options: options)
    _ = try first.train(
      run: run,
      onEvent: { event in
        if case .checkpointSaved(let path, let step, let best) = event { events.append("\(step) \(best) \(path)") }
      })
    #expect(events.contains("20 false \(run.checkpointPath)") && events.contains("40 false \(run.checkpointPath)"))
    #expect(FileManager.default.fileExists(atPath: run.bestPath))

    options.maxSteps = 60
    let saved = try run.loadForResume()
    let resumed = try Trainer(resuming: saved.checkpoint, state: saved.state, data: data, options: options)
    let summary = try resumed.train(run: run)
    #expect(summary.stepsDone == 60 && summary.stepsThisRun == 20)

    let best = try Checkpoint.read(path: run.bestPath)
    #expect(best.step == summary.bestStep)
    #expect(best.validationBPC == summary.bestValidationBPC)
    #expect(best.corpusFingerprints == data.corpusFingerprints)
    let shipped = directory + "/models/demo/model.safetensors"
    try best.write(to: shipped, dtype: .f16)
    let model = try LanguageModel(contentsOf: shipped)
    var rng = SplitMix64(seed: 9)
    let tune = try model.makeSampler().generate(
      prompt: "X:", options: SamplingOptions(temperature: 0.5, maxCharacters: 200), using: &rng
    ) { _, text in text.hasSuffix("\n\n") }[0]
    #expect(tune.stopped && tune.text.contains("efga|"), "generated: \(tune.text)")
  }
}
