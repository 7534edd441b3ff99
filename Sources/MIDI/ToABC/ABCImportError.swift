import ABCParser

/// Why a MIDI sequence could not be written as ABC.
public enum ABCImportError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The sequence has no notes outside the percussion channel (MIDI channel 10).
  case noNotes
  /// `--track` names a track the sequence does not have.
  case trackOutOfRange(track: Int, trackCount: Int)
  /// The chosen track (and channel) has no notes outside the percussion channel.
  case noNotesInPart(track: Int?, channel: MIDIChannel?, tracksWithNotes: [Int])
  /// A bar of the meter is not a whole number of grid steps.
  case meterDoesNotFitGrid(meter: ImportMeter, grid: ImportGrid)
  /// `--unit` is not 1, 1/2, 1/4 … 1/64.
  case invalidUnitLength(NoteLength)
  /// A numeric option is below its minimum (`barsPerLine` and `referenceNumber` 1, `fillRests` 0).
  case optionTooSmall(name: String, value: Int, minimum: Int)
  /// The melody would take more bars than `limit` (a note far beyond the rest of the music, usually a damaged file).
  case tooManyBars(bars: Int, limit: Int)

  public var description: String {
    switch self {
    case .noNotes:
      return "the MIDI file has no notes outside the percussion channel (channel 10); there is no melody to import"
    case .trackOutOfRange(let track, let count):
      return
        "track \(track) does not exist: the file has \(count) track\(count == 1 ? "" : "s") (0…\(max(0, count - 1))); "
        + "see `studio info FILE` for the tracks"
    case .noNotesInPart(let track, let channel, let withNotes):
      let part = [track.map { "track \($0)" }, channel.map { "channel \($0.userNumber)" }].compactMap { $0 }
        .joined(separator: ", ")
      let hint =
        withNotes.isEmpty
        ? "the file has no melodic notes at all"
        : "tracks with notes: " + withNotes.map(String.init).joined(separator: ", ")
      return "\(part.isEmpty ? "the selection" : part) has no notes outside the percussion channel; \(hint)"
    case .meterDoesNotFitGrid(let meter, let grid):
      return "a bar of M:\(meter) is not a whole number of \(grid.writtenStep) grid steps; "
        + "choose a finer grid (--grid 1/32) or another meter"
    case .invalidUnitLength(let unit):
      return "unit length \(unit) is not supported; use 1/8 or 1/16 (any 1/2ⁿ up to 1/64)"
    case .optionTooSmall(let name, let value, let minimum):
      return "\(name) must be at least \(minimum), got \(value)"
    case .tooManyBars(let bars, let limit):
      return "the melody spans \(bars) bars, more than the limit of \(limit); the file probably has a stray note far "
        + "after the music (pick another track with --track)"
    }
  }
}
