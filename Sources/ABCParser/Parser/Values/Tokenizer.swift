/// Splits a field value into white-space separated words, keeping `"quoted strings"` whole and joining
/// `name = value` written with spaces around `=`.
enum Tokenizer {
  struct Token {
    var text: String
    /// Byte offset of the token in the value.
    var offset: Int
  }

  static func words(_ s: String) -> [Token] {
    let u = Array(s.utf8)
    var out: [Token] = []
    var i = 0
    while i < u.count {
      while i < u.count, u[i] == 0x20 || u[i] == 0x09 { i += 1 }
      guard i < u.count else { break }
      let start = i
      var inQuote = false
      while i < u.count {
        let c = u[i]
        if c == UInt8(ascii: "\"") { inQuote.toggle() } else if !inQuote, c == 0x20 || c == 0x09 { break }
        i += 1
      }
      out.append(Token(text: String(decoding: u[start..<i], as: UTF8.self), offset: start))
    }
    // Join `clef = bass`, `clef= bass`, `clef =bass` (only after a parameter name: `=c` alone is a natural).
    let names: Set<String> = [
      "clef", "transpose", "t", "octave", "middle", "stafflines", "name", "nm", "subname", "snm", "sname", "stem",
    ]
    var joined: [Token] = []
    var k = 0
    while k < out.count {
      var t = out[k]
      let base = t.text.hasSuffix("=") ? String(t.text.dropLast()) : t.text
      if names.contains(base.lowercased()), k + 1 < out.count, t.text.hasSuffix("=") || out[k + 1].text.hasPrefix("=") {
        t.text += out[k + 1].text
        k += 1
        if t.text.hasSuffix("="), k + 1 < out.count, !out[k + 1].text.contains("=") {
          t.text += out[k + 1].text
          k += 1
        }
      }
      joined.append(t)
      k += 1
    }
    return joined
  }

  /// Removes one pair of surrounding double quotes.
  static func unquote(_ s: String) -> String {
    if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { return String(s.dropFirst().dropLast()) }
    return s
  }
}
