import Dispatch
import Foundation
import Synchronization

/// Temporary files the running command may leave behind, removed when SIGINT, SIGTERM or SIGHUP ends it.
///
/// Two kinds are registered: exact paths (a staging file), and destinations (`track(output:)`) whose writers name
/// their temporary files `.NAME.PID…` in the destination's directory (`AtomicWriter`, the Render and LSTM writers);
/// every such file of this process is removed.
enum TemporaryFiles {
  private struct Registry {
    var files: Set<String> = []
    var outputs: Set<String> = []
    var directories: Set<String> = []
  }

  // Process-wide by nature: signal handlers must find what to clean up. Guarded by the mutex.
  private static let registry = Mutex(Registry())

  static func track(file: String) { _ = registry.withLock { $0.files.insert(file) } }
  static func untrack(file: String) { _ = registry.withLock { $0.files.remove(file) } }
  static func track(output: String) { _ = registry.withLock { $0.outputs.insert(output) } }
  /// A scratch directory removed with everything in it.
  static func track(directory: String) { _ = registry.withLock { $0.directories.insert(directory) } }
  static func untrack(directory: String) { _ = registry.withLock { $0.directories.remove(directory) } }

  /// Removes every registered temporary file that exists.
  static func removeAll() {
    let (files, outputs, directories) = registry.withLock { ($0.files, $0.outputs, $0.directories) }
    for file in files { unlink(file) }
    for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    let pid = "\(getpid())"
    for output in outputs {
      let directory = AtomicWriter.parent(of: output)
      let prefix = "." + (output.split(separator: "/").last.map(String.init) ?? output) + "."
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names where name.hasPrefix(prefix) && name.hasSuffix("tmp") {
        // `.NAME.PID.tmp`, `.NAME.PID-N.render.tmp`, `.NAME.PID.RANDOM.tmp`: only this process's files.
        let rest = name.dropFirst(prefix.count)
        guard rest.hasPrefix(pid), let next = rest.dropFirst(pid.count).first, next == "." || next == "-" else {
          continue
        }
        unlink(directory + "/" + name)
      }
    }
  }
}

/// SIGINT, SIGTERM and SIGHUP for every command: temporary files are removed and the process exits with 128 + the
/// signal number. A command that can stop cleanly (`train`: save a checkpoint, then stop) sets `onFirstSignal`; the
/// first signal then calls it instead, and a second one exits at once.
enum SignalHandling {
  private static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]
  // Installed once by `install()`, read by the handlers; DispatchSource's methods are thread-safe.
  private static let state = Mutex<(sources: [any DispatchSourceSignal], onFirstSignal: (@Sendable (Int32) -> Void)?, fired: Bool)>(
    ([], nil, false))

  /// Installs the handlers (once, before the command runs).
  static func install() {
    state.withLock { s in
      guard s.sources.isEmpty else { return }
      for signo in handled {
        #if !os(Linux)
          // kqueue reports ignored signals; on Linux libdispatch installs its own handler, and an ignored signal
          // would never reach the source.
          signal(signo, SIG_IGN)
        #endif
        let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
        source.setEventHandler { fire(signo) }
        source.resume()
        s.sources.append(source)
      }
    }
  }

  /// The graceful stop for the first signal (nil: exit at once).
  static func setFirstSignalHandler(_ handler: (@Sendable (Int32) -> Void)?) {
    state.withLock {
      $0.onFirstSignal = handler
      $0.fired = false
    }
  }

  private static func fire(_ signo: Int32) {
    let handler: (@Sendable (Int32) -> Void)? = state.withLock { s in
      guard let h = s.onFirstSignal, !s.fired else { return nil }
      s.fired = true
      return h
    }
    if let handler {
      handler(signo)
      return
    }
    TemporaryFiles.removeAll()
    // `_exit`: the main thread may hold stdio or allocator locks that `exit`'s handlers would wait for.
    _exit(128 + signo)
  }

  /// The signal's usual name (`SIGTERM`).
  static func name(_ signo: Int32) -> String {
    switch signo {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(signo)"
    }
  }
}
