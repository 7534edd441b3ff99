import Foundation
import LSTM

/// The measurements of `studio evaluate`: validity of single samples; tunes generated as `studio generate` writes
/// them (acceptance rate, speed, form beside the corpus's, cleanliness, novelty); validation bits per character.
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
    /// Median longest run over the whole text, header included (headers repeat corpus conventions such as
    /// `Z: id:dc-reel-…` / `M:C|` / `L:1/8` / `K:D Major`, so this is reported for information only).
    var medianLongestRunWholeText: Int
    /// Share of samples whose whole text (header included) shares no run of `threshold` characters.
    var shareNovelWholeText: Double
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
    /// What the model pays for the notes of bars that repeat an earlier bar of the same tune against new bars
    /// (`BarRepetition`), over the whole tune and split at the tune's 150th character. `nil` in older reports.
    var barCost: BarCost?
    /// The same with the model's copy model (`copy.json`) mixed in, as `studio generate` samples; `nil` without one.
    var withCopy: WithCopy?

    struct WithCopy: Codable, Sendable {
      var bitsPerCharacter: Double
      var barCost: BarCost
    }

    struct BarCost: Codable, Sendable {
      /// Where `early` ends and `late` begins, in characters from the start of the tune.
      static let split = 150
      var all: Pair
      var early: Pair
      var late: Pair
      /// The target: repeated bars at most half the bits/char of new bars.
      static let target = 0.5
      var meetsTarget: Bool { all.ratio.map { $0 <= Self.target } ?? false }

      struct Pair: Codable, Sendable {
        var repeatedCharacters: Int
        var repeatedBitsPerCharacter: Double
        var newCharacters: Int
        var newBitsPerCharacter: Double
        /// Repeated over new bits/char.
        var ratio: Double? { newBitsPerCharacter > 0 && repeatedCharacters > 0 ? repeatedBitsPerCharacter / newBitsPerCharacter : nil }
      }
    }
  }

  /// Tunes generated through the rejection policy, as `studio generate` writes them.
  struct Generation: Codable, Sendable {
    var requested: Int
    var accepted: Int
    /// Tunes given up on after `maxAttempts` samples.
    var failed: Int
    var maxAttempts: Int
    /// Structure-aware sampling was on (generation.structure), and steered by the model's `form.json`.
    var structure: Bool
    var formProfile: Bool
    var samplesJudged: Int
    /// Accepted tunes over samples judged.
    var acceptanceRate: Double
    var seconds: Double
    /// Accepted tunes per second of sampling.
    var tunesPerSecond: Double
    var rejectionKinds: [GenerationSummary.Tally]
  }

  var model: String
  var seed: UInt64
  var settings: SamplingOptions
  var validity: Validity
  /// The generated tunes; `nil` in reports written before generation was measured.
  var generation: Generation?
  /// Novelty of the generated tunes against the training tunes.
  var novelty: Novelty?
  /// The corpus's own novelty: its held-out tunes against its training tunes.
  var corpusNovelty: Novelty?
  /// Form and cleanliness of the generated tunes beside the corpus's.
  var form: FormComparison?
  var heldOut: HeldOut?
  /// Why novelty or held-out scoring was skipped, and other remarks (e.g. corpus fingerprints that differ).
  var notes: [String]
  var seconds: Double

  /// A readable report.
  var text: String {
    func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
    func mark(_ ok: Bool) -> String { ok ? "meets" : "MISSES" }
    var lines = [
      "model \(model), seed \(seed), temperature \(settings.temperature), top-k \(settings.topK), "
        + "top-p \(settings.topP), max-chars \(settings.maxCharacters)"
    ]
    lines.append(
      "validity: \(validity.withoutErrors) of \(validity.samples) samples have no validator error "
        + "(\(percent(validity.shareWithoutErrors)); \(mark(validity.meetsTarget)) the ≥\(percent(Self.validityTarget)) target); "
        + "\(validity.accepted) pass the generate rejection policy (\(percent(validity.shareAccepted))); "
        + "\(validity.cutOff) cut off at max-chars")
    if !validity.rejectionKinds.isEmpty {
      lines.append(
        "  rejected for: " + validity.rejectionKinds.prefix(6).map { "\($0.kind) ×\($0.count)" }.joined(separator: ", ")
      )
    }
    if let generation {
      lines.append(
        "generated: \(generation.accepted) of \(generation.requested) tunes as `studio generate` writes them "
          + "(\(generation.failed) given up after \(generation.maxAttempts) attempts; structure-aware sampling "
          + (generation.structure ? (generation.formProfile ? "on, form.json" : "on, no form.json") : "off")
          + "); acceptance rate "
          + "\(percent(generation.acceptanceRate)) (\(generation.accepted) of \(generation.samplesJudged) samples); "
          + String(format: "%.2f tunes/s (%.1f s)", generation.tunesPerSecond, generation.seconds))
      if !generation.rejectionKinds.isEmpty {
        lines.append(
          "  rejected for: "
            + generation.rejectionKinds.prefix(6).map { "\($0.kind) ×\($0.count)" }.joined(separator: ", "))
      }
    }
    if let form { lines.append(contentsOf: form.table) }
    if let corpusNovelty {
      lines.append(
        "corpus novelty: \(corpusNovelty.novel) of \(corpusNovelty.samples) held-out tunes share no run of "
          + "\(corpusNovelty.threshold)+ characters of music with the training tunes (\(percent(corpusNovelty.shareNovel)))")
    }
    if let novelty {
      lines.append(
        "novelty: \(novelty.novel) of \(novelty.samples) tunes share no run of \(novelty.threshold)+ characters of "
          + "music with the \(novelty.trainingTunes) training tunes (\(percent(novelty.shareNovel)); "
          + "\(mark(novelty.meetsTarget)) the ≥\(percent(Self.noveltyTarget)) target); longest shared run: median "
          + "\(novelty.medianLongestRun), max \(novelty.maximumLongestRun) (whole text incl. header: median "
          + "\(novelty.medianLongestRunWholeText), novel \(percent(novelty.shareNovelWholeText)))")
      if let example = novelty.mostCopied {
        let shown = example.run.replacingOccurrences(of: "\n", with: "⏎")
        lines.append(
          "  longest: sample \(example.sample) shares \(example.length) characters with \(example.trainingTune): \(shown)"
        )
      }
    }
    if let heldOut {
      var line = String(
        format: "validation: %.4f bits/char on %d held-out tunes (%d characters)", heldOut.bitsPerCharacter,
        heldOut.tunes, heldOut.characters)
      if let recorded = heldOut.checkpointBitsPerCharacter {
        line += String(format: "; checkpoint says %.4f", recorded)
      }
      lines.append(line)
      func barLines(_ cost: HeldOut.BarCost, _ what: String) {
        func describe(_ pair: HeldOut.BarCost.Pair) -> String {
          String(
            format: "repeated %.3f bits/char (%d chars), new %.3f (%d chars), ratio %@", pair.repeatedBitsPerCharacter,
            pair.repeatedCharacters, pair.newBitsPerCharacter, pair.newCharacters,
            pair.ratio.map { String(format: "%.2f", $0) } ?? "-")
        }
        lines.append(
          "  \(what), notes of bars repeating an earlier bar of the tune against new bars: \(describe(cost.all)) — "
            + "\(mark(cost.meetsTarget)) target ≤ \(HeldOut.BarCost.target)")
        lines.append("    first \(HeldOut.BarCost.split) characters: \(describe(cost.early))")
        lines.append("    after them: \(describe(cost.late))")
      }
      if let cost = heldOut.barCost { barLines(cost, "LSTM alone") }
      if let copy = heldOut.withCopy {
        lines.append(String(format: "validation with the copy model (copy.json): %.4f bits/char", copy.bitsPerCharacter))
        barLines(copy.barCost, "with the copy model")
      }
    }
    for note in notes { lines.append("note: \(note)") }
    lines.append(String(format: "took %.1f s", seconds))
    return lines.joined(separator: "\n")
  }
}
