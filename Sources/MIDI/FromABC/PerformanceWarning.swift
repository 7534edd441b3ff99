import ABCParser

/// Something the performer had to guess or leave out while playing a tune. The music is still produced; the warning
/// says what was done and how to write it so it plays as meant.
public struct PerformanceWarning: Hashable, Sendable, CustomStringConvertible {
  /// The kind of problem (stable, for filtering and tests).
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// A tie that finds no following note of the same pitch (T-05, ABC026).
    case unmatchedTie = "tie"
    /// `>`/`<` between notes of different lengths: left unapplied, as abc2midi does (B-04, ABC027).
    case unequalBrokenRhythm = "broken-rhythm"
    /// Grace notes with nothing to steal time from (G-03, G-04).
    case graceNotes = "grace"
    /// Repeats or endings that could not be matched (E-06, BL-09).
    case repeats = "repeat"
    /// `P:` play order naming a part that is never defined (P-08).
    case parts = "part"
    /// A pitch outside 0…127 after transposition (clamped) (N-03).
    case pitchRange = "pitch"
    /// A chord symbol whose type is unknown (played as a major triad) (CS-05, CS-06).
    case chordSymbol = "chord-symbol"
    /// A `%%MIDI` directive that is not supported or has bad arguments (§10.1).
    case midiDirective = "midi"
    /// Chord notes of different lengths (C-03).
    case unequalChord = "chord"
    /// A tuplet with fewer notes than announced (TU-07).
    case tuplet = "tuplet"
    /// More than 16 channels needed, or voice lengths that differ (V-10, V-11).
    case voices = "voice"
    /// A multi-bar rest without a meter.
    case meter = "meter"
  }

  public var kind: Kind
  /// Where in the ABC text, when known (1-based line and UTF-8 column).
  public var location: SourceLocation?
  /// What happened, naming the construct.
  public var message: String

  public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil) {
    self.kind = kind
    self.location = location
    self.message = message
  }

  /// `12:5: warning[performer.tie]: message` (no file name; the CLI adds it).
  public var description: String {
    let place = location.map { "\($0.line):\($0.column): " } ?? ""
    return "\(place)warning[performer.\(kind.rawValue)]: \(message)"
  }
}
