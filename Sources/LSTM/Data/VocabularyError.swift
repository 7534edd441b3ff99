/// Why text could not be encoded with a `Vocabulary`, or a symbol list is not a valid vocabulary.
public enum VocabularyError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `scalar` at 1-based `line`/`column` (columns count Unicode scalars) has no token id.
  case unknownSymbol(Unicode.Scalar, line: Int, column: Int, vocabularySize: Int)
  /// Symbol `id` is not exactly one Unicode scalar.
  case invalidSymbol(String, id: Int)
  /// Symbol `id` repeats an earlier symbol.
  case duplicateSymbol(String, id: Int)
  /// A vocabulary in JSON form is not an array of strings.
  case invalidJSON(reason: String)

  public var description: String {
    switch self {
    case .unknownSymbol(let scalar, let line, let column, let size):
      return "\(line):\(column): error: character \(VocabularyError.spell(scalar)) is not in the model's vocabulary "
        + "(\(size) symbols); remove it or train on a corpus that contains it"
    case .invalidSymbol(let symbol, let id):
      let scalars = symbol.unicodeScalars.map { VocabularyError.codePoint($0) }.joined(separator: " ")
      return "error: vocabulary symbol \(id) must be exactly one Unicode scalar, found "
        + "\(symbol.unicodeScalars.count) (\(scalars.isEmpty ? "empty" : scalars))"
    case .duplicateSymbol(let symbol, let id):
      return "error: vocabulary symbol \(id) \(symbol.unicodeScalars.first.map(VocabularyError.spell) ?? "''") "
        + "appears twice"
    case .invalidJSON(let reason):
      return "error: vocabulary JSON: \(reason)"
    }
  }

  /// `'a' (U+0061)`, with invisible characters spelled by code point only.
  static func spell(_ scalar: Unicode.Scalar) -> String {
    let visible = scalar.properties.isGraphemeBase && !scalar.properties.isWhitespace
    return visible ? "'\(scalar)' (\(codePoint(scalar)))" : codePoint(scalar)
  }

  static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
