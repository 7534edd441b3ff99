import ArgumentParser
import Foundation
import MIDI

/// `studio record`: play a phrase on a MIDI keyboard, get it as ABC (and MIDI).
struct RecordCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "record",
    abstract: "Record a phrase from a MIDI keyboard (an ALSA sequencer port) as ABC or MIDI.",
    discussion: """
      Subscribes to --port (a keyboard: CLIENT:PORT, a client name or a name prefix; `aconnect -i` lists \
      them), time-stamps what arrives on an ALSA queue at --tempo, and writes the melody through the same \
      importer as `studio import` (highest note of chords, quantised to --quantize, key and meter inferred \
      unless given). Recording starts with the first note you play, or after a one-bar count-in when \
      --metronome clicks on an output port; it stops after --bars or --seconds, or at Ctrl-C/SIGTERM, which \
      keeps what was played. Files are written atomically.

      --virtual instead creates an input port other programs connect to (`aconnect KEYBOARD studio:0`).

      Examples:
        studio record --port 20:0 -o phrase.abc --bars 4 --meter 6/8 --key G --tempo 100
        studio record --port "USB Keyboard" -o phrase.abc -o phrase.mid --quantize 1/16
        studio record --port 20:0 -o phrase.abc --metronome FLUID --bars 8
        studio generate --model irish --prime-file phrase.abc     # let a model continue it

      Needs the ALSA sequencer (/dev/snd/seq: `sudo modprobe snd-seq`).
      Exit status: 0 recorded, 2 bad options, unknown or unplugged port, no sequencer, or nothing recorded.
      """)

  @OptionGroup var global: GlobalOptions

  @Option(
    help: ArgumentHelp(
      "Port to record from: CLIENT:PORT, a client name or a name prefix (see `aconnect -i`).", valueName: "port"))
  var port: String?

  @Flag(help: "Create an input port other programs connect to, instead of --port.") var virtual = false

  @Option(
    name: .shortAndLong, parsing: .singleValue,
    help: ArgumentHelp("Output file, .abc or .mid; repeat for both.", valueName: "file"))
  var output: [String] = []

  @Option(
    help: "Stop after N bars of --meter (4/4 when not given), from the first note (or the end of the count-in).")
  var bars: Int?
  @Option(help: "Stop after S seconds, from the first note (or the end of the count-in).") var seconds: Double?
  @Option(help: "Meter such as 4/4, 3/4, 6/8: bar lines and --bars. Default: inferred.") var meter: String?
  @Option(help: "Key such as G, Dm, F#m, Ador. Default: inferred (Krumhansl–Schmuckler).") var key: String?
  @Option(help: "Tempo in quarter notes per minute: the recording clock, the metronome and Q:.") var tempo: Double = 120
  @Option(help: "Quantisation grid: auto, 1/8, 1/16, 1/32, or triplet grids 1/12, 1/24.") var quantize = "auto"
  @Option(
    help: ArgumentHelp("Port to send metronome clicks to (one bar of count-in, then every beat).", valueName: "port"))
  var metronome: String?
  @Option(help: "T: title of the ABC. Default: the output file's name.") var title: String?

  /// Ticks per quarter note of the recording queue and of the MIDI written.
  static let ppq = 480

  func validate() throws {
    guard virtual != (port != nil) else {
      throw ValidationError(
        virtual ? "give either --port or --virtual, not both" : "missing --port CLIENT:PORT or --virtual")
    }
    guard !output.isEmpty else { throw ValidationError("missing -o FILE.abc (or FILE.mid)") }
    for path in output where !(path.lowercased().hasSuffix(".abc") || path.lowercased().hasSuffix(".mid")) {
      throw ValidationError("-o \(path): give a file ending in .abc or .mid")
    }
    if bars != nil && seconds != nil { throw ValidationError("give --bars or --seconds, not both") }
    if let bars, !(1...10_000).contains(bars) { throw ValidationError("--bars \(bars) is out of range; use 1…10000") }
    if let seconds, !(seconds > 0 && seconds <= 36_000) {
      throw ValidationError("--seconds \(seconds) is out of range; use more than 0 and at most 36000")
    }
    if !(tempo >= 20 && tempo <= 400) { throw ValidationError("--tempo \(tempo) is out of range; use 20…400") }
    if let meter, ImportMeter(parsing: meter) == nil {
      throw ValidationError("--meter \(meter) is not a meter; use n/d with d a power of two (4/4, 6/8) or C, C|")
    }
    if let key, ImportKey(parsing: key) == nil {
      throw ValidationError("--key \(key) is not a key; use a tonic A-G with optional # or b and a mode (G, Dm, Ador)")
    }
    if quantize != "auto", ImportGrid(parsing: quantize) == nil {
      throw ValidationError("--quantize \(quantize) is not a grid; use auto, 1/8, 1/16, 1/32, 1/12 or 1/24")
    }
  }

  /// An empty recording of the requested length at the requested tempo.
  var emptyRecording: PhraseRecording {
    let parsedMeter = meter.flatMap(ImportMeter.init(parsing:))
    let length: PhraseRecording.Length = bars.map { .bars($0) } ?? seconds.map { .seconds($0) } ?? .untilStopped
    var recording = PhraseRecording(
      ppq: Self.ppq, microsecondsPerQuarter: Int((60_000_000 / tempo).rounded()), meter: parsedMeter, length: length)
    if metronome != nil {
      recording = PhraseRecording(
        ppq: Self.ppq, microsecondsPerQuarter: recording.microsecondsPerQuarter, meter: parsedMeter, length: length,
        countInTicks: recording.barTicks)
    }
    return recording
  }

  func run() throws {
    var recording = emptyRecording
    let recorder: ALSARecorder
    do {
      recorder = try ALSARecorder(
        source: virtual ? nil : port, metronome: metronome, ppq: Self.ppq,
        microsecondsPerQuarter: recording.microsecondsPerQuarter)
    } catch {
      printError(error.description)
      throw ExitCode(2)
    }
    let until =
      bars.map { "for \($0) bar\($0 == 1 ? "" : "s")" } ?? seconds.map { "for \($0) s" } ?? "until Ctrl-C"
    let start = metronome == nil ? "from the first note" : "after a one-bar count-in"
    printError(
      "recording from \(recorder.sourceName ?? "ALSA port \(recorder.address) (connect a keyboard: `aconnect CLIENT:PORT \(recorder.address)`)") "
        + "at \(Self.number(tempo)) BPM, \(start), \(until)")

    let stop = StopOnSignal()
    var failure: ALSAError?
    var endTick: Int
    do {
      switch try recorder.record(into: &recording, shouldStop: { stop.requested }) {
      case .complete(let tick), .stopped(let tick): endTick = tick
      }
    } catch {
      failure = error
      endTick = (try? recorder.currentTick()) ?? recording.events.last?.tick ?? 0
    }
    guard let sequence = recording.sequence(stoppedAtTick: endTick) else {
      if let failure { printError(failure.description) }
      throw StudioFailure(
        "nothing was recorded from \(recorder.sourceName ?? recorder.address): no note arrived"
          + (failure == nil ? "" : " before the port went away") + "; nothing written")
    }
    try write(sequence)
    if let failure {
      printError(failure.description)
      printError("the \(recording.noteCount) notes played before that were written")
      throw ExitCode(2)
    }
  }

  /// Writes `sequence` to every `-o` file: MIDI as is, ABC through the importer.
  func write(_ sequence: MIDISequence) throws {
    for path in output {
      if path.lowercased().hasSuffix(".mid") {
        let bytes: [UInt8]
        do { bytes = try MIDIFile.encode(sequence) } catch { throw StudioFailure("\(path): \(error)") }
        try AtomicWriter.write(bytes, to: path)
        print("wrote \(path): \(sequence.tracks.first?.events.filter(\.event.isNoteStart).count ?? 0) notes")
        continue
      }
      let options = ABCImportOptions(
        grid: quantize == "auto" ? nil : ImportGrid(parsing: quantize), meter: meter.flatMap(ImportMeter.init(parsing:)),
        key: key.flatMap(ImportKey.init(parsing:)), title: title ?? ABCImportBatch.title(forPath: path))
      let result: ABCImportResult
      do {
        result = try ABCImporter(options: options).importMelody(from: sequence)
      } catch {
        throw StudioFailure("the recording could not be written as ABC: \(error.description)")
      }
      if let problem = result.validationErrors().first {
        throw StudioFailure("the ABC written for the recording does not validate: \(problem); please report this")
      }
      try AtomicWriter.write(result.abcText, to: path)
      print(ImportCommand.summary(result.report, written: path))
    }
  }

  /// `120` rather than `120.0`.
  static func number(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
  }
}
