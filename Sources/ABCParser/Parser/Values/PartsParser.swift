/// Parses header `P:` expressions (ABC 2.1 §3.1.9; checklist P-01…P-04, P-08) without recursion.
enum PartsParser {
  static let maxDepth = 64

  static func parseExpression(_ s: String, state: inout ParseState, at loc: SourceLocation, length: Int) -> FieldValue {
    var stack: [[Parts.Term]] = [[]]
    let u = Array(s.utf8)
    var i = 0
    func fail(_ why: String) -> FieldValue {
      state.report(.invalidParts, at: loc, length: length, "P:\(s): \(why)", hint: "write e.g. P:AABB or P:A(BC)2")
      return .invalid
    }
    while i < u.count {
      let c = u[i]
      if c == 0x20 || c == 0x09 || c == UInt8(ascii: ".") {
        i += 1
      } else if ByteClass.isLetter(c) {
        stack[stack.count - 1].append(.part(String(Character(Unicode.Scalar(c)))))
        i += 1
      } else if ByteClass.isDigit(c) {
        let a = i
        while i < u.count, ByteClass.isDigit(u[i]) { i += 1 }
        guard i - a <= 4, let n = Int(String(decoding: u[a..<i], as: UTF8.self)) else {
          return fail("repeat count too large")
        }
        guard let last = stack[stack.count - 1].popLast() else {
          return fail("a repeat count must follow a part or a group")
        }
        stack[stack.count - 1].append(.repeated(last, n))
      } else if c == UInt8(ascii: "(") {
        guard stack.count < maxDepth else { return fail("parentheses nested too deeply") }
        stack.append([])
        i += 1
      } else if c == UInt8(ascii: ")") {
        guard stack.count > 1, let group = stack.popLast() else { return fail("unbalanced parentheses: ) without (") }
        stack[stack.count - 1].append(.group(group))
        i += 1
      } else {
        return fail("unexpected \"\(String(decoding: [c], as: UTF8.self))\"")
      }
    }
    guard stack.count == 1 else { return fail("unbalanced parentheses: ( is never closed") }
    return .parts(Parts(terms: stack[0]))
  }
}
