import ArgumentParser
import Foundation
import LSTM

extension ComputePrecision: ExpressibleByArgument {}

/// `studio bench …`: times studio's real code paths and prints one JSON object per line.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time studio's real code paths; prints JSON lines.",
    subcommands: [BenchLSTMCommand.self])
}

/// `studio bench lstm`: training and sampling throughput of the LSTM presets, comparable with
/// `torch_lstm_bench.py` (same corpus conventions, model shapes and batch shapes).
struct BenchLSTMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lstm",
    abstract: "Train and sample the LSTM presets; one JSON line per preset.",
    discussion: """
      Presets: mit (E=256, H=1024, L=1, B=8, T=100), folkrnn (E=128, H=512, L=3, B=64, T=50), \
      small (E=64, H=256, L=2, B=32, T=100), on ../shared/corpora/irish.abc with the PyTorch baseline's data \
      conventions (scripts/torch/baseline.sh runs that baseline).

      Each line holds preset, params, train_tokens_per_s (B×T windows, 5 warm-up steps excluded, in the training \
      arithmetic given by --precision), sample_tokens_per_s (one sequence, batch 1, state carried, float32), \
      peak_rss_mb and openblas_core. With --preset all \
      every preset runs in its own process, so peak_rss_mb is per preset. Run on a quiet machine: other work on the \
      cores skews every figure.
      """)

  enum Preset: String, ExpressibleByArgument, CaseIterable {
    case mit, folkrnn, small, all
  }

  @OptionGroup var global: GlobalOptions

  @Option(help: "mit, folkrnn, small or all.")
  var preset: Preset = .all

  @Option(help: "Timed training steps, 1…100000 (default: mit 60, folkrnn 30, small 100).")
  var steps: Int?

  @Option(help: "Worker threads, 1…64.")
  var threads: Int = 2

  @Option(help: ArgumentHelp("Corpus to train on (default: the first of data.corpora).", valueName: "path"))
  var corpus: String?

  @Option(help: "Characters generated for the sampling figure, 1…1000000.")
  var sampleTokens: Int = 1000

  @Option(help: "Also time sampling this many sequences at once, 1…256 (0: skip).")
  var batchedSample: Int = 0

  @Option(help: "Training arithmetic: fp32, or bf16 (mixed precision, AVX512_BF16). Default: bf16 where available.")
  var precision: ComputePrecision?

  private var resolvedPrecision: ComputePrecision {
    precision ?? (ComputePrecision.bfloat16Available ? .mixedBFloat16 : .float32)
  }

  func validate() throws {
    if precision == .mixedBFloat16, !ComputePrecision.bfloat16Available {
      throw ValidationError("--precision bf16 needs a CPU with AVX512_BF16; use --precision fp32")
    }
    try Limits.check("--steps", steps, in: Limits.benchSteps)
    try Limits.check("--threads", threads, in: Limits.threads)
    try Limits.check("--sample-tokens", sampleTokens, in: Limits.sampleTokens)
    if batchedSample != 0 { try Limits.check("--batched-sample", batchedSample, in: Limits.batch) }
  }

  func run() throws {
    if preset == .all {
      for name in ["mit", "folkrnn", "small"] { try runChild(preset: name) }
      return
    }
    let config = try global.loadConfig()
    let path = corpus ?? config.data.corpora.first ?? "../shared/corpora/irish.abc"
    let data: TrainingData
    do {
      let loaded = try TuneCorpus.loadForCLI(paths: [path])
      data = try TrainingData.make(corpora: [(loaded, 1)], validationFraction: 0.1, splitMethod: .everyTenth, seed: 1)
    } catch let failure as StudioFailure {
      throw failure
    } catch {
      throw StudioFailure(cleaned("\(error)"), exitCode: 1)
    }
    guard let chosen = LSTMBenchmarkPreset.named(preset.rawValue) else { return }
    let defaultSteps = ["mit": 60, "folkrnn": 30, "small": 100][chosen.name] ?? 50
    let result: LSTMBenchmarkResult
    do {
      result = try LSTMBenchmark.run(
        preset: chosen, data: data, trainSteps: steps ?? defaultSteps, sampleTokens: sampleTokens,
        batchedSample: batchedSample, threads: threads, precision: resolvedPrecision
      ) { phase in if global.verbose { printError(phase) } }
    } catch {
      throw StudioFailure(cleaned("\(error)"))
    }
    var fields: [(String, String)] = [
      ("preset", "\"\(result.preset)\""), ("params", "\(result.parameters)"),
      ("train_tokens_per_s", String(format: "%.1f", result.trainTokensPerSecond)),
      ("sample_tokens_per_s", String(format: "%.1f", result.sampleTokensPerSecond)),
      ("peak_rss_mb", String(format: "%.1f", LSTMBenchmark.peakResidentMiB)),
      ("openblas_core", "\"\(result.openBLASCore)\""), ("avx512_kernels", "\(result.avx512Kernels)"),
      ("threads", "\(result.threads)"), ("precision", "\"\(result.precision.rawValue)\""),
      ("train_steps", "\(result.trainSteps)"),
      ("step_ms", String(format: "%.2f", result.stepMilliseconds)), ("sample_tokens", "\(result.sampleTokens)"),
    ]
    if let batched = result.batchedSampleTokensPerSecond {
      fields.append(("batched_sample", "\(result.batchedSampleSize)"))
      fields.append(("batched_sample_tokens_per_s", String(format: "%.1f", batched)))
    }
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
  }

  /// Runs one preset in a fresh process (so its peak RSS is its own) and passes its output through.
  private func runChild(preset name: String) throws {
    var arguments = [
      "bench", "lstm", "--preset", name, "--threads", "\(threads)", "--sample-tokens",
      "\(sampleTokens)", "--batched-sample", "\(batchedSample)",
    ]
    if let steps { arguments += ["--steps", "\(steps)"] }
    arguments += ["--precision", resolvedPrecision.rawValue]
    if let corpus { arguments += ["--corpus", corpus] }
    if let config = global.config { arguments += ["--config", config] }
    if global.verbose { arguments.append("--verbose") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    process.arguments = arguments
    do {
      try process.run()
    } catch {
      throw StudioFailure("cannot start a benchmark process: \(error.localizedDescription)")
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw StudioFailure("the \(name) benchmark failed (exit status \(process.terminationStatus))")
    }
  }
}
