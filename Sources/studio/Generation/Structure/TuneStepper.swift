import ABCParser

/// Follows the body of a tune character by character and knows where it is in the music: the position inside the
/// bar, bars within the part, the pick-up, open ties, slurs, chords, tuplets, broken rhythm, repeats and endings.
///
/// `feed(_:)` advances by one character and, when `enforcing`, refuses (returns false) a character that would make
/// the tune wrong: a note that overfills the bar, a bar line where the bar is short (except a part's pick-up and the
/// closing bar that completes it), a tie to a different pitch, an ending or `:|` that does not balance, a part that
/// ends before or runs past its planned length, the tune ending inside a part or before its planned number of parts,
/// and constructs the reader does not model (body field lines, inline fields, comments, `+…+` decorations). A
/// refused character leaves the stepper in an unspecified state: test characters on a copy (`allows(_:)`), which
/// is cheap (a value type without heap storage in its hot fields, O(1) per character).
///
/// Reading without enforcing (`enforcing == false`) measures form: the corpus's part lengths, parts per tune and
/// pick-ups are counted with the very rules the sampler obeys (`FormProfile`).
///
/// Durations are integer ticks: one unit note length (`L:`) is 10,080 ticks (2⁵·3²·5·7), so halves down to 1/32,
/// triplets, quintuplets, septuplets and broken rhythm stay exact.
struct TuneStepper: Sendable {
  /// The form the sampler steers toward; `partBars == 0` and `parts == 0` mean "no plan".
  struct Plan: Sendable, Equatable {
    /// Bars every part must have (before repeats; first/second endings count once).
    var partBars: Int
    /// Parts the tune must have before it may end.
    var parts: Int
    /// Bias added to the logits of the tonic's note letters in the closing bar of the last part (0: off).
    var tonicBias: Float

    static let none = Plan(partBars: 0, parts: 0, tonicBias: 0)
  }

  static let unit = 10_080

  let enforcing: Bool
  var plan: Plan
  /// Ticks per bar (0: free meter, no bar rules) and per unit note length.
  private(set) var barTicks: Int
  /// Ticks of a sixteenth note (the shortest note sampling writes).
  private var sixteenth = 1
  private var unitTicks = TuneStepper.unit
  private var compound: Bool
  /// The tonic's note letter, upper case (`D` for `K:Dmix`), if the key has one.
  let tonicLetter: UInt8?

  // MARK: Reading state

  private enum Phase: UInt8, Sendable {
    case idle, accidental, octave, length, chordSymbol, decoration, grace, bar, bracket, paren, tuplet, fieldLine,
      inlineField, chordBody
  }
  private var phase = Phase.idle
  private(set) var atLineStart = true
  /// Ticks into the current bar.
  private(set) var position = 0
  /// Set once the text contained something the reader does not model (reading only; enforcing refuses it).
  private(set) var lost = false
  /// Characters of the body read so far.
  private(set) var characters = 0

  // The note being read.
  private var accidentalCount = 0
  private var accidentalCode = 0
  private var letter: UInt8 = 0
  private var octave = 0
  private var isRest = false
  private var lengthNumerator = 0
  private var slashes = 0
  private var lengthDenominator = 0
  private var noteStartedLine = false
  private var decorationPending = false
  /// Decorations and chord symbols since the last note (sampling allows `maximumDecorations` before a note).
  private var decorationsBeforeNote = 0
  static let maximumDecorations = 3
  /// Pitch of the last complete note, for ties: letter, accidental, octave marks.
  private var lastLetter: UInt8 = 0
  private var lastAccidental = 0
  private var lastOctave = 0
  private var lastLength = 0
  private var lastWasChord = false
  private var tiePending = false
  private var tieLetter: UInt8 = 0
  private var tieAccidental = 0
  private var tieOctave = 0
  /// Factor of the next note from broken rhythm, as a fraction.
  private var brokenNumerator = 1
  private var brokenDenominator = 1
  private var brokenCount = 0
  private var brokenDirection: UInt8 = 0
  /// Tuplet: notes left, and the factor q/p.
  private var tupletLeft = 0
  private var tupletP = 0
  private var tupletQ = 0
  private var tupletField = 0
  /// The tuplet's p, q, r as written (0: not written); three fields, not an array, so copies stay free of the heap.
  private var tupletDigits: (Int, Int, Int) = (0, 0, 0)
  private var slurDepth = 0
  private var chordNotes = 0
  private var chordFirstLength = 0
  private var symbolLength = 0
  /// The bar line being read (a few characters, stored inline).
  private var barText = ""
  private var barStartPosition = 0
  private var fieldText = ""

  // MARK: Form state

  /// Bars completed in the current part before any ending, and inside the current ending.
  private(set) var partBars = 0
  private(set) var endingBars = 0
  /// 0 outside endings, else the ending being read.
  private(set) var ending = 0
  private var ending1Bars = 0
  private var awaitingSecondEnding = false
  /// No bar line yet in this part (its first bar may be a pick-up).
  private var partFirstBar = true
  /// Length of the current part's pick-up in ticks (0: none).
  private(set) var pickup = 0
  /// Parts completed, and the bar counts of each (reading only keeps them).
  private(set) var parts = 0
  private(set) var partLengths: [Int] = []
  private(set) var pickups: [Int] = []
  /// Closing-bar lengths of completed parts, in ticks.
  private(set) var closings: [Int] = []
  private var lastBarMusic = 0
  /// Just after a part ended (nothing but bar lines, spaces and line breaks since).
  private(set) var atBoundary = true
  /// Just after a plain bar line (an ending may start).
  private var justBarred = false
  private var endingUsedInPart = false
  /// A `|:` (or `::`) was read and its `:|` not yet.
  private var repeatOpen = false
  /// The pick-up the next part must start with (ticks; 0: any).
  private var requiredPickup = 0
  /// Pitch letter of the last note (upper case), for the end-on-tonic statistics.
  private(set) var lastNoteLetter: UInt8 = 0
  private(set) var ended = false

  /// - Parameters:
  ///   - header: the tune's header text through its `K:` line (meter, unit length and key are read from it).
  ///   - plan: the form to steer toward.
  ///   - enforcing: refuse characters that break the rules (sampling) or only read (measuring).
  init(header: String, plan: Plan = .none, enforcing: Bool) {
    self.enforcing = enforcing
    self.plan = plan
    let tune = ABCParser().parse(header + (header.hasSuffix("\n") ? "" : "\n")).tunes.first
    let meter = tune?.meter
    let unitLength = tune?.unitLength ?? NoteLength(1, 8)
    barTicks = Self.ticks(bar: meter?.barLength, unit: unitLength)
    sixteenth = max(1, Self.ticks(bar: NoteLength(1, 16), unit: unitLength))
    compound = meter?.isCompound ?? false
    if case .tonic(let pc, _)? = tune?.key?.root {
      tonicLetter = UInt8(ascii: pc.letter.description.unicodeScalars.first!)
    } else {
      tonicLetter = nil
    }
  }

  /// Ticks of one bar of `bar` whole notes with `unit` as the unit length; 0 when free or not a whole tick count.
  private static func ticks(bar: NoteLength?, unit: NoteLength) -> Int {
    guard let bar, unit.numerator > 0 else { return 0 }
    let numerator = bar.numerator * unit.denominator * TuneStepper.unit
    let denominator = bar.denominator * unit.numerator
    guard denominator > 0, numerator % denominator == 0 else { return 0 }
    return numerator / denominator
  }

  // MARK: - Queries

  /// Whether `scalar` may come next (tested on a copy).
  func allows(_ scalar: Unicode.Scalar) -> Bool {
    var copy = self
    return copy.feed(scalar)
  }

  /// The bars counted so far in the current part (endings included).
  var barsInPart: Int { partBars + endingBars }

  /// The longest a bar may be here: a part's closing bar completes its pick-up.
  private var barLimit: Int {
    if requiredPickup > 0, partFirstBarIsPickupCandidate { return requiredPickup }
    if plan.partBars > 0, !partFirstBarIsPickupCandidate, barsInPart + 1 == plan.partBars { return barTicks - pickup }
    return barTicks
  }

  private var partFirstBarIsPickupCandidate: Bool { partFirstBar && ending == 0 && partBars == 0 }

  /// True where the sampler should favour the tonic: the second half of the closing bar of the last planned part.
  var wantsTonic: Bool {
    guard enforcing, plan.tonicBias != 0, tonicLetter != nil, phase == .idle, barTicks > 0, plan.partBars > 0 else {
      return false
    }
    guard parts + 1 >= plan.parts, barsInPart + 1 == plan.partBars, !partFirstBar || partBars > 0 else {
      return false
    }
    return barLimit - position <= barTicks / 2 && barLimit - position > 0
  }

  /// In the closing bar of the last planned part (its first ending excepted).
  var isFinalClosingBar: Bool {
    plan.partBars > 0 && plan.parts > 0 && parts + 1 >= plan.parts && barsInPart + 1 == plan.partBars && ending != 1
      && !(partFirstBarIsPickupCandidate)
  }

  /// Bar lines completed in the current part (the pick-up bar included), for copying bars.
  var barLinesInPart: Int { barsInPart + (pickup > 0 ? 1 : 0) }

  /// A plain `|` has just been read after a complete bar outside endings: the next bar is about to start. Its index
  /// among the part's counted bars (0-based, the pick-up not counted) is `barsInPart + 1`.
  var atPlainBarLine: Bool {
    phase == .bar && barText == "|" && ending == 0 && !awaitingSecondEnding && barTicks > 0 && position == barTicks
      && !partFirstBarIsPickupCandidate
  }

  /// Whether the tune may end here (a blank line).
  var mayEnd: Bool {
    phase == .idle && position == 0 && atBoundary && !awaitingSecondEnding && ending == 0 && slurDepth == 0
      && !tiePending && parts >= max(1, plan.parts)
  }

  // MARK: - Feeding

  /// Reads one character. Returns false when enforcing and the character is not allowed (the state is then
  /// unspecified); reading never refuses.
  @discardableResult
  mutating func feed(_ scalar: Unicode.Scalar) -> Bool {
    if ended || lost { return !enforcing || !lost }
    characters += 1
    guard scalar.isASCII else {
      switch phase {
      case .chordSymbol, .fieldLine, .inlineField: return true
      default: return refuse()
      }
    }
    return step(UInt8(scalar.value))
  }

  /// Marks the text as not understood: refused when enforcing, ignored from here on when reading.
  private mutating func refuse() -> Bool {
    if enforcing { return false }
    lost = true
    return true
  }

  private static func isNoteLetter(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "G")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "g"))
  }
  /// Characters that open an element leading to a note.
  private static func opensElement(_ c: UInt8) -> Bool {
    c == UInt8(ascii: "(") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{")
      || c == UInt8(ascii: "!") || c == UInt8(ascii: "~") || c == UInt8(ascii: ".") || c == UInt8(ascii: "^")
      || c == UInt8(ascii: "_") || c == UInt8(ascii: "=")
  }
  private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
  private static func isLetter(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
  }

  private mutating func step(_ c: UInt8) -> Bool {
    switch phase {
    case .idle:
      return dispatch(c)
    case .accidental:
      if c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") {
        guard accidentalCount < 2, c != UInt8(ascii: "=") else { return refuse() }
        if enforcing, accidentalCount >= 1 { return false }  // sampling: single accidentals
        accidentalCount += 1
        accidentalCode += c == UInt8(ascii: "^") ? 1 : -1
        return true
      }
      guard Self.isNoteLetter(c) else { return refuse() }
      return startLetter(c)
    case .octave:
      if c == UInt8(ascii: "'") || c == UInt8(ascii: ",") {
        octave += c == UInt8(ascii: "'") ? 1 : -1
        if enforcing, abs(octave) > 2 { return false }
        return true
      }
      if enforcing, tiePending, !insideChord, octave != tieOctave { return false }
      phase = .length
      return step(c)
    case .length:
      if Self.isDigit(c) {
        let d = Int(c - UInt8(ascii: "0"))
        if slashes == 0 {
          guard lengthNumerator * 10 + d <= 64, lengthNumerator > 0 || d > 0 else { return refuse() }
          lengthNumerator = lengthNumerator * 10 + d
          // Sampling: lengths of 1–12 and 16 units (1 may still become 12 or 16).
          if enforcing, lengthNumerator > 12, lengthNumerator != 16 { return false }
        } else {
          guard slashes == 1, lengthDenominator * 10 + d <= 32, lengthDenominator > 0 || d > 0 else {
            return refuse()
          }
          lengthDenominator = lengthDenominator * 10 + d
          // Sampling: denominators 2, 4 and 8.
          if enforcing, ![2, 4, 8].contains(lengthDenominator) { return false }
        }
        return enforcing ? lengthCanFit() : true
      }
      if c == UInt8(ascii: "/") {
        guard lengthDenominator == 0, slashes < 3 else { return refuse() }
        if enforcing, slashes >= 2 { return false }
        slashes += 1
        return completable()
      }
      guard finishNote() else { return false }
      if insideChord { return step(c) }
      return dispatchAfterNote(c)
    case .chordSymbol:
      if c == UInt8(ascii: "\"") {
        phase = .idle
        if enforcing {
          decorationPending = true
          decorationsBeforeNote += 1
          if decorationsBeforeNote > Self.maximumDecorations { return false }
        }
        return (symbolLength > 0 && symbolBass != 0) || !enforcing
      }
      if c == UInt8(ascii: "\n") { return refuse() }
      symbolLength += 1
      guard enforcing else { return true }
      // Sampling: a chord name — root A–G, an optional ♯/♭, a quality (letters and digits), an optional /bass.
      let root = c >= UInt8(ascii: "A") && c <= UInt8(ascii: "G")
      if symbolLength == 1 {
        symbolBass = -1
        return root
      }
      if symbolBass >= 0 {
        symbolBass += 1
        if symbolBass == 1 { return root }
        return symbolBass == 2 && (c == UInt8(ascii: "#") || c == UInt8(ascii: "b"))
      }
      if c == UInt8(ascii: "/") {
        symbolBass = 0
        return true
      }
      return symbolLength <= 7 && (Self.isLetter(c) || Self.isDigit(c) || c == UInt8(ascii: "#"))
    case .decoration:
      if c == UInt8(ascii: "!") {
        phase = .idle
        decorationPending = true
        decorationsBeforeNote += 1
        if enforcing, decorationsBeforeNote > Self.maximumDecorations { return false }
        return symbolLength > 0 || !enforcing
      }
      if c == UInt8(ascii: "\n") {
        // `!` at a line end: a legacy score line break, not a decoration.
        phase = .idle
        decorationPending = false
        return dispatch(c)
      }
      if enforcing { return false }
      guard Self.isLetter(c) || Self.isDigit(c) || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")
        || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") || c == UInt8(ascii: ".") || c == UInt8(ascii: "^")
      else { return refuse() }
      symbolLength += 1
      return !enforcing || symbolLength <= 12
    case .grace:
      if c == UInt8(ascii: "}") {
        phase = .idle
        return symbolLength > 0 || !enforcing
      }
      guard Self.isNoteLetter(c) || c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=")
        || c == UInt8(ascii: "'") || c == UInt8(ascii: ",") || c == UInt8(ascii: "/") || Self.isDigit(c)
        || (c == UInt8(ascii: " ") && !enforcing)
      else { return refuse() }
      if Self.isNoteLetter(c) { symbolLength += 1 }
      return !enforcing || symbolLength <= 4
    case .bar:
      return continueBar(c)
    case .bracket:
      return afterBracket(c)
    case .paren:
      if Self.isDigit(c), c != UInt8(ascii: "0"), c != UInt8(ascii: "1") {
        if enforcing {
          // Room for the tuplet's notes at half a unit each: (p notes in the time of q) ≥ q/2 units.
          let p = Int(c - UInt8(ascii: "0"))
          guard p <= 7, tupletLeft == 0 else { return false }
          let q = p == 3 || p == 6 ? 2 : (p == 2 || p == 4 ? 3 : (compound ? 3 : 2))
          if barTicks > 0, position + q * unitTicks / 2 > barLimit { return false }
        }
        phase = .tuplet
        tupletField = 0
        tupletDigits = (Int(c - UInt8(ascii: "0")), 0, 0)
        return true
      }
      // A slur.
      if enforcing, slurDepth >= 2 { return false }
      slurDepth += 1
      phase = .idle
      return dispatch(c)
    case .tuplet:
      if c == UInt8(ascii: ":"), tupletField < 2 {
        tupletField += 1
        return true
      }
      let written = tupletField == 1 ? tupletDigits.1 : tupletDigits.2
      if Self.isDigit(c), tupletField > 0, written == 0, c != UInt8(ascii: "0") {
        if tupletField == 1 { tupletDigits.1 = Int(c - UInt8(ascii: "0")) } else { tupletDigits.2 = Int(c - UInt8(ascii: "0")) }
        return true
      }
      startTuplet()
      phase = .idle
      return dispatch(c)
    case .fieldLine:
      if c == UInt8(ascii: "\n") {
        applyField(fieldText)
        fieldText = ""
        phase = .idle
        atLineStart = true
        return true
      }
      fieldText.unicodeScalars.append(Unicode.Scalar(c))
      return true
    case .inlineField:
      if c == UInt8(ascii: "]") {
        applyField(fieldText)
        fieldText = ""
        phase = .idle
        return true
      }
      if c == UInt8(ascii: "\n") { return refuse() }
      fieldText.unicodeScalars.append(Unicode.Scalar(c))
      return true
    case .chordBody:
      if c == UInt8(ascii: "]") {
        guard chordNotes > 0, chordNotes >= 2 || !enforcing else { return refuse() }
        insideChord = false
        chordBase = chordFirstLength
        isRest = false
        lengthNumerator = 0
        slashes = 0
        lengthDenominator = 0
        phase = .length
        return completable()
      }
      if c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") {
        if enforcing, chordNotes >= 4 { return false }
        accidentalCount = 0
        accidentalCode = 0
        phase = .accidental
        return step(c)
      }
      if Self.isNoteLetter(c) {
        if enforcing, chordNotes >= 4 { return false }
        accidentalCount = 0
        accidentalCode = 0
        return startLetter(c)
      }
      if c == UInt8(ascii: " ") && !enforcing { return true }
      return refuse()
    }
  }

  // MARK: Elements

  /// A character where a new element may start.
  private mutating func dispatch(_ c: UInt8) -> Bool {
    let lineStart = atLineStart
    atLineStart = false
    let afterSpace = lastWasSpace
    lastWasSpace = false
    if enforcing, plan.parts > 0, atBoundary, parts >= plan.parts, position == 0, c != UInt8(ascii: "\n") {
      return false  // the planned parts are written: the tune ends
    }
    if enforcing, Self.opensElement(c), !noteMayStart() {
      // Decorations, chord symbols, slurs, tuplets, grace notes and chords need room for the note they lead to.
      guard position == 0, c == UInt8(ascii: "[") || c == UInt8(ascii: "!") else { return false }
    }
    if enforcing, brokenDenominator != 1 || decorationPending {
      // After `>`/`<` or a decoration only a note (or another decoration) may follow.
      let noteStart =
        Self.isNoteLetter(c) || c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=")
        || c == UInt8(ascii: "z") || c == UInt8(ascii: "[") || c == UInt8(ascii: "~") || c == UInt8(ascii: ".")
        || c == UInt8(ascii: "!") || c == UInt8(ascii: "(") || c == UInt8(ascii: "{")
      guard noteStart else { return false }
    }
    switch c {
    case UInt8(ascii: "\n"):
      if lineStart {
        // A blank line ends the tune.
        guard !enforcing || mayEnd else { return false }
        ended = true
        return true
      }
      if decorationPending && enforcing { return false }
      guard !enforcing || position == 0 else { return false }
      atLineStart = true
      return true
    case UInt8(ascii: " "):
      if enforcing, decorationPending || lineStart || afterSpace { return false }
      lastWasSpace = true
      return true
    case UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "="):
      guard noteMayStart() else { return false }
      noteStartedLine = lineStart
      noteStartCharacter = characters
      accidentalCount = 0
      accidentalCode = 0
      phase = .accidental
      return step(c)
    case UInt8(ascii: "z"), UInt8(ascii: "x"):
      if enforcing, c == UInt8(ascii: "x") || tiePending { return false }
      guard noteMayStart() else { return false }
      noteStartedLine = lineStart
      beginNote(rest: true)
      phase = .length
      return completable()
    case UInt8(ascii: "|"), UInt8(ascii: ":"):
      if lineStart, !enforcing, c == UInt8(ascii: ":") { return fieldStart() }
      return startBar(c)
    case UInt8(ascii: "["):
      if enforcing, tiePending { return false }
      phase = .bracket
      return true
    case UInt8(ascii: "\""):
      if enforcing, decorationPending { return false }
      phase = .chordSymbol
      symbolLength = 0
      return true
    case UInt8(ascii: "!"):
      // Sampling writes `!` only as the corpus's legacy line break (after a bar line, before the line end).
      if enforcing, position != 0 || decorationPending { return false }
      phase = .decoration
      symbolLength = 0
      return true
    case UInt8(ascii: "{"):
      if enforcing, tupletLeft > 0 { return false }
      phase = .grace
      symbolLength = 0
      return true
    case UInt8(ascii: "("):
      phase = .paren
      return true
    case UInt8(ascii: ")"):
      if enforcing, slurDepth == 0 || decorationPending { return false }
      slurDepth = max(0, slurDepth - 1)
      return true
    case UInt8(ascii: "~"), UInt8(ascii: "."):
      decorationPending = true
      decorationsBeforeNote += 1
      return !enforcing || decorationsBeforeNote <= Self.maximumDecorations
    case UInt8(ascii: "%"):
      if enforcing { return false }
      phase = .fieldLine  // a comment: skipped to the line end like a field line
      fieldText = ""
      return true
    default:
      if Self.isNoteLetter(c) {
        guard noteMayStart() else { return false }
        noteStartedLine = lineStart
        accidentalCount = 0
        accidentalCode = 0
        return startLetter(c)
      }
      if lineStart, Self.isLetter(c), !enforcing {
        fieldText = ""
        phase = .fieldLine
        fieldText.unicodeScalars.append(Unicode.Scalar(c))
        return true
      }
      if !enforcing,
        c == UInt8(ascii: "H") || c == UInt8(ascii: "T") || c == UInt8(ascii: "u") || c == UInt8(ascii: "v")
          || c == UInt8(ascii: "M") || c == UInt8(ascii: "P") || c == UInt8(ascii: "S") || c == UInt8(ascii: "O")
          || c == UInt8(ascii: "L") || c == UInt8(ascii: "R") || c == UInt8(ascii: "J")
      {
        return true  // a shorthand decoration
      }
      if !enforcing, c == UInt8(ascii: "\\") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "`") { return true }
      return refuse()
    }
  }

  /// After a note or chord: broken rhythm and ties attach to it; anything else starts a new element.
  private mutating func dispatchAfterNote(_ c: UInt8) -> Bool {
    if c == UInt8(ascii: ">") || c == UInt8(ascii: "<") {
      return broken(c)
    }
    if c == UInt8(ascii: "-") {
      if isRest || lastWasChord { return refuse() }
      if enforcing, brokenCount > 0 || tupletLeft > 0 { return false }
      // A tie needs a note to tie to: in this bar, or in a next bar of the same part.
      if enforcing, barTicks > 0, position >= barLimit, plan.partBars > 0, barsInPart + 1 >= plan.partBars {
        return false
      }
      tiePending = true
      tieLetter = lastLetter
      tieAccidental = lastAccidental
      tieOctave = lastOctave
      return true
    }
    if c == UInt8(ascii: ":"), enforcing, noteStartedLine, characters == noteStartCharacter + 1 {
      // "A:" at a line start is a field line, not a note and a repeat.
      return false
    }
    return dispatch(c)
  }

  private var noteStartCharacter = 0
  private var lastWasSpace = false
  /// Characters after the `/` of a chord name's bass note (−1: no bass).
  private var symbolBass = -1

  private mutating func broken(_ c: UInt8) -> Bool {
    if brokenCount > 0, brokenDirection != c { return refuse() }
    if isRest && enforcing { return false }
    if brokenCount == 0 {
      brokenDirection = c
    }
    brokenCount += 1
    guard brokenCount <= 3 else { return refuse() }
    // The previous note gets (2 − 2⁻ⁿ) or 2⁻ⁿ of its length; undo the previous adjustment first.
    let n = brokenCount
    let previous = lastLength  // as written (times tuplet factor), before any broken adjustment
    let scale = 1 << n
    let oldScale = 1 << (n - 1)
    let oldAdjusted = n == 1 ? previous : adjusted(previous, count: n - 1, direction: c, scale: oldScale)
    let newAdjusted = adjusted(previous, count: n, direction: c, scale: scale)
    guard newAdjusted >= 0 else { return refuse() }
    position += newAdjusted - oldAdjusted
    if c == UInt8(ascii: ">") {
      brokenNumerator = 1
      brokenDenominator = scale
    } else {
      brokenNumerator = 2 * scale - 1
      brokenDenominator = scale
    }
    phase = .idle
    if enforcing {
      // Room for the shortened or lengthened partner, assumed written as long as this note.
      guard previous % scale == 0 else { return false }
      let partner = previous * brokenNumerator / brokenDenominator
      if barTicks > 0, position + partner > barLimit { return false }
    }
    return true
  }

  private func adjusted(_ length: Int, count: Int, direction: UInt8, scale: Int) -> Int {
    guard length % scale == 0 else { return -1 }
    return direction == UInt8(ascii: ">") ? length * (2 * scale - 1) / scale : length / scale
  }

  private mutating func noteMayStart() -> Bool {
    guard enforcing else { return true }
    if awaitingSecondEnding { return false }
    if plan.parts > 0, atBoundary, parts >= plan.parts { return false }
    if barTicks > 0, position >= barLimit { return false }
    return true
  }

  private mutating func beginNote(rest: Bool) {
    isRest = rest
    letter = 0
    octave = 0
    lengthNumerator = 0
    slashes = 0
    lengthDenominator = 0
    if !insideChord { noteStartCharacter = characters }
  }

  private mutating func startLetter(_ c: UInt8) -> Bool {
    if enforcing, tiePending, !insideChord {
      if c != tieLetter { return false }
      if accidentalCount > 0, accidentalCode != tieAccidental { return false }
    }
    if accidentalCount == 0 && !insideChord { noteStartCharacter = characters }
    isRest = false
    octave = 0
    lengthNumerator = 0
    slashes = 0
    lengthDenominator = 0
    letter = c
    lastNoteLetter = c >= UInt8(ascii: "a") ? c - 32 : c
    phase = .octave
    return completable()
  }

  private var insideChord = false

  /// Whether the note being read can still end within the bar (enforcing, after a length digit).
  private func lengthCanFit() -> Bool { completable() }

  /// Whether the note, rest or chord being read may end with duration `length` here (sampling): it fits the bar,
  /// is no shorter than a sixteenth (two thirds of one in a tuplet), leaves no gap only shorter notes could fill, and
  /// is the tonic when it ends the tune.
  private func accepts(length: Int) -> Bool {
    guard barTicks > 0 else { return true }
    if position + length > barLimit { return false }
    let shortest = tupletLeft > 0 ? sixteenth * 2 / 3 : sixteenth
    if length < shortest && brokenDenominator == 1 { return false }
    let left = barLimit - position - length
    if left > 0 && left < sixteenth && tupletLeft <= 1 { return false }
    if left == 0, isFinalClosingBar, plan.tonicBias > 0, let tonicLetter {
      // The tune's last note is its tonic.
      let upper = letter >= UInt8(ascii: "a") ? letter - 32 : letter
      if isRest || chordBase > 0 || upper != tonicLetter || accidentalCount > 0 { return false }
    }
    return true
  }

  /// Whether some way of finishing the length being written is accepted (sampling; no dead ends inside a note).
  private func completable() -> Bool {
    guard enforcing, barTicks > 0, !insideChord else { return true }
    var numerators: [Int]
    if slashes == 0 {
      numerators = lengthNumerator == 0 ? [1, 2, 3, 4, 5, 6, 7, 8, 12, 16] : [lengthNumerator]
      if lengthNumerator == 1 { numerators += [12, 16] }
    } else {
      numerators = [max(1, lengthNumerator)]
    }
    var denominators: [Int]
    if lengthDenominator > 0 {
      denominators = [lengthDenominator]
    } else if slashes > 0 {
      denominators = slashes == 1 ? [2, 4, 8] : [1 << slashes]
    } else {
      denominators = [1, 2, 4, 8]
    }
    let base = chordBase > 0 ? chordBase : unitTicks
    for n in numerators {
      for d in denominators {
        var numerator = n * base * brokenNumerator
        var denominator = d * brokenDenominator
        if tupletLeft > 0 {
          numerator *= tupletQ
          denominator *= tupletP
        }
        guard denominator > 0, numerator % denominator == 0 else { continue }
        if accepts(length: numerator / denominator) { return true }
      }
    }
    return false
  }

  /// The note's duration in ticks as written so far (or, with `shortestCompletion`, the shortest it can still
  /// become), including broken rhythm and tuplet factors; nil when not a whole number of ticks.
  private func noteTicks(shortestCompletion: Bool = false) -> Int? {
    var numerator = max(1, lengthNumerator)
    var denominator = lengthDenominator > 0 ? lengthDenominator : (slashes > 0 ? 1 << slashes : 1)
    if shortestCompletion, slashes > 0, lengthDenominator == 0 { denominator = 32 }
    numerator *= chordBase > 0 ? chordBase : unitTicks
    numerator *= brokenNumerator
    denominator *= brokenDenominator
    if tupletLeft > 0 {
      numerator *= tupletQ
      denominator *= tupletP
    }
    guard denominator > 0, numerator % denominator == 0 else { return nil }
    return numerator / denominator
  }

  /// The length of the chord being completed (its first note's), 0 for a note or rest.
  private var chordBase = 0

  /// Completes the note, rest or chord just read.
  private mutating func finishNote() -> Bool {
    if enforcing, lengthDenominator == 1 || lengthDenominator == 3 { return false }
    if insideChord {
      // A note inside a chord: the chord's length is its first note's.
      var numerator = max(1, lengthNumerator) * unitTicks
      let denominator = lengthDenominator > 0 ? lengthDenominator : (slashes > 0 ? 1 << slashes : 1)
      if numerator % denominator != 0 { return refuse() }
      numerator /= denominator
      if chordNotes == 0 {
        chordFirstLength = numerator
      } else if enforcing, numerator != chordFirstLength {
        return false  // notes of unequal length in a chord
      }
      chordNotes += 1
      phase = .chordBody
      return true
    }
    let wasChord = chordBase > 0
    guard let length = noteTicks() else { return refuse() }
    if enforcing, !accepts(length: length) { return false }
    if enforcing, tiePending, !wasChord, !isRest, octave != tieOctave { return false }
    position += length
    lastLength = length
    lastWasChord = wasChord
    if !isRest && !wasChord {
      lastLetter = letter
      lastAccidental = accidentalCode
      lastOctave = octave
    }
    tiePending = false
    brokenNumerator = 1
    brokenDenominator = 1
    brokenCount = 0
    if tupletLeft > 0 { tupletLeft -= 1 }
    decorationPending = false
    decorationsBeforeNote = 0
    atBoundary = false
    justBarred = false
    phase = .idle
    chordNotes = 0
    chordFirstLength = 0
    chordBase = 0
    // A length written before the next element: lengthNumerator etc. are reset by the next note.
    return true
  }

  private mutating func startTuplet() {
    let p = tupletDigits.0
    var q = tupletDigits.1
    let r = tupletDigits.2
    if q == 0 {
      switch p {
      case 2, 4, 8: q = 3
      case 3, 6: q = 2
      default: q = compound ? 3 : 2
      }
      if p == 4 || p == 8 { q = 3 }
      if p == 2 { q = 3 }
    }
    tupletP = p
    tupletQ = q
    tupletLeft = r > 0 ? r : p
  }

  // MARK: Brackets: chords, endings, inline fields

  private mutating func afterBracket(_ c: UInt8) -> Bool {
    if Self.isDigit(c) {
      // `[1`, `[2`: an ending after a bar line.
      phase = .idle
      return startEnding(Int(c - UInt8(ascii: "0")), afterBarLine: false)
    }
    if Self.isNoteLetter(c) || c == UInt8(ascii: "^") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") {
      guard noteMayStart() else { return false }
      // Sampling writes melodies: no chords (their note lengths and ties are where samples went wrong).
      if enforcing { return false }
      insideChord = true
      chordNotes = 0
      chordFirstLength = 0
      chordBase = 0
      noteStartCharacter = characters
      phase = .chordBody
      return step(c)
    }
    if c == UInt8(ascii: "|") {
      if enforcing { return false }
      barText = "[|"
      barStartPosition = position
      phase = .bar
      return true
    }
    if Self.isLetter(c), !enforcing {
      phase = .inlineField
      fieldText = ""
      fieldText.unicodeScalars.append(Unicode.Scalar(c))
      return true
    }
    return refuse()
  }

  private mutating func fieldStart() -> Bool {
    refuse()
  }

  /// Applies `M:` and `L:` from a body field line or inline field (reading).
  private mutating func applyField(_ text: String) {
    guard text.count >= 2, text.dropFirst().first == ":" else { return }
    let letter = text.first!
    guard letter == "M" || letter == "L" else { return }
    let header = "X:1\n\(text)\nK:C\n"
    guard let tune = ABCParser().parse(header).tunes.first else { return }
    if letter == "M" {
      let ticks = Self.ticks(bar: tune.meter?.barLength, unit: currentUnitLength)
      barTicks = ticks
      compound = tune.meter?.isCompound ?? false
    } else {
      let oldUnit = currentUnitLength
      let newUnit = tune.unitLength
      // Keep bars in ticks of the new unit.
      if let bar = Self.barLength(ticks: barTicks, unit: oldUnit) {
        barTicks = Self.ticks(bar: bar, unit: newUnit)
      }
      unitLengthOverride = newUnit
    }
  }

  private var unitLengthOverride: NoteLength?
  private var currentUnitLength: NoteLength { unitLengthOverride ?? NoteLength(1, 8) }

  private static func barLength(ticks: Int, unit: NoteLength) -> NoteLength? {
    guard ticks > 0 else { return nil }
    return NoteLength(ticks * unit.numerator, unit.denominator * TuneStepper.unit)
  }

  // MARK: Bar lines

  /// The bar lines allowed where one starts now; `nil` means any (no rules: reading, or free meter).
  private func allowedBars() -> [String]? {
    guard enforcing, barTicks > 0 else { return nil }
    if decorationPending || tupletLeft > 0 { return [] }
    if position == 0 {
      if awaitingSecondEnding { return ["|2"] }
      if atBoundary && !repeatOpen && (plan.parts == 0 || parts < plan.parts) { return ["|:"] }
      return []
    }
    if awaitingSecondEnding { return [] }
    if partFirstBarIsPickupCandidate && position < barTicks {
      // A pick-up; after a part whose short closing bar did not repeat, it must complete that bar.
      return requiredPickup == 0 || position == requiredPickup ? ["|"] : []
    }
    if plan.partBars == 0, pickup > 0, position == barTicks - pickup {
      return [":|", "||", "|]", "::", ":|:", ":|2"]  // the closing bar that completes the pick-up
    }
    guard position == barLimit else { return [] }
    let count = barsInPart + 1
    if plan.partBars > 0, count == plan.partBars {
      let closing = slurDepth == 0 && !tiePending
      guard closing else { return [] }
      switch ending {
      case 1: return [":|", ":|2"]
      case 2: return ["||", "|]"]
      default: return repeatOpen ? [":|", "::", ":|:", ":||:"] : [":|", "||", "|]", "::", ":|:", ":||:"]
      }
    }
    if plan.partBars > 0, count > plan.partBars { return [] }
    var bars = ["|"]
    if ending == 0, !endingUsedInPart, plan.partBars > 0, (1...2).contains(plan.partBars - count) {
      bars.append("|1")
    }
    if plan.partBars == 0 {
      bars += [":|", "||", "|]", "|:", "::", "|1", ":|2"]
    }
    return bars
  }

  private mutating func startBar(_ c: UInt8) -> Bool {
    barText = String(Unicode.Scalar(c))
    barStartPosition = position
    if let allowed = allowedBars() {
      guard allowed.contains(where: { $0.hasPrefix(barText) }) else { return false }
    }
    phase = .bar
    return true
  }

  private static func isBarCharacter(_ c: UInt8) -> Bool {
    c == UInt8(ascii: "|") || c == UInt8(ascii: ":") || c == UInt8(ascii: "]")
  }

  private mutating func continueBar(_ c: UInt8) -> Bool {
    let extended = barText + String(Unicode.Scalar(c))
    let continues: Bool
    if Self.isBarCharacter(c) {
      continues = extended.count <= 4 && !(barText.hasSuffix("]"))
    } else if Self.isDigit(c) {
      continues = barText.hasSuffix("|") && !barText.contains(where: \.isNumber)
    } else {
      continues = false
    }
    if continues {
      if let allowed = allowedBarsAtStart {
        if allowed.contains(where: { $0.hasPrefix(extended) }) {
          barText = extended
          return true
        }
        // Not a longer bar line that is allowed: the bar line may still end here.
      } else {
        barText = extended
        return true
      }
    }
    if let allowed = allowedBarsAtStart, !allowed.contains(barText) { return false }
    guard finishBar() else { return false }
    phase = .idle
    return dispatch(c)
  }

  /// The allowed bar lines, computed against the state where the bar line started.
  private var allowedBarsAtStart: [String]? {
    var copy = self
    copy.position = barStartPosition
    return copy.allowedBars()
  }

  /// Applies the bar line in `barText`.
  private mutating func finishBar() -> Bool {
    var text = barText
    var endingNumber = 0
    if let last = text.last, last.isNumber {
      endingNumber = Int(String(last)) ?? 0
      text.removeLast()
    }
    let music = position
    if music > 0 { requiredPickup = 0 }
    if music > 0 {
      if partFirstBarIsPickupCandidate && music < barTicks && barTicks > 0 {
        pickup = music
      } else if ending > 0 {
        endingBars += 1
      } else {
        partBars += 1
      }
      lastBarMusic = music
      partFirstBar = false
    }
    position = 0
    tupletLeft = 0
    justBarred = false
    let closesRepeat = text.hasPrefix(":")
    let opensRepeat = text.hasSuffix(":") && text.count > 1 || text == "|:"
    if closesRepeat { repeatOpen = false }
    let double = text == "||" || text == "|]" || text == "[|"
    if closesRepeat {
      if ending == 1 {
        ending1Bars = endingBars
        awaitingSecondEnding = true
      } else {
        endPart()
      }
    } else if double {
      endPart()
    } else if opensRepeat, music > 0 || barsInPart > 0, !atBoundary {
      endPart()
    } else if text == "|" {
      justBarred = true
    }
    if text == "::" || text == ":|:" || text == ":||:" {
      if awaitingSecondEnding { awaitingSecondEnding = false; endPart() }
    }
    if opensRepeat { repeatOpen = true }
    if endingNumber > 0 {
      return startEnding(endingNumber, afterBarLine: true)
    }
    return true
  }

  private mutating func startEnding(_ number: Int, afterBarLine: Bool) -> Bool {
    if number == 1 {
      if enforcing {
        guard ending == 0, !endingUsedInPart, plan.partBars == 0 || (1...2).contains(plan.partBars - barsInPart),
          position == 0
        else { return false }
      }
      ending = 1
      endingBars = 0
      endingUsedInPart = true
      return true
    }
    if enforcing, !awaitingSecondEnding || number != 2 { return false }
    if !awaitingSecondEnding && ending == 0 && !enforcing {
      ending = number
      endingBars = 0
      return true
    }
    awaitingSecondEnding = false
    ending = number
    endingBars = 0
    return true
  }

  private mutating func endPart() {
    guard barsInPart > 0 || pickup > 0 else {
      atBoundary = true
      return
    }
    // A short closing bar is completed by the next part's pick-up, whether or not the part repeats (abc2midi
    // counts the closing bar and what follows it as one bar).
    if enforcing, pickup > 0, lastBarMusic > 0, lastBarMusic < barTicks { requiredPickup = barTicks - lastBarMusic }
    parts += 1
    if !enforcing {
      partLengths.append(barsInPart)
      pickups.append(pickup)
      closings.append(lastBarMusic)
    }
    partBars = 0
    endingBars = 0
    ending = 0
    ending1Bars = 0
    awaitingSecondEnding = false
    partFirstBar = true
    pickup = 0
    atBoundary = true
    endingUsedInPart = false
  }

  /// Reading: closes what the text left open at its end (a last part without a closing bar line).
  mutating func finish() {
    if phase == .length || phase == .octave { _ = finishNote() }
    if phase == .bar { _ = finishBar() }
    if position > 0 {
      if ending > 0 { endingBars += 1 } else { partBars += 1 }
      lastBarMusic = position
      position = 0
    }
    if awaitingSecondEnding { awaitingSecondEnding = false }
    if barsInPart > 0 { endPart() }
    ended = true
  }
}
