import Foundation
import LSTM
import Testing

@testable import studio

/// The copy model from the command line to the held-out score: fitted on training tunes, written beside the model,
/// used by `studio evaluate` (and so by generation) unless `generation.copy_model` is off.
@Suite struct CopyModelFittingTests {
  typealias Support = GenerateTestSupport

  /// Tunes that restate their bars as folk tunes do (AABB, bars 5–6 = 1–2), each with its own notes.
  static let tunes: [String] = (0..<20).map { n in
    let letters = Array("CDEFGABcdefg")
    func bar(_ k: Int) -> String { (0..<4).map { String(letters[(n * 3 + k * 5 + $0 * 2) % letters.count]) }.joined() }
    let a = "\(bar(0)) \(bar(1))|\(bar(2)) \(bar(3))|\(bar(0)) \(bar(1))|\(bar(4)) \(bar(5))"
    let b = "\(bar(6)) \(bar(7))|\(bar(8)) \(bar(9))|\(bar(6)) \(bar(7))|\(bar(4)) \(bar(5))"
    return "X:\(n + 1)\nT:Tune \(n + 1)\nM:4/4\nL:1/8\nK:C\n|:\(a):|\n|:\(b):|"
  }

  @Test func fittedOnTrainingTunesItMakesRepeatedBarsCheapOnHeldOutOnes() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // An LSTM that knows nothing (the same distribution after every character): all the gain is the copy model's.
    let symbols = Vocabulary(tunes: Self.tunes).symbols
    let model = try GenerateTestModels.save(
      try GenerateTestModels.fixedLogits(symbols: symbols, logits: Array(repeating: 0, count: symbols.count)),
      in: dir + "/models")
    let corpus = try Support.write(Self.tunes.joined(separator: "\n\n") + "\n", named: "c.abc", in: dir)

    try Support.runStudio(["corpus", "copy-model", "--model", model, "--corpus", corpus])
    let written = (model as NSString).deletingLastPathComponent + "/" + CopyModel.fileName
    let copy = try CopyModel.load(from: written)
    #expect(copy.minimumMatch == CopyModel.defaultMinimumMatch)
    #expect(copy.weights.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect(copy.weight(length: 12) > 0.5, "long matches continue in these tunes: \(copy.weights)")

    var config = StudioConfig()
    config.data.validationFraction = 0.2
    let evaluation = try EvaluationJob(
      modelName: model, samples: 2, seed: 1, corpusPaths: [corpus], batch: 2, config: config
    ).run()
    let heldOut = try #require(evaluation.heldOut)
    let withCopy = try #require(heldOut.withCopy)
    #expect(withCopy.bitsPerCharacter < heldOut.bitsPerCharacter - 0.5)
    let alone = try #require(heldOut.barCost?.all.ratio)
    let mixed = try #require(withCopy.barCost.all.ratio)
    #expect(abs(alone - 1) < 0.05, "a memoryless model pays the same for repeated and new bars")
    #expect(mixed < 0.7, "the first characters of a repeated bar come before any match: \(mixed)")
    #expect(evaluation.text.contains("validation with the copy model"))

    // generation.copy_model: false → the LSTM alone.
    config.generation.copyModel = false
    let off = try EvaluationJob(modelName: model, samples: 2, seed: 1, corpusPaths: [corpus], batch: 2, config: config)
      .run()
    #expect(off.heldOut?.withCopy == nil)
  }

  @Test func withoutACorpusItSaysSoWithExitStatus2() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let symbols = Vocabulary(tunes: Self.tunes).symbols
    let model = try GenerateTestModels.save(
      try GenerateTestModels.fixedLogits(symbols: symbols, logits: Array(repeating: 0, count: symbols.count)),
      in: dir + "/models")
    #expect {
      try Support.runStudio(["corpus", "copy-model", "--model", model, "--corpus", dir + "/absent.abc"])
    } throws: { ($0 as? StudioFailure)?.exitCode == 2 }
  }
}
