/// Mutable state while parsing one tune (or the file header): settings that change how music is read, plus the
/// diagnostics found so far. File-header settings are copied into every tune (F-04).
struct ParseState {
  var strict: Bool
  var tuneIndex: Int?
  var diagnostics: [Diagnostic] = []

  /// Shorthand decoration table: byte → decoration name (defaults + `U:`; `nil` removes a binding).
  var shorthands: [UInt8: String] = Decoration.defaultShorthands
  /// `m:` macros in force, most recent last.
  var macros: [Macro] = []
  /// First bytes of all macro targets (fast rejection).
  var macroFirstBytes: Set<UInt8> = []
  /// Meter in force in the current voice (for tuplet defaults).
  var meter: Meter?
  /// Meter per voice id.
  var voiceMeters: [String: Meter] = [:]
  var currentVoice: String = ""
  /// `I:decoration +`: `+…+` is the decoration syntax and `!` is not.
  var plusDecorations = false
  /// `I:linebreak !`: `!` is a line break.
  var bangLineBreaks = false
  /// Legacy `!` line ends were reported once for this tune.
  var reportedLegacyBang = false
  /// A tie detached from its note was reported once for this tune.
  var reportedDetachedTie = false
  /// A chord left open at the end of the previous line is closed by the first `]` of this line (hard-wrapped chord,
  /// `[C` ⏎ `E]`).
  var chordContinuesOnNextLine = false
  /// Legacy `+…+` decorations were reported once for this tune.
  var reportedLegacyPlus = false
  /// Count of diagnostics with the same id, to cap floods (e.g. 139 000 chord warnings in the pop corpus).
  var idCounts: [String: Int] = [:]

  /// At most this many diagnostics of one id per tune are kept; the last one kept says how many were dropped.
  static let perIDLimit = 50

  init(strict: Bool, tuneIndex: Int?) {
    self.strict = strict
    self.tuneIndex = tuneIndex
  }

  /// Records a diagnostic with the id's severity for the current mode.
  mutating func report(
    _ id: DiagnosticID, at location: SourceLocation, length: Int = 1, _ message: String, hint: String? = nil
  ) {
    let n = idCounts[id.rawValue, default: 0]
    idCounts[id.rawValue] = n + 1
    guard n < ParseState.perIDLimit else { return }
    diagnostics.append(
      Diagnostic(
        id: id, severity: id.severity(strict: strict), location: location, length: length, message: message,
        hint: hint, tuneIndex: tuneIndex))
  }

  /// Adds a macro definition (later definitions of the same target replace earlier ones).
  mutating func define(_ macro: Macro) {
    macros.removeAll { $0.target == macro.target }
    macros.append(macro)
    macroFirstBytes = Set(macros.compactMap { $0.target.utf8.first })
  }

  /// Applies a `U:` binding.
  mutating func bind(_ symbol: UserSymbol) {
    guard let byte = symbol.symbol.asciiValue else { return }
    shorthands[byte] = symbol.decorationName
  }

  /// Switches to voice `id` (its meter becomes current; a new voice starts with the meter in force).
  mutating func switchVoice(to id: String) {
    if let m = meter { voiceMeters[currentVoice] = m }
    currentVoice = id
    if let m = voiceMeters[id] { meter = m }
  }

  /// Sets the meter of the current voice.
  mutating func setMeter(_ m: Meter, allVoices: Bool) {
    meter = m
    if allVoices { voiceMeters.removeAll() }
    voiceMeters[currentVoice] = m
  }
}
