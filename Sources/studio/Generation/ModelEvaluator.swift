import Foundation
import LSTM

/// Computes `ModelEvaluation`s.
enum ModelEvaluator {
  /// Validity of single samples (no retries): `tunes` as `TuneGenerator` produced them in `--raw` mode, judged as
  /// `studio generate` would write them (own `X:`, a title, `TuneNormalizer`'s rewrites).
  static func validity(of tunes: [GeneratedTune], seed: UInt64) -> ModelEvaluation.Validity {
    var withoutErrors = 0
    var accepted = 0
    var cutOff = 0
    var kinds: [String: Int] = [:]
    for tune in tunes {
      let check = TuneCheck(TuneGenerator.finish(tune.text, number: tune.number, seed: seed).text)
      let cut = tune.ending == .maxCharacters
      if cut {
        cutOff += 1
        kinds["cut off at --max-chars", default: 0] += 1
      }
      if check.errors == 0 && !cut { withoutErrors += 1 }
      if check.accepted && !cut { accepted += 1 }
      for reason in check.reasons { kinds[TuneGenerator.kind(of: reason), default: 0] += 1 }
    }
    let n = max(1, tunes.count)
    let share = Double(withoutErrors) / Double(n)
    return ModelEvaluation.Validity(
      samples: tunes.count, withoutErrors: withoutErrors, accepted: accepted, cutOff: cutOff, shareWithoutErrors: share,
      shareAccepted: Double(accepted) / Double(n), meetsTarget: share >= ModelEvaluation.validityTarget,
      rejectionKinds: kinds.map { .init(kind: $0.key, count: $0.value) }
        .sorted { $0.count != $1.count ? $0.count > $1.count : $0.kind < $1.kind })
  }

  /// Novelty of `samples` (tune texts) against `training` tunes.
  static func novelty(of samples: [String], training: [String]) -> ModelEvaluation.Novelty {
    let index = NoveltyIndex(tunes: training)
    var runs: [Int] = []
    var wholeRuns: [Int] = []
    var worst: (sample: Int, match: NoveltyIndex.Match, body: Substring)?
    for (i, sample) in samples.enumerated() {
      let body = TuneHeader.body(of: sample)
      let match = index.longestMatch(in: String(body))
      runs.append(match.length)
      wholeRuns.append(index.longestMatch(in: sample).length)
      if match.length > (worst?.match.length ?? -1) { worst = (i, match, body) }
    }
    let novel = runs.filter { $0 < ModelEvaluation.noveltyThreshold }.count
    let share = samples.isEmpty ? 0 : Double(novel) / Double(samples.count)
    var example: ModelEvaluation.Novelty.Example?
    if let worst, worst.match.length > 0, let tuneIndex = worst.match.tuneIndex {
      let scalars = Array(worst.body.unicodeScalars)
      let run = String(
        String.UnicodeScalarView(scalars[worst.match.queryOffset..<(worst.match.queryOffset + worst.match.length)]))
      let header = TuneHeader(tune: training[tuneIndex])
      let name = "training tune \(tuneIndex + 1)" + (header.title.map { " \"\($0)\"" } ?? "")
      example = .init(sample: worst.sample + 1, length: worst.match.length, run: run, trainingTune: name)
    }
    return ModelEvaluation.Novelty(
      samples: samples.count, trainingTunes: training.count, threshold: ModelEvaluation.noveltyThreshold, novel: novel,
      shareNovel: share, meetsTarget: share >= ModelEvaluation.noveltyTarget, medianLongestRun: median(runs),
      maximumLongestRun: runs.max() ?? 0, medianLongestRunWholeText: median(wholeRuns),
      shareNovelWholeText: samples.isEmpty
        ? 0 : Double(wholeRuns.filter { $0 < ModelEvaluation.noveltyThreshold }.count) / Double(samples.count),
      mostCopied: example)
  }

  /// Bits per character of `model` on `tunes`, each scored as `tune + "\n\n"` from a zero state with every character
  /// after the first predicted; tunes are scored `batch` at a time. Tunes with characters outside the model's
  /// vocabulary are skipped (their count is returned).
  /// - Throws: `SamplingError.compute` when the kernels cannot allocate scratch memory.
  static func heldOutBitsPerCharacter(model: LanguageModel, tunes: [String], batch: Int = 16) throws -> (
    bitsPerCharacter: Double, characters: Int, scoredTunes: Int, skipped: Int
  ) {
    var sequences: [[Int32]] = []
    var skipped = 0
    for tune in tunes {
      if let ids = try? model.vocabulary.encode(tune + "\n\n") { sequences.append(ids) } else { skipped += 1 }
    }
    sequences.sort { $0.count < $1.count }
    var totalNats = 0.0
    var characters = 0
    for start in stride(from: 0, to: sequences.count, by: batch) {
      let group = Array(sequences[start..<min(sequences.count, start + batch)])
      let sampler = model.makeSampler(batch: group.count)
      sampler.reset()
      let span = (group.map(\.count).max() ?? 1) - 1
      var input = [Int32](repeating: 0, count: group.count)
      for position in 0..<span {
        for (row, sequence) in group.enumerated() { input[row] = position < sequence.count ? sequence[position] : 0 }
        try sampler.feed(input)
        for (row, sequence) in group.enumerated() where position + 1 < sequence.count {
          let logits = sampler.logits(row: row)
          let target = Int(sequence[position + 1])
          var maxLogit = -Double.infinity
          for z in logits { maxLogit = max(maxLogit, Double(z)) }
          var sum = 0.0
          for z in logits { sum += exp(Double(z) - maxLogit) }
          totalNats += maxLogit + log(sum) - Double(logits[target])
          characters += 1
        }
      }
    }
    let bits = characters > 0 ? totalNats / Double(characters) / log(2) : .nan
    return (bits, characters, sequences.count, skipped)
  }

  private static func median(_ values: [Int]) -> Int {
    guard !values.isEmpty else { return 0 }
    return values.sorted()[(values.count - 1) / 2]
  }
}
