/// How a grid lies over a melody's onsets: its phase (where step 0 falls) and the share of onsets close to a grid
/// point.
///
/// Positions are measured in *grid units*: one tick is `d` units for a grid step of `1/d` whole note, so one step is
/// exactly `4 × ppq` units for any PPQ (no fractional ticks). `phase` is the grid unit of step 0, `0 ..< 4·ppq`.
public struct GridFit: Hashable, Sendable {
  public var grid: ImportGrid
  /// Ticks per quarter note of the sequence.
  public var ppq: Int
  /// Offset of step 0 in grid units (`phase / d` ticks), `0 ..< 4·ppq`.
  public var phase: Int
  /// Share of onsets within an eighth of a step of a grid point, 0…1.
  public var share: Double
  /// Onsets that land on the same step as an earlier onset (chords, and notes too close for the grid).
  public var merged: Int

  /// Ticks per quarter × 4: the number of grid units in one step.
  var unitsPerStep: Int { 4 * ppq }

  /// The grid denominator `d` (16 for 1/16).
  var d: Int { grid.step.denominator }

  /// The phase in ticks (may be fractional).
  public var phaseTicks: Double { Double(phase) / Double(d) }

  /// The nearest step to `tick` (halves round up).
  public func step(atTick tick: Int) -> Int {
    Self.floorDiv(tick * d - phase + 2 * ppq, unitsPerStep)
  }

  /// The tick (rounded down) of `step`.
  public func tick(atStep step: Int) -> Int { Self.floorDiv(step * unitsPerStep + phase, d) }

  /// Distance in ticks from `tick` to the nearest grid point.
  public func deviationTicks(_ tick: Int) -> Double {
    let units = tick * d - phase
    let r = ((units % unitsPerStep) + unitsPerStep) % unitsPerStep
    return Double(min(r, unitsPerStep - r)) / Double(d)
  }

  static func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
  }

  /// The best phase of `grid` for `onsets` (ticks): the one with the most onsets within an eighth of a step, refined
  /// to their circular mean; among equally good phases the one nearest 0.
  public static func fitting(_ grid: ImportGrid, ppq: Int, onsets: [Int]) -> GridFit {
    let ppq = max(1, ppq)
    let d = grid.step.denominator
    let s = 4 * ppq
    guard !onsets.isEmpty else { return GridFit(grid: grid, ppq: ppq, phase: 0, share: 1, merged: 0) }
    let residues = onsets.map { (($0 * d) % s + s) % s }.sorted()
    let extended = residues.map { $0 - s } + residues + residues.map { $0 + s }
    // Tolerance: |distance| ≤ s/8, compared as 8·|distance| ≤ s to stay exact for any PPQ.
    func within(_ a: Int, _ c: Int) -> Bool { 8 * abs(a - c) <= s }
    var best = (count: -1, center: 0)
    var lo = 0
    var hi = 0
    for c in residues {
      while lo < extended.count, extended[lo] < c, !within(extended[lo], c) { lo += 1 }
      if hi < lo { hi = lo }
      while hi < extended.count, extended[hi] <= c || within(extended[hi], c) { hi += 1 }
      let count = hi - lo
      let nearZero = min(c, s - c) < min(best.center, s - best.center)
      if count > best.count || (count == best.count && nearZero) { best = (count, c) }
    }
    // Refine to the mean offset of the onsets in the winning window.
    var sum = 0
    var n = 0
    for r in extended where within(r, best.center) {
      sum += r - best.center
      n += 1
    }
    let mean = n > 0 ? Int((Double(sum) / Double(n)).rounded()) : 0
    let phase = ((best.center + mean) % s + s) % s
    let close = residues.filter { r in
      let dist = min(((r - phase) % s + s) % s, ((phase - r) % s + s) % s)
      return 8 * dist <= s
    }.count
    var fit = GridFit(grid: grid, ppq: ppq, phase: phase, share: Double(close) / Double(onsets.count), merged: 0)
    let steps = onsets.sorted().map { fit.step(atTick: $0) }
    fit.merged = zip(steps, steps.dropFirst()).filter { $0 == $1 }.count
    return fit
  }

  /// Picks the grid for `onsets` (ticks), the coarsest that fits:
  ///
  /// 1. 1/8, else 1/16, when at least 98 % of the onsets lie on it (within an eighth of a step) and it merges at
  ///    most 0.5 % of the onsets more than the next finer grid (eighth-note triplets merge on 1/8, not on 1/16);
  /// 2. else a triplet grid when at least 90 % of the onsets lie on it and at least 10 points more than on 1/16
  ///    (the music is mostly in triplets; a straight tune with a few triplets stays on 1/16 and its triplets are
  ///    rounded to it): 1/12, or 1/24 when 1/12 would merge 0.5 % more onsets;
  /// 3. else 1/32 when it fits at least 5 points better than 1/16, else 1/16.
  public static func choosing(ppq: Int, onsets: [Int]) -> GridFit {
    var fits: [ImportGrid: GridFit] = [:]
    func fit(_ g: ImportGrid) -> GridFit {
      if let f = fits[g] { return f }
      let f = fitting(g, ppq: ppq, onsets: onsets)
      fits[g] = f
      return f
    }
    let slack = onsets.count / 200
    func keeps(_ coarse: ImportGrid, asMuchAs fine: ImportGrid) -> Bool {
      fit(coarse).merged - fit(fine).merged <= slack
    }
    if fit(.eighth).share >= 0.98, keeps(.eighth, asMuchAs: .sixteenth) { return fit(.eighth) }
    if fit(.sixteenth).share >= 0.98, keeps(.sixteenth, asMuchAs: .thirtySecond) { return fit(.sixteenth) }
    let straight = fit(.sixteenth)
    func qualifies(_ g: ImportGrid) -> Bool { fit(g).share >= max(0.9, straight.share + 0.1) }
    if qualifies(.tripletEighth), !qualifies(.tripletSixteenth) || keeps(.tripletEighth, asMuchAs: .tripletSixteenth) {
      return fit(.tripletEighth)
    }
    if qualifies(.tripletSixteenth) { return fit(.tripletSixteenth) }
    let fine = fit(.thirtySecond)
    return fine.share >= straight.share + 0.05 ? fine : straight
  }
}
