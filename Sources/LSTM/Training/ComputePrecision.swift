/// The arithmetic of the large matrix products in training.
public enum ComputePrecision: String, Sendable, Equatable, Codable, CaseIterable {
  /// Every product in float32 (OpenBLAS `sgemm` and the float32 strip kernel).
  case float32 = "fp32"
  /// Mixed precision: the operands of the recurrent, input-projection and weight-gradient products are rounded to
  /// bfloat16 and multiplied with AVX512_BF16 `vdpbf16ps` (twice the float32 FMA rate), accumulating in float32.
  /// Master weights, Adam state, activations kept for the backward pass, gate nonlinearities, the output layer and
  /// all sums stay float32. Validation and sampling always run in float32. Needs a CPU with `avx512_bf16`.
  case mixedBFloat16 = "bf16"

  /// Whether this CPU runs the bfloat16 kernels.
  public static var bfloat16Available: Bool { KernelSelection.hasBF16 }
}
