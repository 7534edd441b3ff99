/// The token stream a model trains on: tunes of one or more corpora, joined by "\n\n" and encoded.
///
/// With one source of weight 1 it is exactly the PyTorch baseline's stream, `"\n\n".join(train_tunes)`.
///
/// **Weights** (the "merge two datasets into a new genre" mixer). A weight is a repeat factor per tune: source `i`
/// with `nᵢ` tunes and weight `wᵢ ≥ 0` contributes `cᵢ = round(wᵢ · nᵢ)` tune copies: every tune `⌊wᵢ⌋` times, plus
/// `cᵢ − ⌊wᵢ⌋ · nᵢ` distinct tunes, drawn uniformly without replacement by a `SplitMix64(seed:)`, once more. So each
/// tune of source `i` appears `wᵢ` times on average, and the source's share of the stream's tunes is
/// `cᵢ / Σⱼ cⱼ ≈ wᵢ·nᵢ / Σⱼ wⱼ·nⱼ`: with equal weights the corpora count in proportion to their sizes (a plain
/// concatenation; the size-normalised share), and weight 2 makes a corpus's tunes appear twice as often relative to
/// that share (weight 0.5: half as often, by subsampling). For equal shares regardless of size use
/// `balancedWeights(tuneCounts:)`.
///
/// **Order.** Unshuffled, the copies follow source order; within a source, `⌊wᵢ⌋` passes over its tunes in order,
/// then the extra copies in tune order. With `shuffle: true` all copies are put in a seeded random order (a separate
/// `SplitMix64` derived from `seed`), which interleaves genres for training with state carried across windows.
public struct TrainingStream: Sendable {
  /// Token ids of the whole stream (`"\n\n"` between tunes, none at the ends).
  public var tokens: [Int32]
  /// Number of tune copies each source contributed (`cᵢ`).
  public var tuneCopies: [Int]
  /// Tokens each source contributed, separators excluded.
  public var sourceTokenCounts: [Int]
  /// Where each tune copy lies in `tokens`, in stream order, separators excluded.
  public var tuneRanges: [Range<Int>]

  /// Builds the weighted stream.
  /// - Parameters:
  ///   - sources: tunes and weight per corpus (weights finite, `0...maximumWeight`).
  ///   - vocabulary: encodes the text; it must contain every scalar of the tunes and "\n".
  ///   - seed: drives the choice of extra copies for fractional weights and the shuffle.
  ///   - shuffle: interleave all copies in a seeded random order instead of source order.
  /// - Throws: `TrainingStreamError` for a bad weight, an unencodable tune or an empty result.
  public init(
    sources: [(tunes: [String], weight: Double)], vocabulary: Vocabulary, seed: UInt64 = 0,
    shuffle: Bool = false
  ) throws(TrainingStreamError) {
    guard !sources.isEmpty else { throw .noSources }
    for (index, source) in sources.enumerated()
    where !source.weight.isFinite || source.weight < 0 || source.weight > TrainingStream.maximumWeight {
      throw .invalidWeight(source: index, weight: source.weight)
    }
    guard let newline = vocabulary.id(of: "\n") else { throw .separatorNotInVocabulary }

    var generator = SplitMix64(seed: seed)
    var copies: [(source: Int, tune: Int)] = []
    var encoded: [[[Int32]]] = []
    tuneCopies = []
    for (s, source) in sources.enumerated() {
      var ids: [[Int32]] = []
      ids.reserveCapacity(source.tunes.count)
      for (t, tune) in source.tunes.enumerated() {
        do {
          ids.append(try vocabulary.encode(tune))
        } catch {
          throw .unencodableTune(source: s, tune: t, error: error)
        }
      }
      encoded.append(ids)
      let n = source.tunes.count
      let total = Int((source.weight * Double(n)).rounded())
      let whole = Int(source.weight.rounded(.down))
      for _ in 0..<whole {
        for t in 0..<n { copies.append((s, t)) }
      }
      let extra = total - whole * n
      if extra > 0 {
        var order = Array(0..<n)
        var chosen = [Bool](repeating: false, count: n)
        for i in 0..<extra {
          let j = i + generator.nextIndex(below: n - i)
          order.swapAt(i, j)
          chosen[order[i]] = true
        }
        for t in 0..<n where chosen[t] { copies.append((s, t)) }
      }
      tuneCopies.append(max(0, whole * n + max(0, extra)))
    }
    guard !copies.isEmpty else { throw .emptyStream }
    let projected = copies.reduce(0) { $0 + encoded[$1.source][$1.tune].count + 2 }
    guard projected <= TrainingStream.maximumTokens else { throw .streamTooLarge(tokens: projected) }
    if shuffle {
      var shuffler = SplitMix64(seed: seed ^ 0x5348_5546_464C_4521)  // "SHUFFLE!": independent of the sampling draw
      for i in stride(from: copies.count - 1, to: 0, by: -1) {
        copies.swapAt(i, shuffler.nextIndex(below: i + 1))
      }
    }

    sourceTokenCounts = [Int](repeating: 0, count: sources.count)
    var tokens: [Int32] = []
    tokens.reserveCapacity(projected)
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(copies.count)
    for (index, copy) in copies.enumerated() {
      if index > 0 { tokens += [newline, newline] }
      let start = tokens.count
      tokens += encoded[copy.source][copy.tune]
      ranges.append(start..<tokens.count)
      sourceTokenCounts[copy.source] += encoded[copy.source][copy.tune].count
    }
    self.tokens = tokens
    tuneRanges = ranges
  }

  /// The largest accepted weight (a repeat factor; more only makes a corpus dominate and memory explode).
  public static let maximumWeight = 1000.0
  /// The largest stream, in tokens (`Int32` positions; 8 GB of ids).
  public static let maximumTokens = Int(Int32.max)

  /// Weights that give every non-empty corpus the same number of tune copies while keeping the total near the
  /// combined size: `wᵢ = (N / k) / nᵢ` for `N` tunes in `k` non-empty corpora; 0 for an empty corpus.
  public static func balancedWeights(tuneCounts: [Int]) -> [Double] {
    let nonEmpty = tuneCounts.filter { $0 > 0 }
    guard !nonEmpty.isEmpty else { return tuneCounts.map { _ in 0 } }
    let perCorpus = Double(nonEmpty.reduce(0, +)) / Double(nonEmpty.count)
    return tuneCounts.map { $0 > 0 ? perCorpus / Double($0) : 0 }
  }
}
