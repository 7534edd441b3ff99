import Foundation
import Testing

@testable import studio

/// `studio evaluate --format json` on a shipped model, run as a user runs it (the built binary in a subprocess).
@Suite struct EvaluateFormCLITests {
  @Test(.enabled(if: MIDICLITests.built)) func evaluateReportsFormBesideTheCorpusAsJSON() throws {
    let model = GenerateTestSupport.packageRoot + "/models/irish/model.safetensors"
    guard FileManager.default.fileExists(atPath: model) else {
      print("evaluateReportsFormBesideTheCorpusAsJSON: skipped: \(model) is absent")
      return
    }
    let dir = try GenerateTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let tunes = [TuneFormTests.reel, TuneFormTests.jig, TuneFormTests.waltz, TuneFormTests.fifth]
    let corpus = try GenerateTestSupport.write(tunes.joined(separator: "\n\n") + "\n", named: "c.abc", in: dir)
    // The corpus figures are cached under XDG_CACHE_HOME: point it at the temporary directory.
    let process = Process()
    process.executableURL = try #require(MIDICLITests.studio)
    process.arguments = [
      "evaluate", "--model", model, "--samples", "1", "--seed", "7", "--corpus", corpus, "--format", "json",
      "--config", GenerateTestSupport.defaultsConfig,
    ]
    process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": dir + "/cache"]) { $1 }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let run = (status: process.terminationStatus, stdout: stdout)
    #expect(run.status == 0 || run.status == 1)
    let cached = try FileManager.default.contentsOfDirectory(atPath: dir + "/cache/studio/evaluate")
    #expect(cached.count == 1 && cached[0].hasPrefix("corpus-form-v"), "\(cached)")
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let evaluation = try decoder.decode(ModelEvaluation.self, from: Data(run.stdout.utf8))
    let generation = try #require(evaluation.generation)
    #expect(generation.requested == 1)
    #expect(generation.accepted + generation.failed == 1)
    #expect(generation.acceptanceRate > 0 && generation.tunesPerSecond > 0)
    let form = try #require(evaluation.form)
    let corpusForm = try #require(form.corpus)
    // The corpus side is the four hand-counted tunes: parts 2 + 2 + 1 + 2, of 8 bars 5, ending on the tonic 3.
    #expect(corpusForm.tunes == 4 && corpusForm.parts == 7)
    #expect(corpusForm.sharePartsOf8Bars == 5.0 / 7)
    #expect(corpusForm.shareEndingOnTonic == 3.0 / 4)
    #expect(corpusForm.shareStrictClean != nil)
    #expect(form.samples.tunes == generation.accepted)
    #expect(form.largestMeterGap != nil && form.largestKeyGap != nil)
    #expect(evaluation.novelty?.samples == generation.accepted)
    #expect(run.stdout.contains("\"shareTunesAllParts8Or16\""))
  }
}
