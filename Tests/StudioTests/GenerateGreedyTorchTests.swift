import Foundation
import LSTM
import Testing

@testable import studio

/// `studio generate --temperature 0 --prime TEXT` continues exactly as PyTorch's greedy decoding of the same float32
/// checkpoint (the shipped irish model widened to float32), character for character, through `nn.LSTM`.
/// `$TORCH_PYTHON`, else `/tmp/torchenv/bin/python`, when executable.
private let torchPython: String? = [ProcessInfo.processInfo.environment["TORCH_PYTHON"], "/tmp/torchenv/bin/python"]
  .compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite(
  .enabled(
    if: torchPython != nil,
    "PyTorch not found: set TORCH_PYTHON or run ../shared/tools/setup_torch.sh (venv in /tmp/torchenv)"))
struct GenerateGreedyTorchTests {
  private typealias Support = GenerateTestSupport

  @Test func greedyContinuationMatchesPyTorch() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = dir + "/irish-f32.safetensors"
    try Checkpoint.read(path: Support.packageRoot + "/models/irish/model.safetensors").write(to: model, dtype: .f32)
    let prime = "X:1\nT:Test\nM:6/8\nL:1/8\nK:D\n"

    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(torchPython))
    process.arguments = [
      Support.packageRoot + "/scripts/torch/torch_interop.py", "logits", "--model", model, "--prompt", prime,
      "--greedy", "400",
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "torch_interop.py failed")
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let torchContinuation = try #require(json["greedy"] as? String)

    try Support.runStudio([
      "generate", "--model", model, "--temperature", "0", "--prime", prime, "--raw", "--max-chars", "400",
      "--count", "1", "--out-dir", dir + "/out",
    ])
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.hasSuffix(".abc") }
    try #require(files.count == 1)
    let ours = try Support.read(dir + "/out/" + files[0])

    // studio writes the prime and the continuation up to the end of the tune (a blank line); PyTorch's greedy text
    // runs on for 400 characters: up to that point they must be the same characters.
    let torchTune = prime + (torchContinuation.components(separatedBy: "\n\n").first ?? torchContinuation)
    #expect(ours.count > prime.count + 40, "the continuation is too short to compare: \(ours)")
    #expect(TuneText.trimmingTrailingWhitespace(ours) == TuneText.trimmingTrailingWhitespace(torchTune))
  }
}
