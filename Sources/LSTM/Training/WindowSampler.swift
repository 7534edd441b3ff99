/// Chooses the training windows of each step and writes them, time-major, into a workspace.
///
/// Without state carrying, each of the `B` windows starts at a uniform random offset in `[0, N − T − 1)` of the
/// `N`-token stream (the PyTorch baseline's `get_batch`). With state carrying, row `b` keeps a cursor and reads the
/// stream on from where its previous window ended; a row whose next window would run past the end restarts at a
/// random offset, and its state is reset.
struct WindowSampler: Sendable, Equatable {
  var generator: SplitMix64
  /// Next window start per batch row (carrying only; empty until the first window).
  var cursors: [Int]
  let carry: Bool
  let batch: Int
  let steps: Int

  init(seed: UInt64, carry: Bool, batch: Int, steps: Int) {
    generator = SplitMix64(seed: seed)
    cursors = []
    self.carry = carry
    self.batch = batch
    self.steps = steps
  }

  /// Fills `ws.tokens`/`ws.targets` with the next windows of `stream`; returns the rows whose state must be reset
  /// (all rows when not carrying).
  mutating func next(from stream: UnsafeBufferPointer<Int32>, into ws: Workspace) -> [Int] {
    let starts = stream.count - steps - 1
    var reset: [Int] = []
    var offsets = [Int](repeating: 0, count: batch)
    if carry {
      if cursors.isEmpty {
        cursors = (0..<batch).map { _ in generator.nextIndex(below: starts) }
        reset = Array(0..<batch)
      }
      for b in 0..<batch {
        if cursors[b] + steps + 1 > stream.count {
          cursors[b] = generator.nextIndex(below: starts)
          reset.append(b)
        }
        offsets[b] = cursors[b]
        cursors[b] += steps
      }
    } else {
      for b in 0..<batch { offsets[b] = generator.nextIndex(below: starts) }
      reset = Array(0..<batch)
    }
    for b in 0..<batch {
      let start = offsets[b]
      for t in 0..<steps {
        ws.tokens.base[t * batch + b] = stream[start + t]
        ws.targets.base[t * batch + b] = stream[start + t + 1]
      }
    }
    return reset
  }
}
