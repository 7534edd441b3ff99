/// Which characters of a tune's text belong to a bar that repeats an earlier bar of the same tune, for measuring
/// what a model pays for repetition (`studio evaluate`: bits/char of repeated against new bars).
///
/// Works on the text, one class per Unicode scalar (the model's unit), so it can be laid over per-character losses.
/// The body starts after the first `K:` line. A bar is the text between two bar lines (`|`, `:`-runs, `[|`, `|]`,
/// `[1`-style endings included in the bar line). Its *notes* are its text without spaces, chord symbols (`"…"`),
/// decorations (`!…!`, `+…+`, `.~HLMOPSTuv`), grace notes (`{…}`), slurs and ties' neighbours `()` and beaming:
/// two bars hold the same notes when those strings are equal (accidentals inside a bar travel with its text; a
/// key change between them is not seen, which the corpora almost never do within one part). A bar *repeats* when
/// a bar before it in the tune holds the same notes. Only the characters that spell a bar's notes (and rests) take
/// its class; bar lines, spaces, chord symbols, decorations, body fields and comments are `other`.
enum BarRepetition {
  enum Class: UInt8 { case header, newBar, repeatedBar, other }

  /// One class per Unicode scalar of `tune`.
  static func classes(of tune: String) -> [Class] {
    let scalars = Array(tune.unicodeScalars)
    var classes = [Class](repeating: .header, count: scalars.count)
    // The body starts after the line of the first `K:` field.
    var i = 0
    var lineStart = true
    var bodyStart: Int?
    while i < scalars.count {
      if lineStart && scalars[i] == "K" && i + 1 < scalars.count && scalars[i + 1] == ":" {
        var j = i
        while j < scalars.count && scalars[j] != "\n" { j += 1 }
        bodyStart = min(scalars.count, j + 1)
        break
      }
      lineStart = scalars[i] == "\n"
      i += 1
    }
    guard let start = bodyStart else { return classes }
    for k in start..<scalars.count { classes[k] = .other }

    var seen = Set<String>()
    var notes = String.UnicodeScalarView()
    var contentPositions: [Int] = []

    func closeBar() {
      if !notes.isEmpty {
        let key = String(notes)
        let repeated = !seen.insert(key).inserted
        for p in contentPositions { classes[p] = repeated ? .repeatedBar : .newBar }
      }
      notes = String.UnicodeScalarView()
      contentPositions.removeAll(keepingCapacity: true)
    }

    i = start
    lineStart = true
    while i < scalars.count {
      let c = scalars[i]
      // Field and comment lines in the body: not music.
      if lineStart {
        let isField = i + 1 < scalars.count && scalars[i + 1] == ":" && c.properties.isAlphabetic && c.isASCII
        if c == "%" || isField {
          while i < scalars.count && scalars[i] != "\n" { i += 1 }
          i += 1
          continue
        }
      }
      lineStart = c == "\n"
      switch c {
      case "|", ":":
        closeBar()
        // The bar line: a run of | : ] [ and an ending number right after it.
        var j = i
        while j < scalars.count, "|:[]".unicodeScalars.contains(scalars[j]) { j += 1 }
        while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == "," || scalars[j] == "-" { j += 1 }
        i = j
        continue
      case "[" where i + 1 < scalars.count && scalars[i + 1] == "|":
        closeBar()
        i += 1
        continue
      case "\"":
        i = skip(scalars, from: i, to: "\"")
        continue
      case "!", "+":
        i = skip(scalars, from: i, to: c)
        continue
      case "{":
        i = skip(scalars, from: i, to: "}")
        continue
      case " ", "\t", "\n", "\r", "(", ")", "`", ".", "~", "H", "L", "M", "O", "P", "S", "T", "u", "v", "\\":
        // Tuplet marks `(3` keep their digit as part of the notes (they change the rhythm).
        if c == "(", i + 1 < scalars.count, ("2"..."9").contains(scalars[i + 1]) {
          notes.append(c)
          contentPositions.append(i)
        }
        i += 1
        continue
      default:
        notes.append(c)
        contentPositions.append(i)
        i += 1
      }
    }
    closeBar()
    return classes
  }

  /// The index after the closing `end` of a span opened at `from` (or the line's end when it is not closed).
  private static func skip(_ scalars: [Unicode.Scalar], from: Int, to end: Unicode.Scalar) -> Int {
    var j = from + 1
    while j < scalars.count && scalars[j] != end && scalars[j] != "\n" { j += 1 }
    return j < scalars.count && scalars[j] == end ? j + 1 : j
  }
}
