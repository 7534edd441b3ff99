/// A stylesheet directive: a `%%name args` line or the value of `I:name args` (ABC 2.1 §11; checklist F-13, DI-01).
public struct Directive: Hashable, Sendable {
  /// The directive name (`MIDI`, `score`, `abc-version`, `studio:humanize`).
  public var name: String
  /// Everything after the name, trimmed.
  public var arguments: String
  /// Exact text: the whole `%%…` line (without the line end), or the instruction text inside `I:`.
  public var text: String
  /// The typed `%%MIDI` directive, when `name == "MIDI"` and it parses.
  public var midi: MIDIDirective?
  public var range: SourceRange

  public init(
    name: String, arguments: String, text: String, midi: MIDIDirective? = nil,
    range: SourceRange = SourceRange(at: .start)
  ) {
    self.name = name
    self.arguments = arguments
    self.text = text
    self.midi = midi
    self.range = range
  }
  public var location: SourceLocation { range.start }
}
