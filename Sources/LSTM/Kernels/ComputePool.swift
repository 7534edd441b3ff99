internal import CLSTMKernels

/// Owns a `CLSTM_Pool`: `threads` workers (the calling thread is one of them) that run the LSTM kernels.
///
/// All parallel work of a model goes through its pool: the recurrent time loops, the element-wise kernels, and the
/// GEMMs, which are split across the workers with each share computed by a single-threaded `cblas_sgemm`. Creating
/// a pool therefore sets OpenBLAS's own thread count to 1 (`openblas_set_num_threads(1)`): OpenBLAS's idle threads
/// spin for tens of milliseconds after every call and would steal the cores the time loops run on.
/// Not `Sendable`: one owner (a trainer or a language model) uses it from one thread at a time.
final class ComputePool {
  private let raw: OpaquePointer
  /// Number of workers, caller included.
  let threads: Int

  /// - Throws: `ComputeError.threadCreationFailed` when the worker threads cannot be started.
  init(threads: Int) throws(ComputeError) {
    let count = min(64, max(1, threads))
    OpenBLASKernel.setThreadCount(1)
    guard let raw = CLSTM_pool_create(Int32(count)) else { throw .threadCreationFailed(threads: count) }
    self.raw = raw
    self.threads = count
  }

  deinit { CLSTM_pool_destroy(raw) }

  /// Runs `body` with the raw pool pointer (valid only inside the closure).
  func withRaw<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R { try body(raw) }
}

/// Why the compute workers could not be set up.
public enum ComputeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `pthread_create` failed for the requested number of workers.
  case threadCreationFailed(threads: Int)
  /// A kernel's scratch memory could not be allocated.
  case outOfMemory(bytes: Int)
  /// Mixed bfloat16 precision was requested on a CPU without AVX512_BF16.
  case bfloat16Unavailable

  public var description: String {
    switch self {
    case .threadCreationFailed(let threads):
      return "error: cannot start \(threads) compute threads; lower training.threads in config.yaml"
    case .outOfMemory(let bytes):
      return "error: out of memory allocating \(bytes) bytes of kernel scratch; use a smaller batch"
    case .bfloat16Unavailable:
      return "error: this CPU has no AVX512_BF16 instructions; set training.precision: fp32"
    }
  }
}
