import Foundation
import Testing

@testable import LSTM

/// Runs the engine on one window and returns (mean loss, gradients, workspace).
func engineLossAndGradients(
  _ parameters: LSTMParameters, tokens: [Int32], targets: [Int32], batch: Int, dropoutKey: UInt64 = 7, threads: Int = 2,
  precision: ComputePrecision = .float32
) throws -> (loss: Double, gradients: [Float], masks: [[Float]]) {
  let engine = try LSTMEngine(parameters: parameters, threads: threads, precision: precision)
  let steps = tokens.count / batch
  let ws = Workspace(
    hyperparameters: parameters.hyperparameters, batch: batch, steps: steps, training: true,
    mixedPrecision: precision == .mixedBFloat16)
  for i in tokens.indices {
    ws.tokens.base[i] = tokens[i]
    ws.targets.base[i] = targets[i]
  }
  ws.resetState()
  try engine.forward(ws, steps: steps, dropoutKey: dropoutKey)
  let (sum, count) = engine.loss(ws, steps: steps, scale: 1 / Float(tokens.count))
  try engine.backward(ws)
  return (sum / Double(count), engine.gradients.array, ws.masks.map(\.array))
}

/// Loss and gradients of a small model with the automatic kernels and with the portable ones forced agree (|Δloss| <
/// 1e-5, each gradient within 1e-5 + 1e-4 relative). Changes the process-wide kernel choice: call it in a child process.
func portableKernelsAgree() throws -> Bool {
  let c = GradientCheckTests.cases[0]
  var rng = SplitMix64(seed: 5)
  let parameters = try LSTMParameters(hyperparameters: c.h, initializingWith: &rng)
  let n = c.batch * c.steps
  let tokens = (0..<n).map { _ in Int32(rng.nextIndex(below: c.h.vocabularySize)) }
  let targets = (0..<n).map { _ in Int32(rng.nextIndex(below: c.h.vocabularySize)) }
  let fast = try engineLossAndGradients(parameters, tokens: tokens, targets: targets, batch: c.batch)
  KernelSelection.forcePortable(true)
  let portable = try engineLossAndGradients(parameters, tokens: tokens, targets: targets, batch: c.batch)
  guard abs(fast.loss - portable.loss) < 1e-5 else { return false }
  return zip(fast.gradients, portable.gradients).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-4 * abs($1) }
}

struct GradientCase: CustomTestStringConvertible, Sendable {
  var h: LSTMHyperparameters
  var batch: Int
  var steps: Int
  var testDescription: String {
    "V\(h.vocabularySize) E\(h.embeddingSize) H\(h.hiddenSize) L\(h.layers) B\(batch) T\(steps) p\(h.dropout)"
  }
}

@Suite struct GradientCheckTests {
  static let cases: [GradientCase] = [
    GradientCase(h: .init(vocabularySize: 7, embeddingSize: 5, hiddenSize: 9, layers: 2), batch: 3, steps: 6),
    GradientCase(h: .init(vocabularySize: 11, embeddingSize: 4, hiddenSize: 20, layers: 1), batch: 7, steps: 5),
    GradientCase(h: .init(vocabularySize: 5, embeddingSize: 3, hiddenSize: 70, layers: 1), batch: 1, steps: 4),
    GradientCase(
      h: .init(vocabularySize: 6, embeddingSize: 4, hiddenSize: 8, layers: 3, dropout: 0.3), batch: 2,
      steps: 5),
  ]

  /// Every parameter tensor's analytic gradient (float engine) agrees with central finite differences of a
  /// double-precision reference loss: |analytic − numeric| ≤ 3e-5 + 2e-3·|numeric| for every checked entry
  /// (all entries of small tensors, 40 seeded picks of larger ones).
  @Test(arguments: cases)
  func gradientsMatchFiniteDifferences(_ c: GradientCase) throws {
    var rng = SplitMix64(seed: 99)
    let parameters = try LSTMParameters(hyperparameters: c.h, initializingWith: &rng)
    let n = c.batch * c.steps
    let tokens = (0..<n).map { _ in Int32(rng.nextIndex(below: c.h.vocabularySize)) }
    var targets = (0..<n).map { _ in Int32(rng.nextIndex(below: c.h.vocabularySize)) }
    targets[0] = -1  // an unscored position still trains the others correctly
    let (loss, gradients, masks) = try engineLossAndGradients(
      parameters, tokens: tokens, targets: targets, batch: c.batch)
    #expect(masks.count == (c.h.dropout > 0 ? c.h.layers : 0))
    var reference = ReferenceLSTM(parameters)
    let refLoss = reference.loss(tokens: tokens, targets: targets, batch: c.batch, masks: masks)
    #expect(abs(loss - refLoss) < 1e-5 * max(1, refLoss), "engine loss \(loss) vs reference \(refLoss)")
    // The engine's loss averages over all positions; the reference over scored ones.
    let scale = Double(n - 1) / Double(n)
    let eps = 1e-5
    for entry in parameters.layout.entries {
      var picks = Array(entry.offset..<(entry.offset + entry.count))
      if picks.count > 40 {
        var pickRNG = SplitMix64(seed: UInt64(entry.offset))
        picks = (0..<40).map { _ in entry.offset + pickRNG.nextIndex(below: entry.count) }
      }
      var worst = 0.0
      for i in picks {
        let saved = reference.p[i]
        reference.p[i] = saved + eps
        let up = reference.loss(tokens: tokens, targets: targets, batch: c.batch, masks: masks)
        reference.p[i] = saved - eps
        let down = reference.loss(tokens: tokens, targets: targets, batch: c.batch, masks: masks)
        reference.p[i] = saved
        let numeric = (up - down) / (2 * eps) * scale
        let analytic = Double(gradients[i])
        let error = abs(analytic - numeric)
        worst = max(worst, error / (3e-5 + 2e-3 * abs(numeric)))
        #expect(
          error <= 3e-5 + 2e-3 * abs(numeric),
          "\(entry.name)[\(i - entry.offset)]: analytic \(analytic), numeric \(numeric)")
      }
      #expect(worst <= 1, "\(entry.name)")
    }
  }

  /// The portable C kernels (no AVX-512) give the same loss and gradients as the AVX-512 ones, to float rounding.
  /// Runs in a child process: the kernel choice is process-wide and other tests compare runs bit for bit.
  @Test func portableKernelsAgreeWithAVX512() async {
    await #expect(processExitsWith: .success) {
      exit((try? portableKernelsAgree()) == true ? 0 : 1)
    }
  }

  /// The vectorised activations match the libm functions closely over a wide range.
  @Test func activationsAreAccurate() {
    let x = stride(from: -30.0, through: 30.0, by: 0.0173).map { Float($0) } + [0, 1e-6, -1e-6, 0.01, -0.05, 90, -90]
    let s = KernelSelection.activation(0, x)
    let t = KernelSelection.activation(1, x)
    let e = KernelSelection.activation(2, x)
    for (i, v) in x.enumerated() {
      let dv = Double(v)
      #expect(abs(Double(s[i]) - 1 / (1 + exp(-dv))) <= 2e-7, "sigmoid(\(v))")
      #expect(abs(Double(t[i]) - tanh(dv)) <= 2e-7 * max(1, abs(tanh(dv)) * 10), "tanh(\(v))")
      if abs(v) < 80 { #expect(abs(Double(e[i]) - exp(dv)) <= 3e-7 * exp(dv), "exp(\(v))") }
    }
  }

  /// Mixed bfloat16 precision computes the same loss (to 1e-3 relative) and, per tensor, the same gradient up to
  /// bfloat16 operand rounding: ‖g_bf16 − g_fp32‖ ≤ 3e-2 ‖g_fp32‖ (odd sizes exercise the zero padding of pairs).
  @Test(
    .enabled(if: ComputePrecision.bfloat16Available, "this CPU has no AVX512_BF16"),
    arguments: cases + [
      GradientCase(
        h: .init(
          vocabularySize: 13, embeddingSize: 9, hiddenSize: 67, layers: 2,
          dropout: 0.2), batch: 7, steps: 9)
    ])
  func mixedPrecisionMatchesFloat32(_ c: GradientCase) throws {
    var rng = SplitMix64(seed: 31)
    let parameters = try LSTMParameters(hyperparameters: c.h, initializingWith: &rng)
    let n = c.batch * c.steps
    let tokens = (0..<n).map { _ in Int32(rng.nextIndex(below: c.h.vocabularySize)) }
    let targets = (0..<n).map { _ in Int32(rng.nextIndex(below: c.h.vocabularySize)) }
    let exact = try engineLossAndGradients(parameters, tokens: tokens, targets: targets, batch: c.batch)
    let mixed = try engineLossAndGradients(
      parameters, tokens: tokens, targets: targets, batch: c.batch, precision: .mixedBFloat16)
    #expect(abs(mixed.loss - exact.loss) <= 1e-3 * exact.loss)
    #expect(mixed.masks == exact.masks)
    for entry in parameters.layout.entries {
      let range = entry.offset..<(entry.offset + entry.count)
      var difference = 0.0
      var norm = 0.0
      for i in range {
        difference += Double(mixed.gradients[i] - exact.gradients[i]) * Double(mixed.gradients[i] - exact.gradients[i])
        norm += Double(exact.gradients[i]) * Double(exact.gradients[i])
      }
      #expect(difference.squareRoot() <= 3e-2 * norm.squareRoot() + 1e-7, "\(entry.name)")
    }
  }
}
