/// Whole-tune batching: each batch row reads whole tunes, one window after another, with the LSTM state carried
/// between the windows of a tune and reset only where a new tune begins.
///
/// Every training tune is read as `tune + "\n\n"` (the model learns to end a tune). The tunes are visited in a
/// seeded random order that is drawn anew each epoch; when a row finishes its tune it takes the next one in that
/// order. A tune of `n` tokens gives `⌈(n − 1) / T⌉` windows: window `k` feeds tokens `kT ..< kT + T` and predicts
/// `kT + 1 ..< kT + T + 1`. Positions past the tune's end are padding: input 0, target −1, which the loss skips
/// (the loss mask). Gradients are truncated at window boundaries (truncated BPTT) while the state flows on, so the
/// model sees the whole tune so far — the A part while it writes the repeat and the B part.
///
/// Rows fill independently, so the only padding is the tail of each tune's last window (about `T / 2` tokens per
/// tune); `paddingShare` reports it.
///
/// The whole state is a few integers (`encoded`/`init(encoded:)`): the epoch, the position in its order, and per
/// row the tune and the offset inside it; the epoch order is recomputed from the seed.
struct TuneBatcher: Sendable, Equatable {
  let seed: UInt64
  let batch: Int
  let steps: Int
  /// The training tunes (ranges into the stream, separators excluded).
  let tunes: [Range<Int>]
  let newline: Int32
  private(set) var epoch = 0
  /// Position of the next tune to hand out in `order`.
  private(set) var next = 0
  private var order: [Int32] = []
  /// Per row: tune index (−1: none yet) and offset of the next window in that tune's sequence.
  private var rowTune: [Int]
  private var rowOffset: [Int]
  /// Tokens scored and padded so far (statistics, not part of the state).
  private(set) var scored = 0
  private(set) var padded = 0

  init(seed: UInt64, batch: Int, steps: Int, tunes: [Range<Int>], newline: Int32) {
    self.seed = seed
    self.batch = batch
    self.steps = steps
    self.tunes = tunes.filter { !$0.isEmpty }
    self.newline = newline
    rowTune = [Int](repeating: -1, count: batch)
    rowOffset = [Int](repeating: 0, count: batch)
    order = Self.order(seed: seed, epoch: 0, count: self.tunes.count)
  }

  /// The tune order of `epoch`: a Fisher–Yates shuffle driven by the seed and the epoch only.
  static func order(seed: UInt64, epoch: Int, count: Int) -> [Int32] {
    var generator = SplitMix64(seed: seed ^ 0x5455_4E45_5300_0000 ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
    var order = (0..<count).map { Int32($0) }
    for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, generator.nextIndex(below: i + 1)) }
    return order
  }

  /// Length of tune `t`'s sequence: the tune and its `"\n\n"`.
  private func length(_ t: Int) -> Int { tunes[t].count + 2 }

  private mutating func takeTune() -> Int {
    if next == order.count {
      epoch += 1
      next = 0
      order = Self.order(seed: seed, epoch: epoch, count: tunes.count)
    }
    defer { next += 1 }
    return Int(order[next])
  }

  /// Writes the next window of every row into `ws.tokens`/`ws.targets` (time-major) and returns the rows whose
  /// state must be reset (they start a new tune) and the number of scored (unmasked) targets.
  mutating func next(from stream: UnsafeBufferPointer<Int32>, into ws: Workspace) -> (reset: [Int], scored: Int) {
    var reset: [Int] = []
    var count = 0
    for b in 0..<batch {
      if rowTune[b] < 0 || rowOffset[b] >= length(rowTune[b]) - 1 {
        rowTune[b] = takeTune()
        rowOffset[b] = 0
        reset.append(b)
      }
      let range = tunes[rowTune[b]]
      let n = range.count + 2
      let offset = rowOffset[b]
      func token(_ i: Int) -> Int32 { i < range.count ? stream[range.lowerBound + i] : newline }
      for t in 0..<steps {
        let i = offset + t
        if i + 1 < n {
          ws.tokens.base[t * batch + b] = token(i)
          ws.targets.base[t * batch + b] = token(i + 1)
          count += 1
        } else {
          ws.tokens.base[t * batch + b] = 0
          ws.targets.base[t * batch + b] = -1
        }
      }
      rowOffset[b] += steps
    }
    scored += count
    padded += batch * steps - count
    return (reset, count)
  }

  /// Share of window positions that were padding so far.
  var paddingShare: Double { scored + padded == 0 ? 0 : Double(padded) / Double(scored + padded) }

  /// The state as integers: `[epoch, next, tune₀, offset₀, tune₁, offset₁, …]`.
  var encoded: [Int] {
    var values = [epoch, next]
    for b in 0..<batch { values += [rowTune[b], rowOffset[b]] }
    return values
  }

  /// Restores `encoded`; false when it does not fit this batch size and tune count.
  mutating func restore(_ values: [Int]) -> Bool {
    guard values.count == 2 + 2 * batch, values[0] >= 0, (0...tunes.count).contains(values[1]) else { return false }
    var tunesOK = true
    for b in 0..<batch {
      let t = values[2 + 2 * b]
      let o = values[3 + 2 * b]
      if t < -1 || t >= tunes.count || o < 0 { tunesOK = false }
    }
    guard tunesOK else { return false }
    epoch = values[0]
    next = values[1]
    order = Self.order(seed: seed, epoch: epoch, count: tunes.count)
    for b in 0..<batch {
      rowTune[b] = values[2 + 2 * b]
      rowOffset[b] = values[3 + 2 * b]
    }
    return true
  }
}
