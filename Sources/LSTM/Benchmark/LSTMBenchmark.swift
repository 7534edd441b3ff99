import Foundation

/// A model and batch shape to time (`studio bench lstm --preset …`), matching `torch_lstm_bench.py`'s arguments.
public struct LSTMBenchmarkPreset: Sendable, Equatable {
  public var name: String
  public var embedding: Int
  public var hidden: Int
  public var layers: Int
  public var batch: Int
  public var steps: Int

  /// MIT 6.S191 lab: E=256, H=1024, L=1, B=8, T=100.
  public static let mit = LSTMBenchmarkPreset(
    name: "mit", embedding: 256, hidden: 1024, layers: 1, batch: 8, steps: 100)
  /// folk-rnn: E=128, H=512, L=3, B=64, T=50.
  public static let folkrnn = LSTMBenchmarkPreset(
    name: "folkrnn", embedding: 128, hidden: 512, layers: 3, batch: 64,
    steps: 50)
  /// E=64, H=256, L=2, B=32, T=100.
  public static let small = LSTMBenchmarkPreset(
    name: "small", embedding: 64, hidden: 256, layers: 2, batch: 32,
    steps: 100)
  public static let all: [LSTMBenchmarkPreset] = [.mit, .folkrnn, .small]

  public static func named(_ name: String) -> LSTMBenchmarkPreset? { all.first { $0.name == name } }
}

/// What one benchmark run measured.
public struct LSTMBenchmarkResult: Sendable, Equatable {
  public var preset: String
  public var parameters: Int
  /// Training throughput over `B×T` windows, tokens per second (warm-up steps excluded).
  public var trainTokensPerSecond: Double
  public var trainSteps: Int
  public var stepMilliseconds: Double
  /// Sampling throughput, one sequence (batch 1), state carried, tokens per second.
  public var sampleTokensPerSecond: Double
  public var sampleTokens: Int
  /// Batched sampling (`batchedSampleSize` sequences at once), tokens per second over all sequences.
  public var batchedSampleTokensPerSecond: Double?
  public var batchedSampleSize: Int
  public var threads: Int
  public var precision: ComputePrecision
  public var openBLASCore: String
  public var avx512Kernels: Bool
}

/// Times the real training and sampling code paths on a corpus with the PyTorch baseline's data conventions
/// (every-tenth split, vocabulary of all tunes, Adam 5e-3, clip 5, random windows, zero state per window).
public enum LSTMBenchmark {
  /// - Parameters:
  ///   - data: training data (`TrainingData.make` with the every-tenth split).
  ///   - trainSteps: timed steps (after 5 warm-up steps).
  ///   - sampleTokens: tokens generated for the sampling figure (after a 20-token warm-up).
  ///   - batchedSample: also time this many sequences sampled together (0: skip).
  ///   - progress: called with a short description of each phase.
  /// - Throws: `TrainingError` or `SamplingError`.
  public static func run(
    preset: LSTMBenchmarkPreset, data: TrainingData, trainSteps: Int, sampleTokens: Int = 1000,
    batchedSample: Int = 0, threads: Int, precision: ComputePrecision = .float32, progress: (String) -> Void = { _ in }
  ) throws -> LSTMBenchmarkResult {
    let h = LSTMHyperparameters(
      vocabularySize: data.vocabulary.count, embeddingSize: preset.embedding,
      hiddenSize: preset.hidden, layers: preset.layers)
    var rng = SplitMix64(seed: 42)
    let parameters = try LSTMParameters(hyperparameters: h, initializingWith: &rng)
    var options = TrainingOptions()
    options.batchSize = preset.batch
    options.sequenceLength = preset.steps
    options.learningRate = 5e-3
    options.gradientClip = 5
    options.threads = threads
    options.precision = precision
    options.maxSteps = Int.max
    options.evaluateEvery = 0
    let trainer = try Trainer(parameters: parameters, data: data, options: options)
    progress("\(preset.name): warm-up")
    for _ in 0..<5 { try trainer.trainStep() }
    progress("\(preset.name): training \(trainSteps) steps")
    let clock = ContinuousClock()
    let began = clock.now
    for _ in 0..<trainSteps { try trainer.trainStep() }
    let trainSeconds = seconds(clock.now - began)
    let tokens = Double(trainSteps * preset.batch * preset.steps)

    progress("\(preset.name): sampling")
    let model = try LanguageModel(checkpoint: trainer.checkpoint(), threads: threads)
    let sampler = model.makeSampler(batch: 1)
    var sampleRNG = SplitMix64(seed: 43)
    let options1 = SamplingOptions(temperature: 1, maxCharacters: 20)
    _ = try sampler.generate(prompt: "X:", options: options1, using: &sampleRNG)
    let sampleBegan = clock.now
    _ = try sampler.generate(
      prompt: "X:", options: SamplingOptions(temperature: 1, maxCharacters: sampleTokens),
      using: &sampleRNG)
    let sampleSeconds = seconds(clock.now - sampleBegan) - primeSeconds(sampler, clock: clock)
    var batched: Double?
    if batchedSample > 1 {
      let many = model.makeSampler(batch: batchedSample)
      let start = clock.now
      _ = try many.generate(
        prompt: "X:", options: SamplingOptions(temperature: 1, maxCharacters: sampleTokens),
        using: &sampleRNG)
      batched = Double(batchedSample * sampleTokens) / seconds(clock.now - start)
    }
    return LSTMBenchmarkResult(
      preset: preset.name, parameters: h.parameterCount, trainTokensPerSecond: tokens / trainSeconds,
      trainSteps: trainSteps, stepMilliseconds: 1000 * trainSeconds / Double(max(1, trainSteps)),
      sampleTokensPerSecond: Double(sampleTokens) / max(sampleSeconds, 1e-9), sampleTokens: sampleTokens,
      batchedSampleTokensPerSecond: batched, batchedSampleSize: batchedSample, threads: threads, precision: precision,
      openBLASCore: OpenBLASKernel.coreName, avx512Kernels: KernelSelection.hasAVX512)
  }

  /// Time spent priming with the two-character prompt (excluded, as the baseline does).
  private static func primeSeconds(_ sampler: Sampler, clock: ContinuousClock) -> Double {
    let began = clock.now
    var rng = SplitMix64(seed: 0)
    _ = try? sampler.generate(prompt: "X:", options: SamplingOptions(temperature: 1, maxCharacters: 0), using: &rng)
    return seconds(clock.now - began)
  }

  private static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  /// Peak resident set size of this process so far, MiB (`getrusage` `ru_maxrss`).
  public static var peakResidentMiB: Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
  }
}
