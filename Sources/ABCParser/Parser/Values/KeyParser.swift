/// Parses `K:` values (ABC 2.1 §3.1.14; checklist K-01…K-15) and the clef parameters shared with `V:`.
enum KeyParser {
  /// Parses a trimmed `K:` value; diagnostics go to `state`.
  static func parse(
    _ s: String, state: inout ParseState, at loc: SourceLocation, fieldAt fieldLoc: SourceLocation, length: Int
  )
    -> FieldValue
  {
    let tokens = Tokenizer.words(s)
    var key = Key(root: .none)
    if tokens.isEmpty { return .key(key) }
    var idx = 0
    let first = tokens[0].text
    let u = Array(first.utf8)
    if first.lowercased() == "none" {
      key.root = .none
      idx = 1
    } else if first == "HP" || first == "Hp" {
      key.root = .highlandPipes(printedSignature: first == "Hp")
      idx = 1
    } else if let c = u.first, c >= UInt8(ascii: "A"), c <= UInt8(ascii: "G"), let letter = NoteLetter(ascii: c),
      !isClefWord(first)
    {
      var rest = Substring(first).dropFirst()
      var accidental: Accidental? = nil
      if rest.hasPrefix("#") || rest.hasPrefix("♯") {
        accidental = .sharp
        rest = rest.dropFirst()
      } else if rest.hasPrefix("b") || rest.hasPrefix("♭") {
        accidental = .flat
        rest = rest.dropFirst()
      }
      var modeText = String(rest)
      // `K:C^f^c^a`, `K:Bb^f`: accidentals written without spaces (abcMIDI's and abcjs's examples; abc2midi reads
      // them): accepted with a warning.
      var glued: [KeyAccidental] = []
      if let a = modeText.firstIndex(where: { $0 == "^" || $0 == "_" || $0 == "=" }),
        let list = keyAccidentalList(String(modeText[a...]))
      {
        glued = list
        modeText = String(modeText[..<a])
        var spaced = ""
        var previous: Character? = nil
        for ch in first {
          if ch == "^" || ch == "_" || ch == "=", previous?.isLetter == true { spaced.append(" ") }
          spaced.append(ch)
          previous = ch
        }
        state.report(
          .unknownKeyParameter, at: loc, length: s.utf8.count,
          "K:\(s): key accidentals should be separated by spaces; read as K:\(spaced)",
          hint: "write spaces between the key and each accidental")
      }
      idx = 1
      if modeText.isEmpty, tokens.count > 1, mode(of: tokens[1].text) != nil {
        modeText = tokens[1].text
        idx = 2
      }
      var parsedMode = modeText.isEmpty ? Mode.ionian : mode(of: modeText)
      if parsedMode == nil {
        // abc2midi reports the unknown mode and plays the tonic's major key; so does studio, with an error.
        let tonic = String(first.prefix(first.count - rest.count))
        state.report(
          .invalidKey, at: loc, length: s.utf8.count,
          "K:\(s): unknown mode \"\(modeText)\"; playing \(tonic) major",
          hint: "modes are m, min, maj, dor, mix, phr, lyd, loc, aeo, ion (e.g. K:Ador, K:F# minor)")
        parsedMode = .ionian
      }
      key.root = .tonic(PitchClass(letter, accidental), parsedMode ?? .ionian)
      key.accidentals += glued
      if let f = key.fifths, f > 7 || f < -7 {
        state.report(
          .keyOutOfRange, at: loc, length: s.utf8.count,
          "K:\(s) needs \(abs(f)) \(f > 0 ? "sharps" : "flats"); a key signature has at most 7",
          hint: "write the enharmonic key (e.g. K:Ab instead of K:G#)")
      }
    } else if isParameterLike(first) {
      key.root = .unchanged
    } else {
      state.report(
        .invalidKey, at: loc, length: s.utf8.count,
        "K:\(s): expected a tonic A-G (#/b), then a mode such as m, dor, mix, or none/HP/Hp",
        hint: "write e.g. K:G, K:Ador, K:F# minor")
      return .invalid
    }
    // Accidentals, exp, clef parameters.
    while idx < tokens.count {
      let t = tokens[idx].text
      idx += 1
      if t.lowercased() == "exp" {
        key.isExplicit = true
        continue
      }
      if let ka = keyAccidental(t) {
        key.accidentals.append(ka)
        continue
      }
      if !applyClefParameter(t, to: &key.clef, state: &state, at: loc, owner: "K:") {
        state.report(
          .unknownKeyParameter, at: loc, length: s.utf8.count, "unknown K: parameter \"\(t)\" ignored",
          hint: "K: takes a key, accidentals such as ^f, exp, and clef=, transpose=, octave=, middle=")
      }
    }
    return .key(key)
  }

  /// `^f^c^a` → key accidentals, `nil` unless the whole text is a run of them.
  static func keyAccidentalList(_ t: String) -> [KeyAccidental]? {
    var result: [KeyAccidental] = []
    var current = ""
    for ch in t {
      current.append(ch)
      if ch.isLetter {
        guard let a = keyAccidental(current) else { return nil }
        result.append(a)
        current = ""
      }
    }
    return current.isEmpty && !result.isEmpty ? result : nil
  }

  /// `^f`, `__b`, `=c` → key accidental.
  static func keyAccidental(_ t: String) -> KeyAccidental? {
    let u = Array(t.utf8)
    guard u.count >= 2, let letter = NoteLetter(ascii: u[u.count - 1]) else { return nil }
    let acc = String(decoding: u[0..<(u.count - 1)], as: UTF8.self)
    switch acc {
    case "^": return KeyAccidental(.sharp, letter)
    case "^^": return KeyAccidental(.doubleSharp, letter)
    case "_": return KeyAccidental(.flat, letter)
    case "__": return KeyAccidental(.doubleFlat, letter)
    case "=": return KeyAccidental(.natural, letter)
    default: return nil
    }
  }

  /// Mode from a word (case-insensitive, first three letters; `m` alone = minor) (K-02, K-15).
  static func mode(of word: String) -> Mode? {
    let w = word.lowercased()
    if w == "m" { return .aeolian }
    guard w.utf8.count >= 3 else { return nil }
    switch w.prefix(3) {
    case "maj", "ion": return .ionian
    case "min", "aeo": return .aeolian
    case "mix": return .mixolydian
    case "dor": return .dorian
    case "phr": return .phrygian
    case "lyd": return .lydian
    case "loc": return .locrian
    default: return nil
    }
  }

  static func isClefWord(_ t: String) -> Bool { parseClefWord(t) != nil }

  static func isParameterLike(_ t: String) -> Bool {
    t.contains("=") || isClefWord(t) || t == "+8" || t == "-8" || t.lowercased() == "exp" || keyAccidental(t) != nil
  }

  /// `treble`, `bass3`, `treble-8`, `alto1+8` → (clef, line, octave shift).
  static func parseClefWord(_ t: String) -> (ClefParameters.Clef, Int?, Int)? {
    let lower = t.lowercased()
    for clef in ClefParameters.Clef.allCases where lower.hasPrefix(clef.rawValue) {
      var rest = Substring(lower.dropFirst(clef.rawValue.count))
      var line: Int? = nil
      if let c = rest.first, let d = c.wholeNumberValue, c.isASCII {
        line = d
        rest = rest.dropFirst()
      }
      var shift = 0
      switch rest {
      case "": break
      case "+8", "^8": shift = 1
      case "-8", "_8": shift = -1
      case "+15", "^15": shift = 2
      case "-15", "_15": shift = -2
      default: return nil
      }
      return (clef, line, shift)
    }
    return nil
  }

  /// Applies one clef/transposition parameter (`clef=bass`, `bass`, `t=-2`, `octave=1`, `middle=d`, `+8`…).
  /// Returns `false` when the word is not a known parameter (app-specific `name:param=value` words are kept in
  /// `other` and count as known).
  static func applyClefParameter(
    _ t: String, to clef: inout ClefParameters, state: inout ParseState, at loc: SourceLocation, owner: String
  ) -> Bool {
    if t == "+8" || t == "-8" {
      clef.octaveShift = t == "+8" ? 1 : -1
      return true
    }
    if let (c, line, shift) = parseClefWord(t) {
      clef.clef = c
      clef.line = line
      clef.octaveShift = shift
      return true
    }
    guard let eq = t.firstIndex(of: "=") else { return false }
    let name = String(t[..<eq])
    let value = Tokenizer.unquote(String(t[t.index(after: eq)...]))
    switch name.lowercased() {
    case "clef":
      if let (c, line, shift) = parseClefWord(value) {
        clef.clef = c
        clef.line = line
        clef.octaveShift = shift
      } else if ["g", "f", "c"].contains(value.lowercased()) {
        clef.clef = value.lowercased() == "g" ? .treble : value.lowercased() == "f" ? .bass : .alto
      } else {
        state.report(
          .unknownKeyParameter, at: loc, length: 1, "unknown clef \"\(value)\" ignored; using treble",
          hint: "clefs are treble, alto, tenor, bass, perc, none (optionally with a line number and +8/-8)")
      }
      return true
    case "transpose", "t":
      if let n = Int(value), abs(n) <= 127 {
        clef.transpose = n
      } else {
        reportBadNumber(name, value, owner, &state, loc)
      }
      return true
    case "octave":
      if let n = Int(value), abs(n) <= 10 { clef.octave = n } else { reportBadNumber(name, value, owner, &state, loc) }
      return true
    case "middle", "m":
      clef.middle = value
      return true
    case "stafflines":
      if let n = Int(value), n >= 0, n <= 100 {
        clef.staffLines = n
      } else {
        reportBadNumber(name, value, owner, &state, loc)
      }
      return true
    default:
      clef.other.append(ClefParameters.Parameter(name: name, value: value))
      return name.contains(":") || owner == "V:"
    }
  }

  static func reportBadNumber(
    _ name: String, _ value: String, _ owner: String, _ state: inout ParseState, _ loc: SourceLocation
  ) {
    state.report(
      .unknownKeyParameter, at: loc, length: 1, "\(owner) \(name)=\(value): expected a small integer; ignored",
      hint: "write e.g. \(name)=-2")
  }
}
