import Foundation

/// A match model mixed into the LSTM's distribution so that a tune can cheaply say again what it said before.
///
/// A character LSTM of this size does not learn to copy: on held-out tunes, the notes of a bar that repeats an earlier
/// bar cost it about 0.9× the bits of a new bar, although the corpus repeats a third of its bars. The copy model keeps
/// the text of the current tune, finds the most recent earlier occurrence of its last `minimumMatch` characters (a
/// hash of them, as in the match models of context-mixing compressors), and predicts the character that followed
/// there. The longer the match has run, the more it is trusted:
///
///     p(c) = (1 − λ[n]) · p_LSTM(c) + λ[n] · [c = predicted]
///
/// where `n` is the match length in characters (capped at `weights.count − 1`). The weights are fitted by maximum
/// likelihood on training tunes (`fit`), one per length, so the mixture is never worse on those tunes than the LSTM
/// alone; `studio evaluate` measures it on the held-out tunes. Stored beside the model as `copy.json`.
public struct CopyModel: Codable, Sendable, Equatable {
  /// Characters that must match before the model predicts anything.
  public var minimumMatch: Int
  /// λ by match length (index = length, the last entry for every longer match); 0 below `minimumMatch`.
  public var weights: [Double]
  /// Characters the weights were fitted on, for the record.
  public var fittedCharacters: Int

  public static let fileName = "copy.json"
  public static let defaultMinimumMatch = 5
  public static let defaultMaximumLength = 48

  public init(minimumMatch: Int, weights: [Double], fittedCharacters: Int = 0) {
    self.minimumMatch = max(1, minimumMatch)
    self.weights = weights
    self.fittedCharacters = fittedCharacters
  }

  /// λ for a match of `length` characters.
  @inlinable public func weight(length: Int) -> Double {
    guard length >= minimumMatch, !weights.isEmpty else { return 0 }
    return weights[min(length, weights.count - 1)]
  }

  /// Rewrites `logits` (any offset) as the logits of the mixture for `prediction`; unchanged without one.
  public func mix(_ logits: inout [Float], prediction: CopyTracker.Prediction?) {
    guard let prediction, Int(prediction.token) < logits.count else { return }
    let lambda = weight(length: prediction.length)
    guard lambda > 0 else { return }
    var maxLogit = -Float.infinity
    for z in logits where z > maxLogit { maxLogit = z }
    var sum = 0.0
    for z in logits { sum += exp(Double(z - maxLogit)) }
    let logNormaliser = Double(maxLogit) + log(sum)
    let keep = log(1 - lambda)
    let target = Int(prediction.token)
    let pTarget = exp(Double(logits[target]) - logNormaliser)
    for i in logits.indices { logits[i] = Float(Double(logits[i]) - logNormaliser + keep) }
    logits[target] = Float(log((1 - lambda) * pTarget + lambda))
  }

  /// One observation for fitting: the LSTM's probability of the character that came, whether the copy prediction
  /// was that character, and the match length.
  public struct Observation: Sendable {
    public var probability: Double
    public var predictedRight: Bool
    public var length: Int
    public init(probability: Double, predictedRight: Bool, length: Int) {
      self.probability = probability
      self.predictedRight = predictedRight
      self.length = length
    }
  }

  /// The maximum-likelihood weights for `observations`: for each length, the λ maximising
  /// Σ log((1 − λ) p + λ [right]) (concave in λ; solved by bisection on its derivative).
  public static func fit(
    _ observations: [Observation], minimumMatch: Int = defaultMinimumMatch, maximumLength: Int = defaultMaximumLength
  ) -> CopyModel {
    var byLength = [[Observation]](repeating: [], count: maximumLength + 1)
    for o in observations where o.length >= minimumMatch { byLength[min(o.length, maximumLength)].append(o) }
    var weights = [Double](repeating: 0, count: maximumLength + 1)
    for length in minimumMatch...maximumLength {
      weights[length] = bestWeight(byLength[length])
    }
    return CopyModel(minimumMatch: minimumMatch, weights: weights, fittedCharacters: observations.count)
  }

  static func bestWeight(_ observations: [Observation]) -> Double {
    guard !observations.isEmpty else { return 0 }
    func slope(_ lambda: Double) -> Double {
      var s = 0.0
      for o in observations {
        let p = max(o.probability, 1e-12)
        let d = o.predictedRight ? 1.0 : 0.0
        s += (d - p) / ((1 - lambda) * p + lambda * d)
      }
      return s
    }
    if slope(0) <= 0 { return 0 }
    var low = 0.0
    var high = 0.999
    if slope(high) >= 0 { return high }
    for _ in 0..<50 {
      let mid = (low + high) / 2
      if slope(mid) > 0 { low = mid } else { high = mid }
    }
    return (low + high) / 2
  }

  /// Reads `copy.json`.
  public static func load(from path: String) throws -> CopyModel {
    try JSONDecoder().decode(CopyModel.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
  }

  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self)
  }
}

/// The copy model's view of one sequence: its characters so far, the current match and its prediction.
/// O(1) amortised per character (one hash lookup when no match is running, a backward check to measure a new match).
public struct CopyTracker: Sendable {
  public struct Prediction: Sendable, Equatable {
    public var token: Int32
    public var length: Int
  }

  public let minimumMatch: Int
  public private(set) var history: [Int32] = []
  /// Hash of the last `minimumMatch` tokens → the index just after their most recent occurrence.
  private var table: [UInt64: Int] = [:]
  /// Index in `history` of the predicted next token, and the match length.
  private var pointer: Int?
  private var length = 0
  static let maximumTracked = 1 << 16

  public init(minimumMatch: Int) { self.minimumMatch = max(1, minimumMatch) }

  public mutating func reset() {
    history.removeAll(keepingCapacity: true)
    table.removeAll(keepingCapacity: true)
    pointer = nil
    length = 0
  }

  /// What the copy model predicts next, if a match of at least `minimumMatch` characters is running whose earlier
  /// occurrence lies at least `minimumMatch` characters back (a shorter period, as in `.....` or `(3(3(3`, would
  /// let the mixture feed a loop on itself).
  public var prediction: Prediction? {
    guard let pointer, pointer < history.count, length >= minimumMatch, history.count - pointer >= minimumMatch
    else { return nil }
    return Prediction(token: history[pointer], length: length)
  }

  public mutating func append(_ token: Int32) {
    if let p = pointer, p < history.count, history[p] == token {
      pointer = p + 1
      length = min(length + 1, Self.maximumTracked)
    } else {
      pointer = nil
      length = 0
    }
    history.append(token)
    let n = history.count
    guard n >= minimumMatch else { return }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in (n - minimumMatch)..<n {
      hash = (hash ^ UInt64(UInt32(bitPattern: history[i]))) &* 0x100_0000_01b3
    }
    if pointer == nil, let candidate = table[hash] {
      // Measure the match backwards (the hash may collide: a match shorter than minimumMatch is none).
      var matched = 0
      while matched < 64, candidate - 1 - matched >= 0, history[candidate - 1 - matched] == history[n - 1 - matched] {
        matched += 1
      }
      if matched >= minimumMatch {
        pointer = candidate
        length = matched
      }
    }
    table[hash] = n
  }
}
