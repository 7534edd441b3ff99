import ArgumentParser

/// The explicit limits of every count, size and thread option, shared by the flags (`validate()`), config.yaml and
/// the `--help` texts, so an absurd request is refused at once with the limit named instead of allocating or
/// running for hours.
enum Limits {
  /// `generate --count`, `generation.count`.
  static let tunes = 1...100_000
  /// `evaluate --samples` (every sample is kept for the novelty and validity figures).
  static let samples = 1...100_000
  /// Every thread option: `--threads` of train, generate, evaluate and bench; `training.threads`, `generation.threads`.
  static let threads = 1...64
  /// `generate --max-chars`, `generation.max_chars`: characters sampled per tune.
  static let characters = 1...100_000
  /// `generate --max-attempts`, `generation.max_attempts`.
  static let attempts = 1...1_000
  /// `--batch` of generate and evaluate, `bench lstm --batched-sample` (0 = skip there).
  static let batch = 1...256
  /// `bench lstm --sample-tokens`.
  static let sampleTokens = 1...1_000_000
  /// `bench lstm --steps`.
  static let benchSteps = 1...100_000
  /// A corpus weight (`train --weights`, `data.weights`, `corpus merge --weights`).
  static let weight = 0.0...1_000.0
  /// The largest file `corpus merge` writes, in bytes (checked before writing).
  static let mergedBytes = 2 << 30

  /// `--NAME must be between A and B (got V)`, the message of every range check.
  static func message<T>(_ option: String, _ range: ClosedRange<T>, got value: T) -> String {
    "\(option) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))"
  }

  /// Throws `ValidationError` (a usage error, exit status 2) when `value` is outside `range`.
  static func check<T>(_ option: String, _ value: T?, in range: ClosedRange<T>) throws {
    if let value, !range.contains(value) { throw ValidationError(message(option, range, got: value)) }
  }
}
