import XCTest

@testable import studio

final class BarRepetitionTests: XCTestCase {
  /// The classes as one letter per character: h header, n new bar, r repeated bar, . other.
  private func picture(_ tune: String) -> String {
    String(BarRepetition.classes(of: tune).map { c -> Character in
      switch c {
      case .header: "h"
      case .newBar: "n"
      case .repeatedBar: "r"
      case .other: "."
      }
    })
  }

  func testSecondIdenticalBarRepeatsAndChordSymbolsAndSpacesAreIgnored() {
    let tune = "X:1\nK:G\n|:\"G\"GA Bc|\"D\"GABc|d2 d2:|\n"
    // Header: 8 characters through the K: line's newline.
    XCTAssertEqual(picture(tune), "hhhhhhhh" + ".." + "..." + "nn.nn" + "." + "..." + "rrrr" + "." + "nn.nn" + "...")
  }

  func testTupletsDecorationsAndGraceNotes() {
    // `(3` is part of the notes; `~`, `!trill!` and `{g}` are not, so bar 2 repeats bar 1 and bar 3 is new.
    let tune = "X:1\nK:D\n(3ABc d2|~(3ABc !trill!{g}d2|(3ABd c2|]\n"
    XCTAssertEqual(
      picture(tune),
      "hhhhhhhh" + "nnnnn.nn" + "." + "." + "rrrrr" + "." + "......." + "..." + "rr" + "." + "nnnnn.nn" + "...")
  }

  func testFieldLinesAndCommentsInTheBodyAreOther() {
    // The last bar repeats the first; the comment and the P: line are other.
    let tune = "X:1\nM:2/4\nK:C\nCD|EF|\n% comment CD\nP:B\nCD|\n"
    XCTAssertEqual(
      picture(tune), String(repeating: "h", count: 14) + "nn.nn.." + String(repeating: ".", count: 13) + "...." + "rr..")
  }

  func testNoKeyLineMeansNoBody() {
    XCTAssertEqual(Set(BarRepetition.classes(of: "X:1\nT:t\nCDEF|")), [.header])
  }
}
