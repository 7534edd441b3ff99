/// A stable diagnostic identifier (`abc.bar.overfull`) with its checklist code (`ABC018`, abc-reference.md §11).
public struct DiagnosticID: Hashable, Sendable, CustomStringConvertible {
  /// Dotted stable name.
  public let rawValue: String
  /// The reference code, `ABC001` … `ABC045`.
  public let code: String
  /// Severity in loose (default) mode.
  public let defaultSeverity: Diagnostic.Severity
  /// `true` when strict mode turns a warning of this kind into an error (legacy and dirty-corpus constructs).
  public let isEscalatedWhenStrict: Bool

  public init(_ rawValue: String, code: String, severity: Diagnostic.Severity, strictError: Bool = false) {
    self.rawValue = rawValue
    self.code = code
    self.defaultSeverity = severity
    self.isEscalatedWhenStrict = strictError
  }

  public var description: String { rawValue }

  /// Severity under the given mode.
  public func severity(strict: Bool) -> Diagnostic.Severity {
    strict && isEscalatedWhenStrict && defaultSeverity == .warning ? .error : defaultSeverity
  }

  public static func == (a: DiagnosticID, b: DiagnosticID) -> Bool { a.rawValue == b.rawValue }
  public func hash(into h: inout Hasher) { h.combine(rawValue) }
}

extension DiagnosticID {
  public static let noTune = DiagnosticID("abc.file.no-tune", code: "ABC001", severity: .error)
  public static let missingReferenceNumber = DiagnosticID(
    "abc.header.missing-reference-number", code: "ABC001", severity: .warning)
  public static let badReferenceNumber = DiagnosticID(
    "abc.header.bad-reference-number", code: "ABC002", severity: .warning)
  public static let duplicateReferenceNumber = DiagnosticID(
    "abc.header.duplicate-reference-number", code: "ABC003", severity: .warning)
  public static let missingTitle = DiagnosticID("abc.header.missing-title", code: "ABC004", severity: .warning)
  public static let missingKey = DiagnosticID("abc.header.missing-key", code: "ABC005", severity: .error)
  public static let invalidKey = DiagnosticID("abc.key.invalid", code: "ABC006", severity: .error)
  public static let keyOutOfRange = DiagnosticID("abc.key.out-of-range", code: "ABC007", severity: .error)
  public static let unknownKeyParameter = DiagnosticID("abc.key.unknown-parameter", code: "ABC008", severity: .warning)
  public static let invalidMeter = DiagnosticID("abc.meter.invalid", code: "ABC009", severity: .error)
  public static let invalidUnitLength = DiagnosticID("abc.unit-length.invalid", code: "ABC010", severity: .error)
  public static let unusualUnitLength = DiagnosticID(
    "abc.unit-length.unusual", code: "ABC010", severity: .warning, strictError: true)
  public static let invalidTempo = DiagnosticID("abc.tempo.invalid", code: "ABC011", severity: .error)
  public static let unknownField = DiagnosticID(
    "abc.field.unknown", code: "ABC012", severity: .warning, strictError: true)
  public static let misplacedField = DiagnosticID(
    "abc.field.misplaced", code: "ABC013", severity: .warning, strictError: true)
  public static let fieldInMusic = DiagnosticID(
    "abc.field.in-music", code: "ABC014", severity: .warning, strictError: true)
  public static let strayCharacter = DiagnosticID("abc.music.stray-character", code: "ABC015", severity: .error)
  /// A warning in strict mode too: ABC 2.1 §2.2.4 says "ignore, possibly warn".
  public static let reservedCharacter = DiagnosticID(
    "abc.music.reserved-character", code: "ABC015", severity: .warning)
  public static let invalidLength = DiagnosticID("abc.length.invalid", code: "ABC016", severity: .error)
  public static let unusualLength = DiagnosticID("abc.length.unusual", code: "ABC017", severity: .warning)
  /// A note or rest longer than `TuneChecker.absurdLength` (32 whole notes): almost certainly a typo (`A99999999`),
  /// and it would play for hours.
  public static let absurdLength = DiagnosticID("abc.length.absurd", code: "ABC017", severity: .error)
  public static let barOverfull = DiagnosticID("abc.bar.overfull", code: "ABC018", severity: .warning)
  public static let barUnderfull = DiagnosticID("abc.bar.underfull", code: "ABC018", severity: .warning)
  public static let repeatMissingStart = DiagnosticID("abc.repeat.missing-start", code: "ABC019", severity: .warning)
  public static let repeatUnclosed = DiagnosticID(
    "abc.repeat.unclosed", code: "ABC020", severity: .warning, strictError: true)
  public static let repeatDuplicateStart = DiagnosticID(
    "abc.repeat.duplicate-start", code: "ABC020", severity: .warning, strictError: true)
  public static let endingMisplaced = DiagnosticID("abc.ending.misplaced", code: "ABC021", severity: .warning)
  public static let slurUnclosed = DiagnosticID("abc.slur.unclosed", code: "ABC022", severity: .error)
  public static let slurUnmatched = DiagnosticID("abc.slur.unmatched-close", code: "ABC022", severity: .error)
  public static let chordUnclosed = DiagnosticID("abc.chord.unclosed", code: "ABC023", severity: .error)
  public static let chordUnmatched = DiagnosticID("abc.chord.unmatched-close", code: "ABC023", severity: .error)
  /// `(` inside a chord (`[E2(e2]c2)`): the slur is read as starting on the chord.
  public static let slurInChord = DiagnosticID("abc.chord.slur-inside", code: "ABC023", severity: .warning)
  /// A chord hard-wrapped across two lines (`[C` at a line end, `E]` on the next): joined.
  public static let chordAcrossLines = DiagnosticID("abc.chord.across-lines", code: "ABC023", severity: .warning)
  public static let chordEmpty = DiagnosticID("abc.chord.empty", code: "ABC023", severity: .error)
  public static let tupletIncomplete = DiagnosticID("abc.tuplet.incomplete", code: "ABC024", severity: .error)
  public static let tupletInvalid = DiagnosticID("abc.tuplet.invalid", code: "ABC024", severity: .error)
  public static let graceUnclosed = DiagnosticID("abc.grace.unclosed", code: "ABC025", severity: .error)
  public static let graceWithoutNote = DiagnosticID("abc.grace.no-note", code: "ABC025", severity: .error)
  public static let tieDifferentPitch = DiagnosticID("abc.tie.different-pitch", code: "ABC026", severity: .warning)
  public static let tieDangling = DiagnosticID("abc.tie.dangling", code: "ABC026", severity: .warning)
  public static let brokenRhythmMisuse = DiagnosticID("abc.broken-rhythm.misuse", code: "ABC027", severity: .warning)
  public static let unknownDecoration = DiagnosticID("abc.decoration.unknown", code: "ABC028", severity: .warning)
  public static let unknownChordSymbol = DiagnosticID("abc.chord-symbol.unknown", code: "ABC029", severity: .warning)
  public static let unterminatedText = DiagnosticID("abc.text.unterminated", code: "ABC030", severity: .error)
  public static let voiceLengthMismatch = DiagnosticID("abc.voice.length-mismatch", code: "ABC031", severity: .warning)
  public static let invalidVoice = DiagnosticID("abc.voice.invalid", code: "ABC031", severity: .warning)
  public static let partUndefined = DiagnosticID("abc.parts.undefined", code: "ABC032", severity: .error)
  public static let partUnused = DiagnosticID("abc.parts.unused", code: "ABC032", severity: .warning)
  public static let invalidParts = DiagnosticID("abc.parts.invalid", code: "ABC032", severity: .error)
  public static let lyricsMismatch = DiagnosticID("abc.lyrics.count-mismatch", code: "ABC033", severity: .warning)
  public static let inlineFieldSyntax = DiagnosticID("abc.inline-field.syntax", code: "ABC034", severity: .error)
  public static let invalidMacro = DiagnosticID("abc.macro.invalid", code: "ABC035", severity: .warning)
  public static let invalidUserSymbol = DiagnosticID("abc.user-symbol.invalid", code: "ABC035", severity: .warning)
  public static let pitchOutOfRange = DiagnosticID("abc.pitch.out-of-range", code: "ABC036", severity: .error)
  public static let blankLineInTune = DiagnosticID(
    "abc.structure.blank-line", code: "ABC037", severity: .warning, strictError: true)
  public static let continuationBeforeBlank = DiagnosticID(
    "abc.structure.continuation-before-blank", code: "ABC037", severity: .warning, strictError: true)
  public static let textInHeader = DiagnosticID(
    "abc.structure.text-in-header", code: "ABC037", severity: .warning, strictError: true)
  public static let tunesNotSeparated = DiagnosticID(
    "abc.structure.tunes-not-separated", code: "ABC038", severity: .warning, strictError: true)
  public static let restInChord = DiagnosticID(
    "abc.chord.rest-inside", code: "ABC039", severity: .warning, strictError: true)
  public static let multiMeasureRestWithoutMeter = DiagnosticID(
    "abc.rest.multi-measure-without-meter", code: "ABC040", severity: .warning)
  public static let legacySyntax = DiagnosticID(
    "abc.legacy.syntax", code: "ABC041", severity: .warning, strictError: true)
  public static let invalidEncoding = DiagnosticID("abc.encoding.invalid", code: "ABC042", severity: .error)
  public static let includeUnsupported = DiagnosticID("abc.include.unsupported", code: "ABC042", severity: .error)
  public static let nestedRepeat = DiagnosticID("abc.repeat.nested", code: "ABC043", severity: .warning)
  public static let meterChangeMidBar = DiagnosticID("abc.meter.mid-bar-change", code: "ABC043", severity: .warning)
  public static let noBody = DiagnosticID("abc.tune.no-body", code: "ABC044", severity: .info)
  /// A tune larger than `ParseOptions.maxTuneBytes` (1 MiB): not read, so it cannot exhaust memory.
  public static let tuneTooLarge = DiagnosticID("abc.tune.too-large", code: "ABC044", severity: .error)
  /// Extension beyond the checklist: a `%%MIDI` directive with malformed arguments.
  public static let invalidMIDIDirective = DiagnosticID("abc.midi.invalid", code: "ABC045", severity: .warning)

  /// Every id, for documentation and tests.
  public static let all: [DiagnosticID] = [
    noTune, missingReferenceNumber, badReferenceNumber, duplicateReferenceNumber, missingTitle, missingKey, invalidKey,
    keyOutOfRange,
    unknownKeyParameter, invalidMeter, invalidUnitLength, unusualUnitLength, invalidTempo, unknownField,
    misplacedField, fieldInMusic, strayCharacter, reservedCharacter, invalidLength, unusualLength, absurdLength, barOverfull,
    barUnderfull, repeatMissingStart, repeatUnclosed, repeatDuplicateStart, endingMisplaced, slurUnclosed,
    slurUnmatched, chordUnclosed, chordUnmatched, slurInChord, chordAcrossLines, chordEmpty, tupletIncomplete,
    tupletInvalid, graceUnclosed,
    graceWithoutNote, tieDifferentPitch, tieDangling, brokenRhythmMisuse, unknownDecoration, unknownChordSymbol,
    unterminatedText, voiceLengthMismatch, invalidVoice, partUndefined, partUnused, invalidParts, lyricsMismatch,
    inlineFieldSyntax, invalidMacro, invalidUserSymbol, pitchOutOfRange, blankLineInTune, continuationBeforeBlank,
    textInHeader, tunesNotSeparated, restInChord, multiMeasureRestWithoutMeter, legacySyntax, invalidEncoding,
    includeUnsupported, nestedRepeat, meterChangeMidBar, noBody, tuneTooLarge, invalidMIDIDirective,
  ]
}
