/// A parsed ABC file: the file header and then tunes, free text and empty lines in source order (ABC 2.1 §2).
///
/// Nothing is lost: `ABCPrinter.print(file)` gives back the source text byte for byte (for valid UTF-8 input).
public struct ABCFile: Hashable, Sendable {
  /// The `%abc-2.1` version line, when present (F-01).
  public var versionLine: String?
  /// The file header (F-04): fields and directives at the top, before the first empty line. Empty when the
  /// file starts with a tune or free text.
  public var header: [HeaderElement]
  /// Everything after the header, in order.
  public var items: [FileItem]
  /// Diagnostics that belong to no tune (missing `X:` in the whole file, file-header problems, encoding).
  public var diagnostics: [Diagnostic]

  public init(
    versionLine: String? = nil, header: [HeaderElement] = [], items: [FileItem] = [], diagnostics: [Diagnostic] = []
  ) {
    self.versionLine = versionLine
    self.header = header
    self.items = items
    self.diagnostics = diagnostics
  }

  /// The tunes in order.
  public var tunes: [ABCTune] {
    items.compactMap { if case .tune(let t) = $0 { return t } else { return nil } }
  }

  /// Every diagnostic: the file's own, then each tune's parse diagnostics, sorted by position.
  public var allDiagnostics: [Diagnostic] {
    var all = diagnostics
    for t in tunes { all.append(contentsOf: t.diagnostics) }
    return all.sorted { $0.location.offset < $1.location.offset }
  }

  /// The file-header fields (for defaults every tune inherits).
  public var headerFields: [Field] {
    header.compactMap { if case .field(let f) = $0 { return f } else { return nil } }
  }
}

/// A top-level item of an ABC file.
public enum FileItem: Hashable, Sendable {
  /// A tune (from its `X:` line to the empty line that ends it, or to the end of the file).
  case tune(ABCTune)
  /// Free text, typeset text, comments or directives between tunes (F-11, F-12), line by line.
  case freeText([HeaderElement])
  /// One or more empty (or white-space only) lines separating items, exactly as written.
  case emptyLines(EmptyLines)
}

/// Consecutive empty lines, kept for the printer.
public struct EmptyLines: Hashable, Sendable {
  /// The exact text, line ends included.
  public var text: String
  public var range: SourceRange
  public init(text: String, range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  /// Number of lines.
  public var count: Int {
    var n = 0
    var prevCR = false
    for u in text.utf8 {
      if u == 0x0A { if !prevCR { n += 1 } } else if u == 0x0D { n += 1 }
      prevCR = u == 0x0D
    }
    return n
  }
}

/// One element of a header-like block (file header, tune header, free text), line by line.
public enum HeaderElement: Hashable, Sendable {
  /// An information field line.
  case field(Field)
  /// A `%%` directive line (typed when `%%MIDI`).
  case directive(Directive)
  /// A comment line, or a trailing comment.
  case comment(Comment)
  /// A line of free text (free-text blocks; in a tune header only in loose mode, diagnosed).
  case text(TextLine)
  /// Spaces before a field, directive or comment on its line.
  case space(Space)
  /// End of line.
  case lineBreak(LineBreak)
}

/// A line of free text (without its line end).
public struct TextLine: Hashable, Sendable {
  public var text: String
  public var range: SourceRange
  public init(text: String, range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.range = range
  }
  public var location: SourceLocation { range.start }
}
