/// Re-emits a tree as ABC text (checklist "loses nothing"): for a tree the parser built, the output is the source
/// text byte for byte (valid UTF-8 input); for trees built or edited in code, each node prints from its spelling
/// fields (`text`, `lengthText`, `rawValue` …), so `parse(print(tree))` gives the same tree (ignoring locations).
public enum ABCPrinter {
  /// The whole file.
  public static func print(_ file: ABCFile) -> String {
    var out = ""
    out.reserveCapacity(4096)
    if let v = file.versionLine { out += v }
    write(file.header, to: &out)
    for item in file.items {
      switch item {
      case .tune(let t): write(t, to: &out)
      case .freeText(let lines): write(lines, to: &out)
      case .emptyLines(let e): out += e.text
      }
    }
    return out
  }

  /// One tune (header and body; not the inherited file header).
  public static func print(_ tune: ABCTune) -> String {
    var out = ""
    write(tune, to: &out)
    return out
  }

  /// A list of body elements.
  public static func print(_ elements: [BodyElement]) -> String {
    var out = ""
    write(elements, to: &out)
    return out
  }

  static func write(_ tune: ABCTune, to out: inout String) {
    write(tune.header, to: &out)
    write(tune.body, to: &out)
  }

  static func write(_ lines: [HeaderElement], to out: inout String) {
    for e in lines {
      switch e {
      case .field(let f): write(f, to: &out)
      case .directive(let d): out += d.text
      case .comment(let c): out += c.text
      case .text(let t): out += t.text
      case .space(let s): out += s.text
      case .lineBreak(let l): out += l.text
      }
    }
  }

  static func write(_ f: Field, to out: inout String) {
    switch f.form {
    case .inline:
      out += "["
      out.append(f.letter)
      out += ":"
      out += f.rawValue
      if f.isClosed { out += "]" }
    case .line:
      out.append(f.letter)
      out += ":"
      out += f.rawValue
      if let c = f.comment { out += c }
    }
  }

  static func write(_ note: Note, to out: inout String) {
    out += note.accidentalText.isEmpty ? (note.accidental?.description ?? "") : note.accidentalText
    let letter = note.letter.description
    out += note.isLowercase ? letter.lowercased() : letter
    out += note.octaveText
    out += note.lengthText
    if let t = note.tie { out += t.isDotted ? ".-" : "-" }
  }

  static func write(_ elements: [BodyElement], to out: inout String) {
    for e in elements {
      switch e {
      case .note(let n): write(n, to: &out)
      case .chord(let c):
        out += "["
        write(c.elements, to: &out)
        if c.isClosed {
          out += "]"
          out += c.lengthText
          if let t = c.tie { out += t.isDotted ? ".-" : "-" }
        }
      case .rest(let r):
        out += r.isInvisible ? "x" : "z"
        out += r.lengthText
      case .multiMeasureRest(let m):
        out += m.isInvisible ? "X" : "Z"
        out += m.countText
      case .spacer(let s):
        out += "y"
        out += s.widthText
      case .barLine(let b): out += b.text
      case .ending(let e): out += e.text
      case .tuplet(let t): out += t.text
      case .graceGroup(let g):
        out += g.isAcciaccatura ? "{/" : "{"
        write(g.elements, to: &out)
        if g.isClosed { out += "}" }
      case .brokenRhythm(let br):
        out += String(repeating: br.direction == .firstLonger ? ">" : "<", count: br.count)
      case .tie(let t): out += t.isDotted ? ".-" : "-"
      case .slurStart(let s): out += s.isDotted ? ".(" : "("
      case .slurEnd: out += ")"
      case .decoration(let d): out += d.text
      case .chordSymbol(let c):
        out += "\""
        out += c.text
        if c.isClosed { out += "\"" }
      case .annotation(let a):
        out += "\""
        switch a.placement {
        case .above: out += "^"
        case .below: out += "_"
        case .left: out += "<"
        case .right: out += ">"
        case .free: out += "@"
        }
        out += a.text
        if a.isClosed { out += "\"" }
      case .field(let f): write(f, to: &out)
      case .directive(let d): out += d.text
      case .comment(let c): out += c.text
      case .overlay(let o): out += o.text
      case .macro(let m): out += m.text
      case .scoreLineBreak(let s): out += s.text
      case .continuation: out += "\\"
      case .space(let s): out += s.text
      case .lineBreak(let l): out += l.text
      case .stray(let s): out += s.text
      }
    }
  }
}
