import Foundation
import LSTM
import Render

/// `studio generate` from resolved settings to files and printed records: loads the model, runs `TuneGenerator`,
/// hands every tune to `TuneFileWriter`, prints one line (or JSON record) per tune and the acceptance rate.
struct GenerationJob {
  let command: GenerateCommand
  let config: StudioConfig

  /// The JSON record printed per tune with `--format json`.
  struct Record: Codable, Equatable {
    var path: String
    var midi: String?
    var wav: String?
    var x: Int
    var title: String
    var titleGenerated: Bool
    var attempts: Int
    var chars: Int
    var valid: Bool
    var warnings: Int
    var ending: String
    var rejected: [String]
    /// Rewrites made to the sample (`TuneNormalizer`), e.g. "start repeats made explicit".
    var changes: [String]
    var problems: [String]

    enum CodingKeys: String, CodingKey {
      case path, midi, wav, x, title, attempts, chars, valid, warnings, ending, rejected, changes, problems
      case titleGenerated = "title_generated"
    }
  }

  /// The settings the flags and config give.
  func settings(seed: UInt64, modelPath: String? = nil) -> GenerationSettings {
    let g = config.generation
    let structure = (command.structure ?? g.structure) && !command.raw
    return GenerationSettings(
      count: command.count ?? g.count,
      sampling: SamplingOptions(
        temperature: command.temperature ?? g.temperature, topK: command.topK ?? g.topK, topP: command.topP ?? g.topP,
        maxCharacters: command.maxCharacters ?? g.maxCharacters),
      seed: seed, maxAttempts: command.maxAttempts ?? g.maxAttempts, raw: command.raw, batch: command.batch ?? g.batch,
      key: command.key, meter: command.meter, title: command.title, prime: command.prime,
      structure: structure
        ? GenerationSettings.StructureOptions(
          profile: modelPath.flatMap { FormProfile.load(modelDirectory: ($0 as NSString).deletingLastPathComponent) },
          tonicBias: Float(command.tonicBias ?? g.tonicBias), repeatBars: command.repeatBars ?? g.repeatBars)
        : nil,
      copy: (command.copyModel ?? g.copyModel)
        ? modelPath.flatMap { CopyModel.load(modelDirectory: ($0 as NSString).deletingLastPathComponent) } : nil)
  }

  func run() throws {
    let g = config.generation
    let seed = command.seed ?? g.seed.map { UInt64(bitPattern: Int64($0)) } ?? UInt64.random(in: 0...999_999)
    if command.seed == nil && g.seed == nil { printError("seed \(seed) (pass --seed \(seed) to repeat this run)") }
    // The output directory is checked before the model is loaded and anything is sampled.
    try AtomicWriter.checkOutputDirectory(command.outputDirectory ?? g.outputDirectory)
    let modelName = command.model ?? g.model
    let modelPath = try ModelLocator.resolve(modelName, modelsDirectory: config.training.modelsDirectory)
    let settings = settings(seed: seed, modelPath: modelPath)
    let model = try LanguageModel(contentsOf: modelPath, threads: (command.threads ?? g.threads))
    if command.global.verbose {
      let h = model.hyperparameters
      printError("model \(modelPath): V=\(h.vocabularySize) E=\(h.embeddingSize) H=\(h.hiddenSize) L=\(h.layers)")
    }

    let wav = command.wav ?? g.wav
    var soundFont: String?
    if wav {
      let location = try SoundFontLocator.locate(
        explicit: command.soundfont, config: config.render.soundfont, environment: ProcessInfo.processInfo.environment,
        projectRoots: ProjectRoots.all())
      soundFont = location.path
      if command.global.verbose { printError("SoundFont \(location.path) (\(location.source))") }
    }
    let writer = TuneFileWriter(
      directory: command.outputDirectory ?? g.outputDirectory, midi: command.midi ?? g.midi, wav: wav,
      overwrite: command.force, soundFontPath: soundFont,
      synthConfiguration: SynthConfiguration(
        sampleRate: config.render.sampleRate, gain: config.render.gain, reverb: config.render.reverb,
        chorus: config.render.chorus),
      sampleFormat: SampleFormat(rawValue: config.render.bits))
    writer.limit = RenderLimit(maxSeconds: config.render.maxSeconds)
    let generator = try TuneGenerator(model: model, settings: settings)

    let bar = ProgressBar(total: settings.count, label: "generate")
    let (summary, failures) = try generator.run(
      progress: { p in
        bar.update(completed: p.accepted + p.failed, detail: "\(p.sequencesSampled) samples")
      },
      onTune: { tune in
        let written = try writer.write(tune)
        let record = Self.record(tune, written)
        if command.format == .json {
          print(try GenerationJSON.line(record))
        } else {
          print(Self.line(record))
          for problem in written.warnings { printError("warning: \(problem)") }
        }
      })
    bar.finish()

    let rate = String(format: "%.0f%%", summary.acceptanceRate * 100)
    var report = "\(summary.accepted) of \(summary.requested) tunes written to \(writer.directory); "
    report +=
      settings.raw
      ? "raw samples, not validated"
      : "accepted \(summary.accepted) of \(summary.samplesJudged) samples (\(rate))"
    report += String(format: " in %.1f s, seed %llu", summary.seconds, seed)
    if !summary.rejectionKinds.isEmpty {
      report +=
        "; rejected for: " + summary.rejectionKinds.prefix(5).map { "\($0.kind) ×\($0.count)" }.joined(separator: ", ")
    }
    if command.format == .json { printError(report) } else { print(report) }
    guard failures.isEmpty else {
      var lines = failures.map { failure in
        "tune \(failure.number): no valid tune in \(failure.attempts) attempts; last sample: "
          + failure.lastReasons.prefix(3).joined(separator: "; ")
      }
      if summary.failed > failures.count { lines.append("… and \(summary.failed - failures.count) more tunes") }
      throw StudioFailure(
        lines.joined(separator: "\n") + "\n(try a lower --temperature, a smaller --top-p or a larger --max-attempts)",
        exitCode: 1)
    }
  }

  static func record(_ tune: GeneratedTune, _ written: TuneFileWriter.Written) -> Record {
    Record(
      path: written.abc, midi: written.midi, wav: written.wav, x: tune.number, title: tune.title,
      titleGenerated: tune.titleGenerated, attempts: tune.attempts, chars: tune.sampledCharacters,
      valid: tune.check.accepted && tune.ending != .maxCharacters, warnings: tune.check.warnings,
      ending: tune.ending.rawValue, rejected: tune.rejections, changes: tune.changes, problems: written.warnings)
  }

  /// One line of text output for a tune.
  static func line(_ record: Record) -> String {
    var extras = [record.midi, record.wav].compactMap { $0.map { "+ ." + ($0 as NSString).pathExtension } }
    if !record.valid { extras.append("NOT VALID") }
    let attempt = record.attempts == 1 ? "first sample" : "attempt \(record.attempts)"
    return "\(record.path) \(extras.joined(separator: " "))  X:\(record.x) \"\(record.title)\" "
      + "(\(attempt), \(record.chars) chars\(record.warnings > 0 ? ", \(record.warnings) warnings" : ""))"
  }
}
