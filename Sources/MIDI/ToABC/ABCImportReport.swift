import ABCParser

/// What the importer chose and what it changed, next to the ABC text it wrote.
public struct ABCImportReport: Hashable, Sendable {
  /// Where the key came from.
  public enum KeySource: String, Hashable, Sendable {
    case option
    /// Krumhansl–Schmuckler over the quantised melody.
    case inferred
  }

  /// 0-based track the melody came from.
  public var track: Int
  public var channel: MIDIChannel
  public var trackName: String?
  /// Notes of the chosen part in the file.
  public var sourceNoteCount: Int
  /// The melody as written, on the grid (steps from the grid origin), sorted and non-overlapping.
  public var notes: [GridNote]
  /// Notes dropped because a higher (or longer) note started on the same grid step (chords, ornaments).
  public var droppedSimultaneous: Int
  /// Notes cut short because the next note started before they ended (legato overlaps).
  public var shortenedOverlaps: Int
  /// Short rests absorbed into the note before them (`ABCImportOptions.fillRests`).
  public var filledRests: Int
  /// The grid, its phase and how well it fits.
  public var fit: GridFit
  /// Largest distance in ticks a kept onset moved to reach the grid.
  public var maxOnsetShiftTicks: Double
  /// Meter, bar and beat lengths and bar phase.
  public var bars: BarLayout
  public var key: ImportKey
  public var keySource: KeySource
  /// Pearson correlation of the melody with the chosen key's profile (inferred keys only).
  public var keyCorrelation: Double?
  /// `L:`.
  public var unitLength: NoteLength
  /// Quarter notes per minute from the first tempo event, `nil` when the file has none (no `Q:` written).
  public var beatsPerMinute: Double?
  /// Bars written, the pickup bar included.
  public var barCount: Int
  /// Whole bars of silence before the first note that were left out.
  public var skippedLeadingBars: Int
  /// `true` when the tune starts with a pickup (anacrusis) bar.
  public var startsWithPickup: Bool
  /// Things the user may want to know (ignored meter or tempo changes, dropped notes…), one sentence each.
  public var notices: [String]
}

/// An imported tune: ABC text plus the report.
public struct ABCImportResult: Hashable, Sendable {
  /// One complete tune (`X:` … `|]`), ending with a newline.
  public var abcText: String
  public var report: ABCImportReport
}
