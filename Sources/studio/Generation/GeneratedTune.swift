/// One tune `TuneGenerator` produced.
struct GeneratedTune: Sendable {
  /// 1-based position in the run; also its `X:` number.
  var number: Int
  /// The tune file's text: with its own `X:` and a title (unless `--raw`, which keeps the sample as written).
  var text: String
  /// The title (from the model's `T:` line, `--title`, or made up).
  var title: String
  /// True when the title was made up because the model gave none.
  var titleGenerated: Bool
  /// Which attempt was kept (1 = the first sample was accepted).
  var attempts: Int
  /// Characters the model sampled for the kept attempt (the fixed prime excluded).
  var sampledCharacters: Int
  /// How the kept sample ended.
  var ending: TuneText.Ending
  /// Parse and validation result of `text` (in `--raw` mode computed for information only).
  var check: TuneCheck
  /// One line per rejected earlier attempt: `attempt 2: <reason>`.
  var rejections: [String]
  /// Rewrites `TuneNormalizer` made to the sample (e.g. "start repeats made explicit"); empty in `--raw` mode.
  var changes: [String] = []
}

/// A tune for which every attempt was rejected.
struct GenerationFailure: Sendable, Equatable {
  var number: Int
  var attempts: Int
  /// The reasons of the last attempt.
  var lastReasons: [String]
}
