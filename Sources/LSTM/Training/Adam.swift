internal import CLSTMKernels
import Foundation

/// Adam (Kingma & Ba) with bias correction, as `torch.optim.Adam`/`AdamW`; weight decay, when non-zero, is
/// decoupled (AdamW: `p ← p·(1 − lr·λ)` before the update), not added to the gradient.
public struct AdamOptions: Sendable, Equatable, Codable {
  public var beta1: Float = 0.9
  public var beta2: Float = 0.999
  public var epsilon: Float = 1e-8
  /// Decoupled weight decay λ (0 disables it).
  public var weightDecay: Float = 0

  public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }
}

/// Adam's per-parameter state: first and second moment estimates, in the layout of the parameters (so keyed by
/// tensor name through `ParameterLayout`), and the number of steps taken.
public struct AdamState: Sendable, Equatable {
  public var m: [Float]
  public var v: [Float]
  /// Steps taken so far (`t` of the bias correction).
  public var step: Int

  /// Zero moments for `count` parameters.
  public init(count: Int) {
    m = [Float](repeating: 0, count: count)
    v = m
    step = 0
  }

  public init(m: [Float], v: [Float], step: Int) {
    self.m = m
    self.v = v
    self.step = step
  }
}

public enum Adam {
  /// The update of one parameter: the pure core of Adam, with bias correction at step `t` (1-based).
  ///
  /// `g = gradScale · grad`; `m = β1·m + (1−β1)·g`; `v = β2·v + (1−β2)·g²`;
  /// `p ← p·(1 − lr·λ) − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)`.
  /// The vectorised kernel the trainer runs performs the same float operations in the same order.
  public static func step(
    parameter: Float, gradient: Float, m: Float, v: Float, t: Int, learningRate lr: Float,
    options o: AdamOptions, gradScale: Float = 1
  ) -> (parameter: Float, m: Float, v: Float) {
    let g = gradient * gradScale
    let m2 = m + (1 - o.beta1) * (g - m)
    let v2 = v * o.beta2 + (1 - o.beta2) * g * g
    let stepSize = Float(Double(lr) / (1 - pow(Double(o.beta1), Double(t))))
    let correction = Float((1 - pow(Double(o.beta2), Double(t))).squareRoot())
    let decayed = o.weightDecay > 0 ? parameter * (1 - lr * o.weightDecay) : parameter
    return (decayed - stepSize * m2 / (v2.squareRoot() / correction + o.epsilon), m2, v2)
  }

  /// Applies one step to every parameter of `engine` from its gradients, multiplied by `gradScale` (clipping).
  static func update(
    _ engine: LSTMEngine, state: inout AdamState, learningRate: Float, options o: AdamOptions,
    gradScale: Float
  ) {
    state.step += 1
    let count = engine.parameters.count
    state.m.withUnsafeMutableBufferPointer { m in
      state.v.withUnsafeMutableBufferPointer { v in
        engine.pool.withRaw { raw in
          CLSTM_adam(
            raw, engine.parameters.base, engine.gradients.base, m.baseAddress, v.baseAddress, count,
            learningRate, o.beta1, o.beta2, o.epsilon, o.weightDecay, gradScale, state.step)
        }
      }
    }
    engine.parametersChanged()
  }
}
