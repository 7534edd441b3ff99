import ArgumentParser
import Foundation
import MIDI

/// `studio ports`: where `studio play --port` can send MIDI.
struct PortsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ports",
    abstract: "List the ALSA sequencer ports MIDI can be played to (like `aconnect -o`).",
    discussion: """
      Lists every port of another sequencer client that accepts MIDI from other programs (write and \
      subscription-write capability): its CLIENT:PORT address, client and port names, capabilities and types. \
      Pass the address, or the client name, to `studio play --port`.

      Examples:
        studio ports
        studio ports --format json

      Exit status: 0 success (also when no port is listed), 2 when the ALSA sequencer cannot be opened.
      """)

  /// `--format` values.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
  }

  @OptionGroup var global: GlobalOptions
  @Option(help: "Output format: text or json.") var format: Format = .text

  func run() throws {
    _ = try global.loadConfig()
    let ports: [ALSAPortInfo]
    do {
      ports = try ALSASequencer.destinationPorts()
    } catch {
      printError(error.description)
      throw ExitCode(2)
    }
    switch format {
    case .json:
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(ports), as: UTF8.self))
    case .text:
      print(Self.text(ports), terminator: "")
    }
  }

  /// One row per port, or a hint when there is none.
  static func text(_ ports: [ALSAPortInfo]) -> String {
    guard !ports.isEmpty else {
      return "no ALSA sequencer port accepts MIDI here; start a synthesizer (e.g. `fluidsynth -a alsa -m alsa_seq "
        + "SOUNDFONT.sf2`) or load a through port with `sudo modprobe snd-seq-dummy`, then run `studio ports` again\n"
    }
    let header = ["PORT", "CLIENT", "PORT NAME", "CAPABILITIES", "TYPES"]
    let rows = ports.map {
      [$0.address, $0.clientName, $0.portName, $0.capabilities.joined(separator: ","), $0.types.joined(separator: ",")]
    }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    return ([header] + rows).map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }
}
