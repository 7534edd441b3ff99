import Foundation
import LSTM
import Testing

@testable import studio

/// Temperature, top-k, top-p and seeding, on hand-set logits and on a hand-set model driven through the CLI.
@Suite struct GenerateSamplingTests {
  typealias Support = GenerateTestSupport

  /// Probabilities 0.5, 0.3, 0.15, 0.05 for ids 0…3.
  static let logits: [Float] = [0.5, 0.3, 0.15, 0.05].map { Float(log($0)) }

  func counts(_ options: SamplingOptions, draws: Int = 4000, seed: UInt64 = 1) -> [Int] {
    var chooser = TokenChooser(options: options)
    var generator = SplitMix64(seed: seed)
    var counts = [0, 0, 0, 0]
    for _ in 0..<draws { counts[Int(chooser.choose(from: Self.logits, using: &generator))] += 1 }
    return counts
  }

  @Test func greedyAlwaysTakesTheLargestLogit() {
    #expect(counts(SamplingOptions(temperature: 0)) == [4000, 0, 0, 0])
    var chooser = TokenChooser(options: SamplingOptions(temperature: 0))
    var generator = SplitMix64(seed: 0)
    #expect(chooser.choose(from: [1, 3, 3, 2], using: &generator) == 1, "ties go to the lowest id")
  }

  @Test func temperatureOneFollowsTheDistribution() {
    let c = counts(SamplingOptions(temperature: 1))
    for (count, p) in zip(c, [0.5, 0.3, 0.15, 0.05]) {
      #expect(abs(Double(count) / 4000 - p) < 0.03, "\(c)")
    }
  }

  @Test func lowTemperatureSharpensAndHighTemperatureFlattens() {
    let cold = counts(SamplingOptions(temperature: 0.5))
    let warm = counts(SamplingOptions(temperature: 1))
    let hot = counts(SamplingOptions(temperature: 3))
    #expect(cold[0] > warm[0] && warm[0] > hot[0])
    #expect(cold[3] < warm[3] && warm[3] < hot[3])
    // T = 0.5 squares the probabilities: 0.25 / (0.25 + 0.09 + 0.0225 + 0.0025) ≈ 0.685.
    #expect(abs(Double(cold[0]) / 4000 - 0.685) < 0.03)
  }

  @Test func topKKeepsOnlyTheKMostLikely() {
    let c = counts(SamplingOptions(temperature: 1, topK: 2))
    #expect(c[2] == 0 && c[3] == 0)
    #expect(abs(Double(c[0]) / 4000 - 0.625) < 0.03)  // 0.5 / 0.8
    #expect(counts(SamplingOptions(temperature: 1.7, topK: 1)) == [4000, 0, 0, 0])
  }

  @Test func topPKeepsTheSmallestSetReachingP() {
    // 0.5 < 0.7 ≤ 0.5 + 0.3: ids 0 and 1 only.
    let c = counts(SamplingOptions(temperature: 1, topP: 0.7))
    #expect(c[2] == 0 && c[3] == 0 && c[0] > 0 && c[1] > 0)
    // 0.96 needs all four.
    #expect(counts(SamplingOptions(temperature: 1, topP: 0.96)).allSatisfy { $0 > 0 })
    // 0.5 is reached by id 0 alone.
    #expect(counts(SamplingOptions(temperature: 1, topP: 0.5)) == [4000, 0, 0, 0])
  }

  @Test func perAttemptGeneratorsDependOnSeedTuneAndAttemptOnly() {
    var a = TuneGenerator.generator(seed: 9, tune: 2, attempt: 1)
    var b = TuneGenerator.generator(seed: 9, tune: 2, attempt: 1)
    var c = TuneGenerator.generator(seed: 9, tune: 2, attempt: 2)
    var d = TuneGenerator.generator(seed: 9, tune: 3, attempt: 1)
    let first = a.next()
    #expect(first == b.next())
    #expect(first != c.next())
    #expect(first != d.next())
  }

  // MARK: - Through the CLI, on a hand-set model

  /// Vocabulary and logits of the hand-set model: after the prime the model draws A (0.5), B (0.3), C (0.15),
  /// D (0.05); "\n" and the header characters are practically never drawn.
  static let symbols = ["\n", "1", "2", "3", ":", "A", "B", "C", "D", "K", "L", "M", "T", "X", "/", "8"]
  static func handSetLogits() -> [Float] {
    symbols.map { symbol in
      switch symbol {
      case "A": return Float(log(0.5))
      case "B": return Float(log(0.3))
      case "C": return Float(log(0.15))
      case "D": return Float(log(0.05))
      default: return -40
      }
    }
  }

  /// Runs `studio generate --raw` on the hand-set model and returns the sampled body characters of each tune.
  func sampledBodies(_ extra: [String], count: Int = 3, seed: Int = 5) throws -> [String] {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try GenerateTestModels.save(
      GenerateTestModels.fixedLogits(symbols: Self.symbols, logits: Self.handSetLogits()), in: dir)
    let out = dir + "/out"
    try Support.runStudio(
      [
        "generate", "--model", model, "--raw", "--count", "\(count)", "--seed", "\(seed)", "--max-chars", "120",
        "--out-dir", out,
      ] + extra)
    let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".abc") }.sorted()
    #expect(files.count == count)
    return try files.map { name in
      // The prime is "X:n\n"; everything after it was sampled.
      let text = try Support.read(out + "/" + name)
      return String(text.drop { $0 != "\n" }.dropFirst())
    }
  }

  @Test func cliSamplingHonoursTopKTopPAndGreedy() throws {
    let free = try sampledBodies(["--temperature", "1", "--top-p", "1"]).joined()
    #expect(free.count == 360)  // 3 tunes, cut off at --max-chars 120; --raw keeps them
    #expect(Set(free) == ["A", "B", "C", "D"])
    #expect(Set(try sampledBodies(["--temperature", "1", "--top-k", "2", "--top-p", "1"]).joined()) == ["A", "B"])
    #expect(Set(try sampledBodies(["--temperature", "1", "--top-p", "0.7"]).joined()) == ["A", "B"])
    #expect(Set(try sampledBodies(["--temperature", "0"]).joined()) == ["A"])
    // Temperature: A has probability 0.5 at T = 1, ≈ 0.69 at T = 0.5 and ≈ 0.37 at T = 2.
    func shareOfA(_ temperature: String) throws -> Double {
      let text = try sampledBodies(["--temperature", temperature, "--top-p", "1"]).joined()
      return Double(text.filter { $0 == "A" }.count) / Double(text.count)
    }
    let cold = try shareOfA("0.5")
    let hot = try shareOfA("2")
    #expect(cold > 0.6 && hot < 0.45, "A: \(cold) at T=0.5, \(hot) at T=2")
  }

  @Test func cliSameSeedSameTunesAnyBatchSizeOtherSeedOtherTunes() throws {
    let options = ["--temperature", "1", "--top-p", "1"]
    let first = try sampledBodies(options + ["--batch", "8"], count: 4, seed: 11)
    let again = try sampledBodies(options + ["--batch", "1"], count: 4, seed: 11)
    let other = try sampledBodies(options + ["--batch", "8"], count: 4, seed: 12)
    #expect(first == again)
    #expect(first != other)
    #expect(Set(first).count == 4, "each tune draws its own characters")
  }
}
