/// Decodes ABC text-string escapes (ABC 2.1 §8; checklist F-17, F-18): TeX-like accents (`\'e`), ligatures
/// (`\ss`, `\AE`), HTML entities (`&eacute;`, `&#233;`), `\u00e9`/`\U000000e9`, `\\`, `\%`, `\&`, and font switches
/// `$0`…`$4` (stripped; `$$` is a dollar).
public enum TextDecoder {
  static let accents: [UInt8: [Character: Character]] = [
    UInt8(ascii: "`"): [
      "a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù", "A": "À", "E": "È", "I": "Ì", "O": "Ò", "U": "Ù",
    ],
    UInt8(ascii: "'"): [
      "a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "y": "ý", "A": "Á", "E": "É", "I": "Í", "O": "Ó", "U": "Ú",
      "Y": "Ý",
    ],
    UInt8(ascii: "^"): [
      "a": "â", "e": "ê", "i": "î", "o": "ô", "u": "û", "A": "Â", "E": "Ê", "I": "Î", "O": "Ô", "U": "Û",
    ],
    UInt8(ascii: "\""): [
      "a": "ä", "e": "ë", "i": "ï", "o": "ö", "u": "ü", "y": "ÿ", "A": "Ä", "E": "Ë", "I": "Ï", "O": "Ö", "U": "Ü",
    ],
    UInt8(ascii: "~"): ["a": "ã", "n": "ñ", "o": "õ", "A": "Ã", "N": "Ñ", "O": "Õ"],
    UInt8(ascii: "c"): ["c": "ç", "C": "Ç"],
    UInt8(ascii: "o"): ["a": "å", "A": "Å"],
    UInt8(ascii: "v"): ["s": "š", "S": "Š", "z": "ž", "Z": "Ž", "c": "č", "C": "Č"],
  ]
  static let ligatures: [String: String] = [
    "ss": "ß", "AE": "Æ", "ae": "æ", "OE": "Œ", "oe": "œ", "aa": "å", "AA": "Å", "o": "ø", "O": "Ø",
  ]
  static let entities: [String: String] = [
    "eacute": "é", "Eacute": "É", "egrave": "è", "aacute": "á", "agrave": "à", "acirc": "â", "auml": "ä",
    "ouml": "ö", "uuml": "ü", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "ntilde": "ñ", "ccedil": "ç",
    "iacute": "í", "oacute": "ó", "uacute": "ú", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "copy": "©",
    "nbsp": " ", "aring": "å", "oslash": "ø", "aelig": "æ", "ecirc": "ê", "ocirc": "ô", "icirc": "î",
  ]

  /// Returns `s` with escapes decoded; unknown escapes are kept as written.
  public static func decode(_ s: String) -> String {
    let u = Array(s.utf8)
    guard u.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "$") }) else {
      return s
    }
    var out = ""
    var i = 0
    var pending: [UInt8] = []
    func flush() {
      if !pending.isEmpty {
        out += String(decoding: pending, as: UTF8.self)
        pending.removeAll()
      }
    }
    while i < u.count {
      let c = u[i]
      if c == UInt8(ascii: "\\"), i + 1 < u.count {
        let n = u[i + 1]
        if n == UInt8(ascii: "\\") || n == UInt8(ascii: "%") || n == UInt8(ascii: "&") || n == UInt8(ascii: "$") {
          pending.append(n)
          i += 2
          continue
        }
        if n == UInt8(ascii: "u") || n == UInt8(ascii: "U"),
          let (scalar, len) = hexScalar(u, i + 2, n == UInt8(ascii: "u") ? 4 : 8)
        {
          flush()
          out.unicodeScalars.append(scalar)
          i += 2 + len
          continue
        }
        if i + 2 < u.count, let table = accents[n], let ch = table[Character(Unicode.Scalar(u[i + 2]))] {
          flush()
          out.append(ch)
          i += 3
          continue
        }
        if i + 2 < u.count, let lig = ligatures[String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self)] {
          flush()
          out += lig
          i += 3
          continue
        }
        if let lig = ligatures[String(decoding: [n], as: UTF8.self)] {
          flush()
          out += lig
          i += 2
          continue
        }
      } else if c == UInt8(ascii: "&") {
        var j = i + 1
        while j < u.count, j - i < 12, u[j] != UInt8(ascii: ";"), u[j] != 0x20 { j += 1 }
        if j < u.count, u[j] == UInt8(ascii: ";") {
          let name = String(decoding: u[(i + 1)..<j], as: UTF8.self)
          if let e = entities[name] {
            flush()
            out += e
            i = j + 1
            continue
          }
          if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value =
              digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            if let v = value, let scalar = Unicode.Scalar(v) {
              flush()
              out.unicodeScalars.append(scalar)
              i = j + 1
              continue
            }
          }
        }
      } else if c == UInt8(ascii: "$"), i + 1 < u.count {
        let n = u[i + 1]
        if n == UInt8(ascii: "$") {
          pending.append(n)
          i += 2
          continue
        }
        if n >= UInt8(ascii: "0"), n <= UInt8(ascii: "4") {
          i += 2
          continue
        }
      }
      pending.append(c)
      i += 1
    }
    flush()
    return out
  }

  static func hexScalar(_ u: [UInt8], _ start: Int, _ count: Int) -> (Unicode.Scalar, Int)? {
    guard start + count <= u.count else { return nil }
    guard let v = UInt32(String(decoding: u[start..<(start + count)], as: UTF8.self), radix: 16),
      let s = Unicode.Scalar(v)
    else {
      return nil
    }
    return (s, count)
  }
}
