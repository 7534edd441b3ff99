/// Why a `TrainingStream` could not be built.
public enum TrainingStreamError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No sources were given.
  case noSources
  /// Source `source` (0-based) has a negative, NaN or too large (> `TrainingStream.maximumWeight`) weight.
  case invalidWeight(source: Int, weight: Double)
  /// The vocabulary has no "\n", needed for the tune separator.
  case separatorNotInVocabulary
  /// Tune `tune` of source `source` (both 0-based) contains a scalar the vocabulary lacks.
  case unencodableTune(source: Int, tune: Int, error: VocabularyError)
  /// The weights and tunes leave nothing to train on.
  case emptyStream
  /// The weighted stream would exceed `TrainingStream.maximumTokens`.
  case streamTooLarge(tokens: Int)

  public var description: String {
    switch self {
    case .noSources:
      return "error: no training corpus given"
    case .invalidWeight(let source, let weight):
      return "error: weight \(weight) of corpus \(source + 1) is invalid; weights must be between 0 and "
        + "\(Int(TrainingStream.maximumWeight))"
    case .separatorNotInVocabulary:
      return "error: the vocabulary lacks \"\\n\", which separates tunes in the training stream"
    case .unencodableTune(let source, let tune, let error):
      return "corpus \(source + 1), tune \(tune + 1): \(error.description)"
    case .emptyStream:
      return "error: the training stream is empty (no tunes, or every weight rounds to zero copies)"
    case .streamTooLarge(let tokens):
      return "error: the weighted training stream would hold \(tokens) characters, more than the "
        + "\(TrainingStream.maximumTokens) supported; lower the weights"
    }
  }
}
