import Foundation
import Testing

@testable import LSTM
@testable import studio

/// `scripts/torch/train.py` under `torchrun --nproc_per_node 2` (gloo, CPU) writes a model directory that studio
/// loads unchanged: the vocabulary, corpus fingerprint and held-out bits/char are studio's own, and
/// `studio generate --temperature 0 --raw --prime` continues exactly as PyTorch's greedy decoding of the file.
/// `$TORCH_PYTHON`, else `/tmp/torchenv/bin/python`, when executable (as `GenerateGreedyTorchTests`).
private let torchPython: String? = [ProcessInfo.processInfo.environment["TORCH_PYTHON"], "/tmp/torchenv/bin/python"]
  .compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite(
  .enabled(
    if: torchPython != nil,
    "PyTorch not found: set TORCH_PYTHON or run ../shared/tools/setup_torch.sh (venv in /tmp/torchenv)"))
struct TorchTrainTests {
  private typealias Support = GenerateTestSupport

  /// Twelve small tunes (tune 10, `X:10`, is held out by the every-tenth split).
  static let tinyCorpus: String = {
    let bars = [
      "dAFA DFAd", "fdcd FAdf", "gfge fefd", "edcB A4", "GABG AGEF", "G2BG dGBG", "cBAG FGAF", "D2FA dAFA",
      "B2AB d2Bd", "e2fg a2ge", "fage dBAF", "GFGA B2AG",
    ]
    let keys = ["D", "G", "A Dorian", "E Minor"]
    return (0..<12).map { i in
      let a = (0..<4).map { bars[(i + $0 * 5) % bars.count] }
      let b = (0..<4).map { bars[(i * 7 + $0 * 3 + 1) % bars.count] }
      return """
        X:\(i + 1)
        T:Tiny Reel \(i + 1)
        M:C|
        L:1/8
        K:\(keys[i % keys.count])
        |:\(a.joined(separator: "|")):|
        |:\(b.joined(separator: "|")):|

        """
    }.joined(separator: "\n")
  }()

  static let config = """
    data:
      corpora: [tiny.abc]
    model:
      embedding: 16
      hidden: 32
      layers: 2
      dropout: 0.1
    training:
      batching: tunes
      batch_size: 4
      sequence_length: 48
      steps: 40
      learning_rate: 0.02
      warmup_steps: 5
      eval_every: 20
      checkpoint_every: 20
      threads: 1
      export_dtype: f16
      a_key_studio_does_not_have: 1

    """

  /// Runs `executable arguments` in `directory`; returns (status, stdout, stderr).
  static func run(_ executable: String, _ arguments: [String], in directory: String) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Drain stderr concurrently so a chatty child never blocks on a full pipe. Only the reader thread writes
    // `errorData`, and it is read only after that thread has finished.
    nonisolated(unsafe) var errorData = Data()
    let reader = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
  }

  @Test func torchrunTrainedModelGeneratesInStudioAsInPyTorch() throws {
    let python = try #require(torchPython)
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Self.tinyCorpus, named: "tiny.abc", in: dir)
    try Support.write(Self.config, named: "tiny.yaml", in: dir)

    // torchrun beside the interpreter; `python -m torch.distributed.run` is the same program.
    let torchrun = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("torchrun").path
    let launcher =
      FileManager.default.isExecutableFile(atPath: torchrun)
      ? (torchrun, [String]()) : (python, ["-m", "torch.distributed.run"])
    let (status, stdout, stderr) = try Self.run(
      launcher.0,
      launcher.1 + [
        "--standalone", "--nproc_per_node", "2", Support.packageRoot + "/scripts/torch/train.py", "--config",
        "tiny.yaml", "--name", "tiny", "--device", "cpu",
      ], in: dir)
    try #require(status == 0, "train.py failed:\n\(stderr)")
    #expect(stderr.contains("unknown key 'training.a_key_studio_does_not_have' ignored"))
    #expect(stderr.contains("2 processes (gloo, cpu)"))
    #expect(stdout.contains("tiny: 40 steps"))

    // The model file: studio reads it strictly, with studio's own vocabulary and corpus fingerprint.
    let modelDirectory = dir + "/models/tiny"
    let checkpoint = try Checkpoint.read(path: modelDirectory + "/model.safetensors")
    let corpus = try TuneCorpus.load(paths: [dir + "/tiny.abc"])
    #expect(corpus.tunes.count == 12)
    #expect(checkpoint.vocabulary == Vocabulary(tunes: corpus.tunes))
    #expect(checkpoint.corpusFingerprints == [corpus.fingerprint])
    #expect(checkpoint.hyperparameters.hiddenSize == 32 && checkpoint.hyperparameters.layers == 2)
    #expect(checkpoint.step == 20 || checkpoint.step == 40)
    let file = try SafeTensorsFile.read(path: modelDirectory + "/model.safetensors")
    #expect(Set(file.storedDTypes.values) == ["F16"])

    // PyTorch's validation bits/char (float32 weights) is studio's on the held-out tune (float16 weights).
    let split = DatasetSplit.split(corpus.tunes, validationFraction: 0.1, seed: 42, method: .everyTenth)
    let model = try LanguageModel(checkpoint: checkpoint, threads: 1)
    let scored = try ModelEvaluator.heldOutBitsPerCharacter(model: model, tunes: split.validation)
    let torchBPC = try #require(checkpoint.validationBPC)
    #expect(abs(scored.bitsPerCharacter - torchBPC) < 0.01, "studio \(scored.bitsPerCharacter), torch \(torchBPC)")

    // Greedy continuation, character for character.
    let prime = "X:1\nT:Tiny Reel 1\nM:C|\nL:1/8\nK:D\n|:"
    let (interopStatus, interopOut, interopErr) = try Self.run(
      python,
      [
        Support.packageRoot + "/scripts/torch/torch_interop.py", "logits", "--model",
        modelDirectory + "/model.safetensors", "--prompt", prime, "--greedy", "300",
      ], in: dir)
    try #require(interopStatus == 0, "torch_interop.py failed:\n\(interopErr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(interopOut.utf8)) as? [String: Any])
    let torchContinuation = try #require(json["greedy"] as? String)

    try Support.runStudio([
      "generate", "--model", modelDirectory, "--temperature", "0", "--prime", prime, "--raw", "--max-chars", "300",
      "--count", "1", "--out-dir", dir + "/out",
    ])
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.hasSuffix(".abc") }
    try #require(files.count == 1)
    let ours = try Support.read(dir + "/out/" + files[0])
    let torchTune = prime + (torchContinuation.components(separatedBy: "\n\n").first ?? torchContinuation)
    #expect(ours.count > prime.count + 20, "the continuation is too short to compare: \(ours)")
    #expect(TuneText.trimmingTrailingWhitespace(ours) == TuneText.trimmingTrailingWhitespace(torchTune))

    // config.yaml beside the model is a studio config (what `studio evaluate` reads for the corpus and split).
    let shipped = try StudioConfig(contentsOf: modelDirectory + "/config.yaml")
    #expect(shipped.data.corpora == ["tiny.abc"])
    #expect(shipped.model.hidden == 32)
  }

  /// `studio_data.py` builds studio's training stream, validation sequences and vocabulary (two corpora, fractional
  /// weights, seeded random split), and `studio_batches.py` visits the tunes in `TuneBatcher`'s order.
  @Test func pythonDataAndTuneOrderAreStudios() throws {
    let python = try #require(torchPython)
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Support.write(Self.tinyCorpus, named: "tiny.abc", in: dir)
    try Support.write(
      Support.threeTunes + "\n" + Self.tinyCorpus.replacingOccurrences(of: "Reel", with: "Jig"),
      named: "other.abc", in: dir)
    let script = """
      import json, sys
      sys.path.insert(0, sys.argv[1])
      from studio_batches import TuneBatches
      from studio_data import Dataset
      d = Dataset(["tiny.abc", "other.abc"], [1.5, 0.5], 0.2, "random", 7)
      print(json.dumps({"vocabulary": d.vocabulary, "stream": d.stream(), "validation": d.validation_sequences(),
                        "fingerprints": d.fingerprints,
                        "orders": [TuneBatches.epoch_order(1234, e, 40) for e in range(3)]}))
      """
    let (status, stdout, stderr) = try Self.run(
      python, ["-c", script, Support.packageRoot + "/scripts/torch"], in: dir)
    try #require(status == 0, "\(stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])

    let corpora = try ["tiny.abc", "other.abc"].map { try TuneCorpus.load(paths: [dir + "/" + $0]) }
    let data = try TrainingData.make(
      corpora: [(corpora[0], 1.5), (corpora[1], 0.5)], validationFraction: 0.2, splitMethod: .seededRandom, seed: 7)
    #expect(json["vocabulary"] as? [String] == data.vocabulary.symbols)
    #expect(json["stream"] as? [Int] == data.trainTokens.map(Int.init))
    #expect(json["validation"] as? [[Int]] == data.validationSequences.map { $0.map(Int.init) })
    #expect(json["fingerprints"] as? [String] == data.corpusFingerprints)
    let orders = (0..<3).map { TuneBatcher.order(seed: 1234, epoch: $0, count: 40).map(Int.init) }
    #expect(json["orders"] as? [[Int]] == orders)
  }

  /// The Python unit tests of the data, batching and config code (`scripts/torch/test_studio_torch.py`).
  @Test func pythonUnitTestsPass() throws {
    let python = try #require(torchPython)
    let (status, _, stderr) = try Self.run(
      python, ["-m", "unittest", "discover", "-s", "scripts/torch", "-p", "test_*.py"], in: Support.packageRoot)
    #expect(status == 0, "\(stderr)")
  }
}
