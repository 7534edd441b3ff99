import ABCParser
import Foundation
import Synchronization

/// `ParserBenchmarks fuzz [--iterations N] [--seed S] [--corpora DIR] [--replay I --out FILE]`: the long version of
/// the mutation test (release build, many more cases). Each case is derived from (seed, iteration), so a crash is
/// reproduced with `--replay`. Checks: no crash, no hang (a watchdog aborts when one case takes > 10 s),
/// diagnostics inside the text, and the print → parse round trip for valid UTF-8.
enum Fuzz {
  /// The case being run, for the crash handler (written by the fuzz loop only).
  nonisolated(unsafe) static var currentIteration: Int = -1
  static let lastProgress = Mutex(ContinuousClock.now)

  static func run(arguments: [String]) {
    var iterations = 200_000
    var seed: UInt64 = 1
    var corpora = Harness.Options().corpora
    var replay: Int? = nil
    var out: String? = nil
    var k = 0
    while k + 1 < arguments.count {
      switch arguments[k] {
      case "--iterations": iterations = Int(arguments[k + 1]) ?? iterations
      case "--seed": seed = UInt64(arguments[k + 1]) ?? seed
      case "--corpora": corpora = arguments[k + 1]
      case "--replay": replay = Int(arguments[k + 1])
      case "--out": out = arguments[k + 1]
      default: break
      }
      k += 2
    }
    let seeds = seedTunes(corpora)
    if let replay {
      let input = mutated(seeds, seed: seed, iteration: replay)
      let path = out ?? "fuzz-case-\(seed)-\(replay).abc"
      FileManager.default.createFile(atPath: path, contents: Data(input))
      print("wrote case \(replay) of seed \(seed) to \(path) (\(input.count) bytes)")
      return
    }
    installCrashHandler()
    startWatchdog()
    print("fuzzing \(iterations) cases, seed \(seed), \(seeds.count) seed tunes")
    var problems = 0
    let start = ContinuousClock.now
    for i in 0..<iterations {
      currentIteration = i
      lastProgress.withLock { $0 = ContinuousClock.now }
      let input = mutated(seeds, seed: seed, iteration: i)
      let file = ABCParser().parse(bytes: input)
      let lines = lineLengths(input)
      for d in ABCValidator().validate(file) where !valid(d.location, lines, input.count) {
        problems += 1
        print("case \(i): diagnostic outside the text: \(d)")
      }
      if String(validating: input, as: UTF8.self) != nil, Array(ABCPrinter.print(file).utf8) != input {
        problems += 1
        print("case \(i): print → parse round trip differs")
      }
      if i % 20_000 == 0 && i > 0 { print("  \(i) cases, \(problems) problems") }
    }
    let s = ContinuousClock.now - start
    print("done: \(iterations) cases in \(s), \(problems) problems")
    exit(problems == 0 ? 0 : 1)
  }

  static func seedTunes(_ corpora: String) -> [[UInt8]] {
    var out: [[UInt8]] = []
    for path in CorpusFiles.list(corpora) {
      guard let d = FileManager.default.contents(atPath: path) else { continue }
      let bytes = [UInt8](d)
      for t in ABCParser().parse(bytes: bytes).tunes.prefix(30) {
        out.append(Array(bytes[t.range.start.offset..<t.range.end.offset].prefix(8000)))
      }
    }
    if out.isEmpty {
      out.append(Array("X:1\nT:t\nM:6/8\nK:G\n|:GAB {c}d2e|[1 (3fed c BAG:|[2 dcB A3|]\nw:la la\n".utf8))
    }
    return out
  }

  static let junk: [[UInt8]] =
    [
      "[", "]", "{", "\"", "!", "(", "(3", "|:", ":|", "[K:", "\n\n", "X:", "%", "\\", "^^", "/0", "99999999999999",
      "&",
      "+trill", "\r", "[1,", "{/", "M:", "[V:", "P:((", "m: ~n = n", "U: T = !x!", "w:a-b_c*", "K:G# clef=",
    ].map { Array($0.utf8) } + [[0xFF, 0xFE], [0xC3], [0xE2, 0x82], [0x00]]

  static func mutated(_ seeds: [[UInt8]], seed: UInt64, iteration: Int) -> [UInt8] {
    var rng = SplitMix64(seed: seed &* 0x9E37_79B9 &+ UInt64(iteration))
    var b = seeds[Int(rng.next() % UInt64(seeds.count))]
    for _ in 0..<Int.random(in: 1...6, using: &rng) {
      guard !b.isEmpty else { return junk.randomElement(using: &rng)! }
      switch Int.random(in: 0..<6, using: &rng) {
      case 0:
        let i = Int.random(in: 0..<b.count, using: &rng)
        b[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
      case 1: b = Array(b.prefix(Int.random(in: 0...b.count, using: &rng)))
      case 2:
        let lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
        if let line = lines.randomElement(using: &rng) {
          b.insert(contentsOf: Array(line) + [0x0A], at: Int.random(in: 0...b.count, using: &rng))
        }
      case 3: b.insert(contentsOf: junk.randomElement(using: &rng)!, at: Int.random(in: 0...b.count, using: &rng))
      case 4:
        let bytes = (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        b.insert(contentsOf: bytes, at: Int.random(in: 0...b.count, using: &rng))
      default:
        let a = Int.random(in: 0..<b.count, using: &rng)
        b.removeSubrange(a..<(a + Int.random(in: 1...min(16, b.count - a), using: &rng)))
      }
    }
    return b
  }

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

  static func valid(_ l: SourceLocation, _ lines: [Int], _ count: Int) -> Bool {
    l.line >= 1 && l.line <= lines.count && l.column >= 1 && l.column <= lines[l.line - 1] + 1 && l.offset >= 0
      && l.offset <= count
  }

  /// On a crash signal, prints the case number (async-signal-safe `write`) so it can be replayed.
  static func installCrashHandler() {
    for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
      signal(sig) { s in
        var text = Array(
          "\nCRASH (signal \(s)) in fuzz case \(Fuzz.currentIteration); replay with --replay \(Fuzz.currentIteration)\n"
            .utf8)
        _ = text.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        _exit(3)
      }
    }
  }

  /// Aborts when one case runs longer than 10 seconds (a hang).
  static func startWatchdog() {
    Thread.detachNewThread {
      while true {
        sleep(2)
        let last = lastProgress.withLock { $0 }
        if ContinuousClock.now - last > .seconds(10) {
          print(
            "HANG: fuzz case \(Fuzz.currentIteration) runs longer than 10 s; replay with --replay \(Fuzz.currentIteration)"
          )
          exit(4)
        }
      }
    }
  }
}

/// SplitMix64 (seeded, reproducible).
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
