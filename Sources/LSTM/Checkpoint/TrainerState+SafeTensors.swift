import Foundation

extension TrainerState {
  static let format = "studio-trainer-state-v1"

  /// The sidecar file: Adam moments as `adam.m.<parameter>` / `adam.v.<parameter>` (parameter shapes), the carried
  /// state as `state.h_l{k}` / `state.c_l{k}` `[B, H]`, and scalars in `__metadata__` (`step`, `adam_step`,
  /// `sampler_state` as a decimal UInt64, `cursors` JSON, early-stopping record).
  func file(layout: ParameterLayout) -> SafeTensorsFile {
    var tensors: [(name: String, tensor: NamedTensor)] = []
    for entry in layout.entries {
      let range = entry.offset..<(entry.offset + entry.count)
      tensors.append(("adam.m.\(entry.name)", NamedTensor(shape: entry.shape, values: Array(adam.m[range]))))
      tensors.append(("adam.v.\(entry.name)", NamedTensor(shape: entry.shape, values: Array(adam.v[range]))))
    }
    let hidden = layout.entries[2].shape[1]  // lstm.weight_hh_l0 [4H, H]
    for (k, (h, c)) in zip(carriedHidden, carriedCell).enumerated() {
      tensors.append(("state.h_l\(k)", NamedTensor(shape: [h.count / hidden, hidden], values: h)))
      tensors.append(("state.c_l\(k)", NamedTensor(shape: [c.count / hidden, hidden], values: c)))
    }
    var metadata: [String: String] = [
      "format": TrainerState.format, "step": "\(step)", "adam_step": "\(adam.step)",
      "sampler_state": "\(samplerState)", "cursors": jsonString(cursors),
      "validations_without_improvement": "\(validationsWithoutImprovement)",
    ]
    if let bestValidationBPC { metadata["best_validation_bpc"] = "\(bestValidationBPC)" }
    if let bestStep { metadata["best_step"] = "\(bestStep)" }
    if let lastValidationBPC { metadata["last_validation_bpc"] = "\(lastValidationBPC)" }
    if let lastValidationStep { metadata["last_validation_step"] = "\(lastValidationStep)" }
    return SafeTensorsFile(tensors: tensors, metadata: metadata)
  }

  /// Reads a sidecar strictly against the model's layout.
  /// - Throws: `CheckpointError` naming the key or tensor.
  init(file: SafeTensorsFile, layout: ParameterLayout) throws(CheckpointError) {
    let meta = file.metadata
    guard meta["format"] == TrainerState.format else {
      throw .invalidMetadata(
        key: "format", reason: "expected \(TrainerState.format), found \(meta["format"] ?? "none")")
    }
    func integer(_ key: String) throws(CheckpointError) -> Int {
      guard let text = meta[key] else { throw .missingMetadata(key: key) }
      guard let n = Int(text), n >= 0 else { throw .invalidMetadata(key: key, reason: "'\(text)' is not a count") }
      return n
    }
    func optionalDouble(_ key: String) throws(CheckpointError) -> Double? {
      guard let text = meta[key] else { return nil }
      guard let x = Double(text) else { throw .invalidMetadata(key: key, reason: "'\(text)' is not a number") }
      return x
    }
    var m = [Float](repeating: 0, count: layout.totalCount)
    var v = m
    var expected = Set<String>()
    for entry in layout.entries {
      for (prefix, isM) in [("adam.m.", true), ("adam.v.", false)] {
        let name = prefix + entry.name
        expected.insert(name)
        guard let tensor = file[name] else { throw .missingTensor(name: name, expectedShape: entry.shape) }
        guard tensor.shape == entry.shape, tensor.values.count == entry.count else {
          throw .shapeMismatch(name: name, expected: entry.shape, found: tensor.shape)
        }
        let range = entry.offset..<(entry.offset + entry.count)
        if isM { m.replaceSubrange(range, with: tensor.values) } else { v.replaceSubrange(range, with: tensor.values) }
      }
    }
    var hidden: [[Float]] = []
    var cell: [[Float]] = []
    let layers = (layout.entries.count - 3) / 4
    let h = layout.entries[2].shape[1]
    if file["state.h_l0"] != nil {
      let rows = file["state.h_l0"]?.shape.first ?? 0
      for k in 0..<layers {
        for name in ["state.h_l\(k)", "state.c_l\(k)"] {
          expected.insert(name)
          guard let tensor = file[name] else { throw .missingTensor(name: name, expectedShape: [rows, h]) }
          guard tensor.shape == [rows, h] else {
            throw .shapeMismatch(name: name, expected: [rows, h], found: tensor.shape)
          }
          if name.hasPrefix("state.h") { hidden.append(tensor.values) } else { cell.append(tensor.values) }
        }
      }
    }
    for (name, tensor) in file.tensors where !expected.contains(name) {
      throw .unexpectedTensor(name: name, shape: tensor.shape)
    }
    guard let samplerText = meta["sampler_state"], let sampler = UInt64(samplerText) else {
      throw .invalidMetadata(key: "sampler_state", reason: "missing or not a 64-bit unsigned integer")
    }
    guard let cursors = jsonObject(meta["cursors"] ?? "") as? [Int] else {
      throw .invalidMetadata(key: "cursors", reason: "expected a JSON array of integers")
    }
    self.init(
      step: try integer("step"), adam: AdamState(m: m, v: v, step: try integer("adam_step")), samplerState: sampler,
      cursors: cursors, carriedHidden: hidden, carriedCell: cell,
      bestValidationBPC: try optionalDouble("best_validation_bpc"),
      bestStep: meta["best_step"] == nil ? nil : try integer("best_step"),
      validationsWithoutImprovement: try integer("validations_without_improvement"),
      lastValidationBPC: try optionalDouble("last_validation_bpc"),
      lastValidationStep: meta["last_validation_step"] == nil ? nil : try integer("last_validation_step"))
  }
}
