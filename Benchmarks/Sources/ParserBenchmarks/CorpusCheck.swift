import ABCParser
import Foundation

/// `ParserBenchmarks check PATH…`: parses every file, checks the print→parse round trip and prints diagnostic
/// counts per id (a development report, not a timing).
enum CorpusCheck {
  static func run(paths: [String]) {
    var files = 0
    var tunes = 0
    var roundTripFailures = 0
    var counts: [String: (Int, Diagnostic.Severity)] = [:]
    var tunesWithErrors = 0
    var examples: [String: String] = [:]
    let validator = ABCValidator()
    for path in paths {
      for file in CorpusFiles.list(path) {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        let bytes = [UInt8](data)
        let parsed = ABCParser().parse(bytes: bytes)
        files += 1
        tunes += parsed.tunes.count
        let printed = ABCPrinter.print(parsed)
        if Array(printed.utf8) != bytes, String(decoding: bytes, as: UTF8.self) != printed {
          roundTripFailures += 1
          if roundTripFailures <= 3 { print("round trip differs: \(file)") }
        }
        let diags = validator.validate(parsed)
        var errorTunes: Set<Int> = []
        for d in diags {
          counts[d.id.rawValue, default: (0, d.severity)].0 += 1
          if d.severity == .error, let t = d.tuneIndex { errorTunes.insert(t) }
          if examples[d.id.rawValue] == nil {
            examples[d.id.rawValue] = "\((file as NSString).lastPathComponent):\(d.location): \(d.message)"
          }
        }
        tunesWithErrors += errorTunes.count
      }
    }
    print(
      "files \(files), tunes \(tunes), round-trip failures \(roundTripFailures), tunes with errors \(tunesWithErrors)")
    for (id, (n, sev)) in counts.sorted(by: { $0.value.0 > $1.value.0 }) {
      print(String(format: "%7d %-8@ %@", n, sev.rawValue as NSString, id as NSString), "  e.g.", examples[id] ?? "")
    }
  }
}

/// Lists `.abc` files under a path (a file is returned as is).
enum CorpusFiles {
  static func list(_ path: String) -> [String] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [] }
    if !isDir.boolValue { return [path] }
    let e = FileManager.default.enumerator(atPath: path)
    var out: [String] = []
    while let p = e?.nextObject() as? String {
      if p.hasSuffix(".abc") { out.append((path as NSString).appendingPathComponent(p)) }
    }
    return out.sorted()
  }
}
