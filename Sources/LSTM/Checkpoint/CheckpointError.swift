/// Why a checkpoint (model file or trainer-state sidecar) could not be read or written. Loading is strict: every
/// expected tensor must be present with exactly the expected shape, and nothing else may be there.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The safetensors layer failed (truncated file, bad header, I/O); its description names the file.
  case file(SafeTensorsError)
  /// Writing a file or creating a directory failed.
  case io(FileIOError)
  /// Wraps an error found in the file at `path`.
  indirect case inFile(path: String, error: CheckpointError)
  /// A required `__metadata__` key is absent.
  case missingMetadata(key: String)
  /// A `__metadata__` value cannot be used.
  case invalidMetadata(key: String, reason: String)
  /// An expected tensor is absent.
  case missingTensor(name: String, expectedShape: [Int])
  /// A tensor has another shape than the model needs.
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  /// The file holds a tensor the model does not have.
  case unexpectedTensor(name: String, shape: [Int])
  /// The vocabulary in the metadata does not match the embedding's rows.
  case vocabularyMismatch(vocabularySize: Int, modelSize: Int)
  /// The hyperparameters in the file are unusable.
  case model(ModelConfigurationError)
  /// The trainer state and the checkpoint were written at different steps (a crash between the two writes).
  case stateStepMismatch(checkpointStep: Int, stateStep: Int)
  /// A weight is NaN or infinite (a diverged run): the tensor and the flat index of the first such value.
  case nonFinite(name: String, index: Int, value: Float)

  public var description: String {
    switch self {
    case .file(let error): return error.description
    case .io(let error): return "error: \(error)"
    case .inFile(let path, let error):
      let inner = error.description
      return inner.hasPrefix("error: ") ? "\(path): \(inner)" : "\(path): error: \(inner)"
    case .missingMetadata(let key):
      return "error: checkpoint metadata lacks '\(key)' (not a studio or torch_lstm_bench model?)"
    case .invalidMetadata(let key, let reason):
      return "error: checkpoint metadata '\(key)': \(reason)"
    case .missingTensor(let name, let shape):
      return "error: tensor '\(name)' is missing (expected shape \(shape))"
    case .shapeMismatch(let name, let expected, let found):
      return "error: tensor '\(name)' has shape \(found), expected \(expected)"
    case .unexpectedTensor(let name, let shape):
      return "error: unexpected tensor '\(name)' with shape \(shape) (the model has no such parameter)"
    case .vocabularyMismatch(let vocabularySize, let modelSize):
      return "error: the vocabulary has \(vocabularySize) symbols but embedding.weight has \(modelSize) rows"
    case .model(let error): return error.description
    case .nonFinite(let name, let index, let value):
      return "error: tensor \(name) holds \(value) at index \(index): the weights are not finite (the training run "
        + "diverged); retrain with a lower learning rate or resume from an earlier checkpoint"
    case .stateStepMismatch(let checkpointStep, let stateStep):
      return "error: the checkpoint is at step \(checkpointStep) but the trainer state at step \(stateStep) "
        + "(interrupted while saving?); start a new run or restore matching files"
    }
  }
}
