import Foundation

/// The form figures of generated tunes beside those of the model's corpus, with the largest meter and key gaps.
struct FormComparison: Codable, Sendable, Equatable {
  /// The corpus's figures (every tune, training and held-out); `nil` when the corpus was not found.
  var corpus: FormStatistics?
  var samples: FormStatistics
  /// The meter and key whose shares differ most between corpus and samples (samples − corpus, in points).
  var largestMeterGap: FormStatistics.Gap?
  var largestKeyGap: FormStatistics.Gap?

  init(corpus: FormStatistics?, samples: FormStatistics) {
    self.corpus = corpus
    self.samples = samples
    if let corpus {
      largestMeterGap = FormStatistics.largestGap(corpus.meters, samples.meters)
      largestKeyGap = FormStatistics.largestGap(corpus.keys, samples.keys)
    }
  }

  /// Measures `texts` (one tune each): form, strict validation and, with a checker, `abc2midi`.
  /// - Throws: `ABC2MIDIChecker.Failure` when `abc2midi` cannot be run.
  static func measure(_ texts: [String], abc2midi: ABC2MIDIChecker?) throws -> FormStatistics {
    let forms = texts.map { TuneForm(text: $0) }
    let strict = texts.map(TuneCleanliness.isStrictClean)
    let verdicts = try abc2midi?.check(texts)
    return FormStatistics(
      forms: forms, strictClean: strict, abc2midiClean: verdicts?.map(\.isClean),
      abc2midiWithoutErrors: verdicts?.map(\.hasNoError))
  }

  /// The figures as a two-column table (corpus, samples), one figure a line.
  var table: [String] {
    func percent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    func bars(_ s: FormStatistics?) -> String {
      s.map { "\($0.barsPerTune.median) (\($0.barsPerTune.p10)–\($0.barsPerTune.p90))" } ?? "—"
    }
    func range(_ s: FormStatistics?) -> String {
      guard let s, let low = s.medianLowestPitch, let high = s.medianHighestPitch else { return "—" }
      return "\(low)–\(high) (\(s.lowestPitch ?? low)–\(s.highestPitch ?? high))"
    }
    func top(_ shares: [FormStatistics.Share]?) -> String {
      guard let shares else { return "—" }
      return shares.prefix(4).map { "\($0.label) \(String(format: "%.0f%%", $0.share * 100))" }.joined(separator: ", ")
    }
    let c = corpus
    let s = samples
    let rows: [(String, String, String)] = [
      ("tunes", c.map { "\($0.tunes)" } ?? "—", "\(s.tunes)"),
      ("bars per tune: median (p10–p90)", bars(c), bars(s)),
      ("parts", c.map { "\($0.parts)" } ?? "—", "\(s.parts)"),
      ("parts of exactly 8 bars", percent(c?.sharePartsOf8Bars), percent(s.sharePartsOf8Bars)),
      ("parts of exactly 16 bars", percent(c?.sharePartsOf16Bars), percent(s.sharePartsOf16Bars)),
      ("tunes whose every part is 8 or 16 bars", percent(c?.shareTunesAllParts8Or16), percent(s.shareTunesAllParts8Or16)),
      ("parts whose pick-up and closing bar make one bar", percent(c?.sharePartsMakingOneBar), percent(s.sharePartsMakingOneBar)),
      ("bars that repeat an earlier bar", percent(c?.shareBarsRepeated), percent(s.shareBarsRepeated)),
      ("tunes ending on the tonic of K:", percent(c?.shareEndingOnTonic), percent(s.shareEndingOnTonic)),
      ("tunes under 8 bars", percent(c?.shareUnder8Bars), percent(s.shareUnder8Bars)),
      ("tunes with a tie or bar-length defect", percent(c?.shareWithDefects), percent(s.shareWithDefects)),
      ("pitch range: median low–high (min–max)", range(c), range(s)),
      ("no `validate --strict` diagnostic", percent(c?.shareStrictClean), percent(s.shareStrictClean)),
      ("abc2midi: no Error or Warning line", percent(c?.shareABC2MIDIClean), percent(s.shareABC2MIDIClean)),
      ("abc2midi: no Error line", percent(c?.shareABC2MIDIWithoutErrors), percent(s.shareABC2MIDIWithoutErrors)),
      ("meters", top(c?.meters), top(s.meters)),
      ("keys", top(c?.keys), top(s.keys)),
    ]
    let width = rows.map(\.0.count).max() ?? 0
    let first = max(8, rows.map(\.1.count).max() ?? 0)
    func pad(_ text: String, _ n: Int) -> String { text + String(repeating: " ", count: max(0, n - text.count)) }
    var lines = ["  " + pad("form", width) + "  " + pad("corpus", first) + "  samples"]
    for row in rows { lines.append("  " + pad(row.0, width) + "  " + pad(row.1, first) + "  " + row.2) }
    func gap(_ name: String, _ g: FormStatistics.Gap?) -> String? {
      g.map { "  largest \(name) gap: \($0.label) " + String(format: "%+.1f", $0.points) + " points (samples − corpus)" }
    }
    if let line = gap("meter", largestMeterGap) { lines.append(line) }
    if let line = gap("key", largestKeyGap) { lines.append(line) }
    return lines
  }
}
