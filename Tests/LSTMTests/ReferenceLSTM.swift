import Foundation

@testable import LSTM

/// A plain double-precision implementation of the model's forward pass and loss, written straight from the
/// equations (PyTorch `nn.LSTM`, gate order i, f, g, o), for checking the optimised engine against.
struct ReferenceLSTM {
  let h: LSTMHyperparameters
  let layout: ParameterLayout
  var p: [Double]

  init(_ parameters: LSTMParameters) {
    h = parameters.hyperparameters
    layout = parameters.layout
    p = parameters.values.map(Double.init)
  }

  private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

  /// Logits for every (t, b), time-major, from a zero initial state (or `h0`/`c0` per layer, `[B*H]`).
  /// `masks[l]` (time-major `[T*B*H]`) multiply layer l's outputs when given.
  func logits(tokens: [Int32], batch B: Int, masks: [[Float]] = [], h0: [[Double]]? = nil, c0: [[Double]]? = nil)
    -> [[Double]]
  {
    let T = tokens.count / B
    let H = h.hiddenSize
    let V = h.vocabularySize
    let E = h.embeddingSize
    // x: [T*B][in]
    var x: [[Double]] = tokens.map { id in (0..<E).map { p[layout.embedding + Int(id) * E + $0] } }
    for l in 0..<h.layers {
      let inSize = l == 0 ? E : H
      var hState = h0?[l] ?? [Double](repeating: 0, count: B * H)
      var cState = c0?[l] ?? [Double](repeating: 0, count: B * H)
      var out = [[Double]](repeating: [], count: T * B)
      for t in 0..<T {
        var newH = hState
        for b in 0..<B {
          let row = t * B + b
          var z = [Double](repeating: 0, count: 4 * H)
          for r in 0..<(4 * H) {
            var s = p[layout.biasIH(l) + r] + p[layout.biasHH(l) + r]
            for k in 0..<inSize { s += p[layout.weightIH(l) + r * inSize + k] * x[row][k] }
            for k in 0..<H { s += p[layout.weightHH(l) + r * H + k] * hState[b * H + k] }
            z[r] = s
          }
          var o = [Double](repeating: 0, count: H)
          for u in 0..<H {
            let i = sigmoid(z[u])
            let f = sigmoid(z[H + u])
            let g = tanh(z[2 * H + u])
            let og = sigmoid(z[3 * H + u])
            let c = f * cState[b * H + u] + i * g
            cState[b * H + u] = c
            newH[b * H + u] = og * tanh(c)
            o[u] = newH[b * H + u]
          }
          if l < masks.count { for u in 0..<H { o[u] *= Double(masks[l][row * H + u]) } }
          out[row] = o
        }
        hState = newH
      }
      x = out
    }
    return x.map { hv in
      (0..<V).map { v in
        var s = p[layout.fcBias + v]
        for k in 0..<H { s += p[layout.fcWeight + v * H + k] * hv[k] }
        return s
      }
    }
  }

  /// Mean cross-entropy (nats) over positions with a non-negative target.
  func loss(tokens: [Int32], targets: [Int32], batch: Int, masks: [[Float]] = []) -> Double {
    let all = logits(tokens: tokens, batch: batch, masks: masks)
    var total = 0.0
    var count = 0
    for (row, z) in all.enumerated() where targets[row] >= 0 {
      let m = z.max()!
      let lse = log(z.reduce(0) { $0 + exp($1 - m) }) + m
      total += lse - z[Int(targets[row])]
      count += 1
    }
    return total / Double(count)
  }
}
