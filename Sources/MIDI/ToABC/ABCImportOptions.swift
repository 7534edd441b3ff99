import ABCParser

/// Choices for `ABCImporter`; every `nil` means "infer it from the sequence".
public struct ABCImportOptions: Hashable, Sendable {
  /// 0-based track index to take the melody from (as `studio info` numbers tracks); `nil`: the most melodic part
  /// of any track (`MelodyPart.mostLikelyMelody`).
  public var track: Int?
  /// Only notes on this channel; `nil`: the most melodic channel.
  public var channel: MIDIChannel?
  /// Quantisation grid; `nil`: `GridFit.choosing` (1/8, 1/16, triplet grids or 1/32).
  public var grid: ImportGrid?
  /// Meter; `nil`: the time signature, else inferred (`MeterFinder`).
  public var meter: ImportMeter?
  /// Key; `nil`: Krumhansl–Schmuckler (`KeyFinder`).
  public var key: ImportKey?
  /// `L:` unit note length, 1 or 1/2 … 1/64; `nil`: 1/8 or 1/16, whichever writes shorter lengths.
  public var unitLength: NoteLength?
  /// `T:` field; `nil`: no title.
  public var title: String?
  /// `X:` field, ≥ 1.
  public var referenceNumber: Int
  /// Bars per line of music, ≥ 1.
  public var barsPerLine: Int
  /// Rests of at most this many grid steps between two notes are absorbed into the note before them (legato;
  /// sung melodies are often released a little before the next note). 0 keeps every rest.
  public var fillRests: Int

  public init(
    track: Int? = nil, channel: MIDIChannel? = nil, grid: ImportGrid? = nil, meter: ImportMeter? = nil,
    key: ImportKey? = nil, unitLength: NoteLength? = nil, title: String? = nil, referenceNumber: Int = 1,
    barsPerLine: Int = 4, fillRests: Int = 0
  ) {
    self.track = track
    self.channel = channel
    self.grid = grid
    self.meter = meter
    self.key = key
    self.unitLength = unitLength
    self.title = title
    self.referenceNumber = referenceNumber
    self.barsPerLine = barsPerLine
    self.fillRests = fillRests
  }

  /// Reads an `L:` value such as `1/8` or `1/16`; `nil` unless it is 1 or 1/2 … 1/64.
  public static func unitLength(parsing text: String) -> NoteLength? {
    let t = ImportText.trimmed(text)
    let value: NoteLength?
    if t == "1" {
      value = .one
    } else if t.hasPrefix("1/"), let d = Int(t.dropFirst(2)) {
      value = NoteLength(exactly: 1, d)
    } else {
      value = nil
    }
    guard let value, isValidUnitLength(value) else { return nil }
    return value
  }

  static func isValidUnitLength(_ value: NoteLength) -> Bool {
    value.numerator == 1 && value.hasPowerOfTwoDenominator && value.denominator <= 64
  }
}
