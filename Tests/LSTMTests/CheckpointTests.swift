import Foundation
import Testing

@testable import LSTM

@Suite struct CheckpointTests {
  func sampleCheckpoint(layers: Int = 2) -> Checkpoint {
    let data = tinyData()
    return Checkpoint(
      parameters: tinyModel(data.vocabulary, hidden: 12, layers: layers, dropout: 0.25),
      vocabulary: data.vocabulary, step: 1234, validationBPC: 1.625,
      corpusFingerprints: ["abc123", "def456"], extra: ["created_by": "test"])
  }

  /// float32 round trip is exact, metadata included; float16/bfloat16 round within their precision.
  @Test(arguments: [TensorDType.f32, .f16, .bf16])
  func roundTrip(dtype: TensorDType) throws {
    let directory = makeTemporaryDirectory("ckpt")
    defer { removeDirectory(directory) }
    let original = sampleCheckpoint()
    let path = directory + "/model.safetensors"
    try original.write(to: path, dtype: dtype)
    let loaded = try Checkpoint.read(path: path)
    #expect(loaded.hyperparameters == original.hyperparameters)
    #expect(loaded.vocabulary == original.vocabulary)
    #expect(loaded.step == 1234)
    #expect(loaded.validationBPC == 1.625)
    #expect(loaded.corpusFingerprints == ["abc123", "def456"])
    #expect(loaded.extra["created_by"] == "test")
    let tolerance: Float = dtype == .f32 ? 0 : dtype == .f16 ? 1e-3 : 8e-3
    for (a, b) in zip(loaded.parameters.values, original.parameters.values) {
      #expect(abs(a - b) <= tolerance * max(1, abs(b)))
    }
    #expect(loaded.file.names == original.file.names)
    #expect(original.file.names.prefix(3) == ["embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0"])
  }

  /// Loading is strict: missing, misshapen and unexpected tensors and bad metadata are named in the error.
  @Test func strictLoadingNamesTheProblem() throws {
    let good = sampleCheckpoint().file

    var missing = good
    missing.tensors.removeAll { $0.name == "lstm.bias_hh_l1" }
    #expect(throws: CheckpointError.missingTensor(name: "lstm.bias_hh_l1", expectedShape: [48])) {
      try Checkpoint(file: missing)
    }

    var misshapen = good
    let index = misshapen.tensors.firstIndex { $0.name == "lstm.weight_hh_l0" }!
    misshapen.tensors[index].tensor = NamedTensor(shape: [48, 11], values: [Float](repeating: 0, count: 48 * 11))
    let error = #expect(throws: CheckpointError.self) { try Checkpoint(file: misshapen) }
    #expect(error == .shapeMismatch(name: "lstm.weight_hh_l0", expected: [48, 12], found: [48, 11]))
    #expect(error?.description.contains("lstm.weight_hh_l0") == true)
    #expect(error?.description.contains("[48, 11]") == true && error?.description.contains("[48, 12]") == true)

    var extra = good
    extra.tensors.append(("lstm.weight_ih_l2", NamedTensor(shape: [1], values: [0])))
    #expect(throws: CheckpointError.unexpectedTensor(name: "lstm.weight_ih_l2", shape: [1])) {
      try Checkpoint(file: extra)
    }

    var noVocab = good
    noVocab.metadata["vocab"] = nil
    #expect(throws: CheckpointError.missingMetadata(key: "vocab")) { try Checkpoint(file: noVocab) }

    var shortVocab = good
    shortVocab.metadata["vocab"] = "[\"a\",\"b\"]"
    #expect(throws: CheckpointError.vocabularyMismatch(vocabularySize: 2, modelSize: good["fc.bias"]!.shape[0])) {
      try Checkpoint(file: shortVocab)
    }

    var badConfig = good
    badConfig.metadata["config"] = "{\"vocab_size\": 3}"
    #expect(throws: CheckpointError.invalidMetadata(key: "config", reason: "'embed' must be an integer")) {
      try Checkpoint(file: badConfig)
    }
  }

  /// Truncated files and garbage headers give errors naming the file, never a crash.
  @Test func truncatedAndCorruptFilesAreErrors() throws {
    let directory = makeTemporaryDirectory("ckpt")
    defer { removeDirectory(directory) }
    let bytes = sampleCheckpoint().file.encoded(dtype: .f32)
    for (name, cut) in [
      ("truncated", Array(bytes.prefix(bytes.count - 10))), ("header", Array(bytes.prefix(20))),
      ("garbage", [UInt8](repeating: 0x41, count: 64)), ("empty", []),
    ] {
      let path = directory + "/\(name).safetensors"
      _ = FileManager.default.createFile(atPath: path, contents: Data(cut))
      let error = #expect(throws: CheckpointError.self) { try Checkpoint.read(path: path) }
      #expect(error?.description.contains(path) == true, "\(name): \(String(describing: error))")
    }
    #expect(throws: CheckpointError.self) { try Checkpoint.read(path: directory + "/absent.safetensors") }
  }

  /// A file without `config` metadata (shapes only, as a plain PyTorch state_dict save) still loads.
  @Test func infersTheShapeFromTensors() throws {
    var file = sampleCheckpoint(layers: 3).file
    file.metadata = ["vocab": file.metadata["vocab"]!]
    let loaded = try Checkpoint(file: file)
    #expect(loaded.hyperparameters.layers == 3)
    #expect(loaded.hyperparameters.hiddenSize == 12)
    #expect(loaded.hyperparameters.dropout == 0)
  }

  /// The trainer-state sidecar round-trips and is checked strictly too.
  @Test func trainerStateRoundTrips() throws {
    let layout = sampleCheckpoint().parameters.layout
    let n = layout.totalCount
    let state = TrainerState(
      step: 17, adam: AdamState(m: (0..<n).map { Float($0) }, v: (0..<n).map { Float($0) / 7 }, step: 17),
      samplerState: 0xFEDC_BA98_7654_3210, cursors: [3, 99],
      carriedHidden: [
        [Float](repeating: 0.5, count: 24),
        [Float](repeating: -0.5, count: 24),
      ],
      carriedCell: [[Float](repeating: 1, count: 24), [Float](repeating: 2, count: 24)], bestValidationBPC: 1.5,
      bestStep: 10, validationsWithoutImprovement: 2, lastValidationBPC: 1.75, lastValidationStep: 15)
    let decoded = try TrainerState(
      file: SafeTensorsFile.decode(state.file(layout: layout).encoded(dtype: .f32)),
      layout: layout)
    #expect(decoded == state)
    var broken = state.file(layout: layout)
    broken.tensors.removeFirst()
    #expect(
      throws: CheckpointError.missingTensor(name: "adam.m.embedding.weight", expectedShape: layout.entries[0].shape)
    ) {
      try TrainerState(file: broken, layout: layout)
    }
  }
}
