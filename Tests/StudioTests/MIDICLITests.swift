import Foundation
import Testing

/// `studio info`, `studio ports` and `studio play` run as a user runs them: the built binary in a subprocess.
@Suite struct MIDICLITests {
  /// The `studio` executable next to the test bundle, or in `.build/debug` of the package; `nil` when not built.
  static let studio: URL? = {
    var candidates: [URL] = []
    if let argument0 = CommandLine.arguments.first {
      candidates.append(URL(fileURLWithPath: argument0).deletingLastPathComponent().appendingPathComponent("studio"))
    }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("studio"))
    candidates.append(Bundle.main.bundleURL.appendingPathComponent("studio"))
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/studio"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()

  static let built = studio != nil
  /// This build machine has no `/dev/snd/seq`; where one exists the no-sequencer tests do not apply.
  static let noSequencer = !FileManager.default.fileExists(atPath: "/dev/snd/seq")

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `studio arguments…`, failing the test instead of hanging when it takes longer than `timeout` seconds.
  static func run(_ arguments: [String], timeout: Double = 30) throws -> Run {
    let process = Process()
    let executable: URL = try #require(studio)
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    // Read both pipes concurrently so a full pipe cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var stdoutData = Data()  // written once by its reader before group.wait() returns
    nonisolated(unsafe) var stderrData = Data()  // same
    DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
    if done.wait(timeout: .now() + timeout) == .timedOut {
      process.terminate()
      Issue.record("studio \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
      _ = done.wait(timeout: .now() + 5)
    }
    group.wait()
    return Run(
      status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
      stderr: String(decoding: stderrData, as: UTF8.self))
  }

  /// A format 1 file at 96 PPQ: a tempo track (120 BPM, 6/8) and a fiddle track with two notes.
  static let fixture: [UInt8] = [
    0x4D, 0x54, 0x68, 0x64,  // "MThd"
    0x00, 0x00, 0x00, 0x06,  // header length 6
    0x00, 0x01,  // format 1
    0x00, 0x02,  // 2 tracks
    0x00, 0x60,  // 96 ticks per quarter
    0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
    0x00, 0x00, 0x00, 0x1C,  // 28 bytes
    0x00, 0xFF, 0x03, 0x05, 0x54, 0x65, 0x6D, 0x70, 0x6F,  // delta 0, track name "Tempo"
    0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  // delta 0, tempo 500 000 µs (120 BPM)
    0x00, 0xFF, 0x58, 0x04, 0x06, 0x03, 0x24, 0x08,  // delta 0, time signature 6/8
    0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
    0x4D, 0x54, 0x72, 0x6B,  // "MTrk"
    0x00, 0x00, 0x00, 0x21,  // 33 bytes
    0x00, 0xFF, 0x03, 0x06, 0x46, 0x69, 0x64, 0x64, 0x6C, 0x65,  // delta 0, track name "Fiddle"
    0x00, 0xC0, 0x28,  // delta 0, program change ch1 → 40 (Violin)
    0x00, 0x90, 0x3C, 0x64,  // delta 0, note on ch1 C4 velocity 100
    0x60, 0x80, 0x3C, 0x00,  // delta 96, note off ch1 C4
    0x00, 0x90, 0x3E, 0x64,  // delta 0, note on ch1 D4 velocity 100
    0x60, 0x80, 0x3E, 0x00,  // delta 96, note off ch1 D4
    0x00, 0xFF, 0x2F, 0x00,  // delta 0, end of track
  ]

  /// Writes `bytes` to a file named `name` in a new temporary directory.
  static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("midi-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  @Test(.enabled(if: built, "studio binary not found next to the tests or in .build/debug; run `swift build` first"))
  func infoDescribesAMIDIFile() throws {
    let path = try Self.file("tune.mid", Self.fixture)
    let result = try Self.run(["info", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("format:          1, 2 tracks, 96 ticks per quarter note"))
    #expect(result.stdout.contains("length:          0:01.0 (1.000 s, 192 ticks)"))
    #expect(result.stdout.contains("notes:           2"))
    #expect(result.stdout.contains("120.00 BPM at tick 0"))
    #expect(result.stdout.contains("6/8 at tick 0"))
    #expect(result.stdout.contains("Fiddle"))
    #expect(result.stdout.contains("ch1: 40 Violin"))
  }

  @Test(.enabled(if: built, "studio binary not found next to the tests or in .build/debug; run `swift build` first"))
  func infoPrintsJSON() throws {
    let path = try Self.file("tune.mid", Self.fixture)
    let result = try Self.run(["info", path, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["file"] as? String == path)
    #expect(object["format"] as? Int == 1)
    #expect(object["ppq"] as? Int == 96)
    #expect(object["noteCount"] as? Int == 2)
    #expect(object["durationSeconds"] as? Double == 1.0)
    let tracks = try #require(object["tracks"] as? [[String: Any]])
    #expect(tracks.map { $0["name"] as? String } == ["Tempo", "Fiddle"])
    #expect(tracks[1]["channels"] as? [Int] == [1])
    let tempos = try #require(object["tempos"] as? [[String: Any]])
    #expect(tempos.first?["beatsPerMinute"] as? Double == 120)
  }

  @Test(.enabled(if: built, "studio binary not found next to the tests or in .build/debug; run `swift build` first"))
  /// A missing file is an I/O error (2); a damaged or non-MIDI file is a problem found in the input (1), as in
  /// `import` (issue 13).
  func infoOnMissingOrCorruptFilesExitsWithTheReason() throws {
    let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).mid").path
    let gone = try Self.run(["info", missing])
    #expect(gone.status == 2)
    #expect(gone.stderr.contains("cannot read \(missing): No such file or directory"))

    let truncated = try Self.file("cut.mid", Array(Self.fixture.prefix(60)))
    let cut = try Self.run(["info", truncated])
    #expect(cut.status == 1)
    #expect(
      cut.stderr.contains("\(truncated): error: track 1, byte 0x32 (50): the chunk declares 33 bytes but only 2 remain")
    )
    #expect(cut.stdout.isEmpty)

    let text = try Self.file("notes.mid", Array("X:1\nK:C\nCDEF|\n".utf8))
    let notMIDI = try Self.run(["info", text])
    #expect(notMIDI.status == 1)
    #expect(notMIDI.stderr.contains("bad chunk id"))
  }

  @Test(
    .enabled(if: built, "studio binary not found next to the tests or in .build/debug; run `swift build` first"),
    .enabled(if: noSequencer, "/dev/snd/seq exists here; this test checks the machine without a sequencer"))
  func portsWithoutASequencerExitsTwoWithTheFix() throws {
    let result = try Self.run(["ports"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("ALSA sequencer not available: /dev/snd/seq is missing"))
    #expect(result.stderr.contains("sudo modprobe snd-seq"))
    #expect(result.stderr.contains("aconnect -l"))
    #expect(!result.stderr.contains("ALSA lib"))  // libasound's own chatter is silenced
  }

  @Test(
    .enabled(if: built, "studio binary not found next to the tests or in .build/debug; run `swift build` first"),
    .enabled(if: noSequencer, "/dev/snd/seq exists here; this test checks the machine without a sequencer"))
  func playWithoutASequencerExitsTwoWithTheFix() throws {
    let path = try Self.file("tune.mid", Self.fixture)
    let abc = try Self.file("tune.abc", Array("X:1\nT:Scale\nM:4/4\nL:1/8\nK:G\nGABc defg|]\n".utf8))
    for arguments in [
      ["play", path, "--port", "128:0"], ["play", path, "--virtual", "--loop", "2"], ["play", abc, "--port", "128:0"],
    ] {
      let result = try Self.run(arguments, timeout: 20)
      #expect(result.status == 2)
      #expect(result.stderr.contains("ALSA sequencer not available: /dev/snd/seq is missing"))
      #expect(result.stderr.contains("sudo modprobe snd-seq"))
      #expect(!result.stderr.contains("ALSA lib"))
    }
  }

  @Test(.enabled(if: built, "studio binary not found next to the tests or in .build/debug; run `swift build` first"))
  func playRejectsBadInputBeforeTouchingALSA() throws {
    let path = try Self.file("tune.mid", Self.fixture)
    let cases: [([String], String)] = [
      (["play", path], "missing --port"),
      (["play", path, "--port", "128:0", "--virtual"], "not both"),
      (["play", path, "--port", "128:0", "--tempo-scale", "0"], "tempo scale 0.0 is out of range"),
      (["play", path, "--port", "128:0", "--loop", "0"], "loop count 0 is out of range"),
      (["play", path, "--port", "128:0", "--program", "128"], "--program 128 is outside 0…127"),
      (["play", path + ".missing.mid", "--port", "128:0"], "cannot read"),
      (["play", path + ".missing.abc", "--port", "128:0"], "cannot read"),
      (["play", try Self.file("x.abc", Array("X:1\nT:t\nK:C\nCDE|\n".utf8)), "--port", "1:0", "--tune", "two"], "expected an X: number"),
    ]
    for (arguments, message) in cases {
      let result = try Self.run(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }
}
