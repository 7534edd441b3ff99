import Foundation
import Testing

@testable import ABCParser

/// Full-corpus sweeps over ../shared/corpora (irish.abc, nottingham/, pop/); skipped with a printed reason when the
/// corpora are absent.
@Suite(.tags(.corpus)) struct CorpusTests {
  @Test func everyTuneParsesAndPrintsBackByteForByte() throws {
    guard let root = TestSupport.corporaDirectory() else { return }
    let files = TestSupport.corpusFiles(root)
    #expect(files.count == 1002)
    var tunes = 0
    var mismatches: [String] = []
    for (path, bytes) in files {
      let file = ABCParser().parse(bytes: bytes)
      tunes += file.tunes.count
      let printed = Array(ABCPrinter.print(file).utf8)
      if printed != bytes { mismatches.append(path) }
      // Tune by tune: printing one tune gives exactly its source range.
      for t in file.tunes {
        let slice = Array(bytes[t.range.start.offset..<t.range.end.offset])
        if Array(ABCPrinter.print(t).utf8) != slice { mismatches.append("\(path) tune \(t.index + 1)") }
      }
    }
    #expect(tunes == 2819, "804 + 1034 + 981 tunes per the corpora README")
    #expect(mismatches.isEmpty, "round trip differs: \(mismatches.prefix(10))")
  }

  /// Tunes abc2midi converts without any warning (Fixtures/abc2midi-clean.tsv, made by
  /// scripts/abc2midi-clean-list.sh) must not get an error from the validator. The comparison reads files the way
  /// abc2midi does (an empty line after the header ends the tune).
  ///
  /// Exceptions (tune ids with the reason) — none so far; add them here with the reason when abc2midi's silence
  /// is wrong.
  static let exceptions: [String: String] = [:]

  @Test func noErrorsOnTunesAbc2midiConvertsCleanly() throws {
    guard let root = TestSupport.corporaDirectory() else { return }
    guard
      let listURL = Bundle.module.url(forResource: "abc2midi-clean", withExtension: "tsv", subdirectory: "Fixtures"),
      let list = try? String(contentsOf: listURL, encoding: .utf8)
    else {
      Issue.record("Fixtures/abc2midi-clean.tsv is missing; run scripts/abc2midi-clean-list.sh")
      return
    }
    var wanted: [String: Set<Int>] = [:]
    for line in list.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: "\t")
      if parts.count == 2, let n = Int(parts[1]) { wanted[String(parts[0]), default: []].insert(n) }
    }
    #expect(wanted.values.map(\.count).reduce(0, +) > 500)
    let parser = ABCParser(options: ParseOptions(blankLinesAfterHeader: .endTune))
    var offenders: [String] = []
    for (path, ordinals) in wanted.sorted(by: { $0.key < $1.key }) {
      guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
        offenders.append("\(path): missing")
        continue
      }
      let file = parser.parse(bytes: [UInt8](data))
      let validator = ABCValidator()
      for tune in file.tunes where ordinals.contains(tune.index + 1) {
        let id = "\(path)#\(tune.index + 1)"
        guard CorpusTests.exceptions[id] == nil else { continue }
        let errors = validator.validate(tune).filter { $0.severity == .error }
        if let e = errors.first { offenders.append("\(id) \(e.location): [\(e.id.rawValue)] \(e.message)") }
      }
    }
    #expect(
      offenders.isEmpty, "\(offenders.count) clean tunes got errors: \(offenders.prefix(20).joined(separator: "\n"))")
  }

  @Test func diagnosticsOnTheCorporaHaveValidPositions() throws {
    guard let root = TestSupport.corporaDirectory() else { return }
    for (path, bytes) in TestSupport.corpusFiles(root) where path.hasPrefix("nottingham") || path == "irish.abc" {
      let file = ABCParser().parse(bytes: bytes)
      let lines = MutationTests.lineLengths(bytes)
      for d in ABCValidator().validate(file) {
        #expect(MutationTests.isValid(d.location, lines: lines, byteCount: bytes.count), "\(path) \(d)")
      }
    }
  }
}
