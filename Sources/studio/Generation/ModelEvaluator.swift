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

  /// The held-out score of a model: bits/char of the LSTM alone and, with a copy model, of the mixture; both split
  /// by `BarRepetition` class (the notes of bars that repeat an earlier bar against new bars).
  struct HeldOutScore {
    var bitsPerCharacter: Double
    var characters: Int
    var scoredTunes: Int
    var skipped: Int
    var barCost: ModelEvaluation.HeldOut.BarCost
    /// With the copy model mixed in; `nil` without one.
    var withCopy: (bitsPerCharacter: Double, barCost: ModelEvaluation.HeldOut.BarCost)?
  }

  /// Bits per character of `model` on `tunes`, each scored as `tune + "\n\n"` from a zero state with every character
  /// after the first predicted; tunes are scored `batch` at a time. Tunes with characters outside the model's
  /// vocabulary are skipped (their count is returned). With `copy`, the mixture is scored too.
  /// - Throws: `SamplingError.compute` when the kernels cannot allocate scratch memory.
  static func heldOutBitsPerCharacter(
    model: LanguageModel, tunes: [String], batch: Int = 16, copy: CopyModel? = nil
  ) throws -> HeldOutScore {
    var scored: [(ids: [Int32], classes: [BarRepetition.Class])] = []
    var skipped = 0
    for tune in tunes {
      if let ids = try? model.vocabulary.encode(tune + "\n\n") {
        scored.append((ids, BarRepetition.classes(of: tune)))
      } else {
        skipped += 1
      }
    }
    var plain = LossTally()
    var mixed = LossTally()
    var trackers: [CopyTracker] = []
    var mixedLogits: [Float] = []
    try score(model: model, sequences: scored.map(\.ids), batch: batch) { index, position, logits in
      let sequence = scored[index].ids
      let classes = scored[index].classes
      let target = Int(sequence[position])
      let kind = position < classes.count ? classes[position] : .other
      plain.add(nats: nats(logits, target), position: position, kind: kind)
      if let copy {
        if trackers.count <= index { trackers += Array(repeating: CopyTracker(minimumMatch: copy.minimumMatch), count: index + 1 - trackers.count) }
        if trackers[index].history.count < position {
          for p in trackers[index].history.count..<position { trackers[index].append(sequence[p]) }
        }
        mixedLogits = logits
        copy.mix(&mixedLogits, prediction: trackers[index].prediction)
        mixed.add(nats: nats(mixedLogits, target), position: position, kind: kind)
      }
    }
    return HeldOutScore(
      bitsPerCharacter: plain.bitsPerCharacter, characters: plain.characters, scoredTunes: scored.count,
      skipped: skipped, barCost: plain.barCost, withCopy: copy.map { _ in (mixed.bitsPerCharacter, mixed.barCost) })
  }

  /// What the copy model needs to be fitted: for every predicted character of `tunes` (as scored above), the LSTM's
  /// probability of it and the match the copy model had.
  static func copyObservations(
    model: LanguageModel, tunes: [String], minimumMatch: Int, batch: Int = 16
  ) throws -> [CopyModel.Observation] {
    let sequences = tunes.compactMap { try? model.vocabulary.encode($0 + "\n\n") }
    var trackers = [CopyTracker](repeating: CopyTracker(minimumMatch: minimumMatch), count: sequences.count)
    var observations: [CopyModel.Observation] = []
    try score(model: model, sequences: sequences, batch: batch) { index, position, logits in
      let sequence = sequences[index]
      for p in trackers[index].history.count..<position { trackers[index].append(sequence[p]) }
      guard let prediction = trackers[index].prediction else { return }
      let target = Int(sequence[position])
      observations.append(
        .init(
          probability: exp(-nats(logits, target)), predictedRight: Int(prediction.token) == target,
          length: prediction.length))
    }
    return observations
  }

  /// Runs `model` over `sequences` (`batch` at a time, shortest first, each from a zero state) and calls `visit`
  /// with (sequence index, predicted position ≥ 1, logits after the characters before it).
  private static func score(
    model: LanguageModel, sequences: [[Int32]], batch: Int,
    visit: (_ index: Int, _ position: Int, _ logits: [Float]) -> Void
  ) throws {
    let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
    for start in stride(from: 0, to: order.count, by: batch) {
      let group = Array(order[start..<min(order.count, start + batch)])
      let sampler = model.makeSampler(batch: group.count)
      sampler.reset()
      let span = (group.map { sequences[$0].count }.max() ?? 1) - 1
      var input = [Int32](repeating: 0, count: group.count)
      for position in 0..<span {
        for (row, index) in group.enumerated() {
          input[row] = position < sequences[index].count ? sequences[index][position] : 0
        }
        try sampler.feed(input)
        for (row, index) in group.enumerated() where position + 1 < sequences[index].count {
          visit(index, position + 1, sampler.logits(row: row))
        }
      }
    }
  }

  /// −log p(target) under `logits`.
  private static func nats(_ logits: [Float], _ target: Int) -> Double {
    var maxLogit = -Double.infinity
    for z in logits { maxLogit = max(maxLogit, Double(z)) }
    var sum = 0.0
    for z in logits { sum += exp(Double(z) - maxLogit) }
    return maxLogit + log(sum) - Double(logits[target])
  }

  /// Nats by character, and by bar class before and after `BarCost.split`.
  private struct LossTally {
    var nats = 0.0
    var characters = 0
    /// [early/late][new/repeated]
    var barNats = [[0.0, 0.0], [0.0, 0.0]]
    var barCharacters = [[0, 0], [0, 0]]

    mutating func add(nats n: Double, position: Int, kind: BarRepetition.Class) {
      nats += n
      characters += 1
      guard kind == .newBar || kind == .repeatedBar else { return }
      let half = position < ModelEvaluation.HeldOut.BarCost.split ? 0 : 1
      let k = kind == .repeatedBar ? 1 : 0
      barNats[half][k] += n
      barCharacters[half][k] += 1
    }

    var bitsPerCharacter: Double { characters > 0 ? nats / Double(characters) / log(2) : .nan }

    var barCost: ModelEvaluation.HeldOut.BarCost {
      func pair(_ halves: [Int]) -> ModelEvaluation.HeldOut.BarCost.Pair {
        func count(_ k: Int) -> Int { halves.reduce(0) { $0 + barCharacters[$1][k] } }
        func bpc(_ k: Int) -> Double {
          count(k) > 0 ? halves.reduce(0.0) { $0 + barNats[$1][k] } / Double(count(k)) / log(2) : 0
        }
        return .init(
          repeatedCharacters: count(1), repeatedBitsPerCharacter: bpc(1), newCharacters: count(0),
          newBitsPerCharacter: bpc(0))
      }
      return .init(all: pair([0, 1]), early: pair([0]), late: pair([1]))
    }
  }

  private static func median(_ values: [Int]) -> Int {
    guard !values.isEmpty else { return 0 }
    return values.sorted()[(values.count - 1) / 2]
  }
}
