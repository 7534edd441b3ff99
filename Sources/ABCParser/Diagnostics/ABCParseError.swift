/// An error thrown by the strict and file-reading entry points of `ABCParser` (the default API returns diagnostics
/// instead of throwing).
public enum ABCParseError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The first error-severity diagnostic (strict API).
  case invalidABC(Diagnostic)
  /// The file could not be read.
  case unreadableFile(path: String, reason: String)

  public var description: String {
    switch self {
    case .invalidABC(let d): return d.description + (d.hint.map { "\n  hint: \($0)" } ?? "")
    case .unreadableFile(let path, let reason): return "\(path): error: cannot read file: \(reason)"
    }
  }
}
