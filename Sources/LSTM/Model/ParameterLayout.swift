/// Where each named tensor of a model lives in one flat `Float` vector, in PyTorch `state_dict` order:
/// `embedding.weight [V×E]`, then per layer `k`: `lstm.weight_ih_l{k} [4H×in]`, `lstm.weight_hh_l{k} [4H×H]`,
/// `lstm.bias_ih_l{k} [4H]`, `lstm.bias_hh_l{k} [4H]` (`in` = E for layer 0, H above), then `fc.weight [V×H]`,
/// `fc.bias [V]`. Gate rows are packed i, f, g, o as in `nn.LSTM`.
public struct ParameterLayout: Sendable, Equatable {
  /// One tensor: its PyTorch name, shape and position in the flat vector.
  public struct Entry: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
  }

  public let entries: [Entry]
  /// Length of the flat vector.
  public let totalCount: Int

  public init(_ h: LSTMHyperparameters) {
    var entries: [Entry] = []
    var offset = 0
    func add(_ name: String, _ shape: [Int]) {
      entries.append(Entry(name: name, shape: shape, offset: offset))
      offset += shape.reduce(1, *)
    }
    let gates = 4 * h.hiddenSize
    add("embedding.weight", [h.vocabularySize, h.embeddingSize])
    for k in 0..<h.layers {
      add("lstm.weight_ih_l\(k)", [gates, k == 0 ? h.embeddingSize : h.hiddenSize])
      add("lstm.weight_hh_l\(k)", [gates, h.hiddenSize])
      add("lstm.bias_ih_l\(k)", [gates])
      add("lstm.bias_hh_l\(k)", [gates])
    }
    add("fc.weight", [h.vocabularySize, h.hiddenSize])
    add("fc.bias", [h.vocabularySize])
    self.entries = entries
    self.totalCount = offset
  }

  /// The entry called `name`, or `nil`.
  public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

  // Offsets of the tensors the engine addresses directly.
  var embedding: Int { entries[0].offset }
  func weightIH(_ layer: Int) -> Int { entries[1 + 4 * layer].offset }
  func weightHH(_ layer: Int) -> Int { entries[2 + 4 * layer].offset }
  func biasIH(_ layer: Int) -> Int { entries[3 + 4 * layer].offset }
  func biasHH(_ layer: Int) -> Int { entries[4 + 4 * layer].offset }
  var fcWeight: Int { entries[entries.count - 2].offset }
  var fcBias: Int { entries[entries.count - 1].offset }
}
