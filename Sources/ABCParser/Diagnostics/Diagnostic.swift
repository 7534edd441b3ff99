/// A problem found in ABC text: stable id, severity, position, message and hint (style.md §4; checklist §11).
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  /// How serious a diagnostic is.
  public enum Severity: String, Hashable, Sendable, Comparable, CaseIterable {
    case info, warning, error

    private var rank: Int {
      switch self {
      case .info: return 0
      case .warning: return 1
      case .error: return 2
      }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
  }

  public var id: DiagnosticID
  public var severity: Severity
  /// Where the problem starts (1-based line, UTF-8 byte column).
  public var location: SourceLocation
  /// Length of the offending text in UTF-8 bytes (for carets), ≥ 0.
  public var length: Int
  /// What is wrong, naming the construct.
  public var message: String
  /// How to fix it, or `nil`.
  public var hint: String?
  /// 0-based index of the tune it belongs to, `nil` for file-level diagnostics.
  public var tuneIndex: Int?

  public init(
    id: DiagnosticID, severity: Severity, location: SourceLocation, length: Int = 0, message: String,
    hint: String? = nil, tuneIndex: Int? = nil
  ) {
    self.id = id
    self.severity = severity
    self.location = location
    self.length = Swift.max(0, length)
    self.message = message
    self.hint = hint
    self.tuneIndex = tuneIndex
  }

  /// `3:5: warning[abc.bar.overfull]: message` (no file name; the CLI adds it).
  public var description: String {
    "\(location.line):\(location.column): \(severity.rawValue)[\(id.rawValue)]: \(message)"
  }
}
