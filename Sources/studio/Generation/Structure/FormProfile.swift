import Foundation
import LSTM

/// The form of a corpus, as the structure-aware sampler steers toward it: how many bars its parts have, how many
/// parts its tunes have, how often a part keeps the previous part's length, and its meters. Measured with
/// `TuneStepper` (reading mode), so the sampler's rules and the measurement agree by construction. Stored as
/// `form.json` beside a model (`studio train` writes it; `studio corpus form` rebuilds it).
struct FormProfile: Codable, Sendable, Equatable {
  /// Tunes measured (those the reader followed to the end), and tunes skipped (constructs it does not model).
  var tunes: Int
  var skipped: Int
  /// Share of first parts by bar count ("8": 0.7, …).
  var partBars: [String: Double]
  /// Share of later parts with the same bar count as the part before.
  var keepPartLength: Double
  /// Share of later parts by bar count when they change length.
  var changedPartBars: [String: Double]
  /// Share of tunes by number of parts.
  var parts: [String: Double]
  /// Share of tunes by header `M:` text as written ("6/8", "C|", …).
  var meters: [String: Double]
  /// Share of tunes whose last note is the tonic of `K:` (letter); nil in files written before it was measured.
  var tonicEnding: Double?

  static let fileName = "form.json"

  /// Measures `tunes` (whole tune texts).
  static func measure(_ tunes: [String]) -> FormProfile {
    var first: [Int: Int] = [:]
    var changed: [Int: Int] = [:]
    var kept = 0
    var later = 0
    var partCounts: [Int: Int] = [:]
    var meters: [String: Int] = [:]
    var measured = 0
    var skipped = 0
    var tonicEndings = 0
    for tune in tunes {
      guard let split = Self.split(tune) else {
        skipped += 1
        continue
      }
      var stepper = TuneStepper(header: split.header, enforcing: false)
      for scalar in split.body.unicodeScalars { stepper.feed(scalar) }
      stepper.finish()
      guard !stepper.lost, stepper.barTicks > 0, let lengths = Optional(stepper.partLengths), !lengths.isEmpty else {
        skipped += 1
        continue
      }
      measured += 1
      first[lengths[0], default: 0] += 1
      for (previous, length) in zip(lengths, lengths.dropFirst()) {
        later += 1
        if previous == length { kept += 1 } else { changed[length, default: 0] += 1 }
      }
      partCounts[lengths.count, default: 0] += 1
      if let tonic = stepper.tonicLetter, stepper.lastNoteLetter == tonic { tonicEndings += 1 }
      if let meter = Self.headerValue("M", in: split.header) { meters[meter, default: 0] += 1 }
    }
    func shares(_ counts: [Int: Int]) -> [String: Double] {
      let total = Double(max(1, counts.values.reduce(0, +)))
      return Dictionary(uniqueKeysWithValues: counts.map { ("\($0.key)", Double($0.value) / total) })
    }
    let meterTotal = Double(max(1, meters.values.reduce(0, +)))
    return FormProfile(
      tunes: measured, skipped: skipped, partBars: shares(first),
      keepPartLength: later > 0 ? Double(kept) / Double(later) : 1, changedPartBars: shares(changed),
      parts: shares(partCounts), meters: meters.mapValues { Double($0) / meterTotal },
      tonicEnding: measured > 0 ? Double(tonicEndings) / Double(measured) : nil)
  }

  /// A tune's header through its `K:` line, and its body; nil without a `K:` line.
  static func split(_ tune: String) -> (header: String, body: Substring)? {
    var index = tune.startIndex
    var lineStart = index
    while index < tune.endIndex {
      if tune[index] == "\n" {
        let line = tune[lineStart..<index]
        if line.hasPrefix("K:") {
          let bodyStart = tune.index(after: index)
          return (String(tune[..<bodyStart]), tune[bodyStart...])
        }
        lineStart = tune.index(after: index)
      }
      index = tune.index(after: index)
    }
    if tune[lineStart...].hasPrefix("K:") { return (tune + "\n", "") }
    return nil
  }

  static func headerValue(_ letter: Character, in header: String) -> String? {
    for line in header.split(separator: "\n") where line.first == letter && line.dropFirst().first == ":" {
      return line.dropFirst(2).trimmingCharacters(in: .whitespaces)
    }
    return nil
  }

  // MARK: - Drawing a plan

  /// Draws from a share table with `generator`; nil when the table is empty.
  static func draw(_ table: [String: Double], using generator: inout SplitMix64) -> String? {
    let entries = table.sorted { $0.key < $1.key }.filter { $0.value > 0 }
    let total = entries.reduce(0) { $0 + $1.value }
    guard total > 0 else { return nil }
    let u = Double(generator.next() >> 11) * 0x1p-53 * total
    var cumulative = 0.0
    for entry in entries {
      cumulative += entry.value
      if u < cumulative { return entry.key }
    }
    return entries.last?.key
  }

  /// The plan for one tune: bars of its first part and its number of parts.
  func plan(tonicBias: Float, using generator: inout SplitMix64) -> TuneStepper.Plan {
    // Parts shorter than 4 bars are a reading artefact (a lone pick-up before a double bar) or a fragment.
    let bars = Self.draw(partBars.filter { (Int($0.key) ?? 0) >= 4 }, using: &generator).flatMap(Int.init) ?? 8
    let count = Self.draw(parts, using: &generator).flatMap(Int.init) ?? 2
    // At most 64 bars in all (the generation policy's limit).
    let fitting = max(1, min(count, 64 / max(1, bars)))
    // The last note is held to the tonic in the share of tunes the corpus ends on it.
    let u = Double(generator.next() >> 11) * 0x1p-53
    let onTonic = u < (tonicEnding ?? 1)
    return TuneStepper.Plan(partBars: max(1, bars), parts: fitting, tonicBias: onTonic ? tonicBias : 0)
  }

  /// The bar count of the next part after one of `previous` bars.
  func nextPartBars(after previous: Int, using generator: inout SplitMix64) -> Int {
    let u = Double(generator.next() >> 11) * 0x1p-53
    if u < keepPartLength || changedPartBars.isEmpty { return previous }
    return Self.draw(changedPartBars.filter { (Int($0.key) ?? 0) >= 4 }, using: &generator).flatMap(Int.init)
      ?? previous
  }

  /// A meter drawn from the corpus's meters that `knows` can spell (the model's vocabulary).
  func meter(using generator: inout SplitMix64, knows: (Unicode.Scalar) -> Bool) -> String? {
    let usable = meters.filter { $0.key.unicodeScalars.allSatisfy(knows) && !$0.key.isEmpty }
    return Self.draw(usable, using: &generator)
  }

  // MARK: - Files

  /// Reads `form.json` from a model directory; nil when absent or unreadable.
  static func load(modelDirectory: String) -> FormProfile? {
    let path = (modelDirectory as NSString).appendingPathComponent(fileName)
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return try? JSONDecoder().decode(FormProfile.self, from: data)
  }

  func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self) + Data("\n".utf8)
  }
}
