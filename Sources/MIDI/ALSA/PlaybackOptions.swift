/// How `studio play` performs a sequence: speed, repeats, instrument, and when to start.
public struct PlaybackOptions: Hashable, Sendable {
  /// Tempo multiplier, 0.01…100: 1.25 plays 25 % faster (every tempo's µs per quarter divided by 1.25).
  public var tempoScale: Double
  /// How many times the sequence plays back to back, 1…100 (the plan holds every repeat in memory).
  public var loopCount: Int
  /// When set, replaces every program change on non-percussion channels and selects this program (0…127)
  /// on each of them at the start.
  public var program: UInt7?
  /// How far ahead of the queue position events are handed to the sequencer, in seconds (> 0). Aborting
  /// only has to remove this much.
  public var lookaheadSeconds: Double
  /// Wait for a subscriber before starting (`--virtual`).
  public var waitForSubscriber: Bool

  public init(
    tempoScale: Double = 1, loopCount: Int = 1, program: UInt7? = nil, lookaheadSeconds: Double = 1,
    waitForSubscriber: Bool = false
  ) {
    self.tempoScale = tempoScale
    self.loopCount = loopCount
    self.program = program
    self.lookaheadSeconds = lookaheadSeconds
    self.waitForSubscriber = waitForSubscriber
  }

  /// Allowed `tempoScale` values.
  public static let tempoScaleRange: ClosedRange<Double> = 0.01...100
  /// Allowed `loopCount` values.
  public static let loopCountRange: ClosedRange<Int> = 1...100

  /// A message saying which option is out of range and what is allowed, or `nil` when all are valid.
  public var problem: String? {
    if !tempoScale.isFinite || !Self.tempoScaleRange.contains(tempoScale) {
      return "tempo scale \(tempoScale) is out of range; use 0.01…100 (1.25 = 25% faster)"
    }
    if !Self.loopCountRange.contains(loopCount) { return "loop count \(loopCount) is out of range; use 1…100" }
    if !lookaheadSeconds.isFinite || lookaheadSeconds <= 0 || lookaheadSeconds > 60 {
      return "look-ahead \(lookaheadSeconds) s is out of range; use more than 0 and at most 60 seconds"
    }
    return nil
  }
}
