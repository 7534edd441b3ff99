/// A `w:` line (or its `+:` continuation) split into alignment items (ABC 2.1 §5; checklist LY-01…LY-09).
public struct Lyrics: Hashable, Sendable {
  /// One item of a lyric line.
  public enum Item: Hashable, Sendable {
    /// A syllable sung on one note (may be empty: `syl-a -ble`). `text` has `~` turned into spaces and `\-` into
    /// `-`; `continuesWord` is `true` when a `-` follows (the word goes on).
    case syllable(text: String, continuesWord: Bool)
    /// `_`: hold the previous syllable over one more note.
    case hold
    /// `*`: skip one note.
    case skip
    /// `|`: advance to the next bar.
    case bar
  }

  public var items: [Item]
  /// A leading stanza number (`2.`), when present (LY-09).
  public var stanza: String?

  public init(items: [Item], stanza: String? = nil) {
    self.items = items
    self.stanza = stanza
  }

  /// Number of notes this line consumes, not counting `|` jumps.
  public var noteCount: Int {
    items.reduce(0) { n, i in if case .bar = i { return n } else { return n + 1 } }
  }
}

/// An `s:` symbol line (checklist SY-01): decorations, chord symbols and annotations aligned to notes.
public struct SymbolLine: Hashable, Sendable {
  public enum Item: Hashable, Sendable {
    case decoration(String)
    case chordSymbol(String)
    case annotation(String)
    /// `*`: skip one note.
    case skip
    /// `|`: next bar.
    case bar
  }
  public var items: [Item]
  public init(items: [Item]) { self.items = items }
}
