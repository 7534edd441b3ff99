internal import COpenBLAS
import Foundation

/// Which OpenBLAS kernels run, and how to pick the best ones for this CPU.
///
/// Debian's OpenBLAS is a DYNAMIC_ARCH build that reads `OPENBLAS_CORETYPE` once, when the library loads. Some
/// machines export `OPENBLAS_CORETYPE=Haswell` (AVX2 kernels) on CPUs with AVX-512, where the `SkylakeX` kernels run
/// large GEMMs nearly twice as fast. The CLI therefore re-executes itself once with a better value; this type holds
/// the decision logic, the CLI owns the `execve`.
public enum OpenBLASKernel {
  /// The environment variable OpenBLAS reads at load time.
  public static let environmentVariable = "OPENBLAS_CORETYPE"
  /// Set by the CLI in the environment of its re-executed self, so it never re-executes twice.
  public static let reexecMarker = "STUDIO_OPENBLAS_REEXEC"

  /// The core type OpenBLAS should use on a CPU with these `/proc/cpuinfo` flags, or `nil` when OpenBLAS's own
  /// detection is best. Returns `"SkylakeX"` when the AVX-512 subsets its kernels need (F, CD, BW, DQ, VL) are all
  /// present; never suggests AVX-512 kernels to a CPU without them.
  public static func preferredCoreType(cpuFlags: Set<String>) -> String? {
    let needed: Set<String> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
    return needed.isSubset(of: cpuFlags) ? "SkylakeX" : nil
  }

  /// The flags of the first `flags` line of `/proc/cpuinfo` text (empty when there is none).
  public static func cpuFlags(cpuinfo: String) -> Set<String> {
    for line in cpuinfo.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "flags" else { continue }
      return Set(parts[1].split(separator: " ").map(String.init))
    }
    return []
  }

  /// This machine's CPU flags, read from `/proc/cpuinfo` (empty when unreadable, e.g. not Linux).
  public static func currentCPUFlags() -> Set<String> {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
    return cpuFlags(cpuinfo: text)
  }

  /// The `OPENBLAS_CORETYPE` value the CLI should re-execute itself with, or `nil` to run as is.
  ///
  /// - Parameters:
  ///   - setting: config `training.openblas_kernel`: `auto` (best kernels for this CPU, overriding an inherited
  ///     value), `inherit` (never change the environment), or a core name such as `SkylakeX` or `Haswell` (used as
  ///     given).
  ///   - environment: the process environment; nothing is re-executed when it already holds `reexecMarker`.
  ///   - cpuFlags: `currentCPUFlags()`.
  public static func coreTypeForReexec(setting: String, environment: [String: String], cpuFlags: Set<String>)
    -> String?
  {
    guard environment[reexecMarker] == nil else { return nil }
    let current = environment[environmentVariable]
    let wanted: String?
    switch setting.lowercased() {
    case "inherit": return nil
    case "auto", "": wanted = preferredCoreType(cpuFlags: cpuFlags)
    default: wanted = setting
    }
    guard let wanted else { return nil }
    return wanted.caseInsensitiveCompare(current ?? "") == .orderedSame ? nil : wanted
  }

  /// The name of the kernel set OpenBLAS is running (`openblas_get_corename()`), e.g. `"SkylakeX"`, `"Haswell"`.
  public static var coreName: String { String(cString: openblas_get_corename()) }

  /// OpenBLAS's own thread count (`openblas_get_num_threads()`). studio runs its GEMMs one thread per call and
  /// splits them across its own workers, so this is 1 once a model has been created.
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  /// Sets OpenBLAS's thread count. Wraps `openblas_set_num_threads`.
  static func setThreadCount(_ threads: Int) { openblas_set_num_threads(Int32(max(1, threads))) }
}
