import ArgumentParser
import Foundation
import MIDI

/// `studio info FILE.mid`: what a Standard MIDI File holds.
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Describe a MIDI file: format, tracks, tempo map, meters, length and notes.",
    discussion: """
      Prints the SMF format and resolution; each track's name, event count, channels and programs; the tempo map \
      (tick, BPM, time); time and key signatures; the length in seconds; and the note count.

      Examples:
        studio info reel.mid
        studio info reel.mid --format json

      Exit status: 0 success, 1 when the file is not a valid MIDI file, 2 when it cannot be read (missing, a \
      directory, a FIFO, permissions).
      """)

  /// `--format` values.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
  }

  @OptionGroup var global: GlobalOptions
  @Argument(help: "A Standard MIDI File (.mid).") var input: String
  @Option(help: "Output format: text or json.") var format: Format = .text

  func run() throws {
    _ = try global.loadConfig()
    let sequence: MIDISequence
    do {
      sequence = try MIDIFile.read(path: input)
    } catch {
      printError(error.description)
      // The same causes exit the same way in `import`: unreadable 2, not a valid MIDI file 1.
      if case .cannotRead = error.underlying { throw ExitCode(2) }
      throw ExitCode(1)
    }
    let summary = sequence.summary()
    switch format {
    case .text: print(Self.text(summary, path: input, verbose: global.verbose), terminator: "")
    case .json: print(try Self.json(summary, path: input))
    }
  }

  /// The JSON report: `file` plus every `MIDISequenceSummary` field, keys sorted.
  static func json(_ summary: MIDISequenceSummary, path: String) throws -> String {
    struct Report: Encodable {
      var file: String
      var summary: MIDISequenceSummary
      enum CodingKeys: String, CodingKey { case file }
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try summary.encode(to: encoder)
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(Report(file: path, summary: summary)), as: UTF8.self)
  }

  /// The text report; lists are cut to 8 entries unless `verbose`.
  static func text(_ s: MIDISequenceSummary, path: String, verbose: Bool) -> String {
    let limit = verbose ? Int.max : 8
    func capped(_ items: [String]) -> String {
      guard !items.isEmpty else { return "none" }
      let shown = items.prefix(limit).joined(separator: ", ")
      return items.count > limit ? shown + ", … (\(items.count - limit) more; --verbose lists all)" : shown
    }
    let trackWord = s.tracks.count == 1 ? "track" : "tracks"
    var out = "file:            \(path)\n"
    out += "format:          \(s.format), \(s.tracks.count) \(trackWord), \(s.ppq) ticks per quarter note\n"
    let seconds = String(format: "%.3f", s.durationSeconds)
    out += "length:          \(clock(s.durationSeconds)) (\(seconds) s, \(s.lastTick) ticks)\n"
    out += "notes:           \(s.noteCount)\n"
    let tempos = s.tempos.map {
      "\(String(format: "%.2f", $0.beatsPerMinute)) BPM at tick \($0.tick) (\(String(format: "%.3f", $0.seconds)) s)"
    }
    out += "tempo:           \(capped(tempos))\(s.tempoIsDefault ? " (no tempo event: SMF default)" : "")\n"
    out +=
      "time signatures: \(capped(s.timeSignatures.map { "\($0.numerator)/\($0.denominator) at tick \($0.tick)" }))\n"
    let keys = s.keySignatures.map { key -> String in
      let accidentals =
        key.sharps == 0 ? "no sharps or flats" : key.sharps > 0 ? "\(key.sharps) sharp(s)" : "\(-key.sharps) flat(s)"
      return "\(accidentals) \(key.minor ? "minor" : "major") at tick \(key.tick)"
    }
    out += "key signatures:  \(capped(keys))\n"
    out += "tracks:\n"
    let rows = s.tracks.map { track -> [String] in
      [
        "\(track.index)", track.name ?? "-", "\(track.eventCount)", "\(track.noteCount)",
        track.channels.isEmpty ? "-" : track.channels.map(String.init).joined(separator: ","),
        track.programs.isEmpty
          ? "-" : track.programs.map { "ch\($0.channel): \($0.program) \($0.name)" }.joined(separator: "; "),
      ]
    }
    out += table(
      header: ["#", "name", "events", "notes", "channels", "programs"], rows: rows, rightAligned: [0, 2, 3])
    return out
  }

  /// `m:ss.t`.
  private static func clock(_ seconds: Double) -> String {
    let tenths = Int((seconds * 10).rounded())
    return String(format: "%d:%02d.%d", tenths / 600, tenths / 10 % 60, tenths % 10)
  }

  /// Columns padded to their widest cell, two spaces apart, indented two spaces.
  private static func table(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
      "  "
        + row.enumerated().map { column, cell in
          let pad = String(repeating: " ", count: widths[column] - cell.count)
          return rightAligned.contains(column) ? pad + cell : (column == row.count - 1 ? cell : cell + pad)
        }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }
}
