import Foundation

/// Facts about the terminal the CLI runs in.
enum Terminal {
  /// True when standard error is an interactive terminal (progress bars are drawn only then).
  static var isStderrTTY: Bool { isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil }
  /// True when standard output is an interactive terminal.
  static var isStdoutTTY: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Width of the terminal in columns (80 when unknown).
  static var columns: Int {
    var size = winsize()
    if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let env = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(env), n > 0 { return n }
    return 80
  }
}
