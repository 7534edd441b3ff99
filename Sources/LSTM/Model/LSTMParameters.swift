import Foundation

/// The weights of a model: hyperparameters plus one flat `Float` vector laid out by `ParameterLayout`
/// (PyTorch names, shapes and order). A value type; training engines copy it in and out.
public struct LSTMParameters: Sendable, Equatable {
  public let hyperparameters: LSTMHyperparameters
  public let layout: ParameterLayout
  /// All parameters, `layout.totalCount` values.
  public var values: [Float]

  /// Wraps existing values.
  /// - Throws: `ModelConfigurationError` for invalid hyperparameters or a wrong number of values.
  public init(hyperparameters: LSTMHyperparameters, values: [Float]) throws(ModelConfigurationError) {
    try hyperparameters.validate()
    let layout = ParameterLayout(hyperparameters)
    guard values.count == layout.totalCount else {
      throw .parameterCountMismatch(expected: layout.totalCount, actual: values.count)
    }
    self.hyperparameters = hyperparameters
    self.layout = layout
    self.values = values
  }

  /// Fresh weights initialised as PyTorch does: `embedding.weight ~ N(0, 1)`; every LSTM weight and bias, and
  /// `fc.weight`/`fc.bias`, `~ U(-1/√H, 1/√H)`. Draws in layout order from `generator`, so a seed fixes them.
  /// - Throws: `ModelConfigurationError` for invalid hyperparameters.
  public init(hyperparameters: LSTMHyperparameters, initializingWith generator: inout some RandomNumberGenerator)
    throws(ModelConfigurationError)
  {
    try hyperparameters.validate()
    let layout = ParameterLayout(hyperparameters)
    var values = [Float](repeating: 0, count: layout.totalCount)
    let bound = 1 / Double(hyperparameters.hiddenSize).squareRoot()
    for entry in layout.entries {
      let range = entry.offset..<(entry.offset + entry.count)
      if entry.name == "embedding.weight" {
        var i = range.lowerBound
        while i < range.upperBound {
          // Box–Muller: two normals per two uniforms.
          let u1 = max(Double(generator.next() >> 11) * 0x1p-53, 0x1p-60)
          let u2 = Double(generator.next() >> 11) * 0x1p-53
          let radius = (-2 * log(u1)).squareRoot()
          values[i] = Float(radius * cos(2 * Double.pi * u2))
          if i + 1 < range.upperBound { values[i + 1] = Float(radius * sin(2 * Double.pi * u2)) }
          i += 2
        }
      } else {
        for i in range {
          let u = Double(generator.next() >> 11) * 0x1p-53
          values[i] = Float((2 * u - 1) * bound)
        }
      }
    }
    self.hyperparameters = hyperparameters
    self.layout = layout
    self.values = values
  }

  /// Wraps values already known to match `hyperparameters` (validated when the engine holding them was made).
  init(validated hyperparameters: LSTMHyperparameters, values: [Float]) {
    self.hyperparameters = hyperparameters
    self.layout = ParameterLayout(hyperparameters)
    self.values = values
  }

  /// The tensor called `name` (PyTorch naming), or `nil`.
  public func tensor(named name: String) -> NamedTensor? {
    guard let entry = layout.entry(named: name) else { return nil }
    return NamedTensor(shape: entry.shape, values: Array(values[entry.offset..<(entry.offset + entry.count)]))
  }

  /// All tensors in `state_dict` order.
  public var namedTensors: [(name: String, tensor: NamedTensor)] {
    layout.entries.map { entry in
      (entry.name, NamedTensor(shape: entry.shape, values: Array(values[entry.offset..<(entry.offset + entry.count)])))
    }
  }
}
