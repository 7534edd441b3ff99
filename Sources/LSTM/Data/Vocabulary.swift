/// The symbols a character-level model reads and writes: one Unicode scalar each, token id = index in `symbols`.
///
/// Built from text, the symbols are the distinct scalars sorted by code point, the same as Python's
/// `sorted(set(text))` in the PyTorch baseline (83 symbols for `irish.abc`), so token ids agree with checkpoints it
/// writes. Scalars, not `Character`s: "\r\n" or "e" + U+0301 are two symbols, and code-point order never depends on
/// Unicode normalisation.
///
/// Codable as a plain JSON array of one-scalar strings (the form the baseline stores in its checkpoints' `vocab`
/// metadata); decoding rejects entries that are not exactly one scalar and duplicates.
public struct Vocabulary: Sendable, Equatable, Codable {
  /// One-scalar strings; `symbols[id]` is the symbol for token `id`.
  public let symbols: [String]
  /// `scalars[id]`, or `nil` when `symbols[id]` is not a single scalar (only possible via `init(symbols:)`).
  private let scalars: [Unicode.Scalar?]
  /// Token id per ASCII code (−1 when absent); the fast path of `encode`.
  private let asciiIDs: [Int32]
  /// Token id per non-ASCII scalar value.
  private let otherIDs: [UInt32: Int32]

  /// The vocabulary of `text`: its distinct Unicode scalars in code-point order.
  public init(text: String) {
    self.init(texts: CollectionOfOne(text))
  }

  /// The vocabulary of a set of texts: the distinct scalars of all of them, in code-point order.
  public init<Texts: Sequence>(texts: Texts) where Texts.Element == String {
    var ascii = [Bool](repeating: false, count: 128)
    var others = Set<UInt32>()
    for text in texts {
      for scalar in text.unicodeScalars {
        if scalar.value < 128 { ascii[Int(scalar.value)] = true } else { others.insert(scalar.value) }
      }
    }
    var values = (0..<128).filter { ascii[$0] }.map { UInt32($0) }
    values += others.sorted()
    self.init(validScalars: values.compactMap(Unicode.Scalar.init))
  }

  /// The vocabulary of a corpus: the scalars of `tunes.joined(separator: "\n\n")`, always including "\n" (the tune
  /// separator in a `TrainingStream`), as the PyTorch baseline computes it.
  public init(tunes: [String]) {
    self.init(texts: tunes + ["\n"])
  }

  /// A vocabulary with exactly these symbols in this order (ids are positions), e.g. from checkpoint metadata.
  ///
  /// Never fails: a symbol that is not exactly one Unicode scalar is kept (so ids stay aligned) but never matched by
  /// `encode`, and for duplicate symbols the first id wins. Use `Vocabulary(validating:)` or `Codable` decoding to
  /// reject such lists instead.
  public init(symbols: [String]) {
    let scalars: [Unicode.Scalar?] = symbols.map { s in
      var iterator = s.unicodeScalars.makeIterator()
      guard let first = iterator.next(), iterator.next() == nil else { return nil }
      return first
    }
    self.init(symbols: symbols, scalars: scalars)
  }

  /// A vocabulary with exactly these symbols in this order.
  /// - Throws: `VocabularyError.invalidSymbol` when a symbol is not exactly one scalar, `.duplicateSymbol` when
  ///   one repeats.
  public init(validating symbols: [String]) throws(VocabularyError) {
    var seen = Set<UInt32>()
    for (id, symbol) in symbols.enumerated() {
      let scalars = Array(symbol.unicodeScalars)
      guard scalars.count == 1 else { throw .invalidSymbol(symbol, id: id) }
      guard seen.insert(scalars[0].value).inserted else { throw .duplicateSymbol(symbol, id: id) }
    }
    self.init(symbols: symbols)
  }

  private init(validScalars: [Unicode.Scalar]) {
    self.init(symbols: validScalars.map { String($0) }, scalars: validScalars)
  }

  private init(symbols: [String], scalars: [Unicode.Scalar?]) {
    self.symbols = symbols
    self.scalars = scalars
    var ascii = [Int32](repeating: -1, count: 128)
    var others: [UInt32: Int32] = [:]
    for (id, scalar) in scalars.enumerated().reversed() {  // reversed: the first duplicate wins
      guard let scalar else { continue }
      if scalar.value < 128 { ascii[Int(scalar.value)] = Int32(id) } else { others[scalar.value] = Int32(id) }
    }
    self.asciiIDs = ascii
    self.otherIDs = others
  }

  /// The number of symbols (`V`, the model's input and output size).
  public var count: Int { symbols.count }

  /// The token id of `scalar`, or `nil` when it is not in the vocabulary.
  public func id(of scalar: Unicode.Scalar) -> Int32? {
    if scalar.value < 128 {
      let id = asciiIDs[Int(scalar.value)]
      return id >= 0 ? id : nil
    }
    return otherIDs[scalar.value]
  }

  /// Whether every scalar of `text` has a token id.
  public func canEncode(_ text: String) -> Bool { text.unicodeScalars.allSatisfy { id(of: $0) != nil } }

  /// The scalar for token `id`, or `nil` when `id` is out of range.
  public func scalar(for id: Int32) -> Unicode.Scalar? {
    guard id >= 0, Int(id) < scalars.count else { return nil }
    return scalars[Int(id)]
  }

  /// Token ids for every Unicode scalar of `text`.
  /// - Throws: `VocabularyError.unknownSymbol` for the first scalar that has no id, with its 1-based line and
  ///   column (columns count scalars).
  public func encode(_ text: String) throws(VocabularyError) -> [Int32] {
    var ids: [Int32] = []
    ids.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      guard let id = id(of: scalar) else { throw unknown(scalar, in: text) }
      ids.append(id)
    }
    return ids
  }

  /// Appends the token ids of `text` to `ids`; on error `ids` may hold a partial encoding.
  /// - Throws: `VocabularyError.unknownSymbol`, as `encode(_:)`.
  public func encode(_ text: String, appendingTo ids: inout [Int32]) throws(VocabularyError) {
    for scalar in text.unicodeScalars {
      guard let id = id(of: scalar) else { throw unknown(scalar, in: text) }
      ids.append(id)
    }
  }

  private func unknown(_ scalar: Unicode.Scalar, in text: String) -> VocabularyError {
    var line = 1
    var column = 1
    for s in text.unicodeScalars {
      if s == scalar { break }
      if s == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return .unknownSymbol(scalar, line: line, column: column, vocabularySize: count)
  }

  /// The text for `ids`; an id out of range (or a symbol that is not one scalar) becomes U+FFFD.
  public func decode<IDs: Sequence>(_ ids: IDs) -> String where IDs.Element == Int32 {
    var text = String.UnicodeScalarView()
    for id in ids { text.append(scalar(for: id) ?? "\u{FFFD}") }
    return String(text)
  }

  public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool {
    // Compare scalar by scalar: `String ==` would equate canonically equivalent symbols (U+212B and U+00C5).
    lhs.symbols.count == rhs.symbols.count
      && zip(lhs.symbols, rhs.symbols).allSatisfy { $0.unicodeScalars.elementsEqual($1.unicodeScalars) }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let symbols = try container.decode([String].self)
    do {
      try self.init(validating: symbols)
    } catch {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(symbols)
  }
}

extension Vocabulary {
  /// The symbols as a compact JSON array (`["\n"," ","!",...]`), the checkpoint-metadata form the PyTorch baseline
  /// also writes under `vocab`.
  public var jsonArray: String { JSONValue.array(symbols.map { .string($0) }).serialized }

  /// Parses the JSON-array form (as written by `jsonArray` or by Python's `json.dumps(vocab)`).
  /// - Throws: `VocabularyError.invalidJSON`, `.invalidSymbol` or `.duplicateSymbol`.
  public init(jsonArray text: String) throws(VocabularyError) {
    let value: JSONValue
    do {
      value = try JSONValue.parse(text)
    } catch {
      throw .invalidJSON(reason: "byte \(error.offset): \(error.message)")
    }
    guard case .array(let elements) = value else {
      throw .invalidJSON(reason: "expected an array, found \(value.kindName)")
    }
    var symbols: [String] = []
    for (index, element) in elements.enumerated() {
      guard case .string(let s) = element else {
        throw .invalidJSON(reason: "element \(index) must be a string, found \(element.kindName)")
      }
      symbols.append(s)
    }
    try self.init(validating: symbols)
  }
}
