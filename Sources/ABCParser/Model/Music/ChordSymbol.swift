/// `"Am7/G"`: a chord symbol placed before the note it sounds with (ABC 2.1 §4.18; checklist CS-01…CS-06).
public struct ChordSymbol: Hashable, Sendable {
  /// The text between the quotes, exactly as written.
  public var text: String
  /// The parsed chord name, or `nil` when the text is not a chord (diagnosed ABC029).
  public var chord: ChordName?
  /// `false` when the closing quote is missing (diagnosed ABC030).
  public var isClosed: Bool
  public var range: SourceRange

  public init(text: String, chord: ChordName?, isClosed: Bool = true, range: SourceRange = SourceRange(at: .start)) {
    self.text = text
    self.chord = chord
    self.isClosed = isClosed
    self.range = range
  }
  public var location: SourceLocation { range.start }
}

/// A parsed chord name: root, type and optional bass (checklist CS-02…CS-06).
public struct ChordName: Hashable, Sendable {
  /// Root, `A`–`G` with `#`/`b`/`♯`/`♭`.
  public var root: PitchClass
  /// Type as written after the root (`""`, `m`, `7`, `m7b5`, `maj7`, `dim`, `aug`, `+`, `sus4`, `d`, `a`…).
  public var type: String
  /// The chord type understood, when `type` is one this parser knows; drives `semitones`.
  public var quality: ChordQuality?
  /// `/G` bass note.
  public var bass: PitchClass?
  /// `"G(Em)"`: the alternate in parentheses (printing only, CS-04).
  public var alternate: String?
  /// `true` when the root was written in lower case (abc2midi: bass note only).
  public var rootIsLowercase: Bool

  public init(
    root: PitchClass, type: String, quality: ChordQuality?, bass: PitchClass? = nil, alternate: String? = nil,
    rootIsLowercase: Bool = false
  ) {
    self.root = root
    self.type = type
    self.quality = quality
    self.bass = bass
    self.alternate = alternate
    self.rootIsLowercase = rootIsLowercase
  }
}

/// Chord types known to the parser, with their semitone offsets above the root (abc2midi's table, CS-06).
public enum ChordQuality: String, Hashable, Sendable, CaseIterable {
  case major = ""
  case minor = "m"
  case seventh = "7"
  case minorSeventh = "m7"
  case majorSeventh = "maj7"
  case sixth = "6"
  case
    minorSixth = "m6"
  case augmented = "aug"
  case augmentedSeventh = "aug7"
  case diminished = "dim"
  case diminishedSeventh = "dim7"
  case
    ninth = "9"
  case minorNinth = "m9"
  case majorNinth = "maj9"
  case eleventh = "11"
  case thirteenth = "13"
  case diminishedNinth = "dim9"
  case
    suspended = "sus"
  case suspendedSecond = "sus2"
  case suspendedNinth = "sus9"
  case seventhSuspended = "7sus4"
  case
    seventhSuspendedNinth = "7sus9"
  case fifth = "5"
  case halfDiminished = "m7b5"
  case minorMajorSeventh = "mmaj7"
  case
    addNinth = "add9"
  case seventhFlatNinth = "7b9"
  case seventhSharpNinth = "7#9"
  case seventhFlatFifth = "7b5"
  case
    seventhSharpFifth = "7#5"
  case sixNine = "69"
  case minorEleventh = "m11"

  /// Semitones above the root, root first.
  public var semitones: [Int] {
    switch self {
    case .major: return [0, 4, 7]
    case .minor: return [0, 3, 7]
    case .seventh: return [0, 4, 7, 10]
    case .minorSeventh: return [0, 3, 7, 10]
    case .majorSeventh: return [0, 4, 7, 11]
    case .sixth: return [0, 4, 7, 9]
    case .minorSixth: return [0, 3, 7, 9]
    case .augmented: return [0, 4, 8]
    case .augmentedSeventh: return [0, 4, 8, 10]
    case .diminished: return [0, 3, 6]
    case .diminishedSeventh: return [0, 3, 6, 9]
    case .ninth: return [0, 4, 7, 10, 14]
    case .minorNinth: return [0, 3, 7, 10, 14]
    case .majorNinth: return [0, 4, 7, 11, 14]
    case .eleventh: return [0, 4, 7, 10, 14, 17]
    case .thirteenth: return [0, 4, 7, 10, 14, 21]
    case .diminishedNinth: return [0, 3, 6, 9, 13]
    case .suspended: return [0, 5, 7]
    case .suspendedSecond: return [0, 2, 7]
    case .suspendedNinth: return [0, 2, 7]
    case .seventhSuspended: return [0, 5, 7, 10]
    case .seventhSuspendedNinth: return [0, 2, 7, 10]
    case .fifth: return [0, 7]
    case .halfDiminished: return [0, 3, 6, 10]
    case .minorMajorSeventh: return [0, 3, 7, 11]
    case .addNinth: return [0, 4, 7, 14]
    case .seventhFlatNinth: return [0, 4, 7, 10, 13]
    case .seventhSharpNinth: return [0, 4, 7, 10, 15]
    case .seventhFlatFifth: return [0, 4, 6, 10]
    case .seventhSharpFifth: return [0, 4, 8, 10]
    case .sixNine: return [0, 4, 7, 9, 14]
    case .minorEleventh: return [0, 3, 7, 10, 14, 17]
    }
  }
}

/// `"^rit."`: free text placed relative to the next note (ABC 2.1 §4.19; checklist AN-01). Never played.
public struct Annotation: Hashable, Sendable {
  public enum Placement: Hashable, Sendable {
    /// `^`
    case above
    /// `_`
    case below
    /// `<`
    case left
    /// `>`
    case right
    /// `@` (optionally `@x,y`)
    case free
  }
  public var placement: Placement
  /// The text after the placement character.
  public var text: String
  /// `false` when the closing quote is missing (diagnosed ABC030).
  public var isClosed: Bool
  public var range: SourceRange

  public init(placement: Placement, text: String, isClosed: Bool = true, range: SourceRange = SourceRange(at: .start)) {
    self.placement = placement
    self.text = text
    self.isClosed = isClosed
    self.range = range
  }
  public var location: SourceLocation { range.start }
}
