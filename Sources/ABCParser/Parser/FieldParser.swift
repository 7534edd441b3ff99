/// Parses information fields (line, body line and inline forms) and applies their effects on the parse state
/// (ABC 2.1 §3; checklist H-, I-, K-, M-, L-, Q-).
enum FieldParser {
  typealias Context = FileParser.Context

  /// Field letters ABC 2.1 defines (everything else is unknown, ABC012).
  static let definedLetters: Set<UInt8> = Set("ABCDFGHIKLMmNOPQRrSsTUVWwXZ+".utf8)
  /// Letters allowed in the file header.
  static let fileHeaderLetters: Set<UInt8> = Set("ABCDFGHILMmNORrSUZ+".utf8)
  /// Letters allowed as body lines.
  static let bodyLineLetters: Set<UInt8> = Set("IKLMmNPQRrsTUVWw+".utf8)
  /// Letters allowed inline (`T:` is not in the 2.1 table's inline column, but the standard's own example file writes
  /// `[T:…]`, so it is accepted).
  static let inlineLetters: Set<UInt8> = Set("IKLMmNPQRrTUV".utf8)

  /// `true` when a body line starting `<letter>:` is a field (H-08: A–G, X–Z, a–g, x–z are music in the body,
  /// except `X:` which the caller treats as a new tune).
  static func isBodyFieldLetter(_ c: UInt8) -> Bool {
    let lower = c | 0x20
    if lower >= 0x61 && lower <= 0x67 { return false }  // a-g
    if lower >= 0x78 && lower <= 0x7A { return false }  // x-z
    return true
  }

  /// `true` when body line `l` is a field line although its letter is a note or rest letter (`d: * * *`, `E:7`, `C:`):
  /// a line that starts with a letter and `:` is a field line (ABC 2.1 §3), unknown or misplaced ones being ignored
  /// with a warning, unless a bar line follows the colon (`A:|` is the note A and an end repeat).
  static func isFieldLineInBody(src: SourceText, line l: Int) -> Bool {
    guard let letter = src.fieldLetter(l), letter != UInt8(ascii: "X") else { return false }
    let line = src.lines[l]
    let third = line.start + 2 < line.contentEnd ? src.bytes[line.start + 2] : 0
    return third != UInt8(ascii: "|") && third != UInt8(ascii: ":")
  }

  /// Finds the start of a `%` comment in `a..<b` (a `\%` is not a comment).
  static func commentStart(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var i = start
    while i < end {
      if b[i] == UInt8(ascii: "%") && (i == start || b[i - 1] != UInt8(ascii: "\\")) { return i }
      i += 1
    }
    return end
  }

  /// Parses a whole field line (`T:…`, `+:…`) in the file header, tune header or free text.
  static func parseLine(
    src: SourceText, line l: Int, letter: UInt8, context: Context, previous: UInt8?, state: inout ParseState
  ) -> Field {
    let line = src.lines[l]
    let valueStart = line.start + 2
    let cs = commentStart(src.bytes, valueStart, line.contentEnd)
    let raw = src.string(valueStart, cs)
    let comment = cs < line.contentEnd ? src.string(cs, line.contentEnd) : nil
    let loc = src.location(line: l, offset: line.start)
    let valueLoc = src.location(line: l, offset: valueStart)
    let (value, continued) = parseValue(
      letter: letter, raw: raw, form: .line, context: context, previous: previous, state: &state, at: loc,
      valueAt: valueLoc, length: cs - line.start)
    return Field(
      letter: Character(Unicode.Scalar(letter)), continuedLetter: continued, form: .line, rawValue: raw, value: value,
      comment: comment, range: SourceRange(start: loc, end: src.location(line: l, offset: cs)))
  }

  /// Parses a body field line into `out`. `M:`/`L:` lines followed by music on the same line (irish.abc) are split:
  /// the field, then the music (ABC014).
  static func parseBodyLine(
    src: SourceText, line l: Int, letter: UInt8, previous: UInt8?, state: inout ParseState,
    into out: inout [BodyElement]
  ) {
    let line = src.lines[l]
    let b = src.bytes
    let valueStart = line.start + 2
    var cs = commentStart(b, valueStart, line.contentEnd)
    var musicStart: Int? = nil
    if letter == UInt8(ascii: "M") || letter == UInt8(ascii: "L") {
      // value token, then white space, then something with a bar line: field followed by music.
      var i = valueStart
      while i < cs, ByteClass.isSpace(b[i]) { i += 1 }
      while i < cs, !ByteClass.isSpace(b[i]) { i += 1 }
      let tokenEnd = i
      while i < cs, ByteClass.isSpace(b[i]) { i += 1 }
      if i < cs {
        var hasBar = false
        for k in i..<cs where b[k] == UInt8(ascii: "|") { hasBar = true }
        if hasBar {
          musicStart = tokenEnd
          cs = tokenEnd
        }
      }
    }
    let raw = src.string(valueStart, cs)
    let comment = (musicStart == nil && cs < line.contentEnd) ? src.string(cs, line.contentEnd) : nil
    let loc = src.location(line: l, offset: line.start)
    let valueLoc = src.location(line: l, offset: valueStart)
    if musicStart != nil {
      state.report(
        .fieldInMusic, at: loc, length: cs - line.start,
        "\"\(src.string(line.start, cs))\" is followed by music on the same line",
        hint:
          "put the field on its own line or write it inline as [\(Character(Unicode.Scalar(letter))):\(raw.trimmingABCSpaces())]"
      )
    }
    let (value, continued) = parseValue(
      letter: letter, raw: raw, form: .line, context: .body, previous: previous, state: &state, at: loc,
      valueAt: valueLoc, length: cs - line.start)
    out.append(
      .field(
        Field(
          letter: Character(Unicode.Scalar(letter)), continuedLetter: continued, form: .line, rawValue: raw,
          value: value, comment: comment, range: SourceRange(start: loc, end: src.location(line: l, offset: cs)))))
    if let m = musicStart {
      var parser = MusicLineParser(src: src, lineIndex: l, start: m, end: line.contentEnd)
      parser.parse(into: &out, state: &state)
    }
  }

  /// Parses the value of any field and applies its effects on `state` (U:, m:, M:, V:, I: settings).
  ///
  /// - Parameters:
  ///   - at: location of the field's first character (for whole-field diagnostics), `length` its length.
  ///   - valueAt: location of the first character of `raw`.
  static func parseValue(
    letter: UInt8, raw: String, form: Field.Form, context: Context, previous: UInt8?, state: inout ParseState,
    at loc: SourceLocation, valueAt valueLoc: SourceLocation, length: Int
  ) -> (FieldValue, Character?) {
    let ch = Character(Unicode.Scalar(letter))
    let trimmed = raw.trimmingABCSpaces()
    var effective = letter
    var continued: Character? = nil
    if letter == UInt8(ascii: "+") {
      guard let p = previous else {
        state.report(
          .misplacedField, at: loc, length: 2, "+: continues nothing: no field line precedes it",
          hint: "a +: line continues the field line right above it")
        return (.text(TextDecoder.decode(trimmed)), nil)
      }
      effective = p
      continued = Character(Unicode.Scalar(p))
    } else {
      checkPlacement(letter: letter, form: form, context: context, state: &state, at: loc, length: length)
    }
    guard definedLetters.contains(effective) else {
      if letter != UInt8(ascii: "+") {
        state.report(
          .unknownField, at: loc, length: 2, "unknown field \(ch): ignored",
          hint: ch == "Y" ? "Y: is not an ABC 2.1 field (the Nottingham play order); use P: in the header" : nil)
      }
      return (.unknown(raw), continued)
    }
    let isContinuation = letter == UInt8(ascii: "+")
    switch effective {
    case UInt8(ascii: "X"):
      if trimmed.isEmpty {
        state.report(
          .badReferenceNumber, at: loc, length: 2, "X: is empty; it should be a positive integer", hint: "write X:1")
        return (.referenceNumber(nil), nil)
      }
      if trimmed.utf8.allSatisfy(ByteClass.isDigit), trimmed.utf8.count <= 12, let n = Int(trimmed), n > 0 {
        return (.referenceNumber(n), nil)
      }
      state.report(
        .badReferenceNumber, at: valueLoc, length: raw.utf8.count,
        "X: should be a positive integer, got \"\(trimmed)\"", hint: "write X:<number>, e.g. X:1")
      return (.referenceNumber(nil), nil)
    case UInt8(ascii: "K") where !isContinuation:
      return (KeyParser.parse(trimmed, state: &state, at: valueLoc, fieldAt: loc, length: length), nil)
    case UInt8(ascii: "M") where !isContinuation:
      guard let m = MeterParser.parse(trimmed) else {
        state.report(
          .invalidMeter, at: valueLoc, length: raw.utf8.count,
          "M:\(trimmed): expected C, C|, none, or n/d (n may be a sum such as 2+3+2)", hint: "write e.g. M:6/8")
        return (.invalid, nil)
      }
      if context == .body || context == .inline {
        state.setMeter(m, allVoices: false)
      } else {
        state.setMeter(m, allVoices: true)
      }
      return (.meter(m), nil)
    case UInt8(ascii: "L") where !isContinuation:
      return (parseUnitLength(trimmed, state: &state, at: valueLoc, length: raw.utf8.count), nil)
    case UInt8(ascii: "Q") where !isContinuation:
      return (TempoParser.parse(trimmed, state: &state, at: valueLoc, length: raw.utf8.count), nil)
    case UInt8(ascii: "P") where !isContinuation:
      if context == .tuneHeader {
        return (PartsParser.parseExpression(trimmed, state: &state, at: valueLoc, length: raw.utf8.count), nil)
      }
      if trimmed.isEmpty {
        state.report(.invalidParts, at: loc, length: 2, "P: part marker is empty", hint: "write P:A")
        return (.invalid, nil)
      }
      return (.parts(Parts(terms: [.part(trimmed)])), nil)
    case UInt8(ascii: "V") where !isContinuation:
      guard let v = VoiceParser.parse(trimmed, state: &state, at: valueLoc) else {
        state.report(
          .invalidVoice, at: loc, length: length, "V: needs a voice id", hint: "write V:1 or V:T1 name=\"Tenor\"")
        return (.invalid, nil)
      }
      if context == .body || context == .inline { state.switchVoice(to: v.key) }
      return (.voice(v), nil)
    case UInt8(ascii: "I") where !isContinuation:
      let ds = DirectiveParser.parseInstruction(
        raw, range: SourceRange(start: valueLoc, end: valueLoc), state: &state, at: valueLoc)
      return (.instruction(ds), nil)
    case UInt8(ascii: "m") where !isContinuation:
      return (parseMacro(trimmed, state: &state, at: loc, length: length), nil)
    case UInt8(ascii: "U") where !isContinuation:
      return (parseUserSymbol(trimmed, state: &state, at: loc, length: length), nil)
    case UInt8(ascii: "w"):
      return (.lyrics(LyricsParser.parse(raw)), continued)
    case UInt8(ascii: "s"):
      return (.symbolLine(LyricsParser.parseSymbolLine(raw, shorthands: state.shorthands)), continued)
    case UInt8(ascii: "r"):
      return (.remark(raw), continued)
    default:
      return (.text(TextDecoder.decode(trimmed)), continued)
    }
  }

  /// Reports a field used where the ABC 2.1 field table says it is not allowed (ABC013).
  static func checkPlacement(
    letter: UInt8, form: Field.Form, context: Context, state: inout ParseState, at loc: SourceLocation, length: Int
  ) {
    guard definedLetters.contains(letter) else { return }
    let ch = Character(Unicode.Scalar(letter))
    switch context {
    case .fileHeader:
      if !fileHeaderLetters.contains(letter) {
        state.report(
          .misplacedField, at: loc, length: 2, "\(ch): is not allowed in the file header",
          hint: letter == UInt8(ascii: "K")
            ? "the file header ends at the first empty line; K: belongs in a tune" : "move it into a tune")
      }
    case .tuneHeader:
      if letter == UInt8(ascii: "s") || letter == UInt8(ascii: "w") {
        state.report(
          .misplacedField, at: loc, length: 2, "\(ch): is not allowed in the tune header",
          hint: "put it after the music line it belongs to")
      }
    case .body:
      if !bodyLineLetters.contains(letter) {
        state.report(
          .misplacedField, at: loc, length: 2, "\(ch): is not allowed in the tune body",
          hint: "move it into the tune header")
      }
    case .inline:
      if !inlineLetters.contains(letter) {
        state.report(
          .misplacedField, at: loc, length: length, "[\(ch):…] cannot be used inline",
          hint: "write \(ch): on its own line")
      }
    case .freeText:
      break
    }
  }

  /// `L:` value (checklist L-01…L-04).
  static func parseUnitLength(_ t: String, state: inout ParseState, at loc: SourceLocation, length: Int) -> FieldValue {
    let parts = t.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingABCSpacesSub() }
    var n: Int?
    var d: Int?
    if parts.count == 1 {
      n = Int(parts[0])
      d = 1
    } else if parts.count == 2 {
      n = Int(parts[0])
      d = Int(parts[1])
    }
    guard let n, let d, n > 0, d > 0, let value = NoteLength(exactly: n, d) else {
      state.report(
        .invalidUnitLength, at: loc, length: length, "L:\(t): expected a fraction such as 1/8",
        hint: "write L:1/8 (or 1/4, 1/16)")
      return .invalid
    }
    if d & (d - 1) != 0 {
      state.report(
        .invalidUnitLength, at: loc, length: length, "L:\(t): the denominator must be a power of two",
        hint: "write L:1/8 (or 1/4, 1/16)")
      return .invalid
    }
    if n != 1 {
      state.report(
        .unusualUnitLength, at: loc, length: length, "L:\(t): the numerator is normally 1", hint: "write L:1/\(d)")
    }
    return .unitLength(value)
  }

  /// `m:` value (checklist MA-01, MA-02).
  static func parseMacro(_ t: String, state: inout ParseState, at loc: SourceLocation, length: Int) -> FieldValue {
    guard let eq = t.firstIndex(of: "=") else {
      state.report(
        .invalidMacro, at: loc, length: length, "m: needs target = replacement", hint: "write m: ~G3 = G{A}G{F}G")
      return .invalid
    }
    let target = String(t[..<eq]).trimmingABCSpaces()
    let replacement = String(t[t.index(after: eq)...]).trimmingABCSpaces()
    guard !target.isEmpty else {
      state.report(.invalidMacro, at: loc, length: length, "m: macro target is empty", hint: "write m: ~G3 = G{A}G{F}G")
      return .invalid
    }
    if target.utf8.count > 31 || replacement.utf8.count > 200 {
      state.report(
        .invalidMacro, at: loc, length: length,
        "m: macro target is limited to 31 characters and the replacement to 200")
    }
    let macro = Macro(target: target, replacement: replacement)
    if macro.isTransposing {
      let count = target.utf8.filter { $0 == UInt8(ascii: "n") }.count
      if count != 1 {
        state.report(.invalidMacro, at: loc, length: length, "a transposing macro target must contain exactly one n")
        return .macro(macro)
      }
    }
    state.define(macro)
    return .macro(macro)
  }

  /// `U:` value (checklist UD-01…UD-03).
  static func parseUserSymbol(_ t: String, state: inout ParseState, at loc: SourceLocation, length: Int) -> FieldValue {
    guard let eq = t.firstIndex(of: "=") else {
      state.report(
        .invalidUserSymbol, at: loc, length: length, "U: needs symbol = !decoration!", hint: "write U: W = !breath!")
      return .invalid
    }
    let symbol = String(t[..<eq]).trimmingABCSpaces()
    let replacement = String(t[t.index(after: eq)...]).trimmingABCSpaces()
    guard symbol.utf8.count == 1, let c = symbol.utf8.first else {
      state.report(
        .invalidUserSymbol, at: loc, length: length, "U: binds a single character, got \"\(symbol)\"",
        hint: "use ~, H-W or h-w")
      return .invalid
    }
    let allowed =
      c == UInt8(ascii: "~") || (c >= UInt8(ascii: "H") && c <= UInt8(ascii: "W"))
      || (c >= UInt8(ascii: "h") && c <= UInt8(ascii: "w"))
    let us = UserSymbol(symbol: Character(Unicode.Scalar(c)), replacement: replacement)
    if !allowed {
      state.report(
        .invalidUserSymbol, at: loc, length: length, "U: cannot bind \"\(symbol)\" (only ~, H-W, h-w)",
        hint: "choose a letter from H-W or h-w")
      return .userSymbol(us)
    }
    state.bind(us)
    return .userSymbol(us)
  }
}

extension Substring {
  func trimmingABCSpacesSub() -> String { String(self).trimmingABCSpaces() }
}
