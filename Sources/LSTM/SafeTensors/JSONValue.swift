/// A parsed JSON value (RFC 8259), as small as the safetensors header and the metrics log need.
///
/// Objects keep their members in source order (and keep duplicates, so callers can reject them); numbers keep their
/// source spelling so 64-bit integers survive exactly.
enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// The number exactly as written (validated against the JSON grammar).
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([(key: String, value: JSONValue)])

  static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  /// The value as a non-negative integer that fits in `Int`, or `nil` (fractions, exponents, signs, overflow).
  var nonNegativeInt: Int? {
    guard case .number(let text) = self, !text.isEmpty else { return nil }
    var result = 0
    for byte in text.utf8 {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      let (m, o1) = result.multipliedReportingOverflow(by: 10)
      let (s, o2) = m.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
      if o1 || o2 { return nil }
      result = s
    }
    return result
  }

  /// The value as a `Double` (any JSON number), or `nil`.
  var doubleValue: Double? {
    guard case .number(let text) = self else { return nil }
    return Double(text)
  }

  /// A short name of the value's kind for error messages ("string", "object", ...).
  var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

/// Why JSON text could not be parsed; `offset` is the 0-based byte offset in the parsed text.
struct JSONSyntaxError: Error, Equatable, Sendable {
  var offset: Int
  var message: String
}

// MARK: - Parsing

extension JSONValue {
  /// Parses one JSON value that may be surrounded by whitespace and nothing else.
  ///
  /// Strict: no comments, no trailing commas, no control characters inside strings, no lone surrogates, nesting at
  /// most `maxDepth` deep. Never traps, whatever the input.
  /// - Throws: `JSONSyntaxError` with the byte offset of the problem.
  static func parse(_ bytes: ArraySlice<UInt8>, maxDepth: Int = 64) throws(JSONSyntaxError) -> JSONValue {
    var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
    return try parser.parseDocument()
  }

  /// Parses JSON from a string; see `parse(_:maxDepth:)`.
  static func parse(_ text: String, maxDepth: Int = 64) throws(JSONSyntaxError) -> JSONValue {
    try parse(ArraySlice(text.utf8), maxDepth: maxDepth)
  }
}

private struct JSONParser {
  let bytes: ArraySlice<UInt8>
  let maxDepth: Int
  var index: Int
  var depth = 0

  init(bytes: ArraySlice<UInt8>, maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
    self.index = bytes.startIndex
  }

  var offset: Int { index - bytes.startIndex }

  func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: offset, message: message) }

  mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    let value = try parseValue()
    skipWhitespace()
    guard index == bytes.endIndex else { throw fail("unexpected text after the JSON value") }
    return value
  }

  mutating func skipWhitespace() {
    while index < bytes.endIndex {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard index < bytes.endIndex else { throw fail("unexpected end of JSON text") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw fail("unexpected character \(describe(bytes[index]))")
    }
  }

  func describe(_ byte: UInt8) -> String {
    (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
    let start = index
    for byte in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
      guard index < bytes.endIndex, bytes[index] == byte else {
        index = start
        throw fail("invalid literal (expected \(literal))")
      }
      index += 1
    }
  }

  mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > maxDepth { throw fail("JSON nested deeper than \(maxDepth) levels") }
  }

  mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1  // {
    var members: [(key: String, value: JSONValue)] = []
    skipWhitespace()
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else {
        throw fail("expected a string key in object")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
      index += 1
      skipWhitespace()
      let value = try parseValue()
      members.append((key, value))
      skipWhitespace()
      guard index < bytes.endIndex else { throw fail("unterminated object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in object") }
      index += 1
      depth -= 1
      return .object(members)
    }
  }

  mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1  // [
    var elements: [JSONValue] = []
    skipWhitespace()
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      guard index < bytes.endIndex else { throw fail("unterminated array") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in array") }
      index += 1
      depth -= 1
      return .array(elements)
    }
  }

  mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
    let start = index
    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.endIndex, isDigit(bytes[index]) else { throw fail("invalid number") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else {
      while index < bytes.endIndex, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < bytes.endIndex, isDigit(bytes[index]) else {
        throw fail("invalid number: digit expected after '.'")
      }
      while index < bytes.endIndex, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.endIndex, isDigit(bytes[index]) else {
        throw fail("invalid number: digit expected in exponent")
      }
      while index < bytes.endIndex, isDigit(bytes[index]) { index += 1 }
    }
    return .number(String(decoding: bytes[start..<index], as: UTF8.self))
  }

  mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    guard bytes.endIndex - index >= 4 else { throw fail("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let b = bytes[index]
      let digit: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
      default: throw fail("invalid hex digit in \\u escape")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  mutating func parseString() throws(JSONSyntaxError) -> String {
    index += 1  // opening quote
    var utf8: [UInt8] = []
    while true {
      guard index < bytes.endIndex else { throw fail("unterminated string") }
      let b = bytes[index]
      switch b {
      case UInt8(ascii: "\""):
        index += 1
        // Validate UTF-8 strictly: `String(validating:)` rejects overlong forms and surrogates.
        guard let s = String(validating: utf8, as: UTF8.self) else {
          throw fail("string is not valid UTF-8")
        }
        return s
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.endIndex else { throw fail("unterminated escape") }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "\""): utf8.append(0x22)
        case UInt8(ascii: "\\"): utf8.append(0x5C)
        case UInt8(ascii: "/"): utf8.append(0x2F)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800...0xDBFF).contains(code) {
            guard bytes.endIndex - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw fail("lone high surrogate in \\u escape") }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid low surrogate in \\u escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(code) {
            throw fail("lone low surrogate in \\u escape")
          }
          guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
          utf8.append(contentsOf: String(scalar).utf8)
        default:
          index -= 1
          throw fail("invalid escape \\\(Character(Unicode.Scalar(e)))")
        }
      case 0x00..<0x20:
        throw fail("unescaped control character in string")
      default:
        utf8.append(b)
        index += 1
      }
    }
  }
}

// MARK: - Writing

extension JSONValue {
  /// Compact JSON text (no spaces), members in stored order; non-ASCII characters are written as UTF-8.
  var serialized: String {
    var out = ""
    write(to: &out)
    return out
  }

  func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let n): out += n
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .array(let a):
      out += "["
      for (i, v) in a.enumerated() {
        if i > 0 { out += "," }
        v.write(to: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (i, m) in members.enumerated() {
        if i > 0 { out += "," }
        JSONValue.writeString(m.key, to: &out)
        out += ":"
        m.value.write(to: &out)
      }
      out += "}"
    }
  }

  /// Appends `s` as a quoted JSON string, escaping quotes, backslashes and control characters.
  static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\u{00}"..."\u{1F}", "\u{7F}":
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }

  /// A JSON number for a finite `Double` (shortest round-trip spelling), or `null` for NaN and infinities,
  /// which JSON cannot represent.
  static func double(_ value: Double) -> JSONValue {
    guard value.isFinite else { return .null }
    if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
    return .number("\(value)")
  }

  /// A JSON number for an integer.
  static func integer(_ value: Int) -> JSONValue { .number(String(value)) }
}
