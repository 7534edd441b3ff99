/// How `DatasetSplit.split` chooses validation tunes. Splits are always by whole tune, never by character, so no
/// validation text leaks into training.
public enum SplitMethod: String, Sendable, CaseIterable, Codable {
  /// Tune `i` (0-based, corpus order) is held out iff `i % 10 == 9`: the PyTorch baseline's split (80 of 804
  /// tunes for `irish.abc`). Ignores the validation fraction.
  case everyTenth
  /// `round(fraction × count)` tunes chosen uniformly at random with a seeded `SplitMix64`.
  case seededRandom
}

/// Training and validation tunes, each in their original corpus order.
public struct DatasetSplit: Sendable, Equatable {
  /// Tunes to train on.
  public var train: [String]
  /// Held-out tunes.
  public var validation: [String]
  /// Corpus indices of the held-out tunes, ascending.
  public var validationIndices: [Int]

  public init(train: [String], validation: [String], validationIndices: [Int]) {
    self.train = train
    self.validation = validation
    self.validationIndices = validationIndices
  }

  /// Splits `tunes` into training and validation sets.
  ///
  /// - Parameters:
  ///   - validationFraction: share of tunes to hold out, clamped to `0...1` (NaN counts as 0); used by
  ///     `.seededRandom` only, which holds out `round(fraction × tunes.count)` tunes.
  ///   - seed: seeds the `SplitMix64` of `.seededRandom`; the same seed and tunes give the same split.
  ///   - method: `.everyTenth` (the baseline's rule) or `.seededRandom`.
  public static func split(_ tunes: [String], validationFraction: Double, seed: UInt64, method: SplitMethod)
    -> DatasetSplit
  {
    var held = [Bool](repeating: false, count: tunes.count)
    switch method {
    case .everyTenth:
      for i in tunes.indices where i % 10 == 9 { held[i] = true }
    case .seededRandom:
      let fraction = validationFraction.isNaN ? 0 : min(1, max(0, validationFraction))
      let count = min(tunes.count, Int((fraction * Double(tunes.count)).rounded()))
      var generator = SplitMix64(seed: seed)
      var order = Array(tunes.indices)
      // Partial Fisher–Yates: the first `count` positions become a uniform sample without replacement.
      for i in 0..<count {
        let j = i + generator.nextIndex(below: order.count - i)
        order.swapAt(i, j)
        held[order[i]] = true
      }
    }
    var split = DatasetSplit(train: [], validation: [], validationIndices: [])
    for (i, tune) in tunes.enumerated() {
      if held[i] {
        split.validation.append(tune)
        split.validationIndices.append(i)
      } else {
        split.train.append(tune)
      }
    }
    return split
  }
}
