/// The header fields of a tune's text that corpus tools report, read line by line without the full parser (the
/// corpus tools look at thousands of tunes the way the model sees them, as text).
struct TuneHeader: Equatable, Sendable {
  /// `X:` value as written (trimmed), or nil.
  var referenceNumber: String?
  /// First `T:` value (trimmed), or nil.
  var title: String?
  /// Last `M:` value before the `K:` line (trimmed), or nil when the tune has none.
  var meter: String?
  /// `L:` value, or nil.
  var unitLength: String?
  /// The first `K:` value (trimmed; comments after `%` removed), or nil when the tune has no `K:` line.
  var key: String?
  /// 0-based index of the line after the `K:` line (the first body line); the line count when there is no `K:`.
  var bodyLineIndex: Int

  /// Reads the header of one tune's text (a tune as `TuneCorpus` splits it: starts at its `X:` line).
  init(tune: String) {
    var bodyLineIndex = 0
    var found = false
    for (index, line) in tune.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      bodyLineIndex = index + 1
      guard line.count >= 2, line.dropFirst().first == ":" else { continue }
      let value = Self.value(line.dropFirst(2))
      switch line.first {
      case "X": if referenceNumber == nil { referenceNumber = value }
      case "T": if title == nil { title = value }
      case "M": meter = value
      case "L": unitLength = value
      case "K":
        key = value
        found = true
      default: break
      }
      if found { break }
    }
    self.bodyLineIndex = found ? bodyLineIndex : tune.split(separator: "\n", omittingEmptySubsequences: false).count
  }

  /// The body of `tune`: the text after its `K:` line ("" when there is no `K:` line).
  static func body(of tune: String) -> Substring {
    let header = TuneHeader(tune: tune)
    guard header.key != nil else { return "" }
    var lines = 0
    var index = tune.startIndex
    while lines < header.bodyLineIndex, index < tune.endIndex {
      if tune[index] == "\n" { lines += 1 }
      index = tune.index(after: index)
    }
    return tune[index...]
  }

  private static func value(_ text: Substring) -> String {
    var text = text
    if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
    return String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
