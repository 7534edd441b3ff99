import ABCParser

/// Where the bar lines of an imported tune fall: the written meter, the bar and beat lengths in grid steps, and the
/// step at which bars start.
public struct BarLayout: Hashable, Sendable {
  /// Where the meter came from.
  public enum MeterSource: String, Hashable, Sendable {
    /// `--meter`.
    case option
    /// The sequence's first time-signature meta event.
    case timeSignature
    /// No usable time signature: chosen between 4/4 and 3/4 from where long notes fall (see `MeterFinder`).
    case inferred
  }

  /// How the bar start was chosen.
  public enum PhaseSource: String, Hashable, Sendable {
    /// Where the time signature puts it (bars from its tick).
    case timeSignature
    /// Louder notes on the downbeats: the note-on velocities show a bar-long accent pattern (a performance, or
    /// abc2midi's beat model: 105 on the first note of a bar, 80 on most others).
    case accents
    /// Long notes on strong beats (`BarLayout.weight(atBarPosition:)`).
    case noteLengths
  }

  /// The meter as written (`M:`), after the grid's time scale (12/8 for 4/4 on a triplet grid).
  public var meter: ImportMeter
  public var meterSource: MeterSource
  /// Grid steps per bar, ≥ 1.
  public var barSteps: Int
  /// Grid steps per beat (a dotted beat in compound meters), ≥ 1.
  public var beatSteps: Int
  /// Bars start at steps ≡ `phase` modulo `barSteps`; `0 ..< barSteps`.
  public var phase: Int
  public var phaseSource: PhaseSource

  /// Index of the bar holding `step` (bar 0 starts at `phase`).
  public func bar(atStep step: Int) -> Int { GridFit.floorDiv(step - phase, barSteps) }
  /// First step of bar `index`.
  public func start(ofBar index: Int) -> Int { index * barSteps + phase }

  /// Metrical weight of a position within the bar (`0 ..< barSteps`): 4 on the downbeat, 3 mid-bar in meters
  /// with an even number of beats, 2 on other beats, 1 on half-beats, 0 elsewhere.
  func weight(atBarPosition position: Int) -> Int {
    if position == 0 { return 4 }
    let beats = barSteps / beatSteps
    if beats % 2 == 0, beats > 2, position == barSteps / 2 { return 3 }
    if position % beatSteps == 0 { return 2 }
    if beatSteps % 2 == 0, position % (beatSteps / 2) == 0 { return 1 }
    return 0
  }

  /// Builds the layout of `meter` on `grid`, or `nil` when a bar or beat is not a whole number of steps.
  static func make(meter: ImportMeter, source: MeterSource, grid: ImportGrid, phase: Int = 0) -> BarLayout? {
    guard let bar = (meter.barLength / grid.writtenStep).importedInteger, bar >= 1 else { return nil }
    var beat = (meter.beat / grid.writtenStep).importedInteger ?? 1
    if beat < 1 || bar % beat != 0 { beat = 1 }
    return BarLayout(
      meter: meter, meterSource: source, barSteps: bar, beatSteps: beat, phase: ((phase % bar) + bar) % bar,
      phaseSource: .timeSignature)
  }
}
