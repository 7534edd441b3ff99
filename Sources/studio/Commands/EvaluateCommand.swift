import ArgumentParser
import Foundation

/// `studio evaluate`: measures a model against the quality targets.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Measure a model: validity and novelty of sampled tunes, validation bits per character.",
    discussion: """
      Samples --samples tunes once each with the generation settings of config.yaml (no retries) and reports:
        validity  share of samples with no validator error (target ≥ 95%), and the share the stricter rejection \
      policy of `studio generate` accepts;
        novelty   share of samples whose music (the text after K:) shares no run of 40 or more characters with any \
      training tune (target ≥ 95%), found with a suffix automaton over the training tunes;
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
    let bar = ProgressBar(total: samples, label: "evaluate")
    let job = EvaluationJob(
      modelName: model ?? config.generation.model, samples: samples, seed: seed, corpusPaths: corpora, batch: batch,
      threads: threads, config: config)
    let evaluation = try job.run { bar.update(completed: $0) }
    bar.finish()
    print(format == .json ? try GenerationJSON.pretty(evaluation) : evaluation.text)
    if !evaluation.validity.meetsTarget || evaluation.novelty?.meetsTarget == false {
      throw ExitCode(1)
    }
  }
}
