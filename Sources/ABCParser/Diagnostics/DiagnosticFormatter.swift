/// Formats diagnostics for people (compiler style, with the source line and a caret) and for tools (one JSON
/// object per line). Pure string formatting; printing is the caller's job.
public enum DiagnosticFormatter {
  /// `file:line:col: severity[id]: message`, then the source line and a caret, then `  hint: …`.
  ///
  /// - Parameters:
  ///   - line: the text of the diagnostic's source line (without its line end), or `nil` to omit the excerpt.
  public static func text(_ d: Diagnostic, file: String, line: String?) -> String {
    var out = "\(file):\(d.location.line):\(d.location.column): \(d.severity.rawValue)[\(d.id.rawValue)]: \(d.message)"
    if let line, d.location.line > 0 {
      let (excerpt, caret) = excerptAndCaret(line: line, column: d.location.column, length: d.length)
      out += "\n    " + excerpt + "\n    " + caret
    }
    if let hint = d.hint { out += "\n  hint: " + hint }
    return out
  }

  /// A window of at most ~100 characters of `line` around `column` (UTF-8 bytes, 1-based), and a caret line
  /// (`^~~~`) under the diagnostic. Tabs are kept so the caret lines up.
  static func excerptAndCaret(line: String, column: Int, length: Int) -> (String, String) {
    let bytes = Array(line.utf8)
    let col = Swift.max(0, Swift.min(column - 1, bytes.count))
    // Window in bytes, moved to character boundaries.
    var start = Swift.max(0, col - 60)
    var end = Swift.min(bytes.count, col + 60)
    while start > 0, start < bytes.count, bytes[start] & 0xC0 == 0x80 { start -= 1 }
    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
    let prefix = start > 0 ? "…" : ""
    let suffix = end < bytes.count ? "…" : ""
    let excerpt = prefix + String(decoding: bytes[start..<end], as: UTF8.self) + suffix
    var caret = prefix.isEmpty ? "" : " "
    for ch in String(decoding: bytes[start..<col], as: UTF8.self) { caret += ch == "\t" ? "\t" : " " }
    let underline = Swift.max(0, Swift.min(length, end - col) - 1)
    let shown = String(decoding: bytes[col..<Swift.min(end, col + Swift.max(length, 1))], as: UTF8.self).count
    caret += "^" + String(repeating: "~", count: Swift.max(0, Swift.min(underline, shown - 1)))
    return (excerpt, caret)
  }

  /// One JSON object (no trailing newline): file, tune (X number or null), index (1-based ordinal or null), title,
  /// line, column, severity, id, code, message, hint.
  public static func json(_ d: Diagnostic, file: String, tune: TuneSummary?) -> String {
    var fields: [(String, String)] = [("file", quote(file))]
    fields.append(("tune", tune?.referenceNumber.map(String.init) ?? "null"))
    fields.append(("index", tune.map { String($0.index + 1) } ?? "null"))
    fields.append(("title", tune?.title.map(quote) ?? "null"))
    fields.append(("line", String(d.location.line)))
    fields.append(("column", String(d.location.column)))
    fields.append(("severity", quote(d.severity.rawValue)))
    fields.append(("id", quote(d.id.rawValue)))
    fields.append(("code", quote(d.id.code)))
    fields.append(("message", quote(d.message)))
    fields.append(("hint", d.hint.map(quote) ?? "null"))
    return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }

  /// A JSON string literal.
  public static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
