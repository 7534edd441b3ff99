import Foundation
import Testing

@testable import LSTM

@Suite struct OptimizerTests {
  /// The vectorised Adam kernel performs exactly the documented per-parameter step (bias correction on).
  @Test func adamKernelMatchesThePureStep() throws {
    let h = LSTMHyperparameters(vocabularySize: 5, embeddingSize: 3, hiddenSize: 4, layers: 1)
    var rng = SplitMix64(seed: 4)
    let parameters = try LSTMParameters(hyperparameters: h, initializingWith: &rng)
    let engine = try LSTMEngine(parameters: parameters, threads: 2)
    let n = parameters.values.count
    let gradients = (0..<n).map { _ in Float(rng.nextUnitDouble() - 0.5) }
    engine.gradients.copy(from: gradients)
    var state = AdamState(count: n)
    let options = AdamOptions(weightDecay: 0.1)
    var expected = parameters.values
    var m = state.m
    var v = state.v
    for t in 1...3 {
      Adam.update(engine, state: &state, learningRate: 0.01, options: options, gradScale: 0.5)
      for i in 0..<n {
        (expected[i], m[i], v[i]) = Adam.step(
          parameter: expected[i], gradient: gradients[i], m: m[i], v: v[i], t: t,
          learningRate: 0.01, options: options, gradScale: 0.5)
      }
    }
    #expect(state.step == 3)
    #expect(state.m == m && state.v == v)
    for (a, b) in zip(engine.parameters.array, expected) { #expect(abs(a - b) <= 1e-7 * max(1, abs(b))) }
  }

  /// The first Adam step moves every parameter by about the learning rate against its gradient's sign.
  @Test func firstAdamStepHasTheLearningRateSize() {
    let r = Adam.step(parameter: 1, gradient: 0.003, m: 0, v: 0, t: 1, learningRate: 0.1, options: AdamOptions())
    #expect(abs(r.parameter - 0.9) < 1e-5)
  }

  @Test func schedules() {
    #expect(LearningRateSchedule.constant.rate(at: 500, base: 0.01) == 0.01)
    let step = LearningRateSchedule.step(every: 100, gamma: 0.5)
    #expect(
      step.rate(at: 99, base: 1) == 1 && step.rate(at: 100, base: 1) == 0.5 && step.rate(at: 250, base: 1) == 0.25)
    let cosine = LearningRateSchedule.cosine(warmup: 10, total: 110, minimum: 0.1)
    #expect(abs(cosine.rate(at: 0, base: 1) - 0.1) < 1e-12)
    #expect(abs(cosine.rate(at: 9, base: 1) - 1) < 1e-12)
    #expect(abs(cosine.rate(at: 60, base: 1) - 0.55) < 1e-12)
    #expect(abs(cosine.rate(at: 110, base: 1) - 0.1) < 1e-12)
    #expect(abs(cosine.rate(at: 5000, base: 1) - 0.1) < 1e-12)
  }

  /// AVX-512 kernels are suggested only with every subset they need; `inherit` and the re-exec marker keep the
  /// environment; an explicit setting is used as given.
  @Test func openBLASKernelChoice() {
    let zen4: Set<String> = ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
    #expect(OpenBLASKernel.preferredCoreType(cpuFlags: zen4) == "SkylakeX")
    #expect(OpenBLASKernel.preferredCoreType(cpuFlags: ["avx2", "fma"]) == nil)
    #expect(OpenBLASKernel.preferredCoreType(cpuFlags: ["avx2", "avx512f"]) == nil)
    let env = ["OPENBLAS_CORETYPE": "Haswell"]
    #expect(OpenBLASKernel.coreTypeForReexec(setting: "auto", environment: env, cpuFlags: zen4) == "SkylakeX")
    #expect(OpenBLASKernel.coreTypeForReexec(setting: "auto", environment: [:], cpuFlags: zen4) == "SkylakeX")
    #expect(
      OpenBLASKernel.coreTypeForReexec(
        setting: "auto", environment: ["OPENBLAS_CORETYPE": "skylakex"],
        cpuFlags: zen4) == nil)
    #expect(OpenBLASKernel.coreTypeForReexec(setting: "auto", environment: env, cpuFlags: ["avx2"]) == nil)
    #expect(OpenBLASKernel.coreTypeForReexec(setting: "inherit", environment: env, cpuFlags: zen4) == nil)
    #expect(OpenBLASKernel.coreTypeForReexec(setting: "Zen", environment: env, cpuFlags: zen4) == "Zen")
    #expect(
      OpenBLASKernel.coreTypeForReexec(
        setting: "auto",
        environment: env.merging(
          [OpenBLASKernel.reexecMarker: "1"]) { a, _ in a }, cpuFlags: zen4) == nil)
    #expect(
      OpenBLASKernel.cpuFlags(cpuinfo: "processor\t: 0\nflags\t\t: fpu avx2 avx512f\n") == ["fpu", "avx2", "avx512f"])
    #expect(!OpenBLASKernel.coreName.isEmpty)
  }
}
