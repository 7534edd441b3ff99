import ABCParser
import ArgumentParser
import Foundation
import MIDI

/// `studio import IN.mid -o OUT.abc` and `studio import DIR/ -o corpus.abc`: MIDI melodies to ABC (like midi2abc).
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Write the melody of MIDI files as ABC (quantised, monophonic), one file or a whole collection.",
    discussion: """
      Picks the melody (a track named melody/vocal/lead…, else the highest
      part that rarely plays chords; or --track), quantises it to a grid (1/8,
      1/16, 1/32, or a triplet grid written in compound time, never with
      tuplets), keeps the highest of notes that start together and cuts a note
      where the next one starts. Meter: --meter, else the time signature, else
      4/4 or 3/4 inferred. Bar lines: louder downbeat notes, else long notes on
      strong beats. Key: --key, else Krumhansl–Schmuckler. L:1/8 or 1/16,
      whichever is shorter; Q: from the first tempo event. Ties cross bar
      lines, accidentals are written per bar, four bars per line, |] at the
      end. Every tune is checked with the validator before it is written.

      A directory is searched recursively for .mid/.midi files; they become one
      multi-tune ABC file (X: numbered from 1, T: the file name), and a summary
      lists the files that failed and why.

      Examples:
        studio import song.mid -o song.abc
        studio import song.mid --track 1 --key Dm --meter 3/4 --grid 1/16
        studio import ../shared/corpora/pop-midi/POP909-melody/ -o pop909.abc

      Exit status: 0 success (for a directory: at least one file imported),
      1 no importable melody (for a directory: no file imported), 2 usage or
      I/O error.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "A MIDI file (.mid), or a directory of them.") var input: String
  @Option(name: .shortAndLong, help: "Output .abc file; '-' or none writes one tune to standard output.")
  var output: String?
  @Option(help: "0-based track to take the melody from (as `studio info` numbers them). Default: the most melodic.")
  var track: Int?
  @Option(help: "MIDI channel 1…16 to take the melody from. Default: the most melodic.") var channel: Int?
  @Option(help: "Meter such as 4/4, 3/4, 6/8, C or C|. Default: the time signature, else inferred.") var meter: String?
  @Option(help: "Key such as G, Dm, F#m, Bb, Ador. Default: inferred (Krumhansl–Schmuckler).") var key: String?
  @Option(help: "Unit note length L:, such as 1/8 or 1/16. Default: whichever writes shorter.") var unit: String?
  @Option(help: "Quantisation grid: auto, 1/8, 1/16, 1/32, 1/64, or triplet grids 1/12, 1/24, 1/48.")
  var grid = "auto"
  @Option(help: "Bars per line of music.") var barsPerLine = 4
  @Option(help: "Absorb rests of up to N grid steps between notes into the note before (legato); 0 keeps all rests.")
  var fillRests = 0
  @Option(help: "T: title for a single file. Default: the file name.") var title: String?

  func validate() throws {
    if let meter, ImportMeter(parsing: meter) == nil {
      throw ValidationError("--meter \(meter) is not a meter; use n/d with d a power of two (4/4, 6/8) or C, C|")
    }
    if let key, ImportKey(parsing: key) == nil {
      throw ValidationError(
        "--key \(key) is not a key; use a tonic A-G with optional # or b and a mode (G, Dm, F#m, Bbmaj, Ador), "
          + "at most 7 sharps or flats")
    }
    if let unit, ABCImportOptions.unitLength(parsing: unit) == nil {
      throw ValidationError("--unit \(unit) is not a unit length; use 1/8 or 1/16 (1, 1/2 … 1/64)")
    }
    if grid != "auto", ImportGrid(parsing: grid) == nil {
      throw ValidationError("--grid \(grid) is not a grid; use auto, 1/8, 1/16, 1/32, 1/64, 1/12, 1/24 or 1/48")
    }
    if let channel, !(1...16).contains(channel) { throw ValidationError("--channel counts 1…16, got \(channel)") }
    if let track, track < 0 { throw ValidationError("--track counts from 0 (see `studio info`), got \(track)") }
    if barsPerLine < 1 { throw ValidationError("--bars-per-line must be at least 1") }
    if fillRests < 0 { throw ValidationError("--fill-rests must be 0 or more") }
  }

  /// The library options from the flags (already checked by `validate()`).
  var importOptions: ABCImportOptions {
    ABCImportOptions(
      track: track, channel: channel.flatMap { MIDIChannel(exactly: $0 - 1) },
      grid: grid == "auto" ? nil : ImportGrid(parsing: grid), meter: meter.flatMap(ImportMeter.init(parsing:)),
      key: key.flatMap(ImportKey.init(parsing:)), unitLength: unit.flatMap(ABCImportOptions.unitLength(parsing:)),
      title: title, barsPerLine: barsPerLine, fillRests: fillRests)
  }

  func run() throws {
    _ = try global.loadConfig()
    if let output, output != "-" { try AtomicWriter.checkOutput(output, inputs: [input]) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
      throw StudioFailure("\(input) does not exist (give a .mid file or a directory of them)")
    }
    if isDirectory.boolValue { try importDirectory() } else { try importFile() }
  }

  func importFile() throws {
    let sequence: MIDISequence
    do {
      sequence = try MIDIFile.read(path: input)
    } catch {
      let status: Int32 = if case .cannotRead = error.underlying { 2 } else { 1 }
      throw StudioFailure(
        error.message.hasPrefix("cannot read") ? error.message : "\(input): \(error.message)", exitCode: status)
    }
    var options = importOptions
    if options.title == nil { options.title = ABCImportBatch.title(forPath: input) }
    let result: ABCImportResult
    do {
      result = try ABCImporter(options: options).importMelody(from: sequence)
    } catch {
      throw StudioFailure("\(input): \(error.description)", exitCode: 1)
    }
    if let problem = result.validationErrors().first {
      throw StudioFailure(
        "\(input): the ABC written for it does not validate: \(problem); please report this", exitCode: 1)
    }
    let toStdout = output == nil || output == "-"
    if toStdout {
      print(result.abcText, terminator: "")
    } else if let output {
      try AtomicWriter.write(result.abcText, to: output)
    }
    let summary = Self.summary(result.report, written: toStdout ? nil : output)
    if toStdout { printError(summary) } else { print(summary) }
    if global.verbose { for line in Self.details(result.report) { printError("  \(line)") } }
  }

  func importDirectory() throws {
    guard let output, output != "-" else {
      throw StudioFailure("importing a directory needs -o OUT.abc for the combined tunes")
    }
    if title != nil {
      throw StudioFailure("--title is for one file; in a directory every tune is named after its file")
    }
    let files = try Self.midiFiles(in: input)
    guard !files.isEmpty else { throw StudioFailure("\(input) holds no .mid or .midi files") }
    let bar = ProgressBar(total: files.count, label: "import")
    let outcome = ABCImportBatch(options: importOptions).importFiles(files) { progress in
      bar.update(completed: progress.completed, detail: "\(progress.failed) failed")
    }
    bar.finish()
    guard !outcome.imported.isEmpty else {
      for failure in outcome.failures.prefix(global.verbose ? Int.max : 20) { printError("  \(failure)") }
      throw StudioFailure("none of the \(files.count) MIDI files could be imported", exitCode: 1)
    }
    try AtomicWriter.write(outcome.abcText, to: output)
    let share = Double(outcome.imported.count) / Double(files.count) * 100
    print(
      "imported \(outcome.imported.count) of \(files.count) MIDI files (\(String(format: "%.1f", share))%) into "
        + "\(output); \(outcome.failures.count) failed")
    let shown = global.verbose ? outcome.failures.count : min(outcome.failures.count, 20)
    for failure in outcome.failures.prefix(shown) { print("  failed: \(failure)") }
    if shown < outcome.failures.count { print("  … \(outcome.failures.count - shown) more (--verbose lists all)") }
  }

  /// `.mid`/`.midi` files under `directory` (recursively, case-insensitive extension), sorted by path.
  /// Entries that are not regular files (FIFOs, devices) are skipped with a warning.
  static func midiFiles(in directory: String) throws -> [String] {
    try InputFile.files(under: directory, extensions: ["mid", "midi"])
  }

  /// One line: where the melody came from and what was chosen.
  static func summary(_ r: ABCImportReport, written path: String?) -> String {
    let name = r.trackName.map { " \"\($0)\"" } ?? ""
    let onGrid = String(format: "%.0f", r.fit.share * 100)
    let meterSource: String
    switch r.bars.meterSource {
    case .option: meterSource = "given"
    case .timeSignature: meterSource = "time signature"
    case .inferred: meterSource = "inferred"
    }
    var line = path.map { "wrote \($0): " } ?? ""
    line += "track \(r.track)\(name) ch\(r.channel.userNumber), \(r.notes.count) of \(r.sourceNoteCount) notes; "
    line += "M:\(r.bars.meter) (\(meterSource)), K:\(r.key) (\(r.keySource == .option ? "given" : "inferred")), "
    line += "L:\(r.unitLength), grid \(r.fit.grid) (\(onGrid)% of onsets on it); \(r.barCount) bars"
    return line
  }

  /// `--verbose` details, one per line.
  static func details(_ r: ABCImportReport) -> [String] {
    let barStart: String
    switch r.bars.phaseSource {
    case .timeSignature: barStart = "where the time signature puts them"
    case .accents: barStart = "on the accented (louder) notes"
    case .noteLengths: barStart = "where long notes fall"
    }
    var lines = [
      "bar lines \(barStart)\(r.startsWithPickup ? "; starts with a pickup" : "")",
      "grid phase \(String(format: "%.2f", r.fit.phaseTicks)) ticks; onsets moved by at most "
        + "\(String(format: "%.1f", r.maxOnsetShiftTicks)) ticks",
      "\(r.droppedSimultaneous) notes dropped (same step), \(r.shortenedOverlaps) shortened (overlaps), "
        + "\(r.filledRests) rests filled, \(r.skippedLeadingBars) empty leading bars skipped",
    ]
    if let c = r.keyCorrelation { lines.append("key correlation \(String(format: "%.2f", c))") }
    return lines + r.notices
  }
}
