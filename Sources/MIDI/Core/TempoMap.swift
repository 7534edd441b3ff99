/// Converts ticks to seconds and back through a list of tempo changes.
public struct TempoMap: Hashable, Sendable {
  /// A tempo that takes effect at `tick`.
  public struct Change: Hashable, Sendable {
    public var tick: Int
    /// Microseconds per quarter note (SMF Set Tempo); 500 000 is 120 BPM.
    public var microsecondsPerQuarter: Int
    public init(tick: Int, microsecondsPerQuarter: Int) {
      self.tick = tick
      self.microsecondsPerQuarter = microsecondsPerQuarter
    }

    /// Quarter notes per minute.
    public var beatsPerMinute: Double { 60_000_000 / Double(microsecondsPerQuarter) }
  }

  /// Ticks per quarter note, ≥ 1.
  public let ppq: Int
  /// Sorted by tick; always starts with a change at tick 0 (500 000 µs, 120 BPM, if none given).
  /// Ticks below 0 are moved to 0 and tempos below 1 µs per quarter are raised to 1.
  public let changes: [Change]

  public init(ppq: Int, changes: [Change]) {
    self.ppq = max(1, ppq)
    let clean = changes.map { Change(tick: max(0, $0.tick), microsecondsPerQuarter: max(1, $0.microsecondsPerQuarter)) }
    var sorted = clean.enumerated().sorted {
      $0.element.tick != $1.element.tick ? $0.element.tick < $1.element.tick : $0.offset < $1.offset
    }.map(\.element)
    // At equal ticks the last change wins.
    var dedup: [Change] = []
    for c in sorted {
      if let last = dedup.last, last.tick == c.tick { dedup[dedup.count - 1] = c } else { dedup.append(c) }
    }
    sorted = dedup
    if sorted.first?.tick != 0 { sorted.insert(Change(tick: 0, microsecondsPerQuarter: 500_000), at: 0) }
    self.changes = sorted
  }

  /// Seconds from tick 0 to `tick` (0 for negative ticks).
  public func seconds(atTick tick: Int) -> Double {
    var seconds = 0.0
    for (i, c) in changes.enumerated() {
      let end = i + 1 < changes.count ? min(changes[i + 1].tick, tick) : tick
      if end <= c.tick { break }
      seconds += Double(end - c.tick) * Double(c.microsecondsPerQuarter) / 1_000_000 / Double(ppq)
    }
    return seconds
  }

  /// The tick sounding at `seconds` (rounded down; 0 for negative or non-finite input, `Int.max` at most).
  public func tick(atSeconds seconds: Double) -> Int {
    guard seconds.isFinite, seconds > 0 else { return 0 }
    var elapsed = 0.0
    for (i, c) in changes.enumerated() {
      let secondsPerTick = Double(c.microsecondsPerQuarter) / 1_000_000 / Double(ppq)
      if i + 1 < changes.count {
        let span = Double(changes[i + 1].tick - c.tick) * secondsPerTick
        if elapsed + span > seconds { return c.tick + Self.clampedInt((seconds - elapsed) / secondsPerTick) }
        elapsed += span
      } else {
        let (sum, overflow) = c.tick.addingReportingOverflow(Self.clampedInt((seconds - elapsed) / secondsPerTick))
        return overflow ? Int.max : sum
      }
    }
    return 0
  }

  /// The tempo in force at `tick`, in microseconds per quarter note.
  public func microsecondsPerQuarter(atTick tick: Int) -> Int {
    var current = changes[0].microsecondsPerQuarter
    for c in changes {
      if c.tick > tick { break }
      current = c.microsecondsPerQuarter
    }
    return current
  }

  private static func clampedInt(_ value: Double) -> Int {
    guard value.isFinite else { return value > 0 ? Int.max / 2 : 0 }
    if value >= Double(Int.max / 2) { return Int.max / 2 }
    return max(0, Int(value.rounded(.down)))
  }
}
