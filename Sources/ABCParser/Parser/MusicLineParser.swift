/// Reads one line of music code into body elements (ABC 2.1 §4–§7). Works on UTF-8 bytes, linear time; nested
/// constructs (chords inside grace groups) are at most two levels deep and never recurse on input.
struct MusicLineParser {
  let b: UnsafeBufferPointer<UInt8>
  var i: Int
  let end: Int
  let lineIndex: Int
  let lineStart: Int
  /// For macro expansions: every element gets this range (the macro use in the source).
  let fixedRange: SourceRange?
  /// `false` inside a macro expansion (no nested expansion).
  let allowMacros: Bool

  init(src: SourceText, lineIndex: Int, start: Int, end: Int) {
    self.b = src.bytes
    self.i = start
    self.end = end
    self.lineIndex = lineIndex
    self.lineStart = lineIndex < src.lines.count ? src.lines[lineIndex].start : start
    self.fixedRange = nil
    self.allowMacros = true
  }

  init(expansion buffer: UnsafeBufferPointer<UInt8>, range: SourceRange) {
    self.b = buffer
    self.i = 0
    self.end = buffer.count
    self.lineIndex = range.start.line - 1
    self.lineStart = 0
    self.fixedRange = range
    self.allowMacros = false
  }

  // MARK: positions

  @inline(__always) func loc(_ k: Int) -> SourceLocation {
    if let f = fixedRange { return f.start }
    return SourceLocation(line: lineIndex + 1, column: k - lineStart + 1, offset: k)
  }
  @inline(__always) func range(_ a: Int, _ c: Int) -> SourceRange {
    if let f = fixedRange { return f }
    return SourceRange(start: loc(a), end: loc(c))
  }
  @inline(__always) func str(_ a: Int, _ c: Int) -> String {
    guard a < c else { return "" }
    return String(decoding: UnsafeBufferPointer(rebasing: b[a..<c]), as: UTF8.self)
  }
  @inline(__always) func at(_ k: Int) -> UInt8 { k < end ? b[k] : 0 }
  @inline(__always) func length(_ a: Int, _ c: Int) -> Int { fixedRange?.byteCount ?? (c - a) }

  static let bar = UInt8(ascii: "|")
  static let colon = UInt8(ascii: ":")

  // MARK: main loop

  mutating func parse(into out: inout [BodyElement], state: inout ParseState) {
    while i < end {
      let start = i
      parseElement(into: &out, state: &state)
      if i == start {
        // Loop-progress guard: never stay in place.
        i = start + 1
        out.append(.stray(Stray(text: str(start, i), range: range(start, i))))
        state.report(.strayCharacter, at: loc(start), length: 1, "unexpected \"\(str(start, i))\" in music code")
      }
    }
  }

  mutating func parseElement(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    let c = b[i]
    if allowMacros, !state.macros.isEmpty, let use = matchMacro(state: &state) {
      out.append(.macro(use))
      return
    }
    switch c {
    case 0x20, 0x09, UInt8(ascii: "`"):
      while i < end, b[i] == 0x20 || b[i] == 0x09 || b[i] == UInt8(ascii: "`") { i += 1 }
      out.append(.space(Space(text: str(start, i), range: range(start, i))))
    case UInt8(ascii: "%"):
      i = end
      out.append(.comment(Comment(text: str(start, end), range: range(start, end))))
    case UInt8(ascii: "\\"):
      var j = i + 1
      while j < end, ByteClass.isSpace(b[j]) { j += 1 }
      i += 1
      if j == end || b[j] == UInt8(ascii: "%") {
        out.append(.continuation(Continuation(range: range(start, i))))
      } else {
        out.append(.stray(Stray(text: "\\", range: range(start, i))))
        state.report(
          .strayCharacter, at: loc(start), length: 1, "\\ in the middle of a music line",
          hint: "a \\ continues the line only at its end")
      }
    case UInt8(ascii: "$"):
      i += 1
      out.append(.scoreLineBreak(ScoreLineBreak(text: "$", range: range(start, i))))
    case UInt8(ascii: "!"):
      parseBang(into: &out, state: &state)
    case UInt8(ascii: "+"):
      parsePlus(into: &out, state: &state)
    case UInt8(ascii: "\""):
      out.append(parseQuoted(state: &state))
    case UInt8(ascii: "["):
      parseOpenBracket(into: &out, state: &state)
    case UInt8(ascii: "]"):
      i += 1
      if state.chordContinuesOnNextLine {
        // The end of a chord hard-wrapped on the previous line (reported there): `]`, its length and tie.
        state.chordContinuesOnNextLine = false
        while i < end, ByteClass.isDigit(b[i]) || b[i] == UInt8(ascii: "/") { i += 1 }
        if at(i) == UInt8(ascii: "-") { i += 1 }
        out.append(.stray(Stray(text: str(start, i), range: range(start, i))))
        return
      }
      out.append(.stray(Stray(text: "]", range: range(start, i))))
      state.report(
        .chordUnmatched, at: loc(start), length: 1, "] closes no chord",
        hint: "remove it or add the [ that opens the chord")
    case MusicLineParser.bar, MusicLineParser.colon:
      if !parseBar(into: &out, state: &state) {
        i += 1
        out.append(.stray(Stray(text: str(start, i), range: range(start, i))))
        state.report(
          .strayCharacter, at: loc(start), length: 1, "a single : is not a bar line", hint: "write |: or :| for repeats"
        )
      }
    case UInt8(ascii: "."):
      if at(i + 1) == MusicLineParser.bar {
        _ = parseBar(into: &out, state: &state)
      } else if at(i + 1) == UInt8(ascii: "(") {
        i += 2
        out.append(.slurStart(Slur(isDotted: true, range: range(start, i))))
      } else {
        parseShorthand(into: &out, state: &state)
      }
    case UInt8(ascii: "("):
      if ByteClass.isDigit(at(i + 1)) {
        out.append(parseTuplet(state: &state))
      } else if at(i + 1) == UInt8(ascii: "&") {
        i += 2
        out.append(.overlay(Overlay(text: "(&", range: range(start, i))))
      } else {
        i += 1
        out.append(.slurStart(Slur(range: range(start, i))))
      }
    case UInt8(ascii: ")"):
      i += 1
      out.append(.slurEnd(Slur(range: range(start, i))))
    case UInt8(ascii: "&"):
      if at(i + 1) == UInt8(ascii: ")") { i += 2 } else { i += 1 }
      out.append(.overlay(Overlay(text: str(start, i), range: range(start, i))))
    case UInt8(ascii: "{"):
      out.append(parseGrace(state: &state))
    case UInt8(ascii: "}"):
      i += 1
      out.append(.stray(Stray(text: "}", range: range(start, i))))
      state.report(
        .graceUnclosed, at: loc(start), length: 1, "} closes no grace group", hint: "grace notes are written {gag}A")
    case UInt8(ascii: ">"), UInt8(ascii: "<"):
      while i < end, b[i] == c { i += 1 }
      let n = i - start
      if n > 3 {
        state.report(
          .brokenRhythmMisuse, at: loc(start), length: n, "\(n) broken-rhythm marks; at most 3 (>>>) are defined")
      }
      out.append(
        .brokenRhythm(
          BrokenRhythm(
            direction: c == UInt8(ascii: ">") ? .firstLonger : .secondLonger, count: n, range: range(start, i))))
    case UInt8(ascii: "-"):
      i += 1
      if MusicLineParser.lastMusical(out).map({
        if case .note = $0 { return true }
        if case .chord = $0 { return true }
        return false
      }) == true {
        out.append(.tie(Tie(range: range(start, i))))
        if !state.reportedDetachedTie {
          state.reportedDetachedTie = true
          state.report(
            .legacySyntax, at: loc(start), length: 1, "tie - is separated from its note by a space",
            hint: "write the tie right after the note: c2-c2")
        }
      } else {
        out.append(.stray(Stray(text: "-", range: range(start, i))))
        state.report(
          .tieDangling, at: loc(start), length: 1, "tie - does not follow a note",
          hint: "write the tie right after the note: c2-c2")
      }
    case UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "="):
      if let n = parseNote(state: &state) {
        out.append(.note(n))
      } else {
        i = start + 1
        while i < end, b[i] == c { i += 1 }
        out.append(.stray(Stray(text: str(start, i), range: range(start, i))))
        state.report(
          .strayCharacter, at: loc(start), length: i - start, "accidental \(str(start, i)) is not followed by a note")
      }
    case UInt8(ascii: "z"), UInt8(ascii: "x"):
      i += 1
      let (len, text) = parseLength(state: &state)
      out.append(
        .rest(Rest(isInvisible: c == UInt8(ascii: "x"), length: len, lengthText: text, range: range(start, i))))
    case UInt8(ascii: "Z"), UInt8(ascii: "X"):
      // `Z:|` and `Z::` are a multi-bar rest before an end repeat, not a field (a field never ends at a bar line).
      if at(i + 1) == MusicLineParser.colon, at(i + 2) != MusicLineParser.bar, at(i + 2) != MusicLineParser.colon {
        parseMidLineField(into: &out, state: &state)
        return
      }
      i += 1
      let a = i
      while i < end, ByteClass.isDigit(b[i]) { i += 1 }
      var bars = 1
      if i > a {
        if i - a > 6 {
          state.report(.invalidLength, at: loc(a), length: i - a, "multi-measure rest count too large")
        } else {
          bars = Int(str(a, i)) ?? 1
        }
      }
      if state.meter == Meter.none {
        state.report(
          .multiMeasureRestWithoutMeter, at: loc(start), length: i - start,
          "\(str(start, i)) needs a meter (M:none is set)")
      }
      out.append(
        .multiMeasureRest(
          MultiMeasureRest(
            isInvisible: c == UInt8(ascii: "X"), bars: bars, countText: str(a, i), range: range(start, i))))
    case UInt8(ascii: "y"):
      i += 1
      let a = i
      while i < end, ByteClass.isDigit(b[i]) || b[i] == UInt8(ascii: "/") { i += 1 }
      out.append(.spacer(Spacer(widthText: str(a, i), range: range(start, i))))
    case UInt8(ascii: "#"), UInt8(ascii: "*"), UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: "@"):
      i += 1
      out.append(.stray(Stray(text: str(start, i), range: range(start, i))))
      state.report(
        .reservedCharacter, at: loc(start), length: 1, "reserved character \"\(str(start, i))\" in music code ignored",
        hint: c == UInt8(ascii: "#") ? "did you mean ^ (sharp)?" : "#, *, ;, ? and @ are reserved in ABC 2.1")
    default:
      if ByteClass.isNoteLetter(c) {
        if let n = parseNote(state: &state) {
          out.append(.note(n))
          return
        }
      }
      if ByteClass.isLetter(c) {
        // `H:|`, `S:|`, `H::`: a decoration (fermata, segno) before an end repeat or a `::`, not a field (a field
        // never ends at a bar line).
        if at(i + 1) == MusicLineParser.colon, at(i + 2) != MusicLineParser.bar,
          at(i + 2) != MusicLineParser.colon || state.shorthands[c] == nil, FieldParser.definedLetters.contains(c),
          !ByteClass.isNoteLetter(c)
        {
          parseMidLineField(into: &out, state: &state)
          return
        }
        if state.shorthands[c] != nil {
          parseShorthand(into: &out, state: &state)
          return
        }
      }
      if c == UInt8(ascii: "~"), state.shorthands[c] != nil {
        parseShorthand(into: &out, state: &state)
        return
      }
      consumeStray(into: &out, state: &state)
    }
  }

  /// The last element that is not white space, a comment or a line break.
  static func lastMusical(_ out: [BodyElement]) -> BodyElement? {
    for e in out.reversed() {
      switch e {
      case .space, .lineBreak, .comment, .continuation: continue
      default: return e
      }
    }
    return nil
  }

  /// Consumes a run of unreadable bytes as one stray element (whole UTF-8 sequences; digits as a length).
  mutating func consumeStray(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    let c = b[i]
    var message: String
    var hint: String? = nil
    if ByteClass.isDigit(c) || c == UInt8(ascii: "/") {
      while i < end, ByteClass.isDigit(b[i]) || b[i] == UInt8(ascii: "/") { i += 1 }
      message = "note length \(str(start, i)) without a note"
      hint = "a length follows its note: A2, A/2"
    } else if c == UInt8(ascii: ",") || c == UInt8(ascii: "'") {
      while i < end, b[i] == UInt8(ascii: ",") || b[i] == UInt8(ascii: "'") { i += 1 }
      message = "octave mark \(str(start, i)) without a note"
      hint = "octave marks follow the note letter: C, c'"
    } else if c >= 0x80 || c < 0x20 || c == 0x7F {
      i += 1
      while i < end, b[i] >= 0x80 || (b[i] < 0x20 && b[i] != 0x09) || b[i] == 0x7F { i += 1 }
      message = "unexpected characters \"\(str(start, i))\" in music code"
      hint = "music code is ASCII; put text in \"quotes\" or after %"
    } else {
      i += 1
      message = "unexpected \"\(str(start, i))\" in music code"
      if ByteClass.isLetter(c) {
        hint = "\(str(start, i)) is not a note, rest or decoration; notes are A-G, a-g; bind decorations with U:"
      }
    }
    out.append(.stray(Stray(text: str(start, i), range: range(start, i))))
    state.report(.strayCharacter, at: loc(start), length: length(start, i), message, hint: hint)
  }

  // MARK: notes and lengths

  /// Parses `[accidental] letter [octave marks] [length] [tie]` at `i`; `nil` (and `i` unchanged) when there is no
  /// note here.
  mutating func parseNote(state: inout ParseState) -> Note? {
    let start = i
    var j = i
    var accidental: Accidental? = nil
    let c = b[j]
    if c == UInt8(ascii: "^") || c == UInt8(ascii: "_") {
      let up = c == UInt8(ascii: "^")
      if at(j + 1) == c {
        accidental = up ? .doubleSharp : .doubleFlat
        j += 2
      } else if ByteClass.isDigit(at(j + 1)) || at(j + 1) == UInt8(ascii: "/") {
        // Microtone ^/c, ^3/4c (A-09).
        var k = j + 1
        let saved = i
        i = k
        var ignore = ParseState(strict: false, tuneIndex: nil)
        let (f, _) = parseLength(state: &ignore)
        k = i
        i = saved
        accidental = .microtone(semitones: up ? f : -f)
        j = k
      } else {
        accidental = up ? .sharp : .flat
        j += 1
      }
    } else if c == UInt8(ascii: "=") {
      accidental = .natural
      j += 1
    }
    guard j < end, ByteClass.isNoteLetter(b[j]), let letter = NoteLetter(ascii: b[j]) else { return nil }
    let accEnd = j
    let lower = b[j] >= UInt8(ascii: "a")
    j += 1
    let octStart = j
    while j < end, b[j] == UInt8(ascii: ",") || b[j] == UInt8(ascii: "'") { j += 1 }
    let octEnd = j
    i = j
    let (len, lenText) = parseLength(state: &state)
    let tie = parseTie()
    return Note(
      accidental: accidental, accidentalText: str(start, accEnd), letter: letter, isLowercase: lower,
      octaveText: str(octStart, octEnd), length: len, lengthText: lenText, tie: tie, range: range(start, i))
  }

  /// `-` or `.-` after a note or chord.
  mutating func parseTie() -> Tie? {
    if at(i) == UInt8(ascii: "-") {
      i += 1
      return Tie(isDotted: false, range: range(i - 1, i))
    }
    if at(i) == UInt8(ascii: "."), at(i + 1) == UInt8(ascii: "-") {
      i += 2
      return Tie(isDotted: true, range: range(i - 2, i))
    }
    return nil
  }

  /// Parses a length (`3`, `/`, `//`, `3/2`, `3/`) at `i` (checklist D-01…D-06). Zero or malformed lengths are
  /// diagnosed and read as 1 (or 0 for an explicit `0`).
  mutating func parseLength(state: inout ParseState) -> (NoteLength, String) {
    let start = i
    var num = 1
    var den = 1
    var bad = false
    var zero = false
    let a = i
    while i < end, ByteClass.isDigit(b[i]) { i += 1 }
    if i > a {
      if i - a > 9 { bad = true } else { num = Int(str(a, i)) ?? 1 }
      if num == 0 { zero = true }
    }
    while i < end, b[i] == UInt8(ascii: "/") {
      i += 1
      let d0 = i
      while i < end, ByteClass.isDigit(b[i]) { i += 1 }
      if i > d0 {
        if i - d0 > 9 {
          bad = true
        } else {
          let d = Int(str(d0, i)) ?? 1
          if d == 0 {
            zero = true
          } else {
            let r = den.multipliedReportingOverflow(by: d)
            if r.overflow || r.partialValue > NoteLength.limit { bad = true } else { den = r.partialValue }
          }
        }
      } else {
        let r = den.multipliedReportingOverflow(by: 2)
        if r.overflow || r.partialValue > NoteLength.limit { bad = true } else { den = r.partialValue }
      }
    }
    guard i > start else { return (.one, "") }
    let text = str(start, i)
    if zero {
      state.report(
        .invalidLength, at: loc(start), length: length(start, i),
        num == 0 ? "note length \(text) is zero" : "note length \(text) has a zero denominator",
        hint: "lengths are positive: A2, A/2, A3/2")
      return (num == 0 ? .zero : .one, text)
    }
    guard !bad, let value = NoteLength(exactly: num, den) else {
      state.report(
        .invalidLength, at: loc(start), length: length(start, i), "note length \(text) is too large",
        hint: "lengths are small fractions: A2, A/2, A3/2")
      return (.one, text)
    }
    if !value.hasPowerOfTwoDenominator {
      state.report(
        .unusualLength, at: loc(start), length: length(start, i), "\(text) is not a standard note value",
        hint: "use a tuplet, e.g. (3abc, for notes that are not powers of two")
    }
    return (value, text)
  }

  // MARK: bars and endings

  /// Scans a bar line at `i` (`|`, `||`, `|]`, `[|`, `|:`, `:|`, `::`, `.|`, `[|]` …) and any ending digits right
  /// after it. Returns `false` (nothing consumed) for a lone `:`.
  mutating func parseBar(into out: inout [BodyElement], state: inout ParseState) -> Bool {
    let start = i
    var j = i
    var pipes = 0
    var dotted = false
    if b[j] == UInt8(ascii: ".") {
      dotted = true
      j += 1
    }
    while j < end {
      let c = b[j]
      if c == MusicLineParser.bar {
        pipes += 1
        j += 1
      } else if c == MusicLineParser.colon {
        j += 1
      } else if c == UInt8(ascii: "["), at(j + 1) == MusicLineParser.bar {
        j += 1
      } else if c == UInt8(ascii: "]"), j > start, b[j - 1] == MusicLineParser.bar {
        j += 1
        // `[|]` is a whole bar line: a repeat written right after it (`[|]:|`) is the next bar line (BL-06).
        if j - start == 3, b[start] == UInt8(ascii: "[") { break }
      } else {
        break
      }
    }
    let text = str(start, j)
    var leading = 0
    var trailing = 0
    var k = start + (dotted ? 1 : 0)
    while k < j, b[k] == MusicLineParser.colon {
      leading += 1
      k += 1
    }
    var t = j - 1
    while t >= k, b[t] == MusicLineParser.colon {
      trailing += 1
      t -= 1
    }
    if pipes == 0 {
      guard leading >= 2 else { return false }
      // `::`: end and start.
      let e = leading / 2
      i = j
      out.append(
        .barLine(BarLine(text: text, style: .double, endRepeats: e, startRepeats: leading - e, range: range(start, j))))
      parseEndingDigits(into: &out, state: &state)
      return true
    }
    let core = str(k, t + 1)
    let style: BarLine.Style
    if dotted {
      style = .dotted
    } else if core == "[|]" {
      style = .invisible
    } else if core.hasPrefix("[|") {
      style = .thickThin
    } else if core.hasSuffix("|]") {
      style = .thinThick
    } else if pipes >= 2 {
      style = .double
    } else {
      style = .single
    }
    i = j
    out.append(
      .barLine(BarLine(text: text, style: style, endRepeats: leading, startRepeats: trailing, range: range(start, j))))
    parseEndingDigits(into: &out, state: &state)
    return true
  }

  /// `|1`, `:|2,3`: ending digits directly after a bar line.
  mutating func parseEndingDigits(into out: inout [BodyElement], state: inout ParseState) {
    guard ByteClass.isDigit(at(i)) else { return }
    let start = i
    let numbers = parseEndingList(state: &state)
    out.append(.ending(Ending(numbers: numbers, text: str(start, i), isBracketed: false, range: range(start, i))))
  }

  /// `1`, `1,3`, `1-3,5` at `i`.
  mutating func parseEndingList(state: inout ParseState) -> [ClosedRange<Int>] {
    var numbers: [ClosedRange<Int>] = []
    func number(_ p: inout Self) -> Int? {
      let a = p.i
      while p.i < p.end, ByteClass.isDigit(p.b[p.i]) { p.i += 1 }
      guard p.i > a else { return nil }
      guard p.i - a <= 4, let n = Int(p.str(a, p.i)) else { return 9999 }
      return n
    }
    while let lo = number(&self) {
      var hi = lo
      if at(i) == UInt8(ascii: "-"), ByteClass.isDigit(at(i + 1)) {
        i += 1
        hi = number(&self) ?? lo
      }
      numbers.append(Swift.min(lo, hi)...Swift.max(lo, hi))
      if at(i) == UInt8(ascii: ","), ByteClass.isDigit(at(i + 1)) { i += 1 } else { break }
    }
    return numbers
  }

  // MARK: brackets: bars, endings, inline fields, chords

  mutating func parseOpenBracket(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    let n1 = at(i + 1)
    if n1 == MusicLineParser.bar {
      _ = parseBar(into: &out, state: &state)
      return
    }
    if ByteClass.isDigit(n1) {
      i += 1
      let numbers = parseEndingList(state: &state)
      out.append(.ending(Ending(numbers: numbers, text: str(start, i), isBracketed: true, range: range(start, i))))
      return
    }
    if n1 == UInt8(ascii: "\"") {
      // ["second time" (E-05)
      var j = i + 2
      while j < end, b[j] != UInt8(ascii: "\"") { j += 1 }
      if j < end {
        let label = str(i + 2, j)
        i = j + 1
        out.append(
          .ending(Ending(numbers: [], text: str(start, i), isBracketed: true, label: label, range: range(start, i))))
        state.report(
          .endingMisplaced, at: loc(start), length: i - start,
          "text ending [\"\(label)\" is an abcm2ps extension; played as the next ending",
          hint: "write numbered endings: [1 … :|[2 …")
        return
      }
    }
    if ByteClass.isLetter(n1), at(i + 2) == MusicLineParser.colon {
      parseInlineField(into: &out, state: &state)
      return
    }
    if ByteClass.isSpace(n1) {
      var j = i + 1
      while j < end, ByteClass.isSpace(b[j]) { j += 1 }
      if ByteClass.isLetter(at(j)), at(j + 1) == MusicLineParser.colon {
        var k = j
        while k < end, b[k] != UInt8(ascii: "]") { k += 1 }
        i = Swift.min(k + 1, end)
        out.append(.stray(Stray(text: str(start, i), range: range(start, i))))
        state.report(
          .inlineFieldSyntax, at: loc(start), length: i - start, "\(str(start, i)) must not have a space after [",
          hint: "write [\(str(j, j + 1)):…]")
        return
      }
    }
    out.append(.chord(parseChord(state: &state)))
  }

  /// `[K:D]` at `i`.
  mutating func parseInlineField(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    let letter = b[i + 1]
    let valueStart = i + 3
    var j = valueStart
    var inQuote = false
    while j < end {
      if b[j] == UInt8(ascii: "\"") { inQuote.toggle() } else if b[j] == UInt8(ascii: "]"), !inQuote { break }
      j += 1
    }
    let closed = j < end
    let raw = str(valueStart, j)
    i = closed ? j + 1 : end
    if !closed {
      state.report(
        .inlineFieldSyntax, at: loc(start), length: length(start, i),
        "[\(Character(Unicode.Scalar(letter))):… is missing its ]",
        hint: "close the inline field: [\(Character(Unicode.Scalar(letter))):\(raw.trimmingABCSpaces())]")
    }
    let (value, _) = FieldParser.parseValue(
      letter: letter, raw: raw, form: .inline, context: .inline, previous: nil, state: &state, at: loc(start),
      valueAt: loc(valueStart), length: length(start, i))
    out.append(
      .field(
        Field(
          letter: Character(Unicode.Scalar(letter)), form: .inline, rawValue: raw, value: value, isClosed: closed,
          range: range(start, i))))
  }

  /// A field written in the middle of a music line without brackets (`M:3/4 egdB`; ABC014): up to the next space.
  mutating func parseMidLineField(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    let letter = b[i]
    var j = i + 2
    while j < end, !ByteClass.isSpace(b[j]), b[j] != MusicLineParser.bar { j += 1 }
    let raw = str(i + 2, j)
    i = j
    state.report(
      .fieldInMusic, at: loc(start), length: length(start, i), "\"\(str(start, i))\" in the middle of music",
      hint: "write [\(str(start, i))] or put it on its own line")
    let (value, _) = FieldParser.parseValue(
      letter: letter, raw: raw, form: .line, context: .body, previous: nil, state: &state, at: loc(start),
      valueAt: loc(start + 2), length: length(start, i))
    out.append(
      .field(
        Field(
          letter: Character(Unicode.Scalar(letter)), form: .line, rawValue: raw, value: value, range: range(start, i))))
  }

  /// `[CEG]2-` at `i` (C-01…C-04, R-06).
  mutating func parseChord(state: inout ParseState) -> Chord {
    let start = i
    i += 1
    var elements: [BodyElement] = []
    elements.reserveCapacity(4)
    var sawNote = false
    var sawRest = false
    while i < end, b[i] != UInt8(ascii: "]") {
      let c = b[i]
      let s = i
      // A slur opened inside a chord (`[E2(e2]c2)`): kept in the chord, so the chord stays whole and the slur still
      // closes later (recovered locally with a warning; a tuplet `(3` still ends an unclosed chord).
      if c == UInt8(ascii: "("), !ByteClass.isDigit(at(i + 1)), chordCloses(from: i + 1) {
        i += 1
        elements.append(.slurStart(Slur(range: range(s, i))))
        state.report(
          .slurInChord, at: loc(s), length: 1, "slur ( inside a chord; read as a slur starting on the chord",
          hint: "write the ( before the chord: ([E2e2]c2)")
        continue
      }
      // Characters that cannot be inside a chord end it (recovery for a missing ]).
      if c == MusicLineParser.bar || c == UInt8(ascii: "[") || c == UInt8(ascii: "(") || c == UInt8(ascii: "{") {
        break
      }
      if c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") || ByteClass.isNoteLetter(c) {
        if let n = parseNote(state: &state) {
          elements.append(.note(n))
          sawNote = true
          continue
        }
      } else if c == UInt8(ascii: "z") || c == UInt8(ascii: "x") {
        i += 1
        let (len, text) = parseLength(state: &state)
        elements.append(
          .rest(Rest(isInvisible: c == UInt8(ascii: "x"), length: len, lengthText: text, range: range(s, i))))
        if !sawRest {
          state.report(
            .restInChord, at: loc(s), length: length(s, i), "rest inside chord ignored (LotRO dialect)",
            hint: "ABC 2.1 chords hold notes only")
        }
        sawRest = true
        continue
      } else if c == 0x20 || c == 0x09 {
        while i < end, ByteClass.isSpace(b[i]) { i += 1 }
        elements.append(.space(Space(text: str(s, i), range: range(s, i))))
        continue
      } else if c == UInt8(ascii: "!") || c == UInt8(ascii: "+") {
        var tmp: [BodyElement] = []
        if c == UInt8(ascii: "!") { parseBang(into: &tmp, state: &state) } else { parsePlus(into: &tmp, state: &state) }
        elements.append(contentsOf: tmp)
        continue
      } else if c == UInt8(ascii: "\"") {
        elements.append(parseQuoted(state: &state))
        continue
      } else if c == UInt8(ascii: "."), state.shorthands[c] != nil {
        var tmp: [BodyElement] = []
        parseShorthand(into: &tmp, state: &state)
        elements.append(contentsOf: tmp)
        continue
      } else if ByteClass.isLetter(c) || c == UInt8(ascii: "~"), state.shorthands[c] != nil {
        var tmp: [BodyElement] = []
        parseShorthand(into: &tmp, state: &state)
        elements.append(contentsOf: tmp)
        continue
      }
      var tmp: [BodyElement] = []
      consumeStray(into: &tmp, state: &state)
      elements.append(contentsOf: tmp)
    }
    let closed = at(i) == UInt8(ascii: "]")
    var len = NoteLength.one
    var lenText = ""
    var tie: Tie? = nil
    if closed {
      i += 1
      (len, lenText) = parseLength(state: &state)
      tie = parseTie()
    } else if i == end, sawNote, nextLineClosesChord() {
      // Hard-wrapped chord (`[C` at the line end, `E]` on the next line): ABC 2.1 has no chord across lines, but
      // the intent is clear; the performer joins the two halves (abc2midi does too).
      state.chordContinuesOnNextLine = true
      state.report(
        .chordAcrossLines, at: loc(start), length: 1,
        "chord opened at \(loc(start)) continues on the next line; joined",
        hint: "keep a chord on one line: [CE]")
    } else {
      state.report(
        .chordUnclosed, at: loc(start), length: 1, "chord opened at \(loc(start)) has no ]",
        hint: "close the chord: [CEG]")
    }
    if !sawNote && !sawRest {
      state.report(
        .chordEmpty, at: loc(start), length: length(start, i), "chord \(str(start, i)) has no notes",
        hint: "remove it or add notes: [CEG]")
    }
    return Chord(
      elements: elements, length: len, lengthText: lenText, tie: tie, isClosed: closed, range: range(start, i))
  }

  /// `true` when the line after this one starts (after spaces) with chord notes and a `]`: the rest of a chord
  /// hard-wrapped at this line's end.
  func nextLineClosesChord() -> Bool {
    guard fixedRange == nil else { return false }
    var j = end
    if j < b.count, b[j] == 0x0D { j += 1 }
    if j < b.count, b[j] == 0x0A { j += 1 }
    guard j > end else { return false }
    var notes = 0
    while j < b.count {
      let c = b[j]
      if c == UInt8(ascii: "]") { return notes > 0 }
      if ByteClass.isNoteLetter(c) {
        notes += 1
      } else if !(c == 0x20 || c == 0x09 || ByteClass.isDigit(c) || c == UInt8(ascii: "/") || c == UInt8(ascii: "^")
        || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") || c == UInt8(ascii: ",") || c == UInt8(ascii: "'"))
      {
        return false
      }
      j += 1
    }
    return false
  }

  /// `true` when a `]` closes the chord on this line before any bar line, bracket, brace or quote from `k` on.
  func chordCloses(from k: Int) -> Bool {
    var j = k
    while j < end {
      switch b[j] {
      case UInt8(ascii: "]"): return true
      case MusicLineParser.bar, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""), UInt8(ascii: "("):
        return false
      default: j += 1
      }
    }
    return false
  }

  // MARK: groups

  /// `(p:q:r` at `i` (TU-01, TU-02).
  mutating func parseTuplet(state: inout ParseState) -> BodyElement {
    let start = i
    i += 1
    func number(_ p: inout Self) -> Int? {
      let a = p.i
      while p.i < p.end, ByteClass.isDigit(p.b[p.i]) { p.i += 1 }
      guard p.i > a else { return nil }
      return p.i - a <= 3 ? Int(p.str(a, p.i)) : 999
    }
    let p = number(&self) ?? 0
    var q: Int? = nil
    var r: Int? = nil
    if at(i) == MusicLineParser.colon {
      i += 1
      q = number(&self)
      if at(i) == MusicLineParser.colon {
        i += 1
        r = number(&self)
      }
    }
    let text = str(start, i)
    var pp = p
    if p < 2 || p > 99 {
      state.report(
        .tupletInvalid, at: loc(start), length: length(start, i), "\(text) is not a tuplet (p must be 2 or more)",
        hint: "write (3abc for a triplet")
      pp = Swift.max(1, Swift.min(p, 99))
    }
    if let qq = q, qq < 1 || qq > 99 {
      state.report(.tupletInvalid, at: loc(start), length: length(start, i), "\(text): q must be between 1 and 99")
      q = nil
    }
    if let rr = r, rr < 1 || rr > 99 {
      state.report(.tupletInvalid, at: loc(start), length: length(start, i), "\(text): r must be between 1 and 99")
      r = nil
    }
    let resolvedQ = q ?? Tuplet.defaultQ(p: pp, compoundMeter: state.meter?.isCompound ?? false)
    return .tuplet(
      Tuplet(p: pp, writtenQ: q, writtenR: r, q: resolvedQ, r: r ?? pp, text: text, range: range(start, i)))
  }

  /// `{gag}` / `{/g}` at `i` (G-01, G-02).
  mutating func parseGrace(state: inout ParseState) -> BodyElement {
    let start = i
    i += 1
    var acc = false
    if at(i) == UInt8(ascii: "/") {
      acc = true
      i += 1
    }
    var elements: [BodyElement] = []
    while i < end, b[i] != UInt8(ascii: "}") {
      let c = b[i]
      let s = i
      if c == MusicLineParser.bar { break }
      if c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") || ByteClass.isNoteLetter(c) {
        if let n = parseNote(state: &state) {
          elements.append(.note(n))
          continue
        }
      } else if c == UInt8(ascii: "["), at(i + 1) != MusicLineParser.bar {
        elements.append(.chord(parseChord(state: &state)))
        continue
      } else if c == UInt8(ascii: ">") || c == UInt8(ascii: "<") {
        while i < end, b[i] == c { i += 1 }
        elements.append(
          .brokenRhythm(
            BrokenRhythm(
              direction: c == UInt8(ascii: ">") ? .firstLonger : .secondLonger, count: i - s, range: range(s, i))))
        continue
      } else if c == 0x20 || c == 0x09 {
        while i < end, ByteClass.isSpace(b[i]) { i += 1 }
        elements.append(.space(Space(text: str(s, i), range: range(s, i))))
        continue
      } else if c == UInt8(ascii: "!") {
        var tmp: [BodyElement] = []
        parseBang(into: &tmp, state: &state)
        elements.append(contentsOf: tmp)
        continue
      }
      var tmp: [BodyElement] = []
      consumeStray(into: &tmp, state: &state)
      elements.append(contentsOf: tmp)
    }
    let closed = at(i) == UInt8(ascii: "}")
    if closed {
      i += 1
    } else {
      state.report(
        .graceUnclosed, at: loc(start), length: 1, "grace notes opened at \(loc(start)) are not closed",
        hint: "close the group: {gag}A")
    }
    return .graceGroup(GraceGroup(isAcciaccatura: acc, elements: elements, isClosed: closed, range: range(start, i)))
  }

  // MARK: decorations and text

  /// `!name!` decoration or legacy `!` line break (DE-07).
  mutating func parseBang(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    if !state.bangLineBreaks, !state.plusDecorations {
      var j = i + 1
      while j < end {
        let c = b[j]
        if c == UInt8(ascii: "!") || c == MusicLineParser.bar || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
          || c == MusicLineParser.colon || c == 0x20 || c == 0x09
        {
          break
        }
        j += 1
      }
      if j < end, b[j] == UInt8(ascii: "!"), j > i + 1 {
        let name = str(i + 1, j)
        i = j + 1
        let d = Decoration(name: name, form: .bang, text: str(start, i), range: range(start, i))
        if !d.isKnown {
          state.report(
            .unknownDecoration, at: loc(start), length: length(start, i), "!\(name)! is not a known decoration; ignored"
          )
        }
        out.append(.decoration(d))
        return
      }
      // An unterminated known decoration (`!trill A`) is an error, not a line break.
      if j > i + 1, j == end || b[j] == 0x20 || b[j] == 0x09, Decoration.knownNames.contains(str(i + 1, j)), j - i > 2 {
        let name = str(i + 1, j)
        i = j
        state.report(
          .unterminatedText, at: loc(start), length: length(start, i), "decoration !\(name) is not closed",
          hint: "write !\(name)!")
        out.append(.decoration(Decoration(name: name, form: .bang, text: str(start, i), range: range(start, i))))
        return
      }
    }
    i += 1
    out.append(.scoreLineBreak(ScoreLineBreak(text: "!", range: range(start, i))))
    if !state.bangLineBreaks, !state.reportedLegacyBang {
      state.reportedLegacyBang = true
      state.report(
        .legacySyntax, at: loc(start), length: 1, "! as a line break is abc 1.6/2.0 syntax",
        hint: "remove the ! (line ends break the score) or add I:linebreak !")
    }
  }

  /// `+name+` decoration (abc 2.0 syntax, DE-06).
  mutating func parsePlus(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    var j = i + 1
    while j < end {
      let c = b[j]
      if c == UInt8(ascii: "+") || c == MusicLineParser.bar || c == 0x20 || c == 0x09 || c == UInt8(ascii: "[")
        || c == UInt8(ascii: "]")
      {
        break
      }
      j += 1
    }
    if j < end, b[j] == UInt8(ascii: "+"), j > i + 1 {
      let name = str(i + 1, j)
      i = j + 1
      let d = Decoration(name: name, form: .plus, text: str(start, i), range: range(start, i))
      if !state.plusDecorations, !state.reportedLegacyPlus {
        state.reportedLegacyPlus = true
        state.report(
          .legacySyntax, at: loc(start), length: length(start, i), "+\(name)+ is abc 2.0 syntax",
          hint: "use !\(name)! or add I:decoration +")
      }
      if !d.isKnown {
        state.report(
          .unknownDecoration, at: loc(start), length: length(start, i), "+\(name)+ is not a known decoration; ignored")
      }
      out.append(.decoration(d))
      return
    }
    i += 1
    out.append(.stray(Stray(text: "+", range: range(start, i))))
    state.report(
      .strayCharacter, at: loc(start), length: 1, "unexpected \"+\" in music code",
      hint: "decorations are written !name!")
  }

  /// A one-character decoration (`.`, `~`, `T`, `H`, U:-bound letters).
  mutating func parseShorthand(into out: inout [BodyElement], state: inout ParseState) {
    let start = i
    let c = b[i]
    i += 1
    guard let name = state.shorthands[c] else {
      i = start
      consumeStray(into: &out, state: &state)
      return
    }
    out.append(.decoration(Decoration(name: name, form: .shorthand, text: str(start, i), range: range(start, i))))
  }

  /// `"…"`: chord symbol or annotation (CS-01, AN-01).
  mutating func parseQuoted(state: inout ParseState) -> BodyElement {
    let start = i
    var j = i + 1
    while j < end, b[j] != UInt8(ascii: "\"") {
      if b[j] == UInt8(ascii: "\\"), j + 1 < end { j += 2 } else { j += 1 }
    }
    let closed = j < end
    let text = str(start + 1, Swift.min(j, end))
    i = closed ? j + 1 : end
    if !closed {
      state.report(
        .unterminatedText, at: loc(start), length: length(start, i),
        "quote opened at \(loc(start)) not closed on this line",
        hint: "close the chord symbol or annotation with \"")
    }
    let first = text.utf8.first ?? 0
    let placement: Annotation.Placement?
    switch first {
    case UInt8(ascii: "^"): placement = .above
    case UInt8(ascii: "_"): placement = .below
    case UInt8(ascii: "<"): placement = .left
    case UInt8(ascii: ">"): placement = .right
    case UInt8(ascii: "@"): placement = .free
    default: placement = nil
    }
    if let placement {
      return .annotation(
        Annotation(placement: placement, text: String(text.dropFirst()), isClosed: closed, range: range(start, i)))
    }
    let chord = ChordNameParser.parse(text)
    if !text.isEmpty, chord?.quality == nil {
      state.report(
        .unknownChordSymbol, at: loc(start), length: length(start, i),
        chord == nil
          ? "\"\(text)\" is not a chord name; treated as an annotation"
          : "\"\(text)\": unknown chord type \"\(chord!.type)\"",
        hint: chord == nil
          ? "write annotations with a placement: \"^\(text)\"" : "known types: m, 7, m7, maj7, dim, aug, sus4, 6, 9 …")
    }
    return .chordSymbol(ChordSymbol(text: text, chord: chord, isClosed: closed, range: range(start, i)))
  }

  // MARK: macros

  /// Tries every macro at `i`; on a match, consumes it and returns the use with its expansion.
  mutating func matchMacro(state: inout ParseState) -> MacroUse? {
    for m in state.macros.reversed() {
      let t = Array(m.target.utf8)
      var j = i
      var matchedNote: Note? = nil
      var ok = true
      for tc in t {
        if m.isTransposing && tc == UInt8(ascii: "n") {
          guard j < end, ByteClass.isNoteLetter(b[j]), let letter = NoteLetter(ascii: b[j]) else {
            ok = false
            break
          }
          let lower = b[j] >= UInt8(ascii: "a")
          let o0 = j + 1
          j += 1
          while j < end, b[j] == UInt8(ascii: ",") || b[j] == UInt8(ascii: "'") { j += 1 }
          matchedNote = Note(letter: letter, isLowercase: lower, octaveText: str(o0, j))
        } else {
          guard j < end, b[j] == tc else {
            ok = false
            break
          }
          j += 1
        }
      }
      guard ok, j > i else { continue }
      let start = i
      i = j
      let text = str(start, j)
      let expanded = matchedNote.map { MusicLineParser.transpose(m.replacement, relativeTo: $0) } ?? m.replacement
      let r = range(start, j)
      var elements: [BodyElement] = []
      var bytes = Array(expanded.utf8)
      bytes.withUnsafeMutableBufferPointer { buf in
        var sub = MusicLineParser(expansion: UnsafeBufferPointer(buf), range: r)
        sub.parse(into: &elements, state: &state)
      }
      return MacroUse(text: text, expandedText: expanded, expansion: elements, range: r)
    }
    return nil
  }

  /// Replaces letters h…z in a transposing macro's replacement with notes relative to `note` (n = the note,
  /// o = one step up, m = one step down …), outside quotes and `!…!` (MA-02).
  static func transpose(_ replacement: String, relativeTo note: Note) -> String {
    var out: [UInt8] = []
    var inQuote = false
    var inBang = false
    for c in replacement.utf8 {
      if c == UInt8(ascii: "\"") && !inBang { inQuote.toggle() }
      if c == UInt8(ascii: "!") && !inQuote { inBang.toggle() }
      if !inQuote, !inBang, c >= UInt8(ascii: "h"), c <= UInt8(ascii: "z") {
        let steps = Int(c) - Int(UInt8(ascii: "n"))
        let idx = note.diatonicIndex + steps
        let octave = idx >= 0 ? idx / 7 : -((-idx + 6) / 7)
        let step = idx - octave * 7
        let letter = NoteLetter(rawValue: step) ?? .c
        let upper = Array(letter.description.utf8)[0]
        if octave >= 1 {
          out.append(upper | 0x20)
          out.append(contentsOf: Array(repeating: UInt8(ascii: "'"), count: octave - 1))
        } else {
          out.append(upper)
          out.append(contentsOf: Array(repeating: UInt8(ascii: ","), count: -octave))
        }
      } else {
        out.append(c)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
