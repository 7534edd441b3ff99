import Testing

@testable import ABCParser

/// Issue 13: validation streams tune by tune, and a tune over the size limit is not read.
@Suite struct StreamingParseTests {
  static let text = (1...50).map { "X:\($0)\nT:T\($0)\nM:4/4\nL:1/8\nK:G\nGABc d2B2|c2A2 B2G2|\n" }.joined(separator: "\n")

  @Test func eachTuneIsHandedOverAndNotKept() {
    var seen: [Int] = []
    var bytes = Array(Self.text.utf8)
    let file = bytes.withUnsafeMutableBufferPointer { buffer in
      ABCParser().parse(utf8: UnsafeBufferPointer(buffer)) { seen.append($0.index) }
    }
    #expect(seen == Array(0..<50))
    #expect(file.tunes.isEmpty)
  }

  @Test func streamingValidationReportsWhatWholeFileValidationDoes() {
    let text = Self.text + "\nX:3\nT:Again\nM:4/4\nL:1/8\nK:G\nGABc d2B2|c2A2 B2G2 z|\n"
    let report = BatchValidator().validate(bytes: Array(text.utf8), path: "t.abc", parallelTunes: true)
    let whole = ABCValidator().validate(ABCParser().parse(text))
    #expect(report.diagnostics.map(\.id) == whole.map(\.id))
    #expect(report.diagnostics.map(\.location) == whole.map(\.location))
    #expect(report.tunes.count == 51)
    #expect(report.tunes.filter(\.hasErrors).count == whole.filter { $0.severity == .error }.count)
  }

  @Test func aTuneOverTheLimitIsNotRead() {
    let big = "X:7\nT:Big\nK:C\n" + String(repeating: "ABcd|", count: 300) + "\n\nX:8\nT:Small\nK:C\nABcd|\n"
    let file = ABCParser(options: ParseOptions(maxTuneBytes: 1000)).parse(big)
    #expect(file.tunes.count == 2)
    #expect(file.tunes[0].referenceNumber == 7 && file.tunes[0].body.isEmpty)
    #expect(file.tunes[0].diagnostics.map(\.id) == [.tuneTooLarge])
    #expect(file.tunes[0].diagnostics.first?.location.line == 1)
    #expect(!file.tunes[1].body.isEmpty)
    #expect(ABCParser().parse(big).tunes[0].diagnostics.isEmpty)
  }
}
