/// Why training could not start or continue.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An option is out of range (`name` is the config key).
  case invalidOption(name: String, value: String, expected: String)
  /// The training stream is empty.
  case emptyTrainingData
  /// The training stream is shorter than one window (`T + 2` tokens are needed).
  case trainingDataTooShort(tokens: Int, needed: Int)
  /// No held-out tune to validate on.
  case noValidationData
  /// A token id is outside the model's vocabulary.
  case tokenOutOfRange(id: Int32, vocabularySize: Int)
  /// The data's vocabulary differs from the model's (e.g. resuming with another corpus).
  case vocabularyMismatch(data: Int, model: Int)
  /// The loss became NaN or infinite (learning rate too high?).
  case nonFiniteLoss(step: Int)
  /// Resuming: the saved trainer state does not fit this model or these options.
  case resumeMismatch(reason: String)
  case compute(ComputeError)
  case checkpoint(CheckpointError)
  case model(ModelConfigurationError)

  public var description: String {
    switch self {
    case .invalidOption(let name, let value, let expected):
      return "error: training option \(name) = \(value) is invalid: expected \(expected)"
    case .emptyTrainingData:
      return
        "error: the training corpus is empty after the validation split; add tunes or lower data.validation_fraction"
    case .trainingDataTooShort(let tokens, let needed):
      return "error: the training text has \(tokens) characters but one window needs \(needed); "
        + "use a larger corpus or a smaller training.sequence_length"
    case .noValidationData:
      return "error: no tune is held out for validation; the corpus needs at least 10 tunes with the every-tenth split "
        + "(or set data.split: random with data.validation_fraction > 0)"
    case .tokenOutOfRange(let id, let size):
      return "error: token id \(id) is outside the vocabulary of \(size) symbols"
    case .vocabularyMismatch(let data, let model):
      return "error: the corpus has a vocabulary of \(data) symbols but the model expects \(model); resume with the "
        + "corpus the run was started with"
    case .nonFiniteLoss(let step):
      return "error: the training loss became NaN or infinite at step \(step); lower training.learning_rate or set "
        + "training.gradient_clip"
    case .resumeMismatch(let reason):
      return "error: cannot resume: \(reason)"
    case .compute(let error): return error.description
    case .checkpoint(let error): return error.description
    case .model(let error): return error.description
    }
  }
}
