import ABCParser

/// Parses and validates one generated tune and applies the rejection policy for generated text
/// (`ABCValidator.acceptsGenerated`, abc-reference §11: no error, a `K:`, music with bars, balanced repeats, length
/// within limits) and, on top of it, refuses any diagnostic of any severity from strict validation (what
/// `studio validate --strict` would print): a generated tune is clean or it is not written.
struct TuneCheck: Equatable, Sendable {
  /// True when the rejection policy accepts the tune.
  var accepted: Bool
  /// Why it was rejected (empty when accepted).
  var reasons: [String]
  /// Error-severity diagnostics of the validator.
  var errors: Int
  /// Warning- and info-severity diagnostics of strict validation (accepted tunes have none).
  var warnings: Int
  /// The first error as `line:col: message [ABCnnn]`, if any.
  var firstError: String?

  /// Checks `text`, which should hold exactly one tune.
  init(_ text: String) {
    let file = ABCParser().parse(text)
    let diagnostics = ABCValidator(options: .init(strict: true)).validate(file)
    let errorList = diagnostics.filter { $0.severity == .error }
    errors = errorList.count
    let otherList = diagnostics.filter { $0.severity != .error }
    warnings = otherList.count
    firstError = errorList.first.map { "\($0.location.line):\($0.location.column): \($0.message) [\($0.id.code)]" }
    let tunes = file.tunes
    guard let tune = tunes.first else {
      accepted = false
      reasons = ["no tune found (no X: line or nothing parsable)"]
      return
    }
    var verdict = ABCValidator.acceptsGenerated(tune)
    if tunes.count > 1 {
      verdict.accepted = false
      verdict.reasons.append("the text holds \(tunes.count) tunes, expected one")
    }
    if errors > 0 && verdict.accepted {
      verdict.accepted = false
      verdict.reasons.append(firstError.map { "validator error: \($0)" } ?? "validator error")
    }
    if let first = otherList.first, verdict.accepted {
      verdict.accepted = false
      verdict.reasons.append(
        "validator \(first.severity.rawValue): \(first.location.line):\(first.location.column): \(first.message) "
          + "[\(first.id.code)]")
    }
    accepted = verdict.accepted
    reasons = verdict.accepted ? [] : verdict.reasons
  }
}
