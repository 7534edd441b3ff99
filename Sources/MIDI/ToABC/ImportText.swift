/// Small text helpers for the importer's option parsers and ABC writer (no Foundation in this module).
enum ImportText {
  /// `text` without leading and trailing spaces and tabs.
  static func trimmed(_ text: String) -> String {
    var s = Substring(text)
    while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
    while let c = s.last, c == " " || c == "\t" { s.removeLast() }
    return String(s)
  }

  /// A title fit for a `T:` field: one line, `%` escaped (it would start a comment), trimmed; `nil` when empty.
  static func fieldValue(_ text: String) -> String? {
    var out = ""
    for c in text {
      switch c {
      case "\n", "\r", "\t": out.append(" ")
      case "%": out += "\\%"
      default: out.append(c)
      }
    }
    let t = trimmed(out)
    return t.isEmpty ? nil : t
  }
}
