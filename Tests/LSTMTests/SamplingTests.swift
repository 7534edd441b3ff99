import Foundation
import Testing

@testable import LSTM

@Suite struct SamplingTests {
  func model(seed: UInt64 = 3, layers: Int = 2, hidden: Int = 20) throws -> (LanguageModel, Checkpoint) {
    let data = tinyData()
    let checkpoint = Checkpoint(
      parameters: tinyModel(data.vocabulary, hidden: hidden, layers: layers, seed: seed),
      vocabulary: data.vocabulary)
    return (try LanguageModel(checkpoint: checkpoint, threads: 2), checkpoint)
  }

  /// The sampler's step-by-step logits equal the double-precision reference forward pass (|Δ| ≤ 1e-5).
  @Test(arguments: [1, 2, 3])
  func stepLogitsMatchTheReference(layers: Int) throws {
    let (lm, checkpoint) = try model(layers: layers, hidden: 37)
    let text = "X:1\nK:D\nABcd efga|"
    let logits = try lm.logits(for: text)
    let reference = ReferenceLSTM(checkpoint.parameters)
      .logits(tokens: try checkpoint.vocabulary.encode(text), batch: 1)
    #expect(logits.count == reference.count)
    for (row, ref) in zip(logits, reference) {
      for (a, b) in zip(row, ref) { #expect(abs(Double(a) - b) <= 1e-5, "\(a) vs \(b)") }
    }
  }

  /// The same seed gives the same samples; another seed different ones; greedy decoding ignores the seed.
  @Test func samplingIsDeterministicWithASeed() throws {
    let (lm, _) = try model()
    let sampler = lm.makeSampler(batch: 3)
    let options = SamplingOptions(temperature: 1, topK: 0, topP: 1, maxCharacters: 60)
    var a = SplitMix64(seed: 11)
    var b = SplitMix64(seed: 11)
    var c = SplitMix64(seed: 12)
    let first = try sampler.generate(prompt: "X:", options: options, using: &a)
    let second = try sampler.generate(prompt: "X:", options: options, using: &b)
    let third = try sampler.generate(prompt: "X:", options: options, using: &c)
    #expect(first == second)
    #expect(first != third)
    #expect(first.allSatisfy { $0.text.unicodeScalars.count == 60 })
    #expect(Set(first.map(\.text)).count > 1, "the three sequences of a batch draw independently")

    var greedyOptions = options
    greedyOptions.temperature = 0
    var g1 = SplitMix64(seed: 1)
    var g2 = SplitMix64(seed: 2)
    let greedy1 = try sampler.generate(prompt: "X:", options: greedyOptions, using: &g1)
    let greedy2 = try sampler.generate(prompt: "X:", options: greedyOptions, using: &g2)
    #expect(greedy1 == greedy2)
    #expect(Set(greedy1.map(\.text)).count == 1, "identical prompts decode identically")
  }

  /// Greedy decoding follows the argmax of the reference logits character by character.
  @Test func greedyFollowsTheArgmax() throws {
    let (lm, checkpoint) = try model(seed: 8)
    var rng = SplitMix64(seed: 0)
    let out = try lm.makeSampler().generate(
      prompt: "X:1\n", options: SamplingOptions(temperature: 0, maxCharacters: 25), using: &rng)[0].text
    let reference = ReferenceLSTM(checkpoint.parameters)
    var text = "X:1\n"
    for _ in 0..<25 {
      let last = reference.logits(tokens: try checkpoint.vocabulary.encode(text), batch: 1).last!
      let best = last.indices.max { last[$0] < last[$1] }!
      text += checkpoint.vocabulary.symbols[best]
    }
    #expect("X:1\n" + out == text)
  }

  /// top-k 1 is greedy; the stop condition ends a sequence (e.g. at the end of a tune) and is reported.
  @Test func topKAndStopCondition() throws {
    let (lm, _) = try model()
    let sampler = lm.makeSampler(batch: 2)
    var r1 = SplitMix64(seed: 5)
    var r2 = SplitMix64(seed: 6)
    let topOne = try sampler.generate(
      prompt: "K", options: .init(temperature: 1.3, topK: 1, maxCharacters: 30),
      using: &r1)
    let greedy = try sampler.generate(prompt: "K", options: .init(temperature: 0, maxCharacters: 30), using: &r2)
    #expect(topOne == greedy)
    var r3 = SplitMix64(seed: 7)
    let stopped = try sampler.generate(
      prompt: "X", options: .init(temperature: 1, topP: 0.9, maxCharacters: 500),
      using: &r3
    ) { sequence, text in
      sequence == 0 ? text.unicodeScalars.count == 5 : text.hasSuffix("d")
    }
    #expect(stopped[0].stopped && stopped[0].text.unicodeScalars.count == 5)
    #expect(!stopped[1].stopped || stopped[1].text.hasSuffix("d"))
  }

  /// Unknown prompt characters and invalid options are errors.
  @Test func rejectsBadInput() throws {
    let (lm, _) = try model()
    var rng = SplitMix64(seed: 1)
    #expect(throws: SamplingError.self) { try lm.makeSampler().generate(prompt: "Zé", options: .init(), using: &rng) }
    let vocabularySize = lm.hyperparameters.vocabularySize
    #expect(throws: SamplingError.invalidTokens(count: 1, batch: 1, vocabularySize: vocabularySize)) {
      try lm.makeSampler().feed([Int32(vocabularySize)])
    }
    #expect(throws: SamplingError.invalidTokens(count: 1, batch: 2, vocabularySize: vocabularySize)) {
      try lm.makeSampler(batch: 2).feed([0])
    }
    #expect(throws: SamplingError.invalidOption(name: "top_p", value: "0.0", expected: "a probability in (0, 1]")) {
      try lm.makeSampler().generate(prompt: "X", options: .init(topP: 0), using: &rng)
    }
  }
}
