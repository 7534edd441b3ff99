import Foundation
import LSTM

/// Samples tunes from a character-level model: priming, batched sampling, end-of-tune detection, validation with the
/// rejection policy, bounded retries, titles and `X:` numbers.
///
/// **Schedule.** Work is sampled in waves of up to `settings.batch` sequences that start together from a zero
/// state. Each sequence is one attempt `a` of tune `n`, with its own `SplitMix64` derived from `(seed, n, a)`. A wave
/// holds the next attempt of every unfinished tune and, while rows are free, further attempts of the same tunes
/// drawn ahead of time. Tune `n` keeps its lowest-numbered accepted attempt, so the output does not depend on the
/// batch size; a sequence whose tune is already settled stops early.
///
/// **Per sequence.** Fixed text of the `PrimePlan` is fed character by character; in a sampled header line and
/// in the body the next character is drawn from the logits (`TokenChooser`). The body ends at an empty line or at a
/// line starting with `X:` (both dropped), or when `sampling.maxCharacters` characters were sampled (rejected
/// as cut off).
///
/// Not `Sendable`; one owner at a time.
final class TuneGenerator {
  /// What the caller gets for each tune, in tune order.
  typealias TuneHandler = (GeneratedTune) throws -> Void

  let model: LanguageModel
  let settings: GenerationSettings
  /// `--title`, trimmed, when given.
  private let fixedTitle: String?
  /// Song titles for a model whose corpus had no `T:` lines (its vocabulary lacks `T`), session-tune names otherwise.
  private let titleStyle: TitleMaker.Style
  private var samplers: [Int: Sampler] = [:]
  private var probeCache: [Unicode.Scalar]?
  /// `STUDIO_DEBUG_STRUCTURE` set: structure-aware sampling explains its rejections, dead ends and cut-offs on stderr.
  private static let debugStructure = ProcessInfo.processInfo.environment["STUDIO_DEBUG_STRUCTURE"] != nil

  /// Why generation could not start.
  struct SetupError: Error, CustomStringConvertible {
    var description: String
  }

  /// - Throws: `PrimePlan.InvalidOption` for bad priming options, `SetupError` for text the model cannot read,
  ///   `SamplingError.invalidOption` for bad sampling options.
  init(model: LanguageModel, settings: GenerationSettings) throws {
    self.model = model
    self.settings = settings
    try settings.sampling.validate()
    guard settings.count >= 1, settings.maxAttempts >= 1, settings.batch >= 1 else {
      throw SetupError(description: "count, max attempts and batch must be at least 1")
    }
    let plan = try settings.primePlan(number: 1, knows: { model.vocabulary.id(of: $0) != nil })
    fixedTitle = plan.fixedTitle
    titleStyle = model.vocabulary.id(of: "T") == nil ? .song : .session
    for case .text(let text) in plan.segments where settings.prime != nil {
      for scalar in text.unicodeScalars where model.vocabulary.id(of: scalar) == nil {
        throw SetupError(
          description: "--prime contains \"\(scalar)\" (U+\(String(scalar.value, radix: 16, uppercase: true))), "
            + "a character the model never saw; remove it")
      }
    }
    for scalar in "X:\n".unicodeScalars where model.vocabulary.id(of: scalar) == nil {
      throw SetupError(
        description:
          "the model's vocabulary lacks \"\(scalar.escaped(asASCII: true))\"; it was not trained on ABC tunes")
    }
  }

  // MARK: - Run

  /// Generates `settings.count` tunes, calling `onTune` for each finished tune in tune order.
  /// - Parameter progress: called after every finished sample.
  /// - Returns: the counters and the tunes given up on.
  /// - Throws: whatever `onTune` throws (generation stops there).
  func run(progress: (GenerationProgress) -> Void = { _ in }, onTune: TuneHandler) throws -> (
    summary: GenerationSummary, failures: [GenerationFailure]
  ) {
    let start = ContinuousClock.now
    let count = settings.count
    // Greedy decoding draws the same sample every time, so a second attempt could only repeat the first.
    let maxAttempts = settings.raw || settings.sampling.temperature == 0 ? 1 : settings.maxAttempts
    // Only the tunes between the last delivered one and the planning frontier are held: memory is flat in the count.
    var tunes = TuneStates()
    var delivered = 0  // tunes 1...delivered have been handed to onTune or failed
    var failures: [GenerationFailure] = []
    var summary = GenerationSummary(
      requested: count, accepted: 0, failed: 0, samplesJudged: 0, acceptanceRate: 0, sequencesSampled: 0,
      charactersSampled: 0, rejectionKinds: [], seconds: 0)
    var kinds: [String: Int] = [:]
    var settledAccepted = 0
    var settledFailed = 0

    while delivered < count {
      // Plan a wave: next attempts of unsettled tunes, round-robin, up to the batch size.
      var jobs: [(tune: Int, attempt: Int)] = []
      var round = 0
      while jobs.count < settings.batch {
        var added = false
        for index in delivered..<count where tunes[index].outcome == nil {
          if jobs.count == settings.batch { break }
          let attempt = tunes[index].launched + 1 + round
          guard attempt <= maxAttempts else { continue }
          jobs.append((index, attempt))
          added = true
        }
        if !added { break }
        round += 1
      }
      precondition(!jobs.isEmpty, "an unsettled tune always has an attempt left")
      for job in jobs { tunes[job.tune].launched = max(tunes[job.tune].launched, job.attempt) }

      try sampleWave(jobs) { job, sample in
        summary.sequencesSampled += 1
        summary.charactersSampled += sample.sampledCharacters
        guard tunes[job.tune].outcome == nil else { return }
        tunes[job.tune].results[job.attempt] = judge(sample, number: job.tune + 1)
        tunes[job.tune].settle(maxAttempts: maxAttempts)
        if let outcome = tunes[job.tune].outcome {
          if outcome.failed { settledFailed += 1 } else { settledAccepted += 1 }
        }
        progress(
          GenerationProgress(
            accepted: settledAccepted, failed: settledFailed, requested: count,
            sequencesSampled: summary.sequencesSampled, charactersSampled: summary.charactersSampled))
      } isMoot: { job in
        tunes[job.tune].outcome != nil
      }

      // Deliver settled tunes in order.
      while delivered < count, let outcome = tunes[delivered].outcome {
        let state = tunes[delivered]
        let judged = outcome.attempts
        summary.samplesJudged += judged
        var rejections: [String] = []
        for attempt in 1...judged {
          guard let result = state.results[attempt], !result.accepted else { continue }
          rejections.append("attempt \(attempt): " + result.reasons.joined(separator: "; "))
          for reason in result.reasons { kinds[Self.kind(of: reason), default: 0] += 1 }
        }
        if var tune = outcome.accepted {
          tune.attempts = judged
          tune.rejections = rejections
          summary.accepted += 1
          try onTune(tune)
        } else {
          summary.failed += 1
          // The first failures are kept for the report; the count says how many there were.
          if failures.count < Self.reportedFailures { failures.append(
            GenerationFailure(
              number: state.number, attempts: judged, lastReasons: state.results[judged]?.reasons ?? [])) }
        }
        tunes.remove(delivered)
        delivered += 1
      }
    }
    summary.acceptanceRate = summary.samplesJudged > 0 ? Double(summary.accepted) / Double(summary.samplesJudged) : 0
    summary.rejectionKinds = kinds.map { GenerationSummary.Tally(kind: $0.key, count: $0.value) }
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0.kind < $1.kind }
    let elapsed = ContinuousClock.now - start
    summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return (summary, failures)
  }

  // MARK: - Judging

  /// One finished attempt, judged.
  struct AttemptResult {
    var accepted: Bool
    var reasons: [String]
    var tune: GeneratedTune
  }

  /// What a tune came to: the kept tune, or failure after `attempts` samples.
  struct Outcome {
    var accepted: GeneratedTune?
    var failed: Bool { accepted == nil }
    var attempts: Int
  }

  /// Failures listed in the result (`summary.failed` counts them all).
  static let reportedFailures = 100

  /// The state of tunes not yet delivered, by 0-based index; an index never seen is a fresh tune.
  private struct TuneStates {
    private var states: [Int: TuneState] = [:]

    subscript(index: Int) -> TuneState {
      get { states[index] ?? TuneState(number: index + 1) }
      set { states[index] = newValue }
    }

    mutating func remove(_ index: Int) { states[index] = nil }
  }

  private struct TuneState {
    let number: Int
    var launched = 0
    var results: [Int: AttemptResult] = [:]
    var outcome: Outcome?

    init(number: Int) { self.number = number }

    /// Settles the tune once its lowest accepted attempt is known and all earlier attempts were rejected.
    mutating func settle(maxAttempts: Int) {
      for attempt in 1...maxAttempts {
        guard let result = results[attempt] else { return }
        if result.accepted {
          outcome = Outcome(accepted: result.tune, attempts: attempt)
          return
        }
      }
      outcome = Outcome(accepted: nil, attempts: maxAttempts)
    }
  }

  /// A sample as a tune file: own `X:` number, a title (made up from the seed when missing), and the corpus habits
  /// the rejection policy refuses rewritten into equivalent ABC 2.1 (`TuneNormalizer`).
  /// `title`: the user's `--title`, written when the sample has no `T:` line (a model without titles in its corpus
  /// is not given one to continue).
  /// `style`: the kind of title made up when there is none.
  static func finish(
    _ sample: String, number: Int, seed: UInt64, title: String? = nil, style: TitleMaker.Style = .session
  ) -> (text: String, title: String, titleGenerated: Bool, changes: [String]) {
    let finished = TuneText.finalize(
      sample, number: number, fallbackTitle: title ?? TitleMaker.title(seed: seed, number: number, style: style))
    let normalized = TuneNormalizer.normalize(finished.text)
    return (normalized.text, finished.title, finished.titleGenerated, normalized.changes)
  }

  private func judge(_ sample: Sample, number: Int) -> AttemptResult {
    let fallbackTitle = TitleMaker.title(seed: settings.seed, number: number, style: titleStyle)
    let text: String
    let title: String
    let titleGenerated: Bool
    var changes: [String] = []
    if settings.raw {
      // As sampled, but numbered like the other output (the X: line is the prime, not model output).
      text = TuneText.renumbered(sample.text, number: number)
      // Named after the title the user gave, else the model's, else a made-up one; the text stays as sampled.
      let sampledTitle = fixedTitle ?? TuneText.title(of: sample.text)
      title = sampledTitle ?? fallbackTitle
      titleGenerated = sampledTitle == nil
    } else {
      (text, title, titleGenerated, changes) = Self.finish(
        sample.text, number: number, seed: settings.seed, title: fixedTitle, style: titleStyle)
    }
    let check = TuneCheck(text)
    var reasons = check.reasons
    if sample.ending == .maxCharacters {
      reasons.insert("cut off: reached --max-chars (\(settings.sampling.maxCharacters)) before the tune ended", at: 0)
    }
    if sample.ending == .deadEnd {
      reasons.insert("structure: no character kept the tune well-formed (dead end)", at: 0)
    }
    let accepted = settings.raw || reasons.isEmpty
    if !accepted, Self.debugStructure {
      FileHandle.standardError.write(Data("structure: rejected \(reasons): \(text)\n".utf8))
    }
    let tune = GeneratedTune(
      number: number, text: text, title: title, titleGenerated: titleGenerated, attempts: 0,
      sampledCharacters: sample.sampledCharacters, ending: sample.ending, check: check, rejections: [],
      changes: changes)
    return AttemptResult(accepted: accepted, reasons: accepted ? [] : reasons, tune: tune)
  }

  /// A short, number-free name for a rejection reason, for the statistics.
  static func kind(of reason: String) -> String {
    if reason.hasPrefix("cut off") { return "cut off at --max-chars" }
    if reason.hasPrefix("structure:") { return "structure dead end" }
    if let range = reason.range(of: #"ABC\d{3}"#, options: .regularExpression) {
      let code = String(reason[range])
      if reason.hasPrefix("unbalanced repeats") { return "unbalanced repeats \(code)" }
      if reason.hasPrefix("validator warning") { return "\(code) warning" }
      if reason.hasPrefix("validator info") { return "\(code) info" }
      return "\(code) error"
    }
    let words = reason.split(separator: " ").map { $0.allSatisfy(\.isNumber) ? "N" : String($0) }
    return words.joined(separator: " ").components(separatedBy: " (").first ?? reason
  }

  // MARK: - Sampling

  /// One finished sequence.
  struct Sample {
    /// Prime plus sampled characters, the end marker removed.
    var text: String
    var sampledCharacters: Int
    var ending: TuneText.Ending
  }

  private enum Mode {
    /// Feeding fixed text; sampling one header line to its end; at the start of a free header line; inside one;
    /// sampling the body; finished.
    case forcing, line, headerStart, headerLine, body, done
  }

  private struct Row {
    let job: (tune: Int, attempt: Int)
    var generator: SplitMix64
    var plan: [PrimePlan.Segment]
    var segment = 0
    var forced: [Unicode.Scalar] = []
    var forcedIndex = 0
    var mode = Mode.forcing
    /// Free header lines written in a `headerUntilKey` segment.
    var headerLines = 0
    var text = String.UnicodeScalarView()
    var sampled = 0
    var bodySampled = 0
    var ending = TuneText.Ending.maxCharacters
    /// Structure-aware sampling: the reader of the body (from its first character) and the draws of the form plan.
    var stepper: TuneStepper?
    var structureStarted = false
    var formGenerator: SplitMix64
    /// Where the current part's text starts in `text` (scalars), and the texts of the parts before it.
    var partStart = 0
    var partTexts: [String] = []
    /// Bars copied from earlier bars (statistics).
    var copiedBars = 0
    /// The copy model's view of the characters fed so far (`settings.copy`).
    var copy: CopyTracker?
  }

  /// The bar contents of a part's text: split at bar lines, the pick-up first when there is one; nil when the part
  /// has endings (their bars do not line up).
  static func bars(of part: String) -> [String]? {
    var bars: [String] = []
    var current = ""
    var previous: Character = " "
    for c in part where c != "\n" {
      if c.isNumber && (previous == "|" || previous == "[") { return nil }
      if c == "|" || c == ":" || c == "]" {
        let trimmed = current.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty { bars.append(trimmed) }
        current = ""
      } else {
        current.append(c)
      }
      previous = c
    }
    let trimmed = current.trimmingCharacters(in: .whitespaces)
    if !trimmed.isEmpty { bars.append(trimmed) }
    return bars
  }

  /// At a plain bar line, repeats an earlier bar the way tunes do: bars 5–6 of an 8-bar part (9–12 of a 16-bar
  /// part) restate its opening, and the last two bars of a later part those of the part before. The bar is forced
  /// (fed to the model, which keeps its state) when the reader accepts it, with probability `repeatBars`.
  private func repeatBar(_ row: inout Row) {
    guard let options = settings.structure, options.repeatBars > 0, var stepper = row.stepper, stepper.atPlainBarLine,
      stepper.plan.partBars >= 8
    else { return }
    let size = stepper.plan.partBars
    let next = stepper.barsInPart + 1  // index of the bar about to start
    let text = String(String.UnicodeScalarView(row.text.dropFirst(row.partStart)))
    guard let current = Self.bars(of: text) else { return }
    let offset = stepper.pickup > 0 ? 1 : 0
    var source: String?
    var closing = false
    if size == 8, (4...5).contains(next) {
      source = current.count > next - 4 + offset ? current[next - 4 + offset] : nil
    } else if size == 16, (8...11).contains(next) {
      source = current.count > next - 8 + offset ? current[next - 8 + offset] : nil
    } else if (size - 2..<size).contains(next), let previousPart = row.partTexts.last,
      let earlier = Self.bars(of: previousPart)
    {
      // The same bar of the previous part (counted from its end: its closing bar is its last).
      let fromEnd = size - next  // 2 or 1
      if earlier.count > fromEnd { source = earlier[earlier.count - fromEnd] }
      closing = next == size - 1
    }
    guard let source, !source.isEmpty else { return }
    let u = Double(row.formGenerator.next() >> 11) * 0x1p-53
    guard u < options.repeatBars else { return }
    let forced = closing ? source : source + "|"
    for scalar in forced.unicodeScalars {
      guard model.vocabulary.id(of: scalar) != nil, stepper.feed(scalar) else { return }
    }
    row.stepper = stepper
    row.forced = Array(forced.unicodeScalars)
    row.forcedIndex = 0
    row.mode = .forcing
    row.copiedBars += 1
  }

  /// The generator of an attempt's form plan (meter, part lengths, parts), apart from the character draws.
  static func formGenerator(seed: UInt64, tune: Int, attempt: Int) -> SplitMix64 {
    generator(seed: seed ^ 0x464F_524D_504C_414E, tune: tune, attempt: attempt)
  }

  /// Starts structure-aware sampling for a row entering its body: a plan from the corpus form and a reader that
  /// has read the body written so far (forced `--prime` text); no reader when that text breaks its rules.
  private func startStructure(_ row: inout Row) {
    row.structureStarted = true
    guard let options = settings.structure, !settings.raw,
      let split = FormProfile.split(String(row.text))
    else { return }
    var plan = TuneStepper.Plan.none
    if let profile = options.profile {
      plan = profile.plan(tonicBias: options.tonicBias, using: &row.formGenerator)
    }
    var stepper = TuneStepper(header: split.header, plan: plan, enforcing: true)
    for scalar in split.body.unicodeScalars where !stepper.feed(scalar) { return }
    row.stepper = stepper
    row.partStart = split.header.unicodeScalars.count
    if Self.debugStructure {
      FileHandle.standardError.write(Data("structure: plan \(plan) header \(split.header.debugDescription)\n".utf8))
    }
  }

  /// The next character id of a row in its body, drawn over the characters the row's reader allows (renormalised),
  /// with the tonic bias; falls back to the unmasked draw when the reader allows nothing.
  private func chooseStructured(
    _ row: inout Row, logits: [Float], chooser: inout TokenChooser, masked: inout [Float]
  ) -> Int32? {
    guard let stepper = row.stepper else { return nil }
    let vocabulary = model.vocabulary
    if masked.count != logits.count { masked = [Float](repeating: 0, count: logits.count) }
    var allowed = 0
    let tonic = stepper.wantsTonic ? stepper.tonicLetter : nil
    let probes = probeScalars
    for id in logits.indices {
      guard let scalar = vocabulary.scalar(for: Int32(id)), stepper.allows(scalar) else {
        masked[id] = -.infinity
        continue
      }
      allowed += 1
      var logit = logits[id]
      if let tonic, scalar.isASCII {
        let c = UInt8(scalar.value)
        if c == tonic || c == tonic + 32 { logit += stepper.plan.tonicBias }
      }
      masked[id] = logit
    }
    // Draw; a character after which nothing would be allowed (a dead end one step ahead) is masked and redrawn.
    while allowed > 0 {
      let id = chooser.choose(from: masked, using: &row.generator)
      guard masked[Int(id)] != -.infinity, let scalar = vocabulary.scalar(for: id) else { break }
      var next = stepper
      if next.feed(scalar), next.ended || probes.contains(where: { next.allows($0) }) { return id }
      masked[Int(id)] = -.infinity
      allowed -= 1
    }
    if Self.debugStructure {
      FileHandle.standardError.write(Data("structure: dead end after \(String(row.text).debugDescription)\n".utf8))
    }
    return nil
  }

  /// Characters tried one step ahead to rule out dead ends (those of the model's vocabulary).
  private var probeScalars: [Unicode.Scalar] {
    if let cached = probeCache { return cached }
    let probes = "ABCDEFGabcdefgz^_=|:/2348]\n \"([-><!~{}.)'," .unicodeScalars.filter { model.vocabulary.id(of: $0) != nil }
    probeCache = Array(probes)
    return probeCache!
  }

  /// Feeds a drawn body character to the row's reader; a new part may change the planned part length.
  private func advanceStructure(_ row: inout Row, _ scalar: Unicode.Scalar) {
    guard var stepper = row.stepper else { return }
    let parts = stepper.parts
    guard stepper.feed(scalar) else {
      row.stepper = nil
      return
    }
    if stepper.parts > parts {
      let scalars = row.text
      row.partTexts.append(String(String.UnicodeScalarView(scalars.dropFirst(row.partStart))))
      row.partStart = scalars.count
      if let profile = settings.structure?.profile, stepper.plan.partBars > 0 {
        stepper.plan.partBars = profile.nextPartBars(after: stepper.plan.partBars, using: &row.formGenerator)
      }
    }
    row.stepper = stepper
  }

  /// The reference number the model is primed with (`X:n`) for an attempt: drawn from the seed, tune and attempt.
  /// A model links reference numbers to its corpus order (the first POP909 phrases, X:1–3, are all in 2/4), so
  /// priming every run with X:1, X:2 … would steer the first tunes of every run the same way. The tune file gets
  /// `X:tune` whatever the prime was.
  static func primeNumber(seed: UInt64, tune: Int, attempt: Int) -> Int {
    var generator = generator(seed: seed ^ 0x5845_4E55_4D42_4552, tune: tune, attempt: attempt)
    return 1 + generator.nextIndex(below: 999)
  }

  /// The per-attempt generator: a function of the run's seed, the tune number and the attempt only.
  static func generator(seed: UInt64, tune: Int, attempt: Int) -> SplitMix64 {
    var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: tune) &* 0x9E37_79B9_7F4A_7C15))
    let base = mixer.next() ^ (UInt64(truncatingIfNeeded: attempt) &* 0xD1B5_4A32_D192_ED03)
    return SplitMix64(seed: base)
  }

  /// Samples one wave of sequences; `finished` gets every sequence that ended (not those stopped as moot).
  private func sampleWave(
    _ jobs: [(tune: Int, attempt: Int)], finished: ((tune: Int, attempt: Int), Sample) throws -> Void,
    isMoot: ((tune: Int, attempt: Int)) -> Bool
  ) throws {
    let vocabulary = model.vocabulary
    let batch = jobs.count
    let sampler = samplers[batch] ?? model.makeSampler(batch: batch)
    samplers[batch] = sampler
    sampler.reset()
    var chooser = TokenChooser(options: settings.sampling)
    var masked: [Float] = []
    var rows: [Row] = try jobs.map { job in
      var form = Self.formGenerator(seed: settings.seed, tune: job.tune + 1, attempt: job.attempt)
      // The meter drawn from the corpus's meters, unless the user fixed it or primed the tune.
      var meter: String?
      if let profile = settings.structure?.profile, !settings.raw, settings.meter == nil, settings.prime == nil {
        meter = profile.meter(using: &form, knows: { vocabulary.id(of: $0) != nil })
      }
      return Row(
        job: job, generator: Self.generator(seed: settings.seed, tune: job.tune + 1, attempt: job.attempt),
        plan: try settings.primePlan(
          number: Self.primeNumber(seed: settings.seed, tune: job.tune + 1, attempt: job.attempt),
          knows: { vocabulary.id(of: $0) != nil }, meter: meter
        ).segments, formGenerator: form)
    }
    for index in rows.indices {
      rows[index].copy = settings.copy.map { CopyTracker(minimumMatch: $0.minimumMatch) }
      advance(&rows[index])
    }
    var input = [Int32](repeating: 0, count: batch)
    var active = batch
    var first = true
    /// Hands a row that just ended to `finished`, and stops the rows whose tune is settled now.
    func finish(_ index: Int) throws {
      active -= 1
      let sample = Sample(
        text: String(rows[index].text), sampledCharacters: rows[index].sampled, ending: rows[index].ending)
      try finished(rows[index].job, sample)
      for other in rows.indices where rows[other].mode != .done && isMoot(rows[other].job) {
        rows[other].mode = .done
        active -= 1
      }
    }
    let maxCharacters = settings.sampling.maxCharacters
    while active > 0 {
      for index in rows.indices {
        if rows[index].mode == .done {
          input[index] = 0
          continue
        }
        // Fixed text: feed its next character. Characters the model does not know (say an "é" in --title) are
        // written but not fed; when nothing known is left the row samples in this very step.
        var fed: Int32?
        while fed == nil, rows[index].mode == .forcing {
          let scalar = rows[index].forced[rows[index].forcedIndex]
          rows[index].forcedIndex += 1
          rows[index].text.append(scalar)
          fed = vocabulary.id(of: scalar)
          if rows[index].forcedIndex == rows[index].forced.count {
            rows[index].segment += 1
            advance(&rows[index])
          }
        }
        if let fed {
          input[index] = fed
          rows[index].copy?.append(fed)
          continue
        }
        precondition(!first, "every prime starts with fixed text")
        var logits = sampler.logits(row: index)
        if let copy = settings.copy { copy.mix(&logits, prediction: rows[index].copy?.prediction) }
        var id: Int32
        if rows[index].mode == .body {
          if !rows[index].structureStarted { startStructure(&rows[index]) }
          if rows[index].stepper != nil {
            guard let structured = chooseStructured(&rows[index], logits: logits, chooser: &chooser, masked: &masked)
            else {
              // No character keeps the tune well-formed: the attempt ends here and is rejected.
              rows[index].ending = .deadEnd
              rows[index].mode = .done
              input[index] = 0
              try finish(index)
              continue
            }
            id = structured
          } else {
            id = chooser.choose(from: logits, using: &rows[index].generator)
          }
        } else {
          id = chooser.choose(from: logits, using: &rows[index].generator)
        }
        let scalar = vocabulary.scalar(for: id) ?? "\u{FFFD}"
        if rows[index].mode == .body { advanceStructure(&rows[index], scalar) }
        rows[index].text.append(scalar)
        if rows[index].mode == .body, rows[index].stepper != nil { repeatBar(&rows[index]) }
        rows[index].sampled += 1
        input[index] = id
        rows[index].copy?.append(id)
        switch rows[index].mode {
        case .line:
          if scalar == "\n" {
            rows[index].segment += 1
            advance(&rows[index])
          }
        case .headerStart where scalar == "K":
          // The key line: forced to the user's key, or finished by the model; the body follows.
          if case .headerUntilKey(let key) = rows[index].plan[rows[index].segment] {
            rows[index].plan[rows[index].segment] = key.map { .text(":" + $0 + "\n") } ?? .sampledLine
          }
          advance(&rows[index])
        case .headerStart, .headerLine:
          if scalar == "\n" {
            rows[index].headerLines += 1
            startHeaderLine(&rows[index])
          } else {
            rows[index].mode = .headerLine
          }
        default:
          rows[index].bodySampled += 1
          if let end = TuneText.ending(of: rows[index].text, sampledCount: rows[index].bodySampled) {
            rows[index].text.removeLast(end.drop)
            rows[index].ending = end.ending
            rows[index].mode = .done
          }
        }
        if rows[index].mode != .done && rows[index].sampled >= maxCharacters {
          rows[index].ending = .maxCharacters
          rows[index].mode = .done
          if Self.debugStructure {
            FileHandle.standardError.write(Data("structure: cut off: \(String(rows[index].text))\n".utf8))
          }
        }
        if rows[index].mode == .done { try finish(index) }
      }
      first = false
      if active > 0 { try sampler.feed(input) }
    }
  }

  /// Moves a row to the segment at `row.segment`: fixed text to feed, a header line to sample, or the body.
  private func advance(_ row: inout Row) {
    while row.segment < row.plan.count {
      switch row.plan[row.segment] {
      case .text(let text):
        if text.isEmpty {
          row.segment += 1
          continue
        }
        row.forced = Array(text.unicodeScalars)
        row.forcedIndex = 0
        row.mode = .forcing
        return
      case .sampledLine:
        row.mode = .line
        return
      case .headerUntilKey:
        row.headerLines = 0
        startHeaderLine(&row)
        return
      }
    }
    row.mode = .body
  }

  /// At the start of a free header line: the model writes it, unless it has written `maximumHeaderLines` without
  /// reaching `K:`, in which case the key line is started for it.
  private func startHeaderLine(_ row: inout Row) {
    guard row.headerLines >= PrimePlan.maximumHeaderLines,
      case .headerUntilKey(let key) = row.plan[row.segment]
    else {
      row.mode = .headerStart
      return
    }
    if let key {
      row.plan[row.segment] = .text("K:" + key + "\n")
    } else {
      row.plan[row.segment] = .text("K:")
      row.plan.insert(.sampledLine, at: row.segment + 1)
    }
    advance(&row)
  }
}
