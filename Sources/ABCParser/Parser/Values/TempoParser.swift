/// Parses `Q:` values (ABC 2.1 §3.1.8; checklist Q-01…Q-05).
enum TempoParser {
  static func parse(_ s: String, state: inout ParseState, at loc: SourceLocation, length: Int) -> FieldValue {
    let u = Array(s.utf8)
    var tempo = Tempo()
    var i = 0
    var sawEquals = false
    var bareNumber: Int? = nil
    var texts: [String] = []
    func fail(_ why: String) -> FieldValue {
      state.report(
        .invalidTempo, at: loc, length: length, "Q:\(s): \(why); expected 1/4=120, \"text\", or both",
        hint: "write e.g. Q:1/4=120 or Q:\"Allegro\" 1/4=120")
      return .invalid
    }
    func readNumber() -> Int? {
      let a = i
      while i < u.count, ByteClass.isDigit(u[i]) { i += 1 }
      guard i > a, i - a <= 6 else { return nil }
      return Int(String(decoding: u[a..<i], as: UTF8.self))
    }
    while i < u.count {
      let c = u[i]
      if c == 0x20 || c == 0x09 {
        i += 1
      } else if c == UInt8(ascii: "\"") {
        let a = i + 1
        i = a
        while i < u.count, u[i] != UInt8(ascii: "\"") { i += 1 }
        guard i < u.count else { return fail("the quoted text is not closed") }
        texts.append(String(decoding: u[a..<i], as: UTF8.self))
        i += 1
      } else if ByteClass.isDigit(c) {
        guard let n = readNumber() else { return fail("number too long") }
        if sawEquals {
          guard tempo.bpm == nil else { return fail("two tempo numbers") }
          tempo.bpm = n
          // Decimal bpm: keep the integer part.
          if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            _ = readNumber()
          }
        } else if i < u.count, u[i] == UInt8(ascii: "/") {
          i += 1
          guard let d = readNumber(), d > 0, n > 0, let beat = NoteLength(exactly: n, d) else {
            return fail("a beat must be a fraction such as 1/4")
          }
          guard tempo.beats.count < 8 else { return fail("too many beat lengths") }
          tempo.beats.append(beat)
        } else {
          guard bareNumber == nil, tempo.beats.isEmpty else { return fail("unexpected number") }
          bareNumber = n
        }
      } else if c == UInt8(ascii: "=") {
        guard !sawEquals else { return fail("two = signs") }
        sawEquals = true
        i += 1
      } else if (c == UInt8(ascii: "C") || c == UInt8(ascii: "L")) && !sawEquals && tempo.beats.isEmpty {
        // Legacy Q:C=120, Q:C3=120, Q:C/2=120 (LEG, Q-05).
        i += 1
        var m = NoteLength.one
        if i < u.count, ByteClass.isDigit(u[i]) {
          guard let n = readNumber(), n > 0 else { return fail("bad length") }
          m = NoteLength(exactly: n, 1) ?? .one
        }
        if i < u.count, u[i] == UInt8(ascii: "/") {
          i += 1
          let d = (i < u.count && ByteClass.isDigit(u[i])) ? readNumber() ?? 2 : 2
          m = m / NoteLength(exactly: max(d, 1), 1)!
        }
        tempo.legacyForm = .unitMultiple(m)
      } else {
        return fail("unexpected \"\(Character(Unicode.Scalar(c)))\"")
      }
    }
    if !texts.isEmpty { tempo.text = texts.joined(separator: " ") }
    if let n = bareNumber {
      if sawEquals {
        // Q:120=… is not a form we know.
        if tempo.bpm != nil { return fail("a beat must be a fraction such as 1/4") }
      }
      tempo.bpm = n
      tempo.legacyForm = .bareNumber
      state.report(
        .legacySyntax, at: loc, length: length, "Q:\(s) is outdated; write Q:1/4=\(n)",
        hint: "abc2midi reads a bare number as quarter notes per minute")
    } else if case .unitMultiple? = tempo.legacyForm {
      guard tempo.bpm != nil else { return fail("missing =<number>") }
      state.report(
        .legacySyntax, at: loc, length: length, "Q:\(s) is outdated (beats counted in unit notes)",
        hint: "write the beat as a fraction, e.g. Q:1/4=120")
    } else if sawEquals && tempo.bpm == nil {
      return fail("missing the number after =")
    } else if !tempo.beats.isEmpty && tempo.bpm == nil {
      return fail("missing =<beats per minute>")
    } else if tempo.bpm != nil && tempo.beats.isEmpty {
      return fail("missing the beat before =")
    }
    if tempo.bpm == 0 { return fail("the tempo must be positive") }
    return .tempo(tempo)
  }
}
