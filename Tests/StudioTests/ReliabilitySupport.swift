import Foundation
import Testing

/// Runs the built `studio` binary the way a hostile user would: in a scratch directory, with a timeout (a hang is a
/// failure, not a stuck test run), optionally under a memory limit, and with access to the process for signals.
enum ReliabilityCLI {
  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
  }

  /// A scratch directory with an empty `config.yaml` (built-in defaults, never the checkout's settings).
  final class Scratch {
    let path: String

    init(_ tag: String = #function) throws {
      let base = FileManager.default.temporaryDirectory.appendingPathComponent(
        "studio-rel-\(tag.filter { $0.isLetter || $0.isNumber })-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
      try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
      path = base.path
      try write("", to: "config.yaml")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
      try write(Array(text.utf8), to: name)
    }

    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
      let full = file(name)
      try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Data(bytes).write(to: URL(fileURLWithPath: full))
      return full
    }

    @discardableResult
    func fifo(_ name: String) throws -> String {
      let full = file(name)
      try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      guard mkfifo(full, 0o644) == 0 else { throw POSIXError(.EEXIST) }
      return full
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// Every entry below the directory, recursively, relative paths sorted.
    func listing() -> [String] {
      (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
    }

    /// Hidden temporary files left anywhere below the directory.
    func temporaryFiles() -> [String] {
      listing().filter { ($0 as NSString).lastPathComponent.hasPrefix(".") && $0.hasSuffix("tmp") }
    }
  }

  static var studio: URL? { MIDICLITests.studio }

  /// Starts `studio arguments… --config config.yaml` in `scratch` (the config flag is left out for `noConfig`).
  static func start(
    _ arguments: [String], in scratch: Scratch, config: Bool = true, memoryLimitMB: Int? = nil
  ) throws -> (process: Process, stdout: Pipe, stderr: Pipe) {
    let process = Process()
    let executable = try #require(studio).path
    var command = [executable] + arguments + (config ? ["--config", scratch.file("config.yaml")] : [])
    if let memoryLimitMB {
      // ulimit -v bounds the address space; the runtime needs a little above the heap.
      command = ["/bin/sh", "-c", "ulimit -v \(memoryLimitMB * 1024); exec \"$@\"", "sh"] + command
    }
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
    var environment = ProcessInfo.processInfo.environment
    environment["STUDIO_SOUNDFONT"] = nil
    environment["OPENBLAS_NUM_THREADS"] = "1"
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out, err)
  }

  /// Runs to the end; a run longer than `timeout` seconds is killed and recorded as a failure.
  static func run(
    _ arguments: [String], in scratch: Scratch, config: Bool = true, timeout: Double = 60,
    memoryLimitMB: Int? = nil
  ) throws -> Run {
    let (process, out, err) = try start(arguments, in: scratch, config: config, memoryLimitMB: memoryLimitMB)
    return finish(process, out, err, timeout: timeout, what: arguments.joined(separator: " "))
  }

  /// Waits for a started process (see `run`).
  static func finish(_ process: Process, _ out: Pipe, _ err: Pipe, timeout: Double, what: String) -> Run {
    let group = DispatchGroup()
    nonisolated(unsafe) var stdoutData = Data()  // written once by its reader before group.wait() returns
    nonisolated(unsafe) var stderrData = Data()  // same
    DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      Issue.record("studio \(what) did not finish within \(timeout) s")
      kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    group.wait()
    return Run(
      status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
      stderr: String(decoding: stderrData, as: UTF8.self))
  }

  /// Polls until `condition` holds (or `timeout` seconds pass); whether it held.
  static func wait(timeout: Double = 30, until condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if condition() { return true }
      usleep(5_000)
    }
    return condition()
  }

  /// A General MIDI SoundFont of the system, if one is installed.
  static let soundFont: String? = ["/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/default-GM.sf2"]
    .first { FileManager.default.fileExists(atPath: $0) }

  // MARK: - Inputs

  static let oneTune = "X:1\nT:One\nM:4/4\nL:1/8\nK:G\nGABc d2B2|c2A2 B2G2|\n"

  /// `count` small different tunes, an empty line apart (enough for the every-tenth validation split from 10).
  static func tunes(_ count: Int) -> String {
    let notes = ["GABc d2B2|c2A2 B2G2|", "DEFG A2F2|G2E2 F2D2|", "cBAG F2A2|G2B2 c4|", "EFGA B2G2|A2F2 E4|"]
    return (1...count).map { n in
      "X:\(n)\nT:Tune \(n)\nM:4/4\nL:1/8\nK:G\n\(notes[n % notes.count])\(notes[(n / 4) % notes.count])|\n"
    }.joined(separator: "\n")
  }

  /// A format 0 SMF: a tempo event (µs per quarter note) then eight notes of `noteTicks` ticks each at 480 PPQ.
  static func midi(tempo: Int = 500_000, noteTicks: Int = 480) -> [UInt8] {
    func vlq(_ value: Int) -> [UInt8] {
      var n = value
      var out = [UInt8(n & 0x7F)]
      n >>= 7
      while n > 0 {
        out.insert(UInt8(n & 0x7F) | 0x80, at: 0)
        n >>= 7
      }
      return out
    }
    var track: [UInt8] = [0, 0xFF, 0x51, 0x03, UInt8(tempo >> 16 & 0xFF), UInt8(tempo >> 8 & 0xFF), UInt8(tempo & 0xFF)]
    for pitch: UInt8 in [60, 62, 64, 65, 67, 65, 64, 62] {
      track += [0, 0x90, pitch, 100] + vlq(noteTicks) + [0x80, pitch, 0]
    }
    track += [0, 0xFF, 0x2F, 0]
    let n = track.count
    return Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0] + Array("MTrk".utf8)
      + [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + track
  }
}
