import Foundation
import Testing

@testable import ABCParser

/// Seeded random corruptions of real tunes: the parser and validator never crash or hang, and every diagnostic
/// points inside the text. A longer run: scripts/fuzz-parser.sh.
@Suite struct MutationTests {
  /// Tunes to corrupt: a sample of the corpora when present, else built-in tunes.
  static func seedTunes() -> [[UInt8]] {
    var out: [[UInt8]] = [
      Array(
        "X:1\nT:Reel\nM:C|\nL:1/8\nK:D Major\n(3ABc|dAFA DFAd|fdcd FAdf|gfge fefd|(3efe (3dcB A2 (3ABc|!\n[1dAFA DFAd:|[2 d2 d2|]\n"
          .utf8),
      Array(
        "X:2\nT:Song\nM:3/4\nL:1/4\nQ:1/4=90\nV:1 clef=treble\nV:2 clef=bass\nK:Gm\n[V:1]\"Gm\"G2 A|{/c}B2-B|\nw:la la_ la\n[V:2]G,3|G,,3|]\n"
          .utf8),
      Array(
        "%abc-2.1\nL:1/8\nm: ~n2 = (3o/n/m/ n\n\nX:3\nT:x\nP:A(BA)2\nK:C\nP:A\n|:~c2 [CEG]>[DF] z/x/ Z2|\nP:B\n\"^rit.\"!fermata!c4 &C4:|\n"
          .utf8),
    ]
    if let root = TestSupport.corporaDirectory() {
      for (path, bytes) in TestSupport.corpusFiles(root) where path == "irish.abc" || path.hasPrefix("nottingham/jigs")
      {
        let file = ABCParser().parse(bytes: bytes)
        for t in file.tunes.prefix(40) { out.append(Array(bytes[t.range.start.offset..<t.range.end.offset])) }
      }
      if let pop = TestSupport.corpusFiles(root).first(where: { $0.path.hasPrefix("pop/") }) {
        out.append(Array(pop.bytes.prefix(6000)))
      }
    }
    return out
  }

  static let junk: [[UInt8]] = [
    Array("[".utf8), Array("]".utf8), Array("{".utf8), Array("\"".utf8), Array("!".utf8), Array("(".utf8),
    Array("(3".utf8),
    Array("|:".utf8), Array(":|".utf8), Array("[K:".utf8), Array("\n\n".utf8), Array("X:".utf8), Array("%".utf8),
    Array("\\".utf8), Array("^^".utf8), Array("/0".utf8), Array("99999999999999".utf8), Array("&".utf8),
    Array("+trill".utf8), Array("\r".utf8), [0xFF, 0xFE], [0xC3], [0xE2, 0x82], [0x00], Array("ü".utf8),
    Array("[1,".utf8), Array("{/".utf8), Array("M:".utf8), Array("[V:".utf8),
  ]

  /// One random corruption of `tune`.
  static func mutate(_ tune: [UInt8], rng: inout SplitMix64) -> [UInt8] {
    var b = tune
    let rounds = Int.random(in: 1...4, using: &rng)
    for _ in 0..<rounds {
      guard !b.isEmpty else { return junk.randomElement(using: &rng)! }
      switch Int.random(in: 0..<6, using: &rng) {
      case 0:  // byte flip
        let i = Int.random(in: 0..<b.count, using: &rng)
        b[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
      case 1:  // truncation
        b = Array(b.prefix(Int.random(in: 0...b.count, using: &rng)))
      case 2:  // duplicated line
        let lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
        if let line = lines.randomElement(using: &rng) {
          let at = Int.random(in: 0...b.count, using: &rng)
          b.insert(contentsOf: Array(line) + [0x0A], at: at)
        }
      case 3:  // inserted junk
        let at = Int.random(in: 0...b.count, using: &rng)
        b.insert(contentsOf: junk.randomElement(using: &rng)!, at: at)
      case 4:  // random bytes
        let at = Int.random(in: 0...b.count, using: &rng)
        b.insert(
          contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) },
          at: at)
      default:  // deleted range
        let a = Int.random(in: 0..<b.count, using: &rng)
        let n = Int.random(in: 1...min(16, b.count - a), using: &rng)
        b.removeSubrange(a..<(a + n))
      }
    }
    return b
  }

  /// Byte length of every line (CR, LF and CRLF end lines).
  static func lineLengths(_ b: [UInt8]) -> [Int] {
    var out: [Int] = []
    var start = 0
    var i = 0
    while i < b.count {
      if b[i] == 0x0A || b[i] == 0x0D {
        out.append(i - start)
        if b[i] == 0x0D, i + 1 < b.count, b[i + 1] == 0x0A { i += 1 }
        start = i + 1
      }
      i += 1
    }
    out.append(b.count - start)
    return out
  }

  /// `true` when the location names an existing line, a column within it (or just past its end) and an offset
  /// inside the text.
  static func isValid(_ l: SourceLocation, lines: [Int], byteCount: Int) -> Bool {
    guard l.line >= 1, l.line <= lines.count, l.column >= 1, l.column <= lines[l.line - 1] + 1 else { return false }
    return l.offset >= 0 && l.offset <= byteCount
  }

  @Test(.timeLimit(.minutes(1))) func corruptedTunesNeverCrashAndDiagnosticsPointIntoTheText() {
    let seeds = MutationTests.seedTunes()
    var rng = SplitMix64(seed: 20_240_611)
    var bad: [String] = []
    var roundTripFailures = 0
    for k in 0..<3000 {
      let source = MutationTests.mutate(seeds[k % seeds.count], rng: &rng)
      let file = ABCParser().parse(bytes: source)
      let lines = MutationTests.lineLengths(source)
      for d in ABCValidator().validate(file)
      where !MutationTests.isValid(d.location, lines: lines, byteCount: source.count) {
        bad.append("case \(k): \(d) in \(String(decoding: source, as: UTF8.self).debugDescription.prefix(200))")
      }
      // Nothing is lost, even in broken input (when it is valid UTF-8).
      if String(validating: source, as: UTF8.self) != nil,
        Array(ABCPrinter.print(file).utf8) != source
      {
        roundTripFailures += 1
      }
      _ = ABCPrinter.print(file)
      for t in file.tunes { _ = ABCValidator.acceptsGenerated(t) }
    }
    #expect(bad.isEmpty, "\(bad.prefix(5))")
    #expect(roundTripFailures == 0)
  }

  @Test(.timeLimit(.minutes(1))) func hostileShapesStayLinear() {
    let deep = String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000)
    let longLine = String(repeating: "[CEG]2 ", count: 200_000)
    let manyBrackets = String(repeating: "[[[[{{{{\"\"!!", count: 50_000)
    let parts =
      "X:1\nT:t\nP:" + String(repeating: "(", count: 10_000) + "A" + String(repeating: ")9", count: 10_000)
      + "\nK:C\nC|\n"
    // The tune size limit is off here: the shapes are parsed in full, in linear time (the 1.4 MB line is over the
    // default limit of 1 MiB, which `StreamingParseTests` covers).
    for body in [deep, longLine, manyBrackets] {
      let text = "X:1\nT:t\nK:C\n" + body + "\n"
      let file = ABCParser(options: ParseOptions(maxTuneBytes: nil)).parse(text)
      #expect(file.tunes.count == 1)
      _ = ABCValidator().validate(file)
      #expect(ABCPrinter.print(file) == text)
    }
    let p = ABCParser().parse(parts)
    #expect(p.allDiagnostics.contains { $0.id == .invalidParts })
    let binary = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
    _ = ABCValidator().validate(ABCParser().parse(bytes: binary))
  }
}
