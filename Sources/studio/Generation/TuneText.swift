/// Text rules for sampled tunes: where a tune ends, and how a sample becomes a tune file (own `X:` number, a title).
enum TuneText {
  /// How a sample ended.
  enum Ending: String, Codable, Sendable {
    /// An empty line (`"\n\n"`): the corpus's tune separator.
    case blankLine = "blank-line"
    /// A line starting with `X:`: the model began the next tune.
    case nextTune = "next-tune"
    /// `--max-chars` was reached before the tune ended.
    case maxCharacters = "max-chars"
    /// Structure-aware sampling found no character that keeps the tune well-formed (the sample is rejected).
    case deadEnd = "dead-end"
  }

  /// Checks the newest character of a growing sample: returns the ending and how many trailing characters (Unicode
  /// scalars) to drop when `text` (prime included) now ends the tune, nil while the tune goes on.
  ///
  /// `sampledCount` is the number of scalars the model has sampled after the prime; the ending must include at
  /// least the last of them, so a prime that itself ends with an empty line never ends the tune.
  static func ending(of text: String.UnicodeScalarView, sampledCount: Int) -> (ending: Ending, drop: Int)? {
    guard sampledCount >= 1 else { return nil }
    var tail = text.reversed().makeIterator()
    guard let last = tail.next() else { return nil }
    let previous = tail.next()
    if last == "\n", previous == "\n" { return (.blankLine, 2) }
    if last == ":", previous == "X", sampledCount >= 2, tail.next() == "\n" { return (.nextTune, 3) }
    return nil
  }

  /// Removes trailing spaces and line breaks.
  static func trimmingTrailingWhitespace(_ text: String) -> String {
    var scalars = text.unicodeScalars
    while let last = scalars.last, last == " " || last == "\n" || last == "\r" || last == "\t" { scalars.removeLast() }
    return String(scalars)
  }

  /// Header fields that state where a tune came from: composer, source, transcriber, history, book, discography,
  /// file. A model copies them from its corpus ("C:Turlough O'Carolan", "S:Trad, arr Phil Rowe", "% Nottingham Music
  /// Database"), and for a generated tune they would be false.
  static let provenanceFields: Set<String> = ["C:", "S:", "Z:", "H:", "B:", "D:", "F:"]

  /// The tune file text for a sample: the first `X:` line becomes `X:number` (one is added in front when missing);
  /// provenance fields (`provenanceFields`, with their `+:` continuations) and `%` comment lines are dropped from the
  /// header (`%%` directives stay); when the header has no `T:` line (or an empty one) `T:fallbackTitle` is put right
  /// after the `X:` line. Returns the text and the title it ends up with.
  static func finalize(_ sample: String, number: Int, fallbackTitle: String) -> (
    text: String, title: String, titleGenerated: Bool
  ) {
    var lines = trimmingTrailingWhitespace(sample).split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    if let first = lines.first, first.hasPrefix("X:") {
      lines[0] = "X:\(number)"
    } else {
      lines.insert("X:\(number)", at: 0)
    }
    let keyLine = lines.firstIndex { $0.hasPrefix("K:") } ?? lines.count
    var header: [String] = []
    var dropping = false
    for line in lines[1..<keyLine] {
      if line.hasPrefix("+:") && dropping { continue }
      dropping = provenanceFields.contains(String(line.prefix(2)))
      if dropping || (line.hasPrefix("%") && !line.hasPrefix("%%")) { continue }
      header.append(line)
    }
    lines.replaceSubrange(1..<keyLine, with: header)
    // The header runs to the first K: line.
    let headerEnd = lines.firstIndex { $0.hasPrefix("K:") } ?? lines.count
    if let t = lines[..<headerEnd].firstIndex(where: { $0.hasPrefix("T:") }) {
      let value = String(lines[t].dropFirst(2).drop { $0 == " " })
      if !value.trimmingTrailingSpaces.isEmpty {
        return (lines.joined(separator: "\n") + "\n", value.trimmingTrailingSpaces, false)
      }
      lines[t] = "T:\(fallbackTitle)"
    } else {
      lines.insert("T:\(fallbackTitle)", at: 1)
    }
    return (lines.joined(separator: "\n") + "\n", fallbackTitle, true)
  }

  /// `text` with its first line, when it is an `X:` line, replaced by `X:number`.
  static func renumbered(_ text: String, number: Int) -> String {
    guard text.hasPrefix("X:") else { return text }
    guard let lineEnd = text.firstIndex(of: "\n") else { return "X:\(number)" }
    return "X:\(number)" + text[lineEnd...]
  }

  /// The first `T:` value in the header of `text`, if any and non-empty.
  static func title(of text: String) -> String? {
    for line in text.split(separator: "\n") {
      if line.hasPrefix("K:") { break }
      if line.hasPrefix("T:") {
        let value = String(line.dropFirst(2).drop { $0 == " " }).trimmingTrailingSpaces
        return value.isEmpty ? nil : value
      }
    }
    return nil
  }
}

extension String {
  /// The string without trailing spaces.
  fileprivate var trimmingTrailingSpaces: String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
