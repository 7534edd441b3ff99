import ArgumentParser
import Foundation

/// `studio evaluate`: measures a model against the quality targets.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Measure a model: validity, form, cleanliness and novelty of sampled tunes beside its corpus.",
    discussion: """
      Samples --samples tunes once each with the generation settings of config.yaml (no retries), then --samples \
      tunes exactly as `studio generate` writes them (rejection policy and retries), and reports:
        validity  share of single samples with no validator error (target ≥ 95%), and the share the stricter \
      rejection policy of `studio generate` accepts;
        generated acceptance rate of the rejection policy and tunes per second;
        form      beside the same figures on the whole training corpus: bars per tune (median, p10, p90), parts of \
      8 and 16 bars, tunes whose every part is 8 or 16 bars, parts whose pick-up and closing bar make one bar, bars \
      repeating an earlier bar, tunes ending on the tonic of K:, tunes under 8 bars, tunes with a tie or bar-length \
      defect, pitch range, meters and keys (and the largest gap in points), no `studio validate --strict` \
      diagnostic, and no Error or Warning line from abc2midi (when installed). Parts and bars are read from the \
      parsed tune and the performer's timeline; the corpus figures are cached under ~/.cache/studio/evaluate;
        novelty   share of generated tunes whose music (the text after K:) shares no run of 40 or more characters \
      with any training tune (target ≥ 95%), found with a suffix automaton over the training tunes; the corpus's \
      own figure is that of its held-out tunes;
        held-out  bits per character on the validation tunes (each tune + an empty line scored from a zero state).
      The corpus and split come from --corpus, else the config.yaml that `studio train` wrote beside the model, else \
      data: in config.yaml. Without the corpus, novelty and held-out scores are skipped with a note.
      Exit status 1 when a target is missed.
      """)

  @OptionGroup var global: GlobalOptions
  @Option(help: ArgumentHelp("Model name or path. Default: generation.model.", valueName: "name|path")) var model:
    String?
  @Option(help: ArgumentHelp("Tunes to sample, 1…100000.", valueName: "n")) var samples: Int = 200
  @Option(help: ArgumentHelp("Random seed.", valueName: "s")) var seed: UInt64 = 1
  @Option(name: .customLong("corpus"), help: ArgumentHelp("Training corpus (repeat for several).", valueName: "path"))
  var corpora: [String] = []
  @Option(help: ArgumentHelp("Sequences sampled in parallel, 1…256.", valueName: "n")) var batch: Int = 16
  @Option(help: ArgumentHelp("Worker threads for the per-character products, 1…64.", valueName: "n")) var threads: Int = 1
  @Option(help: "Output: text or json.") var format: ReportFormat = .text

  func validate() throws {
    try Limits.check("--samples", samples, in: Limits.samples)
    try Limits.check("--batch", batch, in: Limits.batch)
    try Limits.check("--threads", threads, in: Limits.threads)
  }

  func run() throws {
    let config = try global.loadConfig()
    let bar = ProgressBar(total: 2 * samples, label: "evaluate")
    let job = EvaluationJob(
      modelName: model ?? config.generation.model, samples: samples, seed: seed, corpusPaths: corpora, batch: batch,
      threads: threads, config: config, cacheDirectory: EvaluationJob.defaultCacheDirectory())
    let evaluation = try job.run { bar.update(completed: $0) }
    bar.finish()
    print(format == .json ? try GenerationJSON.pretty(evaluation) : evaluation.text)
    if !evaluation.validity.meetsTarget || evaluation.novelty?.meetsTarget == false {
      throw ExitCode(1)
    }
  }
}
