/// A melody note after quantisation: MIDI pitch and position in grid steps.
///
/// `start` counts steps from the grid origin (the grid phase; step 0 is at or just after tick 0); `length` ≥ 1.
/// On a triplet grid a step is written as an eighth or sixteenth (see `ImportGrid.writtenStep`).
public struct GridNote: Hashable, Sendable, CustomStringConvertible {
  /// MIDI note number, 0…127 (60 = middle C).
  public var pitch: Int
  /// Onset in grid steps.
  public var start: Int
  /// Duration in grid steps, ≥ 1.
  public var length: Int

  public init(pitch: Int, start: Int, length: Int) {
    self.pitch = pitch
    self.start = start
    self.length = length
  }

  /// `start + length`.
  public var end: Int { start + length }

  /// `60@12+4`: pitch, onset and length in steps.
  public var description: String { "\(pitch)@\(start)+\(length)" }
}
