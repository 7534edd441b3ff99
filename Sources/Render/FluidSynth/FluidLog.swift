internal import CFluidSynth
import Synchronization

/// Receives FluidSynth's log messages so that they never reach stderr, and keeps the recent errors and warnings so a
/// failure (a corrupt SoundFont) can quote FluidSynth's own explanation.
///
/// FluidSynth's log hook is process-wide; `install()` registers it once, whichever `Renderer` comes first. It also
/// silences GLib's default log handler, which FluidSynth's DLS loader (libinstpatch) writes to.
final class FluidLog: Sendable {
  /// The one sink the hook writes to. It lives for the whole process, so the unretained pointer FluidSynth holds
  /// stays valid.
  static let shared = FluidLog()

  private struct State {
    var messages: [(serial: Int, text: String)] = []
    var serial = 0
  }
  private let state = Mutex(State())
  private static let capacity = 32

  /// Registers the hook for every level. Idempotent: the static initialiser runs exactly once (thread-safely).
  static func install() { _ = installation }

  private static let installation: Void = {
    // A non-capturing C callback: context arrives through `data` (the `shared` sink, passed unretained).
    let hook: @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
      level, message, data in
      guard let message, let data, level <= Int32(FLUID_WARN.rawValue) else { return }
      Unmanaged<FluidLog>.fromOpaque(data).takeUnretainedValue().record(String(cString: message))
    }
    let context = Unmanaged.passUnretained(FluidLog.shared).toOpaque()
    for level in [FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG] {
      _ = fluid_set_log_function(Int32(level.rawValue), hook, context)
    }
    // FluidSynth's DLS loader logs through GLib instead (when a file is not a SoundFont); keep that off stderr too.
    CFluidSynth_silence_glib_log()
  }()

  private func record(_ text: String) {
    state.withLock { s in
      s.serial += 1
      s.messages.append((s.serial, text))
      if s.messages.count > Self.capacity { s.messages.removeFirst(s.messages.count - Self.capacity) }
    }
  }

  /// A marker for `messages(since:)`: the serial number of the latest message.
  func mark() -> Int { state.withLock { $0.serial } }

  /// Errors and warnings logged after `mark` (oldest first, at most the last 32).
  func messages(since mark: Int) -> [String] {
    state.withLock { s in s.messages.filter { $0.serial > mark }.map(\.text) }
  }
}
