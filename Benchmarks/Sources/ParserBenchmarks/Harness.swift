import ABCParser
import Foundation
import Synchronization

/// A small `ContinuousClock` benchmark harness (package-benchmark cannot resolve offline; style.md §11).
/// CPU seconds of the last abc2midi sweep (set by `abc2midiSeconds`).
let lastABC2MIDICPU = Mutex(0.0)

struct Harness {
  struct Options {
    /// Corpora directory (default: ../shared/corpora next to the package root).
    var corpora = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../../../shared/corpora"
    )
    .standardizedFileURL.path
    var repeats = 3
    var runABC2MIDI = true
    /// Only this corpus (`irish`, `nottingham`, `pop`), or all.
    var only: String? = nil
  }

  struct Corpus {
    var name: String
    var files: [(path: String, bytes: [UInt8])]
    var bytes: Int { files.reduce(0) { $0 + $1.bytes.count } }
  }

  var options: Options

  func run() {
    let corpora = loadCorpora()
    guard !corpora.isEmpty else {
      print("no corpora found at \(options.corpora)")
      exit(2)
    }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("ParserBenchmarks: parse + validate, best of \(options.repeats) runs, \(cores) cores")
    print(
      pad("corpus", 12) + pad("files", 7) + pad("tunes", 7) + pad("MB", 7) + pad("1 core s", 10) + pad("MB/s", 8)
        + pad("tunes/s", 10) + pad("\(cores) cores s", 11) + pad("MB/s", 8) + pad("abc2midi s", 12)
        + "speed-up (1 core / all)")
    var totals = (files: 0, tunes: 0, bytes: 0, single: 0.0, multi: 0.0, abc: 0.0)
    var cpuTotals = (single: 0.0, multi: 0.0, abc: 0.0)
    for c in corpora {
      let (single, tunes, singleCPU) = best { runSingle(c) }
      let (multi, _, multiCPU) = best { runMulti(c) }
      cpuTotals.single += singleCPU
      cpuTotals.multi += multiCPU
      let abc = options.runABC2MIDI ? abc2midiSeconds(c) : nil
      if abc != nil { cpuTotals.abc += lastABC2MIDICPU.withLock { $0 } }
      let mb = Double(c.bytes) / 1e6
      print(
        pad(c.name, 12) + pad("\(c.files.count)", 7) + pad("\(tunes)", 7) + pad(f(mb, 2), 7) + pad(f(single, 3), 10)
          + pad(f(mb / single, 1), 8) + pad(f(Double(tunes) / single, 0), 10) + pad(f(multi, 3), 11)
          + pad(f(mb / multi, 1), 8) + pad(abc.map { f($0, 2) } ?? "-", 12)
          + (abc.map { "\(f($0 / single, 1))× / \(f($0 / multi, 1))×" } ?? "-"))
      totals.files += c.files.count
      totals.tunes += tunes
      totals.bytes += c.bytes
      totals.single += single
      totals.multi += multi
      totals.abc += abc ?? 0
    }
    let mb = Double(totals.bytes) / 1e6
    print(
      pad("all", 12) + pad("\(totals.files)", 7) + pad("\(totals.tunes)", 7) + pad(f(mb, 2), 7)
        + pad(f(totals.single, 3), 10)
        + pad(f(mb / totals.single, 1), 8) + pad(f(Double(totals.tunes) / totals.single, 0), 10)
        + pad(f(totals.multi, 3), 11)
        + pad(f(mb / totals.multi, 1), 8) + pad(options.runABC2MIDI ? f(totals.abc, 2) : "-", 12)
        + (options.runABC2MIDI
          ? "\(f(totals.abc / totals.single, 1))× / \(f(totals.abc / totals.multi, 1))× (target ≥ 20×)" : "-"))
    print(
      "CPU seconds: single-core runs \(f(cpuTotals.single, 3)) s (\(f(mb / cpuTotals.single, 1)) MB/s of CPU), "
        + "all-core runs \(f(cpuTotals.multi, 3)) s; wall times above include waiting for the CPU on a loaded machine")
    if options.runABC2MIDI {
      print(
        "abc2midi: \(f(totals.abc, 2)) s wall, \(f(cpuTotals.abc, 2)) s CPU (user + system of the child processes); "
          + "speed-up by CPU time \(f(cpuTotals.abc / cpuTotals.single, 1))× (single core)")
    }
  }

  func loadCorpora() -> [Corpus] {
    let root = URL(fileURLWithPath: options.corpora)
    var out: [Corpus] = []
    for (name, rel) in [("irish", "irish.abc"), ("nottingham", "nottingham"), ("pop", "pop")] {
      let files = CorpusFiles.list(root.appendingPathComponent(rel).path).compactMap { p -> (String, [UInt8])? in
        guard let d = FileManager.default.contents(atPath: p) else { return nil }
        return (p, [UInt8](d))
      }
      if !files.isEmpty, options.only == nil || options.only == name { out.append(Corpus(name: name, files: files)) }
    }
    return out
  }

  /// Best wall time of `options.repeats` runs, plus the run's tune count and the CPU seconds of that run.
  func best(_ body: () -> Int) -> (Double, Int, Double) {
    var bestTime = Double.infinity
    var count = 0
    var cpu = 0.0
    for _ in 0..<options.repeats {
      let cpu0 = processCPUSeconds()
      let start = ContinuousClock.now
      count = body()
      let t = seconds(ContinuousClock.now - start)
      if t < bestTime {
        bestTime = t
        cpu = processCPUSeconds() - cpu0
      }
    }
    return (bestTime, count, cpu)
  }

  /// CPU time (user + system) of finished child processes, in seconds.
  func childrenCPUSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6
  }

  /// CPU time of this process (all threads), in seconds.
  func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  /// Parse + validate every file on this thread.
  func runSingle(_ c: Corpus) -> Int {
    var tunes = 0
    let parser = ABCParser()
    let validator = ABCValidator()
    for (_, bytes) in c.files {
      let file = parser.parse(bytes: bytes)
      tunes += file.tunes.count
      precondition(!validator.validate(file).isEmpty || file.tunes.isEmpty || true)
    }
    return tunes
  }

  /// Parse + validate with `BatchValidator` on all cores (files in parallel; a single file's tunes in parallel).
  func runMulti(_ c: Corpus) -> Int {
    let batch = BatchValidator()
    let tunes = Mutex(0)
    let parallelTunes = c.files.count < ProcessInfo.processInfo.activeProcessorCount
    DispatchQueue.concurrentPerform(iterations: c.files.count) { k in
      let r = batch.validate(bytes: c.files[k].bytes, path: c.files[k].path, parallelTunes: parallelTunes)
      tunes.withLock { $0 += r.tunes.count }
    }
    return tunes.withLock { $0 }
  }

  /// Wall time for `abc2midi FILE` per file, run in a scratch directory (it writes one .mid per tune there).
  func abc2midiSeconds(_ c: Corpus) -> Double? {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parser-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let cpu0 = childrenCPUSeconds()
    let start = ContinuousClock.now
    defer { lastABC2MIDICPU.withLock { $0 = childrenCPUSeconds() - cpu0 } }
    for (path, _) in c.files {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/abc2midi")
      p.arguments = [path]
      p.currentDirectoryURL = dir
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      do { try p.run() } catch { return nil }
      p.waitUntilExit()
    }
    return seconds(ContinuousClock.now - start)
  }

  func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
  func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
  func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
