import Foundation

/// A model file: weights, vocabulary and provenance, stored as safetensors with PyTorch's parameter names, so
/// `nn.LSTM` loads it (`scripts/torch/`) and studio loads files PyTorch wrote.
///
/// `__metadata__` keys: `format` (`studio-charlstm-v1`), `format_version` (`1`), `vocab` (JSON array of one-scalar
/// strings), `config` (JSON: `vocab_size`, `embed`, `hidden`, `layers`, `dropout`, `gate_order`), and when known
/// `training_step`, `validation_bpc` (bits per character) and `validation_loss` (the same in nats per character),
/// `corpus_fingerprints` (JSON array of SHA-256 hex), plus any `extra` entries.
/// The `vocab`/`config` keys are the ones `torch_lstm_bench.py --save` writes.
public struct Checkpoint: Sendable, Equatable {
  public static let format = "studio-charlstm-v1"
  public static let formatVersion = 1

  public var parameters: LSTMParameters
  public var vocabulary: Vocabulary
  /// Optimizer steps the weights were trained for.
  public var step: Int?
  /// Validation bits per character of these weights, if measured.
  public var validationBPC: Double?
  public var corpusFingerprints: [String]
  /// Further metadata (e.g. `created_by`, `training`), written as is.
  public var extra: [String: String]

  public init(
    parameters: LSTMParameters, vocabulary: Vocabulary, step: Int? = nil, validationBPC: Double? = nil,
    corpusFingerprints: [String] = [], extra: [String: String] = [:]
  ) {
    self.parameters = parameters
    self.vocabulary = vocabulary
    self.step = step
    self.validationBPC = validationBPC
    self.corpusFingerprints = corpusFingerprints
    self.extra = extra
  }

  public var hyperparameters: LSTMHyperparameters { parameters.hyperparameters }

  private static let reservedKeys: Set<String> = [
    "format", "format_version", "vocab", "config", "training_step", "validation_bpc", "validation_loss",
    "corpus_fingerprints",
  ]

  /// The safetensors contents (tensors in `state_dict` order).
  public var file: SafeTensorsFile {
    let h = parameters.hyperparameters
    var metadata = extra
    metadata["format"] = Checkpoint.format
    metadata["format_version"] = "\(Checkpoint.formatVersion)"
    metadata["vocab"] = vocabulary.jsonArray
    metadata["config"] = jsonString([
      "vocab_size": h.vocabularySize, "embed": h.embeddingSize, "hidden": h.hiddenSize, "layers": h.layers,
      "dropout": h.dropout, "gate_order": "i,f,g,o", "bias": "gates = x W_ih^T + b_ih + h W_hh^T + b_hh",
    ])
    if let step { metadata["training_step"] = "\(step)" }
    if let validationBPC {
      metadata["validation_bpc"] = "\(validationBPC)"
      metadata["validation_loss"] = "\(validationBPC * log(2.0))"
    }
    if !corpusFingerprints.isEmpty { metadata["corpus_fingerprints"] = jsonString(corpusFingerprints) }
    return SafeTensorsFile(tensors: parameters.namedTensors, metadata: metadata)
  }

  /// Interprets a safetensors file strictly.
  ///
  /// The shape comes from `config` when present, else from the tensors (`embedding.weight` gives V and E,
  /// `lstm.weight_hh_l0` gives H, the `lstm.weight_hh_l*` count gives L); every tensor is then checked against it.
  /// - Throws: `CheckpointError` naming the offending key or tensor (with both shapes).
  public init(file: SafeTensorsFile) throws(CheckpointError) {
    let meta = file.metadata
    guard let vocabText = meta["vocab"] else { throw .missingMetadata(key: "vocab") }
    let vocabulary: Vocabulary
    do {
      vocabulary = try Vocabulary(jsonArray: vocabText)
    } catch {
      throw .invalidMetadata(key: "vocab", reason: error.description)
    }
    if let format = meta["format"], format != Checkpoint.format {
      throw .invalidMetadata(key: "format", reason: "'\(format)' is not \(Checkpoint.format)")
    }
    if let version = meta["format_version"], Int(version).map({ $0 > Checkpoint.formatVersion }) ?? true {
      throw .invalidMetadata(
        key: "format_version",
        reason: "version \(version) is newer than this studio reads "
          + "(\(Checkpoint.formatVersion))")
    }
    let h = try Checkpoint.hyperparameters(of: file)
    do { try h.validate() } catch { throw .model(error) }
    guard vocabulary.count == h.vocabularySize else {
      throw .vocabularyMismatch(vocabularySize: vocabulary.count, modelSize: h.vocabularySize)
    }
    let layout = ParameterLayout(h)
    var values = [Float](repeating: 0, count: layout.totalCount)
    for entry in layout.entries {
      guard let tensor = file[entry.name] else { throw .missingTensor(name: entry.name, expectedShape: entry.shape) }
      guard tensor.shape == entry.shape, tensor.values.count == entry.count else {
        throw .shapeMismatch(name: entry.name, expected: entry.shape, found: tensor.shape)
      }
      if let index = tensor.values.firstIndex(where: { !$0.isFinite }) {
        throw .nonFinite(name: entry.name, index: index, value: tensor.values[index])
      }
      values.replaceSubrange(entry.offset..<(entry.offset + entry.count), with: tensor.values)
    }
    for (name, tensor) in file.tensors where layout.entry(named: name) == nil {
      throw .unexpectedTensor(name: name, shape: tensor.shape)
    }
    do {
      parameters = try LSTMParameters(hyperparameters: h, values: values)
    } catch {
      throw .model(error)
    }
    self.vocabulary = vocabulary
    step = try meta["training_step"].map { text throws(CheckpointError) in
      guard let n = Int(text), n >= 0 else {
        throw .invalidMetadata(key: "training_step", reason: "'\(text)' is not a step count")
      }
      return n
    }
    validationBPC = try meta["validation_bpc"].map { text throws(CheckpointError) in
      guard let x = Double(text), x.isFinite else {
        throw .invalidMetadata(key: "validation_bpc", reason: "'\(text)' is not a number")
      }
      return x
    }
    if let text = meta["corpus_fingerprints"] {
      guard let list = jsonObject(text) as? [String] else {
        throw .invalidMetadata(key: "corpus_fingerprints", reason: "expected a JSON array of strings")
      }
      corpusFingerprints = list
    } else {
      corpusFingerprints = []
    }
    extra = meta.filter { !Checkpoint.reservedKeys.contains($0.key) }
  }

  /// Model shape from `config` metadata, else inferred from tensor shapes.
  private static func hyperparameters(of file: SafeTensorsFile) throws(CheckpointError) -> LSTMHyperparameters {
    if let text = file.metadata["config"] {
      guard let object = jsonObject(text) as? [String: Any] else {
        throw .invalidMetadata(key: "config", reason: "expected a JSON object")
      }
      func int(_ key: String) throws(CheckpointError) -> Int {
        guard let n = object[key] as? NSNumber, let value = Int(exactly: n.doubleValue) else {
          throw .invalidMetadata(key: "config", reason: "'\(key)' must be an integer")
        }
        return value
      }
      let dropout = (object["dropout"] as? NSNumber)?.doubleValue ?? 0
      return LSTMHyperparameters(
        vocabularySize: try int("vocab_size"), embeddingSize: try int("embed"),
        hiddenSize: try int("hidden"), layers: try int("layers"), dropout: dropout)
    }
    guard let embedding = file["embedding.weight"] else {
      throw .missingTensor(name: "embedding.weight", expectedShape: [])
    }
    guard embedding.shape.count == 2 else {
      throw .shapeMismatch(name: "embedding.weight", expected: [-1, -1], found: embedding.shape)
    }
    guard let recurrent = file["lstm.weight_hh_l0"] else {
      throw .missingTensor(name: "lstm.weight_hh_l0", expectedShape: [])
    }
    guard recurrent.shape.count == 2, recurrent.shape[0] == 4 * recurrent.shape[1] else {
      throw .shapeMismatch(name: "lstm.weight_hh_l0", expected: [-1, -1], found: recurrent.shape)
    }
    let layers = file.names.filter { $0.hasPrefix("lstm.weight_hh_l") }.count
    return LSTMHyperparameters(
      vocabularySize: embedding.shape[0], embeddingSize: embedding.shape[1],
      hiddenSize: recurrent.shape[1], layers: layers)
  }

  /// Reads a checkpoint file (any of F32, F16, BF16).
  /// - Throws: `CheckpointError`, wrapped in `.inFile` with the path.
  public static func read(path: String) throws(CheckpointError) -> Checkpoint {
    let file: SafeTensorsFile
    do {
      file = try SafeTensorsFile.read(path: path)
    } catch {
      throw .file(error)
    }
    do {
      return try Checkpoint(file: file)
    } catch {
      throw .inFile(path: path, error: error)
    }
  }

  /// The first weight that is NaN or infinite, by tensor name and flat index (nil when every weight is finite).
  public var firstNonFiniteWeight: (name: String, index: Int, value: Float)? {
    for (name, tensor) in parameters.namedTensors {
      if let index = tensor.values.firstIndex(where: { !$0.isFinite }) { return (name, index, tensor.values[index]) }
    }
    return nil
  }

  /// Writes the checkpoint atomically (temporary file + rename) with tensors in `dtype`.
  /// - Throws: `CheckpointError.file`.
  public func write(to path: String, dtype: TensorDType = .f32) throws(CheckpointError) {
    do {
      try file.write(to: path, dtype: dtype)
    } catch {
      throw .file(error)
    }
  }
}

func jsonString(_ object: Any) -> String {
  guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "null" }
  return String(decoding: data, as: UTF8.self)
}

func jsonObject(_ text: String) -> Any? {
  try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}
