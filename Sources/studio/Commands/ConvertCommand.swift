import ABCParser
import ArgumentParser
import Foundation
import MIDI

/// `studio convert`: ABC tunes to Standard MIDI Files through the ABC performer.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert ABC tunes to Standard MIDI Files.",
    discussion: """
      Each tune is performed following ABC 2.1 and abc2midi's playback model (repeats, endings, parts, voices, \
      ornaments, guitar-chord accompaniment, %%MIDI directives, beat-stress velocities) and written as an SMF \
      (format 0 for a single voice without accompaniment, else format 1). --abc2midi reproduces abc2midi 4.84 \
      note for note, including where it departs from the standard.

      With -o, give one file; it must hold one tune, or --tune/--index must pick one. With --out-dir, give one or \
      more files; every tune is written to DIR/<stem>_<X>.mid (<stem> is the input name without .abc, <X> the \
      tune's X: number); when an X: number is used by more than one tune of a file, each of those tunes is written \
      to DIR/<stem>_<X>-<N>.mid, N being its position in the file (1 = first tune); a tune without an X: number is \
      written to DIR/<stem>_tune-<N>.mid.

      Tunes with errors are still converted where the music is clear; the problems are printed as warnings \
      (file:line:col; with --out-dir only errors unless --verbose). Files are written atomically: an existing file \
      is only ever replaced by a complete one.

      Examples:
        studio convert reel.abc -o reel.mid
        studio convert irish.abc --tune 3 -o kesh.mid
        studio convert irish.abc --index 140 -o tune.mid --transpose -2
        studio convert nottingham/jigs.abc --out-dir midi/ --format 1 --ppq 960
        studio convert nottingham/*.abc --out-dir midi/

      --explain prints, for each tune (or the one --tune/--index picks), the order in which studio plays its \
      written bars once repeats, variant endings and parts are unfolded: bar numbers count the written bars of \
      each voice from 1 (a pickup is bar 1), [n marks where an ending starts, P:X a part, ↺ a jump back for a \
      repeat. With --abc2midi it shows abc2midi's order. Without -o or --out-dir nothing is written.

      Exit status: 0 success, 1 when a tune has no music to convert, 2 on usage or I/O errors.
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: ArgumentHelp("The ABC file (several with --out-dir).", valueName: "input.abc")) var inputs: [String]

  @Option(name: .shortAndLong, help: ArgumentHelp("Output MIDI file (one tune).", valueName: "path"))
  var output: String?

  @Option(
    name: .customLong("out-dir"),
    help: ArgumentHelp("Write one MIDI file per tune into this directory (created when missing).", valueName: "dir"))
  var outputDirectory: String?

  @Option(help: ArgumentHelp("Convert the first tune with this X: number.", valueName: "X"))
  var tune: Int?

  @Option(help: ArgumentHelp("Convert the tune at this position in the file (1 = first).", valueName: "N"))
  var index: Int?

  @Option(help: ArgumentHelp("SMF format, 0 or 1 (default: 0 for one track, else 1).", valueName: "0|1"))
  var format: Int?

  @Option(help: ArgumentHelp("Ticks per quarter note, 24…32767.", valueName: "n"))
  var ppq: Int = 480

  @Flag(name: .customLong("no-accompaniment"), help: "Leave out the guitar-chord accompaniment, drums and drones.")
  var noAccompaniment = false

  @Option(help: ArgumentHelp("Transpose every voice by this many semitones (-48…48).", valueName: "n"))
  var transpose: Int = 0

  @Option(help: ArgumentHelp("General MIDI program 0…127 for every voice (replaces %%MIDI program).", valueName: "n"))
  var program: Int?

  @Flag(help: "Play as abc2midi 4.84 does: its repeats, chord attack and chord lengths, R:hornpipe swing, no accents.")
  var abc2midi = false

  /// One of the behaviours `--abc2midi` switches on, for `--abc2midi-only`.
  enum ABC2MIDIBehaviour: String, ExpressibleByArgument, CaseIterable {
    case repeats, chords, attack, swing, graces, decorations, accents
  }

  @Option(
    name: .customLong("abc2midi-only"),
    help: ArgumentHelp(
      """
      Take only this one of abc2midi's departures from ABC 2.1 (repeatable): repeats (a :| restarts from the \
      tune's start), chords (every chord note as long as the first), attack (chord notes 10 ticks apart), swing \
      (R:hornpipe), graces (dropped before a staccato note; accidentals hold for the bar), decorations (~ T H . \
      only directly before a note; !staccato! and !roll! ignored), accents (no velocity boost). Shows which one \
      makes a tune sound different from abc2midi.
      """,
      valueName: "behaviour"))
  var abc2midiOnly: [ABC2MIDIBehaviour] = []

  @Flag(help: "Print the play order of bars, endings and parts that studio unfolds (see below).")
  var explain = false

  func validate() throws {
    guard !inputs.isEmpty else { throw ValidationError("give the ABC file to convert") }
    if output != nil && inputs.count > 1 {
      throw ValidationError("-o writes one tune: give one input file, or use --out-dir DIR for several")
    }
    let stems = inputs.map(Self.stem)
    if let twice = stems.first(where: { s in stems.filter { $0 == s }.count > 1 }) {
      throw ValidationError("two inputs are named \(twice).abc; their tunes would get the same output names")
    }
    if output == nil && outputDirectory == nil && !explain {
      throw ValidationError("give an output: -o OUT.mid for one tune, or --out-dir DIR for one file per tune")
    }
    if output != nil && outputDirectory != nil { throw ValidationError("give -o or --out-dir, not both") }
    if tune != nil && index != nil { throw ValidationError("give --tune or --index, not both") }
    if outputDirectory != nil && (tune != nil || index != nil) && !explain {
      throw ValidationError("--tune and --index pick one tune for -o; --out-dir converts every tune")
    }
    if let format, format != 0 && format != 1 { throw ValidationError("--format must be 0 or 1") }
    guard (24...32767).contains(ppq) else { throw ValidationError("--ppq must be between 24 and 32767") }
    guard (-48...48).contains(transpose) else { throw ValidationError("--transpose must be between -48 and 48") }
    if let program, !(0...127).contains(program) { throw ValidationError("--program must be between 0 and 127") }
    if let index, index < 1 { throw ValidationError("--index counts from 1 (the first tune)") }
    if abc2midi && !abc2midiOnly.isEmpty { throw ValidationError("give --abc2midi or --abc2midi-only, not both") }
  }

  /// Default options with the chosen abc2midi behaviours of `PerformanceOptions.abc2midiCompatible` switched on.
  static func options(taking behaviours: [ABC2MIDIBehaviour]) -> PerformanceOptions {
    let compatible = PerformanceOptions.abc2midiCompatible
    var options = PerformanceOptions()
    for behaviour in behaviours {
      switch behaviour {
      case .repeats: options.abc2midiRepeats = compatible.abc2midiRepeats
      case .chords: options.abc2midiChords = compatible.abc2midiChords
      case .attack: options.chordAttack = compatible.chordAttack
      case .swing: options.honourRhythmField = compatible.honourRhythmField
      case .graces: options.abc2midiGraces = compatible.abc2midiGraces
      case .decorations: options.abc2midiDecorations = compatible.abc2midiDecorations
      case .accents: options.accentVelocityBoost = compatible.accentVelocityBoost
      }
    }
    return options
  }

  func run() throws {
    _ = try global.loadConfig()
    var options = abc2midi ? PerformanceOptions.abc2midiCompatible : Self.options(taking: abc2midiOnly)
    options.transpose = transpose
    options.programOverride = program
    options.accompaniment = !noAccompaniment
    options.ppq = ppq
    options.format = format
    // Outputs are checked before any input is read or converted.
    if let output { try AtomicWriter.checkOutput(output, inputs: inputs) }
    if let outputDirectory { try AtomicWriter.checkOutputDirectory(outputDirectory) }
    if explain {
      for input in inputs { try explainPlayOrder(try Self.read(input), input: input, options: options) }
    }
    if let output, let input = inputs.first {
      try convertOne(try Self.read(input), input: input, to: output, options: options)
    } else if let outputDirectory {
      try convertAll(into: outputDirectory, options: options)
    }
  }

  /// The bytes of an input file.
  /// - Throws: `StudioFailure` (exit status 2) saying why the file cannot be read.
  static func read(_ path: String) throws -> [UInt8] { try InputFile.read(path) }

  // MARK: - One tune

  private func convertOne(_ bytes: [UInt8], input: String, to path: String, options: PerformanceOptions) throws {
    let numbers = ABCToMIDI.referenceNumbers(inABCBytes: bytes)
    let selector: ABCToMIDI.TuneSelector
    if let tune {
      selector = .referenceNumber(tune)
      let count = numbers.filter { $0 == tune }.count
      if count > 1 {
        printError(
          "warning: \(input): X:\(tune) is used by \(count) tunes; converting the first (use --index N to pick another)"
        )
      }
    } else if let index {
      selector = .ordinal(index - 1)
    } else {
      guard numbers.count <= 1 else {
        throw StudioFailure(
          "\(input) holds \(numbers.count) tunes; pick one with --tune X or --index N, or use --out-dir DIR")
      }
      selector = .first
    }
    let converted: ABCToMIDI.ConvertedTune
    do {
      converted = try ABCToMIDI.sequence(inABCBytes: bytes, path: input, tune: selector, options: options)
    } catch {
      switch error {
      // Problems found in the input exit 1 (as with --out-dir); an unreadable file exits 2.
      case .noMusic(_, let info):
        for line in Self.diagnostics(in: bytes, ordinal: info.ordinal, path: input, ids: [.tuneTooLarge]) {
          printError(line)
        }
        throw StudioFailure(error.description, exitCode: 1)
      case .noTunes: throw StudioFailure(error.description, exitCode: 1)
      default: throw StudioFailure(error.description)
      }
    }
    for line in converted.messages(path: input) { printError(line) }
    let encoded: [UInt8]
    do {
      encoded = try MIDIOutput.encode(converted.sequence, for: path)
    } catch {
      for line in Self.diagnostics(in: bytes, ordinal: converted.info.ordinal, path: input, ids: [.absurdLength]) {
        printError(line)
      }
      throw StudioFailure("\(input): \(Self.describe(converted.info)): \(error.message)", exitCode: 1)
    }
    try MIDIOutput.write(encoded, to: path)
    print("wrote \(path): \(Self.describe(converted))")
  }

  // MARK: - Play order

  /// Prints the play order of the selected tunes of one file (`--explain`).
  private func explainPlayOrder(_ bytes: [UInt8], input: String, options: PerformanceOptions) throws {
    let tunes = ABCParser().parse(bytes: bytes).tunes
    let selected: [ABCTune]
    if let tune {
      selected = Array(tunes.filter { $0.referenceNumber == tune }.prefix(1))
    } else if let index {
      selected = index <= tunes.count ? [tunes[index - 1]] : []
    } else {
      selected = tunes
    }
    guard !selected.isEmpty else {
      let what = tune.map { "no tune X:\($0)" } ?? index.map { "no tune number \($0)" } ?? "no tune"
      throw StudioFailure("\(input): \(what) (a tune begins with an X: line)", exitCode: 1)
    }
    let mode = abc2midi ? "abc2midi 4.84's order (--abc2midi)" : "ABC 2.1 order"
    for t in selected {
      let x = t.referenceNumber.map { "X:\($0)" } ?? "tune \(t.index + 1)"
      print("\(input): \(x)\(t.title.map { " \"\($0)\"" } ?? ""), play order (\(mode)):")
      let orders = ABCPerformer(options: options).playOrder(t)
      if orders.allSatisfy({ $0.steps.isEmpty }) { print("  no music") }
      for order in orders where !order.steps.isEmpty {
        let voice = orders.count > 1 ? "voice \(order.voice): " : ""
        print("  \(voice)\(order.summary)  (\(order.barsPlayed) bars played)")
      }
    }
  }

  // MARK: - Every tune

  private func convertAll(into directory: String, options: PerformanceOptions) throws {
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw StudioFailure("cannot create the output directory \(directory): \(error.localizedDescription)")
    }
    // Read every input first: a missing file stops the run before anything is written.
    let files = try inputs.map { (path: $0, bytes: try Self.read($0)) }
    let counts = files.map { ABCToMIDI.referenceNumbers(inABCBytes: $0.bytes) }
    for (file, numbers) in zip(files, counts) where numbers.isEmpty {
      printError("warning: \(file.path): no tune found (a tune begins with an X: line)")
    }
    let total = counts.reduce(0) { $0 + $1.count }
    guard total > 0 else { throw StudioFailure("no tune found: a tune must begin with an X: line", exitCode: 1) }
    let progress = ProgressBar(total: total, label: "convert")
    var written = 0
    var skipped = 0
    var failed = 0
    var warnings = 0
    var done = 0
    let verbose = global.verbose
    let concurrency = ProcessInfo.processInfo.activeProcessorCount
    for (file, numbers) in zip(files, counts) where !numbers.isEmpty {
      let names = Self.fileNames(for: numbers, stem: Self.stem(file.path))
      let path = file.path
      // Tunes are performed and encoded on every core. The files are written here, in file order, by one thread:
      // files created concurrently in one directory contend for its lock in the kernel, which costs more CPU time
      // than it saves.
      try ABCToMIDI.forEachTune(
        inABCBytes: file.bytes, options: options, concurrency: concurrency,
        transform: { converted in
          let name = names[min(max(0, converted.info.ordinal), names.count - 1)]
          let output = (directory as NSString).appendingPathComponent(name)
          return EncodedTune(converted, name: name, output: output, path: path)
        },
        body: { tune in
          done += 1
          warnings += tune.messages.count
          if verbose {
            for line in tune.messages { printError(line) }
          } else {
            for line in tune.messages where line.contains(": error") { printError(line) }
          }
          switch tune.bytes {
          case .success(let bytes)?:
            // An I/O error (disk full, permissions) stops the run: it would fail for every tune.
            try MIDIOutput.write(bytes, to: tune.output)
            written += 1
          case .failure(let error)?:
            // A tune that cannot be encoded fails on its own; the next tunes are still written.
            failed += 1
            for line in Self.diagnostics(in: file.bytes, ordinal: tune.info.ordinal, path: path, ids: [.absurdLength]) {
              printError(line)
            }
            printError("\(path): \(Self.describe(tune.info)): \((error as? StudioFailure)?.message ?? "\(error)"); not written")
          case nil:
            skipped += 1
            printError(ABCToMIDIError.noMusic(path: file.path, info: tune.info).description + "; skipped")
          }
          progress.update(completed: done, detail: tune.name)
        })
    }
    progress.finish()
    var summary = "wrote \(written) MIDI file\(written == 1 ? "" : "s") to \(directory)"
    if skipped > 0 { summary += "; \(skipped) tune\(skipped == 1 ? "" : "s") without music skipped" }
    if failed > 0 { summary += "; \(failed) tune\(failed == 1 ? "" : "s") failed (see above)" }
    if warnings > 0 && !global.verbose {
      summary += "; \(warnings) warning\(warnings == 1 ? "" : "s") (--verbose lists them)"
    }
    print(summary)
    if skipped > 0 || failed > 0 { throw ExitCode(1) }
  }

  /// One tune as `convertAll` reports and writes it, made on a worker thread.
  struct EncodedTune: Sendable {
    /// The output file name, and its path.
    var name: String
    var output: String
    var info: ABCToMIDI.TuneInfo
    /// Diagnostics and warnings as compiler-style lines, in source order.
    var messages: [String]
    /// The SMF bytes (or why they could not be made); `nil` when the tune has no music.
    var bytes: Result<[UInt8], any Error>?

    /// `path` is the ABC file's, as messages name it.
    init(_ converted: ABCToMIDI.ConvertedTune, name: String, output: String, path: String) {
      self.name = name
      self.output = output
      info = converted.info
      messages = converted.messages(path: path)
      bytes = converted.hasMusic ? Result { try MIDIOutput.encode(converted.sequence, for: output) } : nil
    }
  }

  /// Output names for tunes with these X: numbers, in file order (see the command's discussion).
  static func fileNames(for numbers: [Int?], stem: String) -> [String] {
    var counts: [Int: Int] = [:]
    for case let x? in numbers { counts[x, default: 0] += 1 }
    return numbers.enumerated().map { ordinal, x in
      guard let x else { return "\(stem)_tune-\(ordinal + 1).mid" }
      return counts[x, default: 0] > 1 ? "\(stem)_\(x)-\(ordinal + 1).mid" : "\(stem)_\(x).mid"
    }
  }

  /// The input's file name without its directory and `.abc` extension.
  static func stem(_ path: String) -> String {
    let name = (path as NSString).lastPathComponent
    return name.lowercased().hasSuffix(".abc") ? String(name.dropLast(4)) : name
  }

  /// The diagnostics with these ids of the tune at `ordinal` (compiler-style lines with the source position): the
  /// usual causes when a tune cannot be encoded (`abc.length.absurd`: a gap longer than an SMF delta time holds) or
  /// has no music (`abc.tune.too-large`).
  static func diagnostics(in bytes: [UInt8], ordinal: Int, path: String, ids: Set<DiagnosticID>) -> [String] {
    let file = ABCParser().parse(bytes: bytes)
    guard file.tunes.indices.contains(ordinal) else { return [] }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    return ABCValidator().validate(file.tunes[ordinal]).filter { ids.contains($0.id) }.map { d in
      let line = d.location.line - 1
      return DiagnosticFormatter.text(d, file: path, line: lines.indices.contains(line) ? String(lines[line]) : nil)
    }
  }

  /// `X:3 "The Kesh"` (or `tune 4` without an X: number).
  static func describe(_ info: ABCToMIDI.TuneInfo) -> String {
    (info.referenceNumber.map { "X:\($0)" } ?? "tune \(info.ordinal + 1)") + (info.title.map { " \"\($0)\"" } ?? "")
  }

  /// `X:3 "The Kesh", format 1, 3 tracks, 412 notes, 1:23`.
  static func describe(_ t: ABCToMIDI.ConvertedTune) -> String {
    let x = t.info.referenceNumber.map { "X:\($0)" } ?? "tune \(t.info.ordinal + 1)"
    let title = t.info.title.map { " \"\($0)\"" } ?? ""
    let notes = t.performance.tracks.reduce(0) { $0 + $1.notes.count }
    let seconds = Int(t.sequence.durationSeconds.rounded())
    let tracks = t.sequence.tracks.count
    return "\(x)\(title), format \(t.sequence.format), \(tracks) track\(tracks == 1 ? "" : "s"), \(notes) notes, "
      + "\(seconds / 60):\(String(format: "%02d", seconds % 60))"
  }
}

/// Writes SMF files atomically without `fsync`: the bytes go to a temporary file in the destination's directory,
/// which is then renamed over the destination, so a reader (or a failed run) sees the old complete file or the new
/// complete file, never a partial one. Missing parent directories are created. Skipping `fsync` keeps a whole-corpus conversion fast (it costs about 5 ms
/// per file here, ten seconds for two thousand tunes); durability across a power cut is not promised.
enum MIDIOutput {
  static func write(_ sequence: MIDISequence, to path: String) throws {
    try write(try encode(sequence, for: path), to: path)
  }

  /// The SMF bytes of `sequence`, which is to be written to `path`.
  static func encode(_ sequence: MIDISequence, for path: String) throws(StudioFailure) -> [UInt8] {
    do {
      return try MIDIFile.encode(sequence)
    } catch {
      throw StudioFailure("cannot encode \(path): \(error)", exitCode: 1)
    }
  }

  /// Writes `bytes` to `path` (atomically for a regular file; see `AtomicWriter`), without `fsync`.
  static func write(_ bytes: [UInt8], to path: String) throws {
    try AtomicWriter.write(bytes, to: path, durable: false)
  }
}
