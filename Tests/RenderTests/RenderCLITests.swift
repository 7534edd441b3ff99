import Foundation
import MIDI
import Render
import Testing

/// `studio render` end to end: the built executable, run as a process.
@Suite(.enabled(if: StudioCLI.path != nil && TestFont.available, StudioCLI.skipReason))
struct RenderCLITests {
  /// Writes the A4 and C-major test sequences as .mid files into `directory`.
  static func writeMIDI(_ directory: TemporaryDirectory) throws {
    try MIDIFile.write(TestSequences.a4(program: 0), to: directory.file("a4.mid"))
    try MIDIFile.write(TestSequences.cMajorScale(), to: directory.file("scale.mid"))
  }

  static let twoTunes = """
    X:1
    T:First
    M:4/4
    L:1/4
    Q:1/4=120
    K:G
    GABc|d4|

    X:2
    T:Second
    M:6/8
    L:1/8
    K:D
    DFA dAF|D3 D3|
    """

  @Test func midiToWAVWritesTheFileAndSaysSo() throws {
    let directory = try TemporaryDirectory()
    try Self.writeMIDI(directory)
    let run = try StudioCLI.run(["render", directory.file("a4.mid"), "-o", directory.file("a4.wav")], in: directory)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("wrote \(directory.file("a4.wav"))"))
    let info = try AudioFile.info(at: directory.file("a4.wav"))
    #expect(info.sampleRate == 44_100 && info.channels == 2 && info.sampleFormat == .int16)
    // 0.5 s of music plus a tail of at most 3 s.
    #expect(info.frames >= 22_050 && info.frames <= 22_050 + 3 * 44_100)
    #expect(try AudioFile.read(at: directory.file("a4.wav")).peak > 0.01)
  }

  @Test func flacAndOggByExtensionWithNormalize() throws {
    let directory = try TemporaryDirectory()
    try Self.writeMIDI(directory)
    for ext in ["flac", "ogg"] {
      let output = directory.file("scale.\(ext)")
      let run = try StudioCLI.run(["render", directory.file("scale.mid"), "-o", output, "--normalize"], in: directory)
      #expect(run.status == 0, "\(run.stderr)")
      let audio = try AudioFile.read(at: output)
      #expect(try AudioFile.info(at: output).container == (ext == "flac" ? .flac : .ogg))
      #expect(audio.frames >= 4 * 44_100 / 2)  // 2 s of music
      #expect(audio.peak <= 1)
      #expect(audio.peak > 0.8)  // −1 dBFS target (0.891), lossy Ogg within a little
    }
  }

  @Test func multiTuneABCGivesOneFilePerTune() throws {
    let directory = try TemporaryDirectory()
    try Self.twoTunes.write(toFile: directory.file("two.abc"), atomically: true, encoding: .utf8)
    let run = try StudioCLI.run(
      ["render", directory.file("two.abc"), "--out-dir", directory.file("audio")], in: directory)
    #expect(run.status == 0, "\(run.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.file("audio")).sorted()
    #expect(files == ["two-1.wav", "two-2.wav"])
    // Tune 1: six quarter-note beats at 120 BPM = 3 s; tune 2: two 6/8 bars at the default tempo.
    #expect(try AudioFile.info(at: directory.file("audio/two-1.wav")).frames >= 3 * 44_100)

    let single = try StudioCLI.run(["render", directory.file("two.abc"), "-o", directory.file("x.wav")], in: directory)
    #expect(single.status == 2)
    #expect(single.stderr.contains("holds 2 tunes"))
    let picked = try StudioCLI.run(
      ["render", directory.file("two.abc"), "--tune", "2", "-o", directory.file("x.wav")], in: directory)
    #expect(picked.status == 0, "\(picked.stderr)")
  }

  @Test func directoryOfMIDIFilesRendersEachOnce() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory.file("in"), withIntermediateDirectories: true)
    try MIDIFile.write(TestSequences.a4(program: 0), to: directory.file("in/one.mid"))
    try MIDIFile.write(TestSequences.cMajorScale(), to: directory.file("in/two.mid"))
    let run = try StudioCLI.run(
      ["render", directory.file("in"), "--out-dir", directory.file("out"), "--format", "flac"], in: directory)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.file("out")).sorted() == ["one.flac", "two.flac"])
    #expect(run.stdout.contains("rendered 2 file(s)"))
  }

  @Test func corruptSoundFontFailsWithStatus2AndNoFile() throws {
    let directory = try TemporaryDirectory()
    try Self.writeMIDI(directory)
    try Data("RIFF\u{0}\u{0}\u{0}\u{8}sfbkjunk".utf8).write(to: URL(fileURLWithPath: directory.file("bad.sf2")))
    let run = try StudioCLI.run(
      ["render", directory.file("a4.mid"), "-o", directory.file("a4.wav"), "--soundfont", directory.file("bad.sf2")],
      in: directory, soundFont: nil)
    #expect(run.status == 2)
    #expect(run.stderr.contains("not a usable SoundFont"))
    #expect(!run.stderr.contains("CRITICAL"), "GLib noise leaked: \(run.stderr)")
    #expect(directory.contents() == ["a4.mid", "bad.sf2", "config.yaml", "scale.mid"])
  }

  @Test func missingSoundFontFailsWithStatus2() throws {
    let directory = try TemporaryDirectory()
    try Self.writeMIDI(directory)
    let run = try StudioCLI.run(
      ["render", directory.file("a4.mid"), "-o", directory.file("a4.wav")], in: directory, soundFont: nil,
      environment: ["STUDIO_SOUNDFONT": directory.file("nowhere.sf2")])
    #expect(run.status == 2)
    #expect(run.stderr.contains("$STUDIO_SOUNDFONT"))
    #expect(!FileManager.default.fileExists(atPath: directory.file("a4.wav")))
  }

  /// A damaged MIDI file is a problem found in the input: status 1, as in `info` and `import` (issue 13).
  @Test func unreadableMIDIFailsWithStatus1AndNoFile() throws {
    let directory = try TemporaryDirectory()
    try Data("MThd\u{0}\u{0}".utf8).write(to: URL(fileURLWithPath: directory.file("cut.mid")))
    let run = try StudioCLI.run(["render", directory.file("cut.mid"), "-o", directory.file("cut.wav")], in: directory)
    #expect(run.status == 1)
    #expect(run.stderr.contains("cut.mid: cannot read the MIDI file"))
    #expect(directory.contents() == ["config.yaml", "cut.mid"])
  }

  @Test func badOutputsFailWithStatus2AndLeaveNothing() throws {
    let directory = try TemporaryDirectory()
    try Self.writeMIDI(directory)
    let cases: [(output: String, message: String)] = [
      (directory.file("missing/a4.wav"), "does not exist"),
      (directory.file("a4.xyz"), "unknown extension '.xyz'"),
      (directory.file("a4.mid.d/"), "is a directory"),
    ]
    try FileManager.default.createDirectory(atPath: directory.file("a4.mid.d"), withIntermediateDirectories: true)
    for (output, message) in cases {
      let run = try StudioCLI.run(["render", directory.file("a4.mid"), "-o", output], in: directory)
      #expect(run.status == 2, "\(output)")
      #expect(run.stderr.contains(message), "\(output): \(run.stderr)")
    }
    let flac32 = try StudioCLI.run(
      ["render", directory.file("a4.mid"), "-o", directory.file("a.flac"), "--bits", "32f"], in: directory)
    #expect(flac32.status == 2)
    #expect(flac32.stderr.contains("FLAC stores 16- or 24-bit"))
    #expect(directory.contents() == ["a4.mid", "a4.mid.d", "config.yaml", "scale.mid"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("a4.mid.d")).isEmpty)
  }
}

/// Finds and runs the `studio` executable built next to the test bundle.
enum StudioCLI {
  static let path: String? = {
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for directory in [bundleDirectory, Bundle.main.bundleURL.deletingLastPathComponent()] {
      let candidate = directory.appendingPathComponent("studio").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }()

  static let skipReason: Comment =
    "needs the studio executable next to the test bundle (swift build) and a General MIDI SoundFont (timgm6mb-soundfont)"

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `studio arguments…` in `directory` with an empty config.yaml there (built-in defaults) and, unless
  /// `soundFont` is nil, `--soundfont` set to the test font.
  static func run(
    _ arguments: [String], in directory: TemporaryDirectory, soundFont: String? = TestFont.path,
    environment: [String: String] = [:]
  ) throws -> Result {
    let config = directory.file("config.yaml")
    if !FileManager.default.fileExists(atPath: config) { try Data().write(to: URL(fileURLWithPath: config)) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(path))
    process.arguments = arguments + ["--config", config] + (soundFont.map { ["--soundfont", $0] } ?? [])
    process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
    var env = ProcessInfo.processInfo.environment
    env["STUDIO_SOUNDFONT"] = nil
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }
}
