import ABCParser

/// The first voice of a tune in written order, as the performer reads it before unfolding repeats: every note, chord
/// and rest with its exact length and resolved pitches, and the bar lines, variant endings, body `P:` labels and
/// meter changes between them. Form analysis (bars, parts, endings, repeated bars) reads it.
///
/// Lengths are in whole notes after `L:`, tuplets, broken rhythm and chord rules (the performer's `advance`).
/// Pitches are MIDI numbers after the key signature, bar accidentals, octave marks and clef (before any
/// transposition). Grace notes are not items: their time is given back to the note they lean on, so a sound's
/// advance is its written length. Ornaments (`~`, `T`) are read as the plain note; chord symbols, annotations and
/// other decorations do not appear. Multi-bar rests (`Z4`) are one rest per bar with bar lines between them.
public struct WrittenVoice: Hashable, Sendable {
  /// One element in written order.
  public enum Item: Hashable, Sendable {
    /// A note, chord or rest.
    case sound(Sound)
    /// A bar line (any kind, repeat marks included).
    case bar(BarLine)
    /// A variant ending (`[1`, `|2`, `[1,3`): the pass numbers it is played on.
    case ending(passes: [ClosedRange<Int>], location: SourceLocation)
    /// A body `P:` label.
    case part(label: String, location: SourceLocation)
    /// A body `M:` (line or inline).
    case meter(Meter)
  }

  /// A note, a chord or a rest.
  public struct Sound: Hashable, Sendable {
    /// How far time moves on, in whole notes.
    public var advance: NoteLength
    /// The notes in written order (empty for a rest).
    public var tones: [Tone]
    public var location: SourceLocation

    public init(advance: NoteLength, tones: [Tone], location: SourceLocation) {
      self.advance = advance
      self.tones = tones
      self.location = location
    }

    public var isRest: Bool { tones.isEmpty }
  }

  /// One note of a sound.
  public struct Tone: Hashable, Sendable {
    /// MIDI pitch (middle C 60) after key signature and accidentals, before transposition.
    public var pitch: Int
    /// Written with a tie (`-`) to the next note.
    public var isTied: Bool

    public init(pitch: Int, isTied: Bool) {
      self.pitch = pitch
      self.isTied = isTied
    }
  }

  /// A bar line as far as form is concerned.
  public struct BarLine: Hashable, Sendable {
    /// Colons before the bar (`:|` 1, `::|` 2).
    public var endRepeats: Int
    /// Colons after the bar (`|:` 1).
    public var startRepeats: Int
    /// `||`, `|]`, `[|` or `.|`: the end of a section.
    public var isSectionBoundary: Bool
    public var location: SourceLocation

    public init(endRepeats: Int, startRepeats: Int, isSectionBoundary: Bool, location: SourceLocation) {
      self.endRepeats = endRepeats
      self.startRepeats = startRepeats
      self.isSectionBoundary = isSectionBoundary
      self.location = location
    }
  }

  /// The voice id (`V:` id, `"1"` for a tune without voices).
  public var id: String
  /// The items in written order.
  public var items: [Item]

  public init(id: String, items: [Item]) {
    self.id = id
    self.items = items
  }
}

extension ABCPerformer {
  /// The first voice of `tune` in written order (see `WrittenVoice`). Uses this performer's options except that
  /// ornaments are always read as plain notes.
  public func writtenVoice(_ tune: ABCTune) -> WrittenVoice {
    var plain = options
    plain.ornaments = false
    var builder = ScriptBuilder(tune: tune, options: plain)
    let (_, scripts) = builder.build()
    guard let script = scripts.first else { return WrittenVoice(id: "1", items: []) }
    var items: [WrittenVoice.Item] = []
    items.reserveCapacity(script.items.count)
    var graceTime = NoteLength.zero
    for item in script.items {
      switch item {
      case .sound(let s):
        if s.isGrace {
          graceTime += s.advance
          continue
        }
        items.append(
          .sound(
            WrittenVoice.Sound(
              advance: s.advance + graceTime, tones: s.tones.map { WrittenVoice.Tone(pitch: $0.pitch, isTied: $0.isTied) },
              location: s.location)))
        graceTime = .zero
      case .bar(let b):
        items.append(
          .bar(
            WrittenVoice.BarLine(
              endRepeats: b.endRepeats, startRepeats: b.startRepeats, isSectionBoundary: b.isSectionBoundary,
              location: b.location)))
      case .ending(let e):
        items.append(.ending(passes: e.numbers, location: e.location))
      case .part(let label, let location):
        items.append(.part(label: label, location: location))
      case .control(.meter(let m)):
        items.append(.meter(m))
      case .control:
        break
      }
    }
    return WrittenVoice(id: script.id, items: items)
  }
}
