/// The shape of a character-level LSTM language model:
/// `Embedding(V, E) → L stacked LSTM layers of H units → Linear(H, V)`, as PyTorch's
/// `nn.Embedding` + `nn.LSTM(E, H, num_layers: L, batch_first: true)` + `nn.Linear(H, V)`.
public struct LSTMHyperparameters: Sendable, Equatable, Hashable, Codable {
  /// `V`: vocabulary size (model input and output width).
  public var vocabularySize: Int
  /// `E`: embedding width.
  public var embeddingSize: Int
  /// `H`: hidden units per LSTM layer.
  public var hiddenSize: Int
  /// `L`: stacked LSTM layers.
  public var layers: Int
  /// Dropout probability in `0..<1` applied, during training only, to the output of every LSTM layer: between
  /// layers and before the output layer (the PyTorch baseline's `--dropout`). 0 disables it.
  public var dropout: Double

  public init(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int, dropout: Double = 0) {
    self.vocabularySize = vocabularySize
    self.embeddingSize = embeddingSize
    self.hiddenSize = hiddenSize
    self.layers = layers
    self.dropout = dropout
  }

  /// Checks that the sizes are positive, that dropout is in `0..<1`, and that no weight matrix exceeds what
  /// BLAS's 32-bit dimensions and strides can address.
  /// - Throws: `ModelConfigurationError`.
  public func validate() throws(ModelConfigurationError) {
    for (name, value) in [
      ("vocabulary size", vocabularySize), ("embedding size", embeddingSize),
      ("hidden size", hiddenSize), ("layers", layers),
    ] where value < 1 {
      throw .nonPositive(name: name, value: value)
    }
    guard dropout >= 0, dropout < 1, dropout.isFinite else { throw .dropoutOutOfRange(dropout) }
    let widest = max(vocabularySize, embeddingSize, 4 * hiddenSize)
    guard widest <= 1 << 20, layers <= 64 else { throw .tooLarge(hyperparameters: self) }
  }

  /// Number of trainable parameters (PyTorch's `sum(p.numel())`).
  public var parameterCount: Int { ParameterLayout(self).totalCount }
}

/// Why a model shape or a checkpoint's hyperparameters are unusable.
public enum ModelConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
  case nonPositive(name: String, value: Int)
  case dropoutOutOfRange(Double)
  case tooLarge(hyperparameters: LSTMHyperparameters)
  /// A parameter vector's length does not match the layout of the hyperparameters.
  case parameterCountMismatch(expected: Int, actual: Int)

  public var description: String {
    switch self {
    case .nonPositive(let name, let value):
      return "error: model \(name) must be at least 1, got \(value)"
    case .dropoutOutOfRange(let p):
      return "error: dropout must be in [0, 1), got \(p)"
    case .tooLarge(let h):
      return "error: model too large (V=\(h.vocabularySize), E=\(h.embeddingSize), H=\(h.hiddenSize), "
        + "L=\(h.layers)): widths are limited to 2^20 and layers to 64"
    case .parameterCountMismatch(let expected, let actual):
      return "error: the model needs \(expected) parameter values, got \(actual)"
    }
  }
}
