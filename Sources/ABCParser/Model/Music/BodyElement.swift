/// One element of a tune body, in source order (ABC 2.1 §4–§7).
///
/// The body is a flat list: prefixes (grace groups, chord symbols, annotations, decorations) come as their own
/// elements *before* the note, chord, rest, spacer or bar line they belong to; a broken-rhythm mark sits between its
/// two operands; ties are a property of the note or chord they follow. White space, comments and line ends are
/// elements too, so `ABCPrinter` re-emits the source byte for byte.
public enum BodyElement: Hashable, Sendable {
  // Rare or large payloads are `indirect` (boxed) so that the common elements (notes, rests, bars, spaces) stay
  // small; that keeps parsing and validation memory-bound work low.
  /// A single note, `^c'3/2-`.
  case note(Note)
  /// `[CEG]2`: notes sounding together (may hold decorations and, in LotRO files, rests).
  case chord(Chord)
  /// `z` (visible) or `x` (invisible) rest.
  case rest(Rest)
  /// `Z4` / `X2`: whole-bar rests.
  case multiMeasureRest(MultiMeasureRest)
  /// `y`: takes no time; decorations and chord symbols can hang on it.
  case spacer(Spacer)
  /// Any bar line, including repeat marks (`|`, `||`, `|]`, `[|`, `|:`, `:|`, `::`, `.|`, `[|]` …).
  case barLine(BarLine)
  /// A variant ending: `[1`, `[1,3`, `[2-4`, or the digits of `|1` / `:|2` (which follow a `.barLine`).
  indirect case ending(Ending)
  /// `(3`, `(3:2:2`: the next `r` notes are played `q` in the time of `p`.
  indirect case tuplet(Tuplet)
  /// `{gag}` or acciaccatura `{/g}`: belongs to the next note or chord.
  indirect case graceGroup(GraceGroup)
  /// `>`, `<<` …, between its two operands.
  case brokenRhythm(BrokenRhythm)
  /// A tie written apart from its note (`A2 -A2`, Nottingham style; abc2midi ties it). It applies to the nearest
  /// note or chord before it. Ties written right after a note are `Note.tie` / `Chord.tie` instead.
  case tie(Tie)
  /// `(` or dotted `.(`.
  case slurStart(Slur)
  /// `)`.
  case slurEnd(Slur)
  /// `!trill!`, `+trill+`, or a shorthand such as `~`, `.`, `T`, `H` (after `U:` redefinitions).
  indirect case decoration(Decoration)
  /// `"Am7/G"`: a chord symbol (its parsed name, when it parses, is `symbol.chord`).
  indirect case chordSymbol(ChordSymbol)
  /// `"^rit."`: text placed above/below/left/right/free.
  indirect case annotation(Annotation)
  /// A field in the body: a whole line (`M:3/4`, `V:2`, `w:…`, `P:B`) or inline (`[K:D]`, `[V:1]`, `[r:…]`).
  /// Voice switches, part markers, lyrics (`w:`) and symbol lines (`s:`) are fields with typed values.
  indirect case field(Field)
  /// A `%%…` directive line in the body (typed when it is `%%MIDI`).
  indirect case directive(Directive)
  /// `% …` to the end of the line (without the line end).
  case comment(Comment)
  /// `&`: voice overlay (rewind to the start of the bar).
  case overlay(Overlay)
  /// A macro use (`m:`): the written text plus the elements of its expansion.
  indirect case macro(MacroUse)
  /// `$` (or a legacy `!` line end, checklist DE-07): a score line break. No sound.
  case scoreLineBreak(ScoreLineBreak)
  /// `\` at the end of a music line: the next music line continues this one.
  case continuation(Continuation)
  /// Spaces, tabs and back-quotes between elements (spaces break beams; back-quotes do not).
  case space(Space)
  /// The end of a source line (`\n`, `\r\n`, `\r`).
  case lineBreak(LineBreak)
  /// Text the parser could not read as music: reserved characters (`#*;?@`), a stray `]`, `-`, … Always has a
  /// diagnostic; kept so the printer loses nothing.
  case stray(Stray)
}

extension BodyElement {
  /// Where this element starts and ends in the source.
  public var range: SourceRange {
    switch self {
    case .note(let x): return x.range
    case .chord(let x): return x.range
    case .rest(let x): return x.range
    case .multiMeasureRest(let x): return x.range
    case .spacer(let x): return x.range
    case .barLine(let x): return x.range
    case .ending(let x): return x.range
    case .tuplet(let x): return x.range
    case .graceGroup(let x): return x.range
    case .brokenRhythm(let x): return x.range
    case .tie(let x): return x.range
    case .slurStart(let x): return x.range
    case .slurEnd(let x): return x.range
    case .decoration(let x): return x.range
    case .chordSymbol(let x): return x.range
    case .annotation(let x): return x.range
    case .field(let x): return x.range
    case .directive(let x): return x.range
    case .comment(let x): return x.range
    case .overlay(let x): return x.range
    case .macro(let x): return x.range
    case .scoreLineBreak(let x): return x.range
    case .continuation(let x): return x.range
    case .space(let x): return x.range
    case .lineBreak(let x): return x.range
    case .stray(let x): return x.range
    }
  }

  /// Where this element starts.
  public var location: SourceLocation { range.start }

  /// `true` for elements that take musical time (note, chord, rest, multi-measure rest).
  public var takesTime: Bool {
    switch self {
    case .note, .chord, .rest, .multiMeasureRest: return true
    default: return false
    }
  }
}
