/// The rejection policy for generated tunes (LSTM output; abc-reference.md §11, last paragraph).
public struct GenerationPolicy: Hashable, Sendable {
  /// Fewest bars of music accepted.
  public var minimumBars: Int
  /// Most bars of music accepted.
  public var maximumBars: Int
  /// Fewest notes accepted.
  public var minimumNotes: Int
  /// Largest share of bars whose length does not fit the meter (ABC018 warnings); one such bar is always allowed.
  /// A model that loses count of the beat writes tunes that no longer scan in their metre: valid ABC, wrong music.
  public var maximumIrregularBarShare: Double

  public init(minimumBars: Int = 4, maximumBars: Int = 64, minimumNotes: Int = 8, maximumIrregularBarShare: Double = 0.1)
  {
    self.minimumBars = minimumBars
    self.maximumBars = maximumBars
    self.minimumNotes = minimumNotes
    self.maximumIrregularBarShare = maximumIrregularBarShare
  }
}

extension ABCValidator {
  /// Decides whether a generated tune is kept: no error under strict validation, a `K:` line, at least one bar of
  /// music, every voice ending with a bar line, balanced repeats and endings (ABC019–021 reject), a bar count within
  /// the policy's limits, at least `minimumNotes` notes, and few bars whose length disagrees with the meter (at most
  /// `maximumIrregularBarShare` of them, and always one). Other warnings are accepted (count them from `validate`).
  ///
  /// - Returns: `accepted` and one human-readable reason per failed rule (empty when accepted).
  public static func acceptsGenerated(_ tune: ABCTune, policy: GenerationPolicy = GenerationPolicy())
    -> (accepted: Bool, reasons: [String])
  {
    var reasons: [String] = []
    let diags = ABCValidator(options: Options(strict: true)).validate(tune)
    var seen: Set<String> = []
    for d in diags where d.severity == .error && seen.insert(d.id.rawValue).inserted {
      reasons.append("error \(d.id.code) [\(d.id.rawValue)] at \(d.location): \(d.message)")
    }
    for d in diags
    where [DiagnosticID.repeatMissingStart, .repeatUnclosed, .repeatDuplicateStart, .endingMisplaced].contains(d.id) {
      if seen.insert(d.id.rawValue).inserted { reasons.append("unbalanced repeats (\(d.id.code)): \(d.message)") }
    }
    if tune.key == nil { reasons.append("no K: line") }
    var checker = TuneChecker(tune: tune, strict: true, checkBars: false)
    checker.run()
    let stats = checker.statistics
    if stats.bars == 0 { reasons.append("no bar of music") }
    if stats.bars > 0 && stats.bars < policy.minimumBars {
      reasons.append("only \(stats.bars) bars (at least \(policy.minimumBars) needed)")
    }
    if stats.bars > policy.maximumBars { reasons.append("\(stats.bars) bars (at most \(policy.maximumBars) allowed)") }
    if stats.notes < policy.minimumNotes {
      reasons.append("only \(stats.notes) notes (at least \(policy.minimumNotes) needed)")
    }
    let irregular = diags.filter { $0.id == .barOverfull || $0.id == .barUnderfull }.count
    let allowedIrregular = max(1, Int(policy.maximumIrregularBarShare * Double(stats.bars)))
    if irregular > allowedIrregular {
      reasons.append("\(irregular) of \(stats.bars) bars do not fit the meter (at most \(allowedIrregular) allowed)")
    }
    for v in stats.voicesNotEndingWithBar {
      reasons.append("voice \(v.isEmpty ? "1" : v) does not end with a bar line")
    }
    return (reasons.isEmpty, reasons)
  }
}
