import Foundation

/// Draws the next character id from a row of logits: temperature (0 = greedy), top-k, then top-p (nucleus). Used by
/// `Sampler.generate` (one generator for the batch) and by `studio generate` (a generator per sequence, so each tune
/// attempt is reproducible on its own, whatever else shares its batch).
public struct TokenChooser {
  public let options: SamplingOptions
  /// Scratch, `V` each, allocated on first use.
  private var order: [Int32] = []
  private var weights: [Double] = []

  public init(options: SamplingOptions) { self.options = options }

  /// The chosen id for `logits` (length `V ≥ 1`); see `choose(from:using:)` for buffers.
  public mutating func choose(from logits: [Float], using generator: inout some RandomNumberGenerator) -> Int32 {
    logits.withUnsafeBufferPointer { choose(from: $0, using: &generator) }
  }

  /// The chosen id for `logits` (length `V ≥ 1`).
  ///
  /// Greedy (temperature 0) takes the largest logit (the lowest id on ties). Otherwise the candidates are the `topK`
  /// largest logits (all when 0), then the smallest prefix of them, by decreasing probability, whose probability
  /// reaches `topP` of the candidates' total; one is drawn in proportion to `exp((z − max z) / temperature)`.
  public mutating func choose(
    from logits: UnsafeBufferPointer<Float>, using generator: inout some RandomNumberGenerator
  ) -> Int32 {
    let count = logits.count
    guard count > 1 else { return 0 }
    var best = 0
    for v in 1..<count where logits[v] > logits[best] { best = v }
    if options.temperature == 0 { return Int32(best) }
    if order.count != count {
      order = [Int32](repeating: 0, count: count)
      weights = [Double](repeating: 0, count: count)
    }
    for v in 0..<count { order[v] = Int32(v) }
    var kept = count
    if (options.topK > 0 && options.topK < count) || options.topP < 1 {
      order.sort { logits[Int($0)] != logits[Int($1)] ? logits[Int($0)] > logits[Int($1)] : $0 < $1 }
      if options.topK > 0 { kept = min(kept, options.topK) }
    }
    let maxLogit = Double(logits[best])
    let inverse = 1 / options.temperature
    var total = 0.0
    for i in 0..<kept {
      let w = exp((Double(logits[Int(order[i])]) - maxLogit) * inverse)
      weights[i] = w
      total += w
    }
    if options.topP < 1 {
      var cumulative = 0.0
      for i in 0..<kept {
        cumulative += weights[i]
        if cumulative >= options.topP * total {
          kept = i + 1
          total = cumulative
          break
        }
      }
    }
    let u = Double(generator.next() >> 11) * 0x1p-53 * total
    var cumulative = 0.0
    for i in 0..<kept {
      cumulative += weights[i]
      if u < cumulative { return order[i] }
    }
    return order[kept - 1]
  }
}
