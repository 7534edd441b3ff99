import Foundation
import Testing

@testable import LSTM

@Suite struct InfraJSONTests {
  @Test func parsesEveryKindAndKeepsMemberOrder() throws {
    let value = try JSONValue.parse(#" {"b":[1,-2.5e3,0.0,true,false,null],"a":{"x":"y"},"b":"dup"} "#)
    guard case .object(let members) = value else {
      Issue.record("expected an object")
      return
    }
    #expect(members.map(\.key) == ["b", "a", "b"], "order and duplicates kept for the caller to judge")
    #expect(
      members[0].value == .array([.number("1"), .number("-2.5e3"), .number("0.0"), .bool(true), .bool(false), .null]))
    #expect(members[1].value == .object([("x", .string("y"))]))
  }

  @Test func stringEscapesRoundTrip() throws {
    let text = "quote\" backslash\\ slash/ \u{08}\u{0C}\n\r\t ctrl\u{01}\u{1F} del\u{7F} é 🎵"
    let serialized = JSONValue.string(text).serialized
    #expect(serialized == #""quote\" backslash\\ slash/ \b\f\n\r\t ctrl\u0001\u001f del\u007f é 🎵""#)
    #expect(try JSONValue.parse(serialized) == .string(text))
    #expect(try JSONValue.parse(#""\u00e9\ud83c\udfb5\/""#) == .string("é🎵/"))
    // Foundation agrees on what we write.
    let object = JSONValue.object([("k", .string(text))]).serialized
    let decoded = try JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: String]
    #expect(decoded?["k"] == text)
  }

  @Test func integersAndDoubles() throws {
    #expect(try JSONValue.parse("9223372036854775807").nonNegativeInt == Int.max)
    #expect(try JSONValue.parse("9223372036854775808").nonNegativeInt == nil)
    #expect(try JSONValue.parse("-1").nonNegativeInt == nil)
    #expect(try JSONValue.parse("1e2").nonNegativeInt == nil)
    #expect(try JSONValue.parse("1e2").doubleValue == 100)
    #expect(JSONValue.double(0.1).serialized == "0.1")
    #expect(JSONValue.double(3).serialized == "3")
    #expect(JSONValue.double(1e-5).serialized == "1e-05")
    #expect(JSONValue.double(1e300).serialized == "1e+300")
    #expect(JSONValue.double(.nan).serialized == "null")
    #expect(JSONValue.double(-.infinity).serialized == "null")
    for d in [0.1, 1e-5, 1e300, -2.5, 123456789.125] {
      #expect(try JSONValue.parse(JSONValue.double(d).serialized).doubleValue == d)
    }
  }

  @Test(arguments: [
    "", " ", "[", "[1,]", "{\"a\" 1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "\"abc",
    "\"\t\"", "[1] [2]", "{\"a\":1,}", "'x'", "NaN", "\"\\ud800x\"", "\"\\udc00\"",
  ])
  func rejectsMalformedText(text: String) {
    #expect(throws: JSONSyntaxError.self) { _ = try JSONValue.parse(text) }
  }

  @Test func syntaxErrorsCarryTheOffset() {
    #expect(throws: JSONSyntaxError(offset: 6, message: "expected ',' or ']' in array")) {
      _ = try JSONValue.parse("[1, 2 3]")
    }
    #expect(throws: JSONSyntaxError.self) {
      _ = try JSONValue.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
    }
    #expect((try? JSONValue.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))) != nil)
  }
}
