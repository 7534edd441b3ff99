import ABCParser

/// The quantisation grid of an import: every onset and end is moved to the nearest grid point.
///
/// `step` is the grid spacing in whole notes: 1/8, 1/16, 1/32 and 1/64 for straight music, 1/12, 1/24 and 1/48 for
/// triplet-based music. The importer never writes tuplets ("triplet-free quantisation"): on a triplet grid the
/// whole piece is rewritten in compound time, one triplet step becoming a written eighth (1/12) or sixteenth (1/24),
/// so a quarter note of the MIDI file becomes a dotted quarter and 4/4 becomes 12/8.
public struct ImportGrid: Hashable, Sendable, CustomStringConvertible {
  /// Grid spacing in whole notes (`1/16` = a sixteenth note).
  public let step: NoteLength

  /// Returns `nil` unless `step` is 1/8, 1/16, 1/32, 1/64, 1/12, 1/24 or 1/48.
  public init?(step: NoteLength) {
    guard step.numerator == 1 else { return nil }
    let d = step.denominator
    let straight = [8, 16, 32, 64].contains(d)
    let triplet = [12, 24, 48].contains(d)
    guard straight || triplet else { return nil }
    self.step = step
  }

  /// Reads `1/16`, `1/12`, `16` (a bare denominator) or `16th`; `nil` for anything else.
  public init?(parsing text: String) {
    var t = ImportText.trimmed(text).lowercased()
    for suffix in ["th", "nd", "rd"] where t.hasSuffix(suffix) { t.removeLast(suffix.count) }
    if t.hasPrefix("1/") { t.removeFirst(2) }
    guard let d = Int(t), d > 0, let step = NoteLength(exactly: 1, d) else { return nil }
    self.init(step: step)
  }

  public static let eighth = ImportGrid(uncheckedDenominator: 8)
  public static let sixteenth = ImportGrid(uncheckedDenominator: 16)
  public static let thirtySecond = ImportGrid(uncheckedDenominator: 32)
  /// Triplet eighths (three in a quarter note), written as eighths in compound time.
  public static let tripletEighth = ImportGrid(uncheckedDenominator: 12)
  /// Triplet sixteenths (six in a quarter note), written as sixteenths in compound time.
  public static let tripletSixteenth = ImportGrid(uncheckedDenominator: 24)

  private init(uncheckedDenominator d: Int) { step = NoteLength(1, d) }

  /// `true` for 1/12, 1/24, 1/48: the music is rewritten in compound time.
  public var isTriplet: Bool { step.denominator % 3 == 0 }

  /// How long one step is written in the ABC output, in whole notes: `step`, or `step × 3/2` on a triplet grid.
  public var writtenStep: NoteLength { isTriplet ? step * NoteLength(3, 2) : step }

  /// The factor from sounding to written durations: 1, or 3/2 on a triplet grid.
  public var timeScale: NoteLength { isTriplet ? NoteLength(3, 2) : .one }

  /// `1/16`.
  public var description: String { step.description }
}
