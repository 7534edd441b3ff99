/// Form figures over a set of tunes (a corpus or generated samples), from their `TuneForm`s and, when measured,
/// their cleanliness. Shares are fractions 0…1.
struct FormStatistics: Codable, Sendable, Equatable {
  /// Tunes given, and of those the tunes that parsed into a tune (the others count as having no form).
  var tunes: Int
  var analysed: Int
  /// Bars per tune (`TuneForm.bars`): median, 10th and 90th percentile (nearest rank).
  var barsPerTune: Quantiles
  /// Parts over all tunes, and the shares of exactly 8 and exactly 16 bars.
  var parts: Int
  var sharePartsOf8Bars: Double
  var sharePartsOf16Bars: Double
  /// Tunes with at least one part whose every part is 8 or 16 bars.
  var shareTunesAllParts8Or16: Double
  /// Parts whose pick-up and closing bar make one bar (of the parts with a meter).
  var sharePartsMakingOneBar: Double
  /// Bars that repeat an earlier bar of the same tune, over all compared bars.
  var shareBarsRepeated: Double
  /// Tunes whose final note is the tonic of `K:` (of all tunes analysed).
  var shareEndingOnTonic: Double
  /// Tunes under 8 bars.
  var shareUnder8Bars: Double
  /// Tunes with a tie between different pitches or a bar that does not fit the meter.
  var shareWithDefects: Double
  /// Meters and keys (`TuneForm.meter`, `.key`), most frequent first.
  var meters: [Share]
  var keys: [Share]
  /// Lowest and highest pitch (MIDI) over all tunes, and the median of the tunes' lowest and highest pitches.
  var lowestPitch: Int?
  var highestPitch: Int?
  var medianLowestPitch: Int?
  var medianHighestPitch: Int?
  /// Share of tunes with no diagnostic of any severity from `studio validate --strict`; `nil` when not measured.
  var shareStrictClean: Double?
  /// Share of tunes `abc2midi` converts without an `Error` or `Warning` line; `nil` when not measured.
  var shareABC2MIDIClean: Double?
  /// Share of tunes `abc2midi` converts without an `Error` line (warnings allowed); `nil` when not measured.
  var shareABC2MIDIWithoutErrors: Double?

  struct Quantiles: Codable, Sendable, Equatable {
    var median: Int
    var p10: Int
    var p90: Int
  }

  /// A label (meter, key) with its count and share of the tunes.
  struct Share: Codable, Sendable, Equatable {
    var label: String
    var count: Int
    var share: Double
  }

  /// Figures of `forms` (`nil` for a tune that did not parse). `strictClean`, `abc2midiClean` and
  /// `abc2midiWithoutErrors`, one flag per tune when measured, give the cleanliness shares.
  init(
    forms: [TuneForm?], strictClean: [Bool]? = nil, abc2midiClean: [Bool]? = nil, abc2midiWithoutErrors: [Bool]? = nil
  ) {
    let analysed = forms.compactMap { $0 }
    tunes = forms.count
    self.analysed = analysed.count
    func share(_ count: Int, of total: Int) -> Double { total > 0 ? Double(count) / Double(total) : 0 }
    let barCounts = analysed.map(\.bars).sorted()
    barsPerTune = Quantiles(
      median: Self.rank(barCounts, 0.5), p10: Self.rank(barCounts, 0.1), p90: Self.rank(barCounts, 0.9))
    let allParts = analysed.flatMap(\.parts)
    parts = allParts.count
    sharePartsOf8Bars = share(allParts.filter { $0.bars == 8 }.count, of: allParts.count)
    sharePartsOf16Bars = share(allParts.filter { $0.bars == 16 }.count, of: allParts.count)
    shareTunesAllParts8Or16 = share(
      analysed.filter { !$0.parts.isEmpty && $0.parts.allSatisfy { $0.bars == 8 || $0.bars == 16 } }.count,
      of: forms.count)
    let metered = allParts.compactMap(\.makesOneBar)
    sharePartsMakingOneBar = share(metered.filter { $0 }.count, of: metered.count)
    shareBarsRepeated = share(
      analysed.reduce(0) { $0 + $1.repeatedBars }, of: analysed.reduce(0) { $0 + $1.comparedBars })
    shareEndingOnTonic = share(analysed.filter { $0.endsOnTonic == true }.count, of: forms.count)
    shareUnder8Bars = share(analysed.filter { $0.bars < 8 }.count + (forms.count - analysed.count), of: forms.count)
    shareWithDefects = share(analysed.filter { $0.defects > 0 }.count, of: forms.count)
    meters = Self.distribution(analysed.map(\.meter), total: forms.count)
    keys = Self.distribution(analysed.map(\.key), total: forms.count)
    let lows = analysed.compactMap(\.lowestPitch).sorted()
    let highs = analysed.compactMap(\.highestPitch).sorted()
    lowestPitch = lows.first
    highestPitch = highs.last
    medianLowestPitch = lows.isEmpty ? nil : Self.rank(lows, 0.5)
    medianHighestPitch = highs.isEmpty ? nil : Self.rank(highs, 0.5)
    shareStrictClean = strictClean.map { share($0.filter { $0 }.count, of: $0.count) }
    shareABC2MIDIClean = abc2midiClean.map { share($0.filter { $0 }.count, of: $0.count) }
    shareABC2MIDIWithoutErrors = abc2midiWithoutErrors.map { share($0.filter { $0 }.count, of: $0.count) }
  }

  /// The value at fraction `q` of sorted `values` (nearest rank, `values[round(q·(n−1))]`); 0 when empty.
  static func rank(_ values: [Int], _ q: Double) -> Int {
    guard !values.isEmpty else { return 0 }
    return values[Int((q * Double(values.count - 1)).rounded())]
  }

  static func distribution(_ labels: [String], total: Int) -> [Share] {
    var counts: [String: Int] = [:]
    for label in labels { counts[label, default: 0] += 1 }
    return counts.map { Share(label: $0.key, count: $0.value, share: total > 0 ? Double($0.value) / Double(total) : 0) }
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
  }

  /// The label whose share differs most between `a` and `b`, and the difference in percentage points (`b − a`);
  /// `nil` when both are empty.
  static func largestGap(_ a: [Share], _ b: [Share]) -> Gap? {
    let left = Dictionary(a.map { ($0.label, $0.share) }, uniquingKeysWith: +)
    let right = Dictionary(b.map { ($0.label, $0.share) }, uniquingKeysWith: +)
    var best: Gap?
    for label in Set(left.keys).union(right.keys).sorted() {
      let points = ((right[label] ?? 0) - (left[label] ?? 0)) * 100
      if best == nil || abs(points) > abs(best!.points) { best = Gap(label: label, points: points) }
    }
    return best
  }

  /// A difference between two distributions.
  struct Gap: Codable, Sendable, Equatable {
    var label: String
    /// Samples' share minus the corpus's, in percentage points.
    var points: Double
  }
}
