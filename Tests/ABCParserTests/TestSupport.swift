import Foundation
import Testing

@testable import ABCParser

extension Tag {
  /// Full-corpus sweeps over ../shared/corpora (skipped with a printed reason when the corpora are absent).
  @Tag static var corpus: Self
}

/// Helpers shared by the ABCParser tests.
/// Disambiguates from `Testing.SourceLocation`.
typealias SourceLocation = ABCSourceLocation

enum TestSupport {
  /// The package root, found from this file's path (`Tests/ABCParserTests/TestSupport.swift`).
  static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// `../shared/corpora` relative to the package root, or `nil` (with the reason printed) when absent.
  static func corporaDirectory() -> URL? {
    let url = packageRoot.appendingPathComponent("../shared/corpora").standardizedFileURL
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue { return url }
    print("skipping corpus test: \(url.path) does not exist (the corpora live in ../shared/corpora)")
    return nil
  }

  /// Every `.abc` file of the three corpora, sorted, relative paths and bytes.
  static func corpusFiles(_ root: URL) -> [(path: String, bytes: [UInt8])] {
    var out: [(String, [UInt8])] = []
    var rel = ["irish.abc"]
    for dir in ["nottingham", "pop"] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(dir).path)) ?? []
      rel += names.filter { $0.hasSuffix(".abc") }.sorted().map { "\(dir)/\($0)" }
    }
    for r in rel {
      if let d = FileManager.default.contents(atPath: root.appendingPathComponent(r).path) {
        out.append((r, [UInt8](d)))
      }
    }
    return out
  }

  /// The marker that stands for an expected diagnostic position in test sources.
  static let marker: Character = "⚑"

  /// Removes every `⚑` from `source` and returns the clean text plus the location of each marker (1-based line,
  /// UTF-8 column, offset) in the clean text.
  static func extractMarkers(_ source: String) -> (text: String, locations: [SourceLocation]) {
    var text = ""
    var locations: [SourceLocation] = []
    var line = 1
    var column = 1
    var offset = 0
    for ch in source {
      if ch == marker {
        locations.append(SourceLocation(line: line, column: column, offset: offset))
        continue
      }
      text.append(ch)
      let n = String(ch).utf8.count
      offset += n
      if ch == "\n" || ch == "\r\n" {
        line += 1
        column = 1
      } else {
        column += n
      }
    }
    return (text, locations)
  }

  /// Parses `body` as the music of a minimal tune (`X:1`, `T:t`, `M:`, `L:`, `K:`), returns the body elements
  /// without trivia.
  static func body(_ body: String, meter: String = "4/4", unit: String = "1/8", key: String = "C") -> [BodyElement] {
    let tune = ABCParser().parse("X:1\nT:t\nM:\(meter)\nL:\(unit)\nK:\(key)\n\(body)\n").tunes.first
    return (tune?.body ?? []).filter { e in
      switch e {
      case .space, .lineBreak: return false
      default: return true
      }
    }
  }

  /// The first element of `body` matching `extract`.
  static func first<T>(_ source: String, _ extract: (BodyElement) -> T?) -> T? {
    body(source).lazy.compactMap(extract).first
  }

  /// Validates a whole text (markers removed) and returns the diagnostics with the marker locations.
  static func validate(_ source: String, strict: Bool = false) -> (diagnostics: [Diagnostic], markers: [SourceLocation])
  {
    let (text, markers) = extractMarkers(source)
    let file = ABCParser(options: ParseOptions(strict: strict)).parse(text)
    return (ABCValidator(options: .init(strict: strict)).validate(file), markers)
  }
}

/// A small seeded generator for reproducible random tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
