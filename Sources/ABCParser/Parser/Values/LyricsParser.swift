/// Splits `w:` lyric lines and `s:` symbol lines into alignment items (ABC 2.1 §5; checklist LY-03, LY-04, SY-01).
enum LyricsParser {
  static func parse(_ raw: String) -> Lyrics {
    let u = Array(raw.utf8)
    var items: [Lyrics.Item] = []
    var cur: [UInt8] = []
    var have = false
    var stanza: String? = nil
    var i = 0
    func emit(continues: Bool) {
      items.append(.syllable(text: String(decoding: cur, as: UTF8.self), continuesWord: continues))
      cur.removeAll(keepingCapacity: true)
      have = false
    }
    // LY-09: a first word starting with a digit is a stanza number.
    var j = 0
    while j < u.count, u[j] == 0x20 || u[j] == 0x09 { j += 1 }
    if j < u.count, ByteClass.isDigit(u[j]) {
      var k = j
      while k < u.count, ByteClass.isDigit(u[k]) || u[k] == UInt8(ascii: ".") || u[k] == UInt8(ascii: ")") { k += 1 }
      if k < u.count, u[k] == 0x20 || u[k] == 0x09 || u[k] == UInt8(ascii: "~") {
        stanza = String(decoding: u[j..<k], as: UTF8.self)
        i = k + 1
      }
    }
    while i < u.count {
      let c = u[i]
      switch c {
      case 0x20, 0x09:
        if have { emit(continues: false) }
      case UInt8(ascii: "-"):
        if have { emit(continues: true) } else { items.append(.syllable(text: "", continuesWord: true)) }
      case UInt8(ascii: "_"):
        if have { emit(continues: false) }
        items.append(.hold)
      case UInt8(ascii: "*"):
        if have { emit(continues: false) }
        items.append(.skip)
      case UInt8(ascii: "|"):
        if have { emit(continues: false) }
        items.append(.bar)
      case UInt8(ascii: "~"):
        cur.append(0x20)
        have = true
      case UInt8(ascii: "\\"):
        if i + 1 < u.count, u[i + 1] == UInt8(ascii: "-") {
          cur.append(UInt8(ascii: "-"))
          i += 1
        } else {
          cur.append(c)
        }
        have = true
      default:
        cur.append(c)
        have = true
      }
      i += 1
    }
    if have { emit(continues: false) }
    return Lyrics(items: items, stanza: stanza)
  }

  static func parseSymbolLine(_ raw: String, shorthands: [UInt8: String]) -> SymbolLine {
    let u = Array(raw.utf8)
    var items: [SymbolLine.Item] = []
    var i = 0
    while i < u.count {
      let c = u[i]
      switch c {
      case UInt8(ascii: "!"), UInt8(ascii: "+"):
        var j = i + 1
        while j < u.count, u[j] != c { j += 1 }
        items.append(.decoration(String(decoding: u[(i + 1)..<min(j, u.count)], as: UTF8.self)))
        i = j + 1
        continue
      case UInt8(ascii: "\""):
        var j = i + 1
        while j < u.count, u[j] != c { j += 1 }
        let text = String(decoding: u[(i + 1)..<min(j, u.count)], as: UTF8.self)
        if let f = text.utf8.first, "^_<>@".utf8.contains(f) {
          items.append(.annotation(text))
        } else {
          items.append(.chordSymbol(text))
        }
        i = j + 1
        continue
      case UInt8(ascii: "*"): items.append(.skip)
      case UInt8(ascii: "|"): items.append(.bar)
      default:
        if let name = shorthands[c] { items.append(.decoration(name)) }
      }
      i += 1
    }
    return SymbolLine(items: items)
  }
}
