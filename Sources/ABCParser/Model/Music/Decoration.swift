/// A decoration (ABC 2.1 §4.14; checklist DE-01…DE-08, UD-01…UD-03).
public struct Decoration: Hashable, Sendable {
  /// How it was written.
  public enum Form: Hashable, Sendable {
    /// `!name!`
    case bang
    /// `+name+` (abc 2.0, LEG)
    case plus
    /// A one-character shorthand (`.`, `~`, `H`…`W`, `h`…`w`), resolved through the default table and `U:`.
    case shorthand
  }

  /// The decoration name without delimiters (`trill`, `fermata`, `p`, `<(`). For a shorthand, the name it maps to;
  /// a `U:` binding to an annotation gives the annotation text including its placement char (`^Fine`).
  public var name: String
  public var form: Form
  /// Exact spelling (`!trill!`, `+trill+`, `T`).
  public var text: String
  public var range: SourceRange

  public init(name: String, form: Form, text: String, range: SourceRange = SourceRange(at: .start)) {
    self.name = name
    self.form = form
    self.text = text
    self.range = range
  }

  /// `true` when `name` is one of the ABC 2.1 decorations or a common extension (checklist DE-03).
  public var isKnown: Bool { Decoration.knownNames.contains(name) }

  /// Default shorthand table (checklist UD-02).
  public static let defaultShorthands: [UInt8: String] = [
    UInt8(ascii: "."): "staccato", UInt8(ascii: "~"): "roll", UInt8(ascii: "H"): "fermata",
    UInt8(ascii: "L"): "accent", UInt8(ascii: "M"): "lowermordent", UInt8(ascii: "O"): "coda",
    UInt8(ascii: "P"): "uppermordent", UInt8(ascii: "S"): "segno", UInt8(ascii: "T"): "trill",
    UInt8(ascii: "u"): "upbow", UInt8(ascii: "v"): "downbow",
  ]

  /// ABC 2.1 decoration names plus common extensions (abcm2ps, abcjs, abc2midi).
  public static let knownNames: Set<String> = [
    "trill", "trill(", "trill)", "lowermordent", "uppermordent", "mordent", "pralltriller", "roll", "turn", "turnx",
    "invertedturn", "invertedturnx", "arpeggio", ">", "accent", "emphasis", "fermata", "invertedfermata", "tenuto",
    "0", "1", "2", "3", "4", "5", "+", "plus", "snap", "slide", "wedge", "upbow", "downbow", "open", "thumb", "breath",
    "pppp", "ppp", "pp", "p", "mp", "mf", "f", "ff", "fff", "ffff", "sfz", "crescendo(", "<(", "crescendo)", "<)",
    "diminuendo(", ">(", "diminuendo)", ">)", "segno", "coda", "D.S.", "D.C.", "dacoda", "dacapo", "fine",
    "shortphrase", "mediumphrase", "longphrase", "staccato", "marcato", "editorial", "courtesy", "D.C.alfine",
    "D.S.alcoda", "trem1", "trem2", "trem3", "trem4", "/", "//", "///", "mark", "ped", "ped-end", "glissando(",
    "glissando)", "xstem", "slide", "beambr1", "beambr2", "beamon", "8va(", "8va)", "8vb(", "8vb)", "invisible",
    "nil", "none", "dot", "tr", "^", "crescendo", "diminuendo", "sffz", "sf", "sfp", "fp", "rfz", "arpeggio(",
    "arpeggio)", "cresc", "dim", "accent(", "accent)", "gmark", "umarcato", "wedge(", "wedge)", "breath(",
  ]
  public var location: SourceLocation { range.start }
}
