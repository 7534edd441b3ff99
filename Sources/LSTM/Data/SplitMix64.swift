/// A small, fast, seedable pseudo-random generator (Steele, Lea & Flood's SplitMix64, as in Java's `SplittableRandom`).
///
/// Every random decision in the LSTM module (dataset splits, stream mixing, initialisation, window order, sampling)
/// takes an `inout some RandomNumberGenerator`; pass a `SplitMix64` seeded from the CLI's `--seed` to make a run
/// reproducible. The whole state is the public 64-bit `state`, so a checkpoint sidecar can save and restore it
/// exactly. Not cryptographically secure.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable, Codable {
  /// The generator's complete state; advances by the golden-ratio constant on every `next()`.
  public var state: UInt64

  /// Creates a generator whose first output is a function of `seed` alone.
  public init(seed: UInt64) { self.state = seed }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension SplitMix64 {
  /// A uniform integer in `0..<bound` by Lemire's multiply-and-reject method, spelled out here (rather than the
  /// standard library's `next(upperBound:)`) so seeded results never change with the toolchain.
  /// - Precondition: `bound > 0`.
  public mutating func nextIndex(below bound: Int) -> Int {
    precondition(bound > 0, "SplitMix64.nextIndex(below:) needs a positive bound")
    let s = UInt64(bound)
    var (high, low) = s.multipliedFullWidth(by: next())
    if low < s {
      let threshold = (0 &- s) % s
      while low < threshold { (high, low) = s.multipliedFullWidth(by: next()) }
    }
    return Int(high)
  }

  /// A uniform `Double` in `0..<1` with 53 random bits.
  public mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1p-53 }
}
