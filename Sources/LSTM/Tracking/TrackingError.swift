/// Why a `RunTracker` could not record or write.
public enum TrackingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A file operation failed.
  case io(FileIOError)
  /// A metric name is empty or one of the reserved keys `step` and `wall_time`.
  case invalidMetricName(String)
  /// `log` was called after `close()`.
  case closed

  public var description: String {
    switch self {
    case .io(let error): return "error: \(error)"
    case .invalidMetricName(let name):
      return "error: '\(name)' cannot be a metric name (empty, or reserved: step, wall_time)"
    case .closed: return "error: the run tracker is already closed"
    }
  }
}
