internal import CLSTMKernels

/// Which implementation of the C kernels runs.
enum KernelSelection {
  /// Whether this CPU runs the AVX-512 kernels (CPUID and OS support).
  static var hasAVX512: Bool { CLSTM_has_avx512() != 0 }

  /// Whether this CPU runs the AVX512_BF16 mixed-precision kernels.
  static var hasBF16: Bool { CLSTM_has_bf16() != 0 }

  /// Forces the portable C kernels (`true`) or restores the automatic choice. Process-wide; for tests that compare
  /// both paths.
  static func forcePortable(_ on: Bool) { CLSTM_force_portable(on ? 1 : 0) }

  /// Vectorised activation used by the kernels: 0 sigmoid, 1 tanh, 2 exp. For tests.
  static func activation(_ kind: Int, _ x: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    out.withUnsafeMutableBufferPointer { o in
      x.withUnsafeBufferPointer { i in CLSTM_activation(Int32(kind), i.baseAddress, o.baseAddress, x.count) }
    }
    return out
  }
}
