import Foundation
import LSTM

/// Gives the LSTM commands the fastest OpenBLAS kernels this CPU supports.
///
/// Debian's OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads; some machines export `Haswell` (AVX2)
/// on CPUs with AVX-512, which halves large GEMM rates. So before any BLAS call, the commands that train or sample
/// re-execute studio once with the better value (`training.openblas_kernel: auto`, the default). `inherit` keeps the
/// environment's choice; a core name (`SkylakeX`, `Haswell`, …) forces that one.
enum OpenBLASLauncher {
  static let commands: Set<String> = ["train", "generate", "evaluate", "bench"]

  /// Re-executes the process with a better `OPENBLAS_CORETYPE` when that helps; returns when it does not (or fails).
  static func reexecIfBeneficial(arguments: [String]) {
    guard arguments.count > 1, commands.contains(arguments[1]) else { return }
    let environment = ProcessInfo.processInfo.environment
    let setting = kernelSetting(arguments: arguments)
    guard
      let coreType = OpenBLASKernel.coreTypeForReexec(
        setting: setting, environment: environment, cpuFlags: OpenBLASKernel.currentCPUFlags())
    else { return }
    setenv(OpenBLASKernel.environmentVariable, coreType, 1)
    setenv(OpenBLASKernel.reexecMarker, "1", 1)
    var cArguments = arguments.map { strdup($0) }
    cArguments.append(nil)
    execv("/proc/self/exe", &cArguments)
    // execv only returns on failure: carry on with the kernels already chosen.
    unsetenv(OpenBLASKernel.reexecMarker)
  }

  /// `training.openblas_kernel` from `--config PATH` or ./config.yaml; `auto` when unreadable (the command itself
  /// reports a bad config file later, with the key and line).
  private static func kernelSetting(arguments: [String]) -> String {
    var path = FileManager.default.fileExists(atPath: "config.yaml") ? "config.yaml" : nil
    if let i = arguments.firstIndex(of: "--config"), i + 1 < arguments.count { path = arguments[i + 1] }
    if let eq = arguments.first(where: { $0.hasPrefix("--config=") }) { path = String(eq.dropFirst("--config=".count)) }
    guard let path, let config = try? StudioConfig(contentsOf: path) else { return "auto" }
    return config.training.openblasKernel
  }
}
