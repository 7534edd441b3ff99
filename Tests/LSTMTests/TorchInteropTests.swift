import Foundation
import Testing

@testable import LSTM

/// The Python interpreter with PyTorch: `$TORCH_PYTHON`, else `/tmp/torchenv/bin/python` (see
/// `../shared/tools/setup_torch.sh`), or nil.
let torchPython: String? = {
  let candidates = [ProcessInfo.processInfo.environment["TORCH_PYTHON"], "/tmp/torchenv/bin/python"]
  return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Runs `scripts/torch/torch_interop.py` and decodes its JSON output.
func runInteropScript(_ arguments: [String]) throws -> [String: Any] {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: try #require(torchPython))
  process.arguments = [packageRoot + "/scripts/torch/torch_interop.py"] + arguments
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  #expect(process.terminationStatus == 0, "torch_interop.py failed: \(errorText)")
  return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

@Suite(
  .enabled(
    if: torchPython != nil,
    "PyTorch not found: set TORCH_PYTHON or run ../shared/tools/setup_torch.sh (venv in /tmp/torchenv)"))
struct TorchInteropTests {
  /// A briefly trained model, so greedy decoding has clear winners.
  static func trainedCheckpoint() throws -> Checkpoint {
    let data = tinyData()
    var options = TrainingOptions()
    options.batchSize = 8
    options.sequenceLength = 24
    options.maxSteps = 120
    options.learningRate = 1e-2
    options.evaluateEvery = 0
    let trainer = try Trainer(
      parameters: tinyModel(data.vocabulary, hidden: 40, layers: 2), data: data,
      options: options)
    _ = try trainer.train()
    return trainer.checkpoint()
  }

  /// A studio checkpoint loads into `nn.LSTM` under the same names (strict `load_state_dict`), gives the same
  /// logits within 1e-4, and greedy decoding matches character for character (float32 file).
  @Test func studioCheckpointRunsInPyTorch() throws {
    let directory = makeTemporaryDirectory("interop")
    defer { removeDirectory(directory) }
    let checkpoint = try Self.trainedCheckpoint()
    let path = directory + "/studio.safetensors"
    try checkpoint.write(to: path, dtype: .f32)
    let prompt = "X:1\nK:D\nAB"
    let torch = try runInteropScript(["logits", "--model", path, "--prompt", prompt, "--greedy", "200"])
    let model = try LanguageModel(checkpoint: checkpoint, threads: 2)
    let ours = try model.logits(for: prompt)
    let theirs = try #require(torch["logits"] as? [[Double]])
    #expect(theirs.count == ours.count)
    var worst = 0.0
    for (a, b) in zip(ours, theirs) { for (x, y) in zip(a, b) { worst = max(worst, abs(Double(x) - y)) } }
    #expect(worst <= 1e-4, "max |logit difference| \(worst)")
    var rng = SplitMix64(seed: 0)
    let greedy = try model.makeSampler().generate(
      prompt: prompt, options: SamplingOptions(temperature: 0, maxCharacters: 200), using: &rng)[0].text
    #expect(greedy == torch["greedy"] as? String)
  }

  /// The shipped float16 form reads the same rounded weights on both sides.
  @Test func float16CheckpointAgrees() throws {
    let directory = makeTemporaryDirectory("interop")
    defer { removeDirectory(directory) }
    let path = directory + "/studio-f16.safetensors"
    try Self.trainedCheckpoint().write(to: path, dtype: .f16)
    let prompt = "K:D\nABcd"
    let torch = try runInteropScript(["logits", "--model", path, "--prompt", prompt])
    let ours = try LanguageModel(contentsOf: path).logits(for: prompt)
    let theirs = try #require(torch["logits"] as? [[Double]])
    for (a, b) in zip(ours, theirs) { for (x, y) in zip(a, b) { #expect(abs(Double(x) - y) <= 1e-4) } }
  }

  /// A safetensors file written by PyTorch (`model.state_dict()`) loads in studio and gives PyTorch's logits.
  @Test func pytorchCheckpointRunsInStudio() throws {
    let directory = makeTemporaryDirectory("interop")
    defer { removeDirectory(directory) }
    let path = directory + "/torch.safetensors"
    let vocabulary = tinyData().vocabulary
    let prompt = "X:1\nK:D\nABcd efga|"
    let torch = try runInteropScript([
      "make", "--out", path, "--vocab", vocabulary.jsonArray, "--embed", "7", "--hidden", "33", "--layers", "3",
      "--seed", "5", "--prompt", prompt,
    ])
    let checkpoint = try Checkpoint.read(path: path)
    #expect(
      checkpoint.hyperparameters
        == LSTMHyperparameters(
          vocabularySize: vocabulary.count, embeddingSize: 7, hiddenSize: 33, layers: 3))
    #expect(checkpoint.vocabulary == vocabulary)
    let ours = try LanguageModel(checkpoint: checkpoint).logits(for: prompt)
    let theirs = try #require(torch["logits"] as? [[Double]])
    #expect(theirs.count == ours.count)
    for (a, b) in zip(ours, theirs) { for (x, y) in zip(a, b) { #expect(abs(Double(x) - y) <= 1e-4) } }
  }
}
