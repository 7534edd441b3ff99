import ArgumentParser
import Dispatch
import Foundation
import MIDI
import Synchronization

/// `studio play`: stream a sequence live to an ALSA sequencer port, timed by an ALSA queue.
struct PlayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "play",
    abstract: "Play a MIDI file live to an ALSA sequencer port.",
    discussion: """
      Opens a sequencer client named "studio" with one output port, connects it to --port, and schedules the \
      whole sequence on an ALSA queue with its tempo map (tick-stamped events, no sleeping between notes), then \
      waits until the queue has played everything. Ctrl-C or SIGTERM stops the queue, sends All Sound Off, \
      All Notes Off and Reset All Controllers on every channel used, and exits with status 0.

      --virtual instead creates the port without connecting it and starts once another program subscribes.

      Examples:
        studio ports                                  # find a destination
        studio play reel.mid --port 128:0
        studio play reel.mid --port FLUID --tempo-scale 1.25 --loop 2
        studio play reel.mid --virtual                # then: aconnect studio:0 128:0

      Needs the ALSA sequencer (/dev/snd/seq: `sudo modprobe snd-seq`; `snd-seq-dummy` adds a test port).
      Exit status: 0 played or stopped, 2 bad input, unknown port or no sequencer.
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Input .mid file.") var input: String

  @Option(
    help: ArgumentHelp(
      "Destination port: CLIENT:PORT, a client name or a name prefix (see `studio ports`).", valueName: "port"))
  var port: String?

  @Flag(help: "Create an output port other programs connect to; play once one does.") var virtual = false

  @Option(help: ArgumentHelp("Tune to play from a multi-tune .abc file (X: number).", valueName: "X"))
  var tune: String?

  @Option(help: ArgumentHelp("Tempo multiplier, 0.01…100: 1.25 plays 25% faster.", valueName: "factor"))
  var tempoScale: Double = 1

  @Option(help: ArgumentHelp("Play the sequence N times in a row (1…100).", valueName: "N"))
  var loop: Int = 1

  @Option(
    help: ArgumentHelp(
      "General MIDI program 0…127 for every non-drum channel (0 = piano, 40 = violin).", valueName: "N"))
  var program: Int?

  func validate() throws {
    guard virtual != (port != nil) else {
      throw ValidationError(
        virtual
          ? "give either --port or --virtual, not both"
          : "missing --port CLIENT:PORT (list ports with `studio ports`) or --virtual")
    }
    if let program, UInt7(exactly: program) == nil { throw ValidationError("--program \(program) is outside 0…127") }
    if let problem = options.problem { throw ValidationError(problem) }
    if tune != nil, !input.lowercased().hasSuffix(".abc") { throw ValidationError("--tune applies to .abc input only") }
  }

  /// The playback options from the flags.
  var options: PlaybackOptions {
    PlaybackOptions(
      tempoScale: tempoScale, loopCount: loop, program: program.flatMap { UInt7(exactly: $0) },
      waitForSubscriber: virtual)
  }

  func run() throws {
    _ = try global.loadConfig()
    let sequence = try Self.loadSequence(path: input, tune: tune)
    let plan = PlaybackScheduler(options: options).plan(for: sequence)
    var output: ALSAOutput
    do {
      output = try ALSAOutput(clientName: "studio", portName: "studio out", destination: virtual ? nil : port)
    } catch {
      printError(error.description)
      throw ExitCode(2)
    }
    if let destination = output.destinationName {
      printError("playing \(input) (\(ProgressBar.clock(plan.durationSeconds))) to \(destination)")
    } else {
      printError(Self.virtualHint(source: output.address, destinations: (try? ALSASequencer.destinationPorts()) ?? []))
    }

    let stop = StopOnSignal()
    let bar = ProgressBar(total: max(1, Int((plan.durationSeconds * 10).rounded(.up))), label: "playing")
    let outcome: PlaybackOutcome
    do {
      outcome = try MIDIPlayer(options: options).play(
        plan, to: &output, shouldStop: { stop.requested },
        onProgress: { bar.update(completed: Int($0.seconds * 10), detail: "\(ProgressBar.clock($0.seconds))") })
    } catch {
      bar.finish()
      printError(error.description)
      throw ExitCode(2)
    }
    bar.finish()
    switch outcome {
    case .finished: printError("played \(ProgressBar.clock(plan.durationSeconds))")
    case .stopped(let tick):
      printError("stopped at \(ProgressBar.clock(plan.tempoMap.seconds(atTick: tick))); all notes off sent")
    case .stoppedBeforeStart: printError("stopped before any program connected; nothing played")
    }
  }

  /// What `--virtual` prints while it waits: our port, and an `aconnect` line from it to a real destination (a
  /// synthesizer when one is listed, else another port that takes MIDI), never to a port of our own client.
  static func virtualHint(source: String, destinations: [ALSAPortInfo]) -> String {
    let ownClient = source.split(separator: ":").first.flatMap { Int($0) }
    let others = destinations.filter { $0.client != ownClient }
    let synth = others.first { $0.types.contains("synthesizer") || $0.types.contains("synth") }
    let example = synth ?? others.first { $0.clientName != "Midi Through" } ?? others.first
    let command =
      example.map { "`aconnect \(source) \($0.address)` sends to \($0.clientName), \($0.portName)" }
      ?? "`aconnect \(source) CLIENT:PORT`, a port listed by `studio ports`"
    return "waiting for a program to connect to ALSA port \(source) (e.g. \(command)); Ctrl-C cancels"
  }

  /// Reads the sequence to play. `.mid` now; `.abc` needs the ABC performer, which is not wired in yet.
  static func loadSequence(path: String, tune: String?) throws -> MIDISequence {
    let lowered = path.lowercased()
    if lowered.hasSuffix(".abc") {
      var selector = ABCToMIDI.TuneSelector.first
      if let tune {
        guard let x = Int(tune) else { throw StudioFailure("--tune \(tune): expected an X: number") }
        selector = .referenceNumber(x)
      }
      do {
        let converted = try ABCToMIDI.sequence(fromFile: path, tune: selector)
        for line in converted.messages(path: path) { printError(line) }
        return converted.sequence
      } catch {
        throw StudioFailure(error.description)
      }
    }
    guard lowered.hasSuffix(".mid") || lowered.hasSuffix(".midi") || lowered.hasSuffix(".smf") else {
      throw StudioFailure("\(path): unsupported input; give a .mid file")
    }
    do {
      return try MIDIFile.read(path: path)
    } catch {
      printError(error.description)
      throw ExitCode(2)
    }
  }
}

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the player polls, for as long as it lives.
final class StopOnSignal {
  /// Set from the signal handlers' dispatch queue, read by the player's thread.
  private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
  }

  private let flag = Flag()

  init() {
    // The process-wide handlers (`SignalHandling`) call this on the first SIGINT, SIGTERM or SIGHUP; a second one
    // exits at once.
    SignalHandling.setFirstSignalHandler { [flag] _ in flag.value.store(true, ordering: .relaxed) }
  }

  deinit { SignalHandling.setFirstSignalHandler(nil) }

  /// Whether a stop signal has arrived.
  var requested: Bool { flag.value.load(ordering: .relaxed) }
}
