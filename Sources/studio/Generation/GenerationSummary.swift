/// Counters of a generation run.
struct GenerationSummary: Sendable, Codable, Equatable {
  /// Tunes asked for.
  var requested: Int
  /// Tunes produced.
  var accepted: Int
  /// Tunes given up after `maxAttempts` rejected samples.
  var failed: Int
  /// Samples judged, counting for each tune its attempts up to and including the kept (or last) one — the samples a
  /// one-by-one run would have drawn.
  var samplesJudged: Int
  /// `accepted / samplesJudged` (1 in `--raw` mode).
  var acceptanceRate: Double
  /// Sequences actually sampled, including attempts drawn ahead in free batch rows and later found unnecessary.
  var sequencesSampled: Int
  /// Characters the model sampled in all sequences.
  var charactersSampled: Int
  /// Rejections by kind (`ABC018 error`, `unbalanced repeats ABC019`, `max-chars`, …), most frequent first.
  var rejectionKinds: [Tally]
  /// Wall time of the run in seconds: sampling, validation and the per-tune handler (writing files).
  var seconds: Double

  struct Tally: Sendable, Codable, Equatable {
    var kind: String
    var count: Int
  }
}

/// Progress of a generation run, reported after each finished sample.
struct GenerationProgress: Sendable {
  var accepted: Int
  var failed: Int
  var requested: Int
  var sequencesSampled: Int
  var charactersSampled: Int
}
