import ArgumentParser
import Foundation

/// `studio generate`: sample new tunes from a trained model and write them as ABC (and MIDI / WAV).
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate new tunes with a trained model.",
    discussion: """
      Models: --model irish|pop|irish-pop|NAME looks for models/NAME/model.safetensors in the current directory, \
      then in the package the studio executable was built in; a path to a .safetensors file (or a directory \
      holding model.safetensors) is used as is.

      Every sampled tune is parsed and validated; tunes with errors (or unbalanced repeats, too few or too many \
      bars, more than one bar in ten that does not fit the meter, no K:) are sampled again, up to --max-attempts \
      times, and the acceptance rate is reported. --raw skips \
      this and writes exactly what the model sampled. Files are named after the tune's title \
      (out/the-windy-harbour.abc); an existing file is never replaced without --force (a -2, -3, … suffix is \
      added instead). The same --seed gives the same tunes.

      Priming: --key G, --meter 6/8 and --title TEXT fix those header fields; the model writes the other header \
      lines of its corpus (L:, Q:, …) before the key. --prime TEXT gives raw ABC to continue; --prime-file FILE.abc \
      continues the first tune of a file (a phrase from `studio record`): its header up to K: and its music, the \
      final bar line left open. --temperature 0 is \
      greedy decoding (one attempt per tune: a retry would repeat it).

      Before validation each tune gets its own X: number and a title (a made-up one when the model wrote none), \
      loses the provenance the model copied from its corpus (C:, S:, Z:, H:, B:, D:, F:, % comments), and the \
      habits of the folk corpora that strict ABC 2.1 refuses are rewritten into equivalent ABC: '!' line ends get \
      an I:linebreak ! declaration, parts that end in :| without |: get their |:, a Y: play order becomes P:, and \
      detached ties (d3 -d2) are attached. The notes played do not change; --raw keeps the sample untouched.

      Example: studio generate --model irish --count 3 --seed 7 --midi --wav --out-dir out --force
      """)

  @OptionGroup var global: GlobalOptions

  @Option(
    help: ArgumentHelp(
      "Model name (irish, pop, irish-pop, …) or path. Default: generation.model.", valueName: "name|path"))
  var model: String?
  @Option(help: ArgumentHelp("Number of tunes, 1…100000. Default: generation.count.", valueName: "n")) var count: Int?
  @Option(help: ArgumentHelp("Sampling temperature; 0 = greedy. Default: generation.temperature.", valueName: "t"))
  var temperature: Double?
  @Option(
    name: .customLong("top-k"), help: ArgumentHelp("Keep the k most likely characters (0 = off).", valueName: "k"))
  var topK: Int?
  @Option(name: .customLong("top-p"), help: ArgumentHelp("Nucleus sampling threshold (1 = off).", valueName: "p"))
  var topP: Double?
  @Option(
    help: ArgumentHelp(
      "Random seed; the same seed gives the same tunes. Default: a fresh one (printed).", valueName: "s"))
  var seed: UInt64?
  @Option(help: ArgumentHelp("Fix the key, e.g. G, Am, D dor, \"A Dorian\".", valueName: "key")) var key: String?
  @Option(help: ArgumentHelp("Fix the meter, e.g. 6/8, 3/4, C|.", valueName: "meter")) var meter: String?
  @Option(help: ArgumentHelp("Fix the title.", valueName: "text")) var title: String?
  @Option(
    help: ArgumentHelp("Raw ABC text for the model to continue (instead of --key/--meter/--title).", valueName: "text"))
  var prime: String?
  @Option(
    name: .customLong("prime-file"),
    help: ArgumentHelp(
      "An .abc file whose first tune the model continues (e.g. from `studio record`): its header up to K:, then its "
        + "music.", valueName: "file"))
  var primeFile: String?
  @Option(name: .customLong("max-chars"), help: ArgumentHelp("Most characters sampled per tune, 1…100000.", valueName: "n"))
  var maxCharacters: Int?
  @Option(
    name: .customLong("max-attempts"), help: ArgumentHelp("Samples per tune before giving up on it, 1…1000.", valueName: "n"))
  var maxAttempts: Int?
  @Option(help: ArgumentHelp("Sequences sampled in parallel, 1…256. Default: generation.batch.", valueName: "n")) var batch: Int?
  @Option(
    help: ArgumentHelp(
      "Worker threads for the per-character products, 1…64 (1 is fastest for small models and on a busy machine).",
      valueName: "n"))
  var threads: Int?
  @Flag(help: "Skip validation: write exactly what the model sampled.") var raw = false
  @Flag(
    inversion: .prefixedNo,
    help: """
      Structure-aware sampling: mask characters that overfill a bar, end a bar short, tie different pitches, \
      unbalance repeats or break the planned form; draw part lengths, parts and meter from the model's form.json. \
      Default: generation.structure.
      """)
  var structure: Bool?
  @Flag(
    name: .customLong("copy"), inversion: .prefixedNo,
    help: """
      Mix the model's copy model (copy.json: predicts what followed the last time the tune wrote its latest \
      characters, trusted by match length) into every draw, so tunes restate their own bars as the corpus does. \
      Default: generation.copy_model.
      """)
  var copyModel: Bool?
  @Option(
    name: .customLong("tonic-bias"),
    help: ArgumentHelp(
      "Logit bias toward the tonic in the last part's closing bar (0 = off). Default: generation.tonic_bias.",
      valueName: "b"))
  var tonicBias: Double?
  @Option(
    name: .customLong("repeat-bars"),
    help: ArgumentHelp(
      "Probability of restating an earlier bar where tunes do (bars 5–6 from 1–2, a part's last bars from the part "
        + "before); 0 = never. Default: generation.repeat_bars.", valueName: "p"))
  var repeatBars: Double?
  @Option(
    name: .customLong("out-dir"), help: ArgumentHelp("Output directory. Default: generation.out_dir.", valueName: "dir")
  )
  var outputDirectory: String?
  @Flag(inversion: .prefixedNo, help: "Also write a .mid file per tune. Default: generation.midi.") var midi: Bool?
  @Flag(inversion: .prefixedNo, help: "Also render a .wav file per tune. Default: generation.wav.") var wav: Bool?
  @Option(
    help: ArgumentHelp(
      "SoundFont for --wav. Default: render.soundfont, $STUDIO_SOUNDFONT, soundfonts/, system GM fonts.",
      valueName: "path"))
  var soundfont: String?
  @Option(help: "Output: text, or json (one record per tune).") var format: ReportFormat = .text
  @Flag(help: "Replace existing files instead of choosing new names.") var force = false

  func validate() throws {
    try Limits.check("--count", count, in: Limits.tunes)
    if let temperature, !(temperature >= 0 && temperature.isFinite) {
      throw ValidationError("--temperature must be 0 or more")
    }
    if let topK, topK < 0 { throw ValidationError("--top-k must be 0 (off) or more") }
    if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    try Limits.check("--max-chars", maxCharacters, in: Limits.characters)
    try Limits.check("--max-attempts", maxAttempts, in: Limits.attempts)
    if let tonicBias, !(0...20).contains(tonicBias) { throw ValidationError("--tonic-bias must be between 0 and 20") }
    if let repeatBars, !(0...1).contains(repeatBars) { throw ValidationError("--repeat-bars must be between 0 and 1") }
    try Limits.check("--batch", batch, in: Limits.batch)
    try Limits.check("--threads", threads, in: Limits.threads)
    if prime != nil && (key != nil || meter != nil || title != nil) {
      throw ValidationError(
        "--prime cannot be combined with --key, --meter or --title; write those fields into the prime")
    }
    if primeFile != nil && (prime != nil || key != nil || meter != nil || title != nil) {
      throw ValidationError(
        "--prime-file cannot be combined with --prime, --key, --meter or --title; the file's header gives them")
    }
  }

  func run() throws {
    let config = try global.loadConfig()
    var command = self
    if let primeFile {
      command.prime = try PrimePlan.primeText(fromFile: primeFile)
      command.primeFile = nil
    }
    try GenerationJob(command: command, config: config).run()
  }
}
