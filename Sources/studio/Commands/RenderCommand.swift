import ABCParser
import ArgumentParser
import Foundation
import MIDI
import Render

/// `studio render`: MIDI or ABC to audio through FluidSynth, one SoundFont load for any number of files.
struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Render MIDI or ABC to audio (WAV, FLAC, Ogg Vorbis) with FluidSynth.",
    discussion: """
      The output type comes from the extension (.wav, .flac, .ogg); with --out-dir, from --format. Every output is \
      written atomically: a failed render leaves no partial file.

      An .abc input renders every tune: with --out-dir one file per tune (NAME-1.wav, NAME-2.wav, …, numbered in \
      file order; NAME.wav for a single tune), with -o only when the file holds one tune or --tune picks one. \
      Directories are searched recursively for .mid, .midi and .abc files (entries that are not regular files are \
      skipped with a warning). The SoundFont is loaded once for all inputs.

      Length limit: music longer than render.max_seconds (default 3600 s = 1 hour; --max-seconds, 1…604800) is \
      refused before rendering, with its length and the longest stretch between two events.

      Exit status: 0 success, 1 when an input cannot be rendered (no music, too long, not a MIDI file), 2 on usage \
      or I/O errors.

      SoundFont, first found wins: --soundfont; config.yaml render.soundfont; $STUDIO_SOUNDFONT; any .sf2/.sf3 in \
      ./soundfonts/, then in the soundfonts/ directory of the package studio was built from; then \
      /usr/share/sounds/sf2 (default-GM.sf2, FluidR3_GM.sf2, TimGM6mb.sf2, then any) and /usr/share/sounds/sf3. \
      See soundfonts/README.md.

      Examples:
        studio render tune.mid -o tune.wav
        studio render reels.abc --out-dir audio --format flac --normalize
        studio render midi/ --out-dir audio --soundfont /usr/share/sounds/sf2/TimGM6mb.sf2
      """)

  /// `--bits` values.
  enum Bits: String, ExpressibleByArgument, CaseIterable {
    case b16 = "16"
    case b24 = "24"
    case f32 = "32f"
  }

  /// `--format` values (with `--out-dir`).
  enum Container: String, ExpressibleByArgument, CaseIterable {
    case wav, flac, ogg
  }

  @OptionGroup var global: GlobalOptions

  @Argument(help: ArgumentHelp("Input .mid/.midi or .abc files, or directories holding them.", valueName: "input"))
  var inputs: [String]

  @Option(name: .shortAndLong, help: ArgumentHelp("Output file: .wav, .flac or .ogg.", valueName: "path"))
  var output: String?

  @Option(
    name: .customLong("out-dir"),
    help: ArgumentHelp("Write one audio file per tune into this directory (created when missing).", valueName: "dir"))
  var outputDirectory: String?

  @Option(help: "Output type with --out-dir (default: wav).")
  var format: Container?

  @Option(help: ArgumentHelp("Render only this tune (X: number) of an .abc input.", valueName: "X"))
  var tune: Int?

  @Option(help: ArgumentHelp("SoundFont file (.sf2/.sf3).", valueName: "path"))
  var soundfont: String?

  @Option(name: .customLong("sample-rate"), help: ArgumentHelp("Sample rate in Hz (8000…96000).", valueName: "hz"))
  var sampleRate: Int?

  @Option(help: ArgumentHelp("FluidSynth master gain, 0…10.", valueName: "g"))
  var gain: Double?

  @Flag(inversion: .prefixedNo, help: "Reverb on or off.")
  var reverb: Bool?

  @Flag(inversion: .prefixedNo, help: "Chorus on or off.")
  var chorus: Bool?

  @Option(help: "Sample format of WAV/FLAC output: 16, 24 or 32f (32-bit float; WAV only).")
  var bits: Bits?

  @Flag(inversion: .prefixedNo, help: "Scale each file so its peak is -1 dBFS (two passes).")
  var normalize: Bool?

  @Option(
    help: ArgumentHelp(
      "Longest release/reverb tail after the last note, in seconds (it ends sooner once silent). Default: render.tail.",
      valueName: "s"))
  var tail: Double?

  @Option(
    name: .customLong("max-seconds"),
    help: ArgumentHelp(
      "Longest audio per file, in seconds (1…604800). Default: render.max_seconds (3600).", valueName: "s"))
  var maxSeconds: Double?

  func validate() throws {
    guard !inputs.isEmpty else { throw ValidationError("give at least one input .mid or .abc file") }
    if let maxSeconds, !RenderConfig.maxSecondsRange.contains(maxSeconds) {
      throw ValidationError("--max-seconds must be within 1…604800 (got \(maxSeconds))")
    }
    switch (output, outputDirectory) {
    case (nil, nil): throw ValidationError("give -o OUT.wav (one input) or --out-dir DIR")
    case (_?, _?): throw ValidationError("give either -o or --out-dir, not both")
    case (_?, nil):
      if inputs.count > 1 { throw ValidationError("-o takes one input; use --out-dir DIR for several") }
      if format != nil { throw ValidationError("--format applies to --out-dir; with -o the extension decides") }
    case (nil, _?): break
    }
    if let gain, !(0...10).contains(gain) { throw ValidationError("--gain must be within 0…10 (got \(gain))") }
  }

  func run() throws {
    let config = try global.loadConfig()
    let render = config.render
    // Inputs and the -o path are checked before the SoundFont is loaded, so mistakes fail fast.
    var session = try RenderSession(
      command: self, configBits: render.bits, limit: RenderLimit(maxSeconds: maxSeconds ?? render.maxSeconds))
    if let soundfont { try InputFile.requireRegular(soundfont, what: "the SoundFont") }
    let font = try SoundFontLocator.locate(
      explicit: soundfont, config: render.soundfont, environment: ProcessInfo.processInfo.environment,
      projectRoots: ProjectRoots.all())
    if global.verbose { printError("SoundFont \(font.path) (from \(font.source))") }

    let clock = ContinuousClock()
    let started = clock.now
    let renderer = try Renderer(
      soundFontPath: font.path,
      configuration: SynthConfiguration(
        sampleRate: sampleRate ?? render.sampleRate, gain: gain ?? render.gain, reverb: reverb ?? render.reverb,
        chorus: chorus ?? render.chorus))
    let loadSeconds = Self.seconds(clock.now - started)
    let options = RenderOptions(
      normalizationPeakDBFS: (normalize ?? render.normalize) ? RenderOptions.defaultNormalizationPeakDBFS : nil,
      tailLimitSeconds: tail ?? render.tail)
    try options.validate()

    try session.renderAll(with: renderer, options: options)

    let wall = Self.seconds(clock.now - started)
    if session.rendered > 1 || global.verbose {
      let speed = wall > 0 ? String(format: "%.0f", session.audioSeconds / wall) : "∞"
      print(
        "rendered \(session.rendered) file(s), \(String(format: "%.1f", session.audioSeconds)) s of audio in "
          + "\(String(format: "%.2f", wall)) s (\(speed)× real time; SoundFont loaded once in "
          + "\(String(format: "%.2f", loadSeconds)) s)")
    }
    if session.failed > 0 {
      throw StudioFailure(
        "\(session.failed) input\(session.failed == 1 ? "" : "s") or tune\(session.failed == 1 ? "" : "s") could not be "
          + "rendered (see above)", exitCode: 1)
    }
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}

/// One run of `studio render`: expands the inputs, names the outputs, renders each tune and prints a line for it.
private struct RenderSession {
  let command: RenderCommand
  let configBits: String
  let limit: RenderLimit
  private let inputs: [Input]
  private(set) var rendered = 0
  /// Inputs that could not be rendered (reported, then skipped).
  private(set) var failed = 0
  private(set) var audioSeconds = 0.0
  private var usedPaths: Set<String> = []

  /// Expands the inputs and checks the `-o` path.
  /// - Throws: `StudioFailure` for a missing or unknown input, `RenderError` for an impossible `-o` path.
  init(command: RenderCommand, configBits: String, limit: RenderLimit) throws {
    self.command = command
    self.configBits = configBits
    self.limit = limit
    if let output = command.output {
      try AtomicWriter.checkOutput(output, inputs: command.inputs)
      _ = try AudioContainer.forPath(output)
    }
    if let directory = command.outputDirectory { try AtomicWriter.checkOutputDirectory(directory) }
    self.inputs = try Self.expandInputs(command)
    guard !inputs.isEmpty else {
      throw StudioFailure("nothing to render: no .mid, .midi or .abc files in \(command.inputs.joined(separator: ", "))")
    }
  }

  var inputCount: Int { inputs.count }

  /// A file to render from, found on the command line or in a directory.
  private enum Input {
    case midi(String)
    case abc(String)
  }

  mutating func renderAll(with renderer: Renderer, options: RenderOptions) throws {
    if let directory = command.outputDirectory {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw StudioFailure("cannot create the output directory \(directory): \(error.localizedDescription)")
      }
    }
    let several = inputs.count > 1
    let bar = several ? ProgressBar(total: inputs.count, label: "render") : nil
    for (index, input) in inputs.enumerated() {
      do {
        switch input {
        case .midi(let path): try renderMIDI(path, renderer, options)
        case .abc(let path): try renderABC(path, renderer, options)
        }
      } catch let error as InputProblem where several {
        // A bad input among several: report it and go on with the rest. Output errors (disk, permissions) stop the
        // run, since they would fail for every file.
        printError("error: \(error)")
        failed += 1
      } catch let error as InputProblem {
        throw StudioFailure(error.description, exitCode: 1)
      }
      bar?.update(completed: index + 1, detail: "\(rendered) written")
    }
    bar?.finish()
  }

  /// An input that cannot be rendered (unreadable, no music): skipped when there are several inputs.
  private struct InputProblem: Error, CustomStringConvertible {
    var description: String
  }

  /// Files named on the command line, plus the .mid/.midi/.abc files of named directories (recursively, sorted by
  /// path; entries that are not regular files skipped with a warning).
  private static func expandInputs(_ command: RenderCommand) throws -> [Input] {
    var result: [Input] = []
    for path in command.inputs {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw StudioFailure("\(path): no such file or directory")
      }
      if isDirectory.boolValue {
        if command.output != nil {
          throw StudioFailure("\(path) is a directory; use --out-dir DIR to render every file in it")
        }
        let found = try InputFile.files(under: path, extensions: ["mid", "midi", "abc"]).compactMap(classify)
        if found.isEmpty { printError("warning: \(path): no .mid, .midi or .abc files") }
        result += found
      } else if !InputFile.isRegular(path) {
        try InputFile.requireRegular(path)
      } else if let input = classify(path) {
        result.append(input)
      } else {
        throw StudioFailure("\(path): unknown input type; give a .mid/.midi (Standard MIDI File) or .abc file")
      }
    }
    return result
  }

  private static func classify(_ path: String) -> Input? {
    switch (path as NSString).pathExtension.lowercased() {
    case "mid", "midi": return .midi(path)
    case "abc": return .abc(path)
    default: return nil
    }
  }

  private mutating func renderMIDI(_ path: String, _ renderer: Renderer, _ options: RenderOptions) throws {
    if command.tune != nil { throw StudioFailure("\(path): --tune applies to .abc input only") }
    let sequence: MIDISequence
    do {
      sequence = try MIDIFile.read(path: path)
    } catch {
      let problem = RenderError.unreadableMIDIFile(path: path, reason: error.underlying.message)
      throw InputProblem(description: problem.description)
    }
    do { try limit.check(sequence, source: path) } catch let failure as StudioFailure {
      throw InputProblem(description: failure.message)
    }
    try renderOne(sequence, to: outputPath(stem: Self.stem(path)), renderer, options)
  }

  private mutating func renderABC(_ path: String, _ renderer: Renderer, _ options: RenderOptions) throws {
    let file: ABCFile
    do {
      file = try ABCParser().parseFile(atPath: path)
    } catch {
      throw InputProblem(description: "\(path): cannot read the ABC file: \(error)")
    }
    var tunes = file.tunes
    if let x = command.tune {
      tunes = tunes.filter { $0.referenceNumber == x }
      guard !tunes.isEmpty else { throw InputProblem(description: "\(path): no tune X:\(x) in this file") }
      tunes = [tunes[0]]
    }
    guard !tunes.isEmpty else {
      throw InputProblem(description: "\(path): no tune found (a tune begins with an X: line)")
    }
    if command.output != nil && tunes.count > 1 {
      throw StudioFailure(
        "\(path) holds \(tunes.count) tunes; pick one with --tune X, or use --out-dir DIR for one file per tune")
    }
    let width = String(tunes.count).count
    for (index, tune) in tunes.enumerated() {
      let converted = ABCToMIDI.convert(tune)
      if command.global.verbose { for line in converted.messages(path: path) { printError(line) } }
      let name = converted.info.referenceNumber.map { "X:\($0)" } ?? "tune \(index + 1)"
      guard converted.hasMusic else {
        let problem = "\(path):\(tune.location.line): \(name) has no music (no K: line or no notes)"
        if tunes.count == 1 { throw InputProblem(description: problem) }
        printError("warning: \(problem); skipped")
        continue
      }
      do { try limit.check(converted.sequence, source: "\(path):\(tune.location.line): \(name)") } catch let failure
        as StudioFailure
      {
        if tunes.count == 1 { throw InputProblem(description: failure.message) }
        printError("error: \(failure.message); skipped")
        failed += 1
        continue
      }
      let number = String(index + 1)
      let stem =
        tunes.count == 1
        ? Self.stem(path) : Self.stem(path) + "-" + String(repeating: "0", count: width - number.count) + number
      try renderOne(converted.sequence, to: outputPath(stem: stem), renderer, options)
    }
  }

  /// `-o` as given, or `<out-dir>/<stem>.<format>` made unique within this run.
  private mutating func outputPath(stem: String) -> String {
    if let output = command.output { return output }
    let directory = command.outputDirectory ?? "."
    let ext = (command.format ?? .wav).rawValue
    var path = (directory.hasSuffix("/") ? directory : directory + "/") + stem + "." + ext
    var n = 2
    while usedPaths.contains(path) {
      path = (directory.hasSuffix("/") ? directory : directory + "/") + stem + "-\(n)." + ext
      n += 1
    }
    usedPaths.insert(path)
    return path
  }

  private mutating func renderOne(
    _ sequence: MIDISequence, to path: String, _ renderer: Renderer, _ options: RenderOptions
  ) throws {
    // --bits given on the command line must fit the container; config.yaml's bits do not apply to Ogg Vorbis.
    let container = try AudioContainer.forPath(path)
    let bits = command.bits.map(\.rawValue) ?? (container == .ogg ? nil : configBits)
    let format = try AudioFileFormat(container: container, sampleFormat: bits.flatMap(SampleFormat.init(rawValue:)))

    // A bar over the music's frames for a single output (several outputs get a bar over the inputs).
    var bar: ProgressBar?
    let report = try AtomicWriter.withDestination(path) { destination in
      try renderer.render(sequence, to: destination, format: format, options: options) { progress in
        guard command.output != nil, progress.phase == .music else { return }
        if bar == nil { bar = ProgressBar(total: progress.totalFrames, label: "render") }
        bar?.update(completed: progress.frames)
      }
    }
    bar?.finish()
    rendered += 1
    audioSeconds += report.seconds
    print(
      "wrote \(path): \(String(format: "%.2f", report.seconds)) s (music \(String(format: "%.2f", report.musicSeconds)) s"
        + " + tail \(String(format: "%.2f", Double(report.tailFrames) / Double(report.sampleRate))) s), \(format), "
        + "peak \(String(format: "%.1f", report.outputPeakDBFS)) dBFS")
    if report.outputPeakDBFS == -.infinity, Self.hasNotes(sequence) {
      printError(
        "warning: \(path): the audio is silent although the music has notes; the SoundFont \(renderer.soundFontPath) "
          + "may be damaged (broken sample headers) or lack the instruments used")
    }
    if report.clippedSamples > 0 {
      printError("warning: \(path): \(report.clippedSamples) samples clipped; lower --gain or use --normalize")
    }
  }

  /// Whether any note-on with a non-zero velocity is played.
  private static func hasNotes(_ sequence: MIDISequence) -> Bool {
    sequence.tracks.contains { track in
      track.events.contains { if case .noteOn(_, _, let v) = $0.event, v > 0 { return true } else { return false } }
    }
  }

  private static func stem(_ path: String) -> String {
    ((path as NSString).lastPathComponent as NSString).deletingPathExtension
  }
}
