import LSTM

/// What `studio corpus stats` reports about a set of tunes, counted the way the model sees the text (`TuneCorpus`
/// normalisation and splitting).
struct CorpusStatistics: Codable, Equatable, Sendable {
  /// Tunes per source file.
  struct FileCount: Codable, Equatable, Sendable {
    var path: String
    var tunes: Int
  }

  /// A value and how many tunes have it.
  struct Tally: Codable, Equatable, Sendable {
    var value: String
    var tunes: Int
  }

  /// Summary of a list of sizes.
  struct Spread: Codable, Equatable, Sendable {
    var min: Int
    var median: Int
    var mean: Double
    var p90: Int
    var max: Int

    init(_ values: [Int]) {
      let sorted = values.sorted()
      guard let first = sorted.first, let last = sorted.last else {
        self.min = 0
        self.median = 0
        self.mean = 0
        self.p90 = 0
        self.max = 0
        return
      }
      self.min = first
      self.max = last
      self.median = sorted[(sorted.count - 1) / 2]
      self.p90 = sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * 0.9).rounded()))]
      self.mean = Double(sorted.reduce(0, +)) / Double(sorted.count)
    }
  }

  var files: [FileCount]
  var tunes: Int
  /// Unicode scalars of the tunes joined by "\n\n" (the training stream's size).
  var characters: Int
  /// Distinct scalars (the model's vocabulary, "\n" included).
  var vocabularySize: Int
  /// The vocabulary in code-point order, escaped for display ("\n" as `\n`).
  var vocabulary: String
  /// First `K:` value per tune, most frequent first (ties by value).
  var keys: [Tally]
  /// Last header `M:` value per tune ("(none)" without one), most frequent first.
  var meters: [Tally]
  /// Tune lengths in characters.
  var tuneCharacters: Spread
  /// Tune lengths in lines.
  var tuneLines: Spread
  /// Tunes without a `K:` line.
  var tunesWithoutKey: Int
  /// Tunes whose text (apart from the `X:` line) occurs more than once, counting every copy after the first.
  var duplicateTunes: Int

  /// Counts `corpus`.
  init(corpus: TuneCorpus) {
    files = zip(corpus.sourcePaths, corpus.tuneCounts).map { FileCount(path: $0, tunes: $1) }
    tunes = corpus.tunes.count
    characters = corpus.characterCount
    let vocabulary = Vocabulary(tunes: corpus.tunes)
    vocabularySize = vocabulary.symbols.count
    self.vocabulary = vocabulary.symbols.map(Self.escape).joined()
    var keyCounts: [String: Int] = [:]
    var meterCounts: [String: Int] = [:]
    var withoutKey = 0
    var seen = Set<String>()
    var duplicates = 0
    for tune in corpus.tunes {
      let header = TuneHeader(tune: tune)
      if let key = header.key { keyCounts[key.isEmpty ? "(empty)" : key, default: 0] += 1 } else { withoutKey += 1 }
      meterCounts[header.meter ?? "(none)", default: 0] += 1
      if !seen.insert(CorpusTools.dedupeKey(tune)).inserted { duplicates += 1 }
    }
    keys = Self.tallies(keyCounts)
    meters = Self.tallies(meterCounts)
    tunesWithoutKey = withoutKey
    duplicateTunes = duplicates
    tuneCharacters = Spread(corpus.tunes.map { $0.unicodeScalars.count })
    tuneLines = Spread(corpus.tunes.map { $0.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 } })
  }

  private static func tallies(_ counts: [String: Int]) -> [Tally] {
    counts.map { Tally(value: $0.key, tunes: $0.value) }
      .sorted { $0.tunes != $1.tunes ? $0.tunes > $1.tunes : $0.value < $1.value }
  }

  private static func escape(_ symbol: String) -> String {
    switch symbol {
    case "\n": return "\\n"
    case "\t": return "\\t"
    case "\\": return "\\\\"
    default: return symbol
    }
  }

  /// A human-readable report; `limit` caps the key and meter lists.
  func text(limit: Int = 12) -> String {
    var lines: [String] = []
    for file in files { lines.append("\(file.path): \(file.tunes) tunes") }
    lines.append("tunes:       \(tunes)\(files.count > 1 ? " in \(files.count) files" : "")")
    lines.append("characters:  \(characters)")
    lines.append("vocabulary:  \(vocabularySize) symbols: \(vocabulary)")
    lines.append(
      "tune length: characters min \(tuneCharacters.min), median \(tuneCharacters.median), "
        + "mean \(Int(tuneCharacters.mean.rounded())), p90 \(tuneCharacters.p90), max \(tuneCharacters.max)")
    lines.append(
      "             lines min \(tuneLines.min), median \(tuneLines.median), p90 \(tuneLines.p90), max \(tuneLines.max)")
    func list(_ name: String, _ tallies: [Tally]) {
      let shown = tallies.prefix(limit).map { "\($0.value) \($0.tunes)" }.joined(separator: ", ")
      let more = tallies.count > limit ? ", … (\(tallies.count - limit) more)" : ""
      lines.append("\(name) \(tallies.count) distinct: \(shown)\(more)")
    }
    list("keys:       ", keys)
    list("meters:     ", meters)
    if tunesWithoutKey > 0 { lines.append("without K:  \(tunesWithoutKey) tunes") }
    lines.append("duplicates:  \(duplicateTunes) tunes repeat an earlier one (X: line ignored)")
    return lines.joined(separator: "\n")
  }
}
