/// Parses `V:` values (ABC 2.1 §7; checklist V-01…V-03).
enum VoiceParser {
  static func parse(_ s: String, state: inout ParseState, at loc: SourceLocation) -> Voice? {
    let tokens = Tokenizer.words(s)
    guard let first = tokens.first, !first.text.contains("=") else { return nil }
    var voice = Voice(id: Tokenizer.unquote(first.text))
    for t in tokens.dropFirst() {
      let word = t.text
      if let eq = word.firstIndex(of: "=") {
        let name = String(word[..<eq])
        let value = Tokenizer.unquote(String(word[word.index(after: eq)...]))
        voice.properties.append(ClefParameters.Parameter(name: name, value: value))
        switch name.lowercased() {
        case "name", "nm": voice.name = value
        case "subname", "snm", "sname": voice.subname = value
        case "stem": voice.stem = value
        default:
          var clef = voice.clef
          _ = KeyParser.applyClefParameter(word, to: &clef, state: &state, at: loc, owner: "V:")
          // Unknown V: properties are ignored silently (V-03); drop them from `clef.other` again.
          if clef.other.count > voice.clef.other.count,
            !["clef", "transpose", "t", "octave", "middle", "m", "stafflines"].contains(name.lowercased())
          {
            clef.other.removeLast()
          }
          voice.clef = clef
        }
      } else {
        voice.properties.append(ClefParameters.Parameter(name: word, value: ""))
        var clef = voice.clef
        if KeyParser.applyClefParameter(word, to: &clef, state: &state, at: loc, owner: "V:") { voice.clef = clef }
      }
    }
    return voice
  }
}
