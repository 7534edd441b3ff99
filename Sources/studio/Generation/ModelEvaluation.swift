import Foundation
import LSTM

/// The measurements of `studio evaluate`: validity and novelty of sampled tunes, and validation bits per character.
struct ModelEvaluation: Codable, Sendable {
  /// Share targets from the quality requirements.
  static let validityTarget = 0.95
  static let noveltyTarget = 0.95
  /// Longest shared run (characters) below which a tune counts as novel.
  static let noveltyThreshold = 40

  /// Validity of `samples` tunes sampled once each with the default generation settings.
  struct Validity: Codable, Sendable {
    var samples: Int
    /// Tunes without any validator error (the ≥95% target).
    var withoutErrors: Int
    /// Tunes the stricter rejection policy of `studio generate` accepts.
    var accepted: Int
    /// Samples cut off by `max_chars` before the tune ended (counted as invalid).
    var cutOff: Int
    var shareWithoutErrors: Double
    var shareAccepted: Double
    var meetsTarget: Bool
    /// The most frequent reasons for rejection, with counts.
    var rejectionKinds: [GenerationSummary.Tally]
  }

  /// Novelty of the sampled tunes against the training tunes.
  struct Novelty: Codable, Sendable {
    var samples: Int
    var trainingTunes: Int
    /// Runs shorter than this many characters count as novel.
    var threshold: Int
    /// Tunes whose music (the text after the `K:` line) shares no run of `threshold` characters with any training
    /// tune (the ≥95% target).
    var novel: Int
    var shareNovel: Double
    var meetsTarget: Bool
    /// Median and longest shared run of the music.
    var medianLongestRun: Int
    var maximumLongestRun: Int
    /// Median longest run over the whole text, header included (headers repeat corpus conventions).
    var medianLongestRunWholeText: Int
    /// The sample with the longest shared run: its title, the run, and the training tune it occurs in.
    var mostCopied: Example?

    struct Example: Codable, Sendable {
      var sample: Int
      var length: Int
      var run: String
      var trainingTune: String
    }
  }

  /// Bits per character on held-out tunes (each `tune + "\n\n"` scored from a zero state, every character after
  /// the first predicted: the training baseline's convention).
  struct HeldOut: Codable, Sendable {
    var tunes: Int
    var characters: Int
    var bitsPerCharacter: Double
    /// The value recorded in the checkpoint by training, for comparison.
    var checkpointBitsPerCharacter: Double?
  }

  var model: String
  var seed: UInt64
  var settings: SamplingOptions
  var validity: Validity
  var novelty: Novelty?
  var heldOut: HeldOut?
  /// Why novelty or held-out scoring was skipped, and other remarks (e.g. corpus fingerprints that differ).
  var notes: [String]
  var seconds: Double

  /// A readable report.
  var text: String {
    func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
    func mark(_ ok: Bool) -> String { ok ? "meets" : "MISSES" }
    var lines = ["model \(model), seed \(seed), temperature \(settings.temperature), top-k \(settings.topK), "
      + "top-p \(settings.topP), max-chars \(settings.maxCharacters)"]
    lines.append(
      "validity: \(validity.withoutErrors) of \(validity.samples) samples have no validator error "
        + "(\(percent(validity.shareWithoutErrors)); \(mark(validity.meetsTarget)) the ≥\(percent(Self.validityTarget)) target); "
        + "\(validity.accepted) pass the generate rejection policy (\(percent(validity.shareAccepted))); "
        + "\(validity.cutOff) cut off at max-chars")
    if !validity.rejectionKinds.isEmpty {
      lines.append("  rejected for: " + validity.rejectionKinds.prefix(6).map { "\($0.kind) ×\($0.count)" }.joined(separator: ", "))
    }
    if let novelty {
      lines.append(
        "novelty: \(novelty.novel) of \(novelty.samples) tunes share no run of \(novelty.threshold)+ characters of "
          + "music with the \(novelty.trainingTunes) training tunes (\(percent(novelty.shareNovel)); "
          + "\(mark(novelty.meetsTarget)) the ≥\(percent(Self.noveltyTarget)) target); longest shared run: median "
          + "\(novelty.medianLongestRun), max \(novelty.maximumLongestRun) (whole text incl. header: median "
          + "\(novelty.medianLongestRunWholeText))")
      if let example = novelty.mostCopied {
        let shown = example.run.replacingOccurrences(of: "\n", with: "⏎")
        lines.append("  longest: sample \(example.sample) shares \(example.length) characters with \(example.trainingTune): \(shown)")
      }
    }
    if let heldOut {
      var line = String(
        format: "validation: %.4f bits/char on %d held-out tunes (%d characters)", heldOut.bitsPerCharacter,
        heldOut.tunes, heldOut.characters)
      if let recorded = heldOut.checkpointBitsPerCharacter { line += String(format: "; checkpoint says %.4f", recorded) }
      lines.append(line)
    }
    for note in notes { lines.append("note: \(note)") }
    lines.append(String(format: "took %.1f s", seconds))
    return lines.joined(separator: "\n")
  }
}

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
      let run = String(String.UnicodeScalarView(scalars[worst.match.queryOffset..<(worst.match.queryOffset + worst.match.length)]))
      let header = TuneHeader(tune: training[tuneIndex])
      let name = "training tune \(tuneIndex + 1)" + (header.title.map { " \"\($0)\"" } ?? "")
      example = .init(sample: worst.sample + 1, length: worst.match.length, run: run, trainingTune: name)
    }
    return ModelEvaluation.Novelty(
      samples: samples.count, trainingTunes: training.count, threshold: ModelEvaluation.noveltyThreshold, novel: novel,
      shareNovel: share, meetsTarget: share >= ModelEvaluation.noveltyTarget, medianLongestRun: median(runs),
      maximumLongestRun: runs.max() ?? 0, medianLongestRunWholeText: median(wholeRuns), mostCopied: example)
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
