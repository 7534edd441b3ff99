import ABCParser
import LSTM

/// The text operations behind `studio corpus merge|split|clean`. Works on tunes as `TuneCorpus` splits and
/// normalises them (LF line ends, tabs as spaces, no trailing spaces, tunes separated by one empty line), so what
/// these commands write is exactly what the model will train on.
enum CorpusTools {
  // MARK: - Writing

  /// A corpus file's text: the tunes separated by one empty line, ending with a newline.
  static func fileText(_ tunes: [String]) -> String {
    tunes.isEmpty ? "" : tunes.joined(separator: "\n\n") + "\n"
  }

  // MARK: - Dedupe

  /// The text that identifies a tune for `--dedupe`: everything except its `X:` line, without spaces (spacing only
  /// changes beaming, so two transcriptions that differ in spaces alone count as the same tune).
  static func dedupeKey(_ tune: String) -> String {
    var lines = tune.split(separator: "\n", omittingEmptySubsequences: false)
    if let first = lines.first, first.hasPrefix("X:") { lines.removeFirst() }
    return lines.map { line in line.filter { $0 != " " } }.joined(separator: "\n")
  }

  /// `tunes` without later copies of an earlier tune (see `dedupeKey`); also returns how many were dropped.
  static func dedupe(_ tunes: [String]) -> (tunes: [String], dropped: Int) {
    var seen = Set<String>()
    let kept = tunes.filter { seen.insert(dedupeKey($0)).inserted }
    return (kept, tunes.count - kept.count)
  }

  // MARK: - Merge

  /// The result of `merge`.
  struct MergeResult: Equatable, Sendable {
    var tunes: [String]
    /// Tune copies taken from each source.
    var copies: [Int]
    /// Duplicate tunes dropped per source by `dedupe` (across all sources: a tune already seen in an earlier source
    /// counts against the later one).
    var duplicatesDropped: [Int]
  }

  /// Merges corpora with repeat weights, with the same rule as the training stream (`TrainingStream`): source `i`
  /// with `nᵢ` tunes and weight `wᵢ` gives `round(wᵢ·nᵢ)` copies — every tune `⌊wᵢ⌋` times, then the remaining
  /// copies as distinct tunes drawn without replacement by `SplitMix64(seed)`, in tune order.
  ///
  /// - Parameters:
  ///   - sources: the tunes of each corpus, in order.
  ///   - weights: one finite weight ≥ 0 per source (callers check).
  ///   - dedupe: drop repeats of a tune already seen (before weighting), across all sources.
  ///   - renumber: rewrite the `X:` line of every output tune to `X:1`, `X:2`, … in output order.
  ///   - shuffle: put the copies in a seeded random order instead of source order.
  static func merge(
    _ sources: [[String]], weights: [Double], dedupe: Bool, renumber: Bool, shuffle: Bool, seed: UInt64
  ) -> MergeResult {
    var generator = SplitMix64(seed: seed)
    var seen = Set<String>()
    var result = MergeResult(tunes: [], copies: [], duplicatesDropped: [])
    for (tunes, weight) in zip(sources, weights) {
      var source = tunes
      var dropped = 0
      if dedupe {
        source = tunes.filter { seen.insert(dedupeKey($0)).inserted }
        dropped = tunes.count - source.count
      }
      let n = source.count
      let total = Int((weight * Double(n)).rounded())
      let whole = Int(weight.rounded(.down))
      var copies: [String] = []
      for _ in 0..<whole { copies += source }
      let extra = total - whole * n
      if extra > 0 {
        var order = Array(0..<n)
        var chosen = [Bool](repeating: false, count: n)
        for i in 0..<extra {
          let j = i + generator.nextIndex(below: n - i)
          order.swapAt(i, j)
          chosen[order[i]] = true
        }
        for t in 0..<n where chosen[t] { copies.append(source[t]) }
      }
      result.tunes += copies
      result.copies.append(copies.count)
      result.duplicatesDropped.append(dropped)
    }
    if shuffle {
      var shuffler = SplitMix64(seed: seed ^ 0x5348_5546_464C_4521)
      for i in stride(from: result.tunes.count - 1, to: 0, by: -1) {
        result.tunes.swapAt(i, shuffler.nextIndex(below: i + 1))
      }
    }
    if renumber {
      result.tunes = result.tunes.enumerated().map { setReferenceNumber($0.offset + 1, in: $0.element) }
    }
    return result
  }

  /// `tune` with its first line replaced by `X:number` (or `X:number` put in front when it has no `X:` line).
  static func setReferenceNumber(_ number: Int, in tune: String) -> String {
    guard tune.hasPrefix("X:") else { return "X:\(number)\n" + tune }
    guard let newline = tune.firstIndex(of: "\n") else { return "X:\(number)" }
    return "X:\(number)" + tune[newline...]
  }

  // MARK: - Clean

  /// A tune `clean` dropped, and why.
  struct DroppedTune: Equatable, Sendable {
    /// 0-based tune index in the input.
    var index: Int
    var referenceNumber: String?
    var title: String?
    /// First error, formatted `path:line:col: error: message [ABCnnn]` with the line in the input file.
    var firstError: String
    /// Number of error diagnostics in the tune.
    var errorCount: Int
  }

  /// The result of `clean`.
  struct CleanResult: Equatable, Sendable {
    var kept: [String]
    var dropped: [DroppedTune]
  }

  /// Keeps the tunes of `text` that have no validator error (ABC 2.1 rules, non-strict; warnings are kept) and
  /// normalises whitespace. `path` is used in messages; error lines refer to `text` as read.
  static func clean(text: String, path: String) -> CleanResult {
    let tunes = TuneCorpus.tunes(in: text)
    let startLines = tuneStartLines(in: text)
    let parser = ABCParser()
    let validator = ABCValidator(options: .init(strict: false))
    var result = CleanResult(kept: [], dropped: [])
    for (index, tune) in tunes.enumerated() {
      let file = parser.parse(tune)
      let errors = validator.validate(file).filter { $0.severity == .error }
      guard let first = errors.first else {
        result.kept.append(tune)
        continue
      }
      let header = TuneHeader(tune: tune)
      let lineOffset = index < startLines.count ? startLines[index] - 1 : 0
      let message =
        "\(path):\(first.location.line + lineOffset):\(first.location.column): error: \(first.message) [\(first.id.code)]"
      result.dropped.append(
        DroppedTune(
          index: index, referenceNumber: header.referenceNumber, title: header.title, firstError: message,
          errorCount: errors.count))
    }
    return result
  }

  /// 1-based line numbers of the lines starting with `X:` (where `TuneCorpus` starts tunes). A line break is LF,
  /// CRLF or a lone CR, as `TuneCorpus` reads them.
  static func tuneStartLines(in text: String) -> [Int] {
    var starts: [Int] = []
    var line = 1
    var atLineStart = true
    var previous: UInt8 = 0
    var bytes = Array(text.utf8)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if atLineStart && b == UInt8(ascii: "X") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: ":") {
        starts.append(line)
      }
      atLineStart = false
      if b == 0x0A {
        if previous != 0x0D { line += 1 }
        atLineStart = true
      } else if b == 0x0D {
        line += 1
        atLineStart = true
      }
      previous = b
      i += 1
    }
    return starts
  }
}
