import ABCParser
import Foundation
import MIDI
import Testing

/// `studio import` end to end: the built `studio` executable on MIDI files written to a temporary directory.
///
/// The executable sits next to the test bundle in the build directory (`swift test` builds every product); the
/// tests skip, saying so, when it is not there.
@Suite struct ImportCLITests {
  typealias F = ImportFixtures

  /// `studio` in the directory of the running test bundle, or `nil`.
  static var studio: URL? { StudioBinary.url }

  static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, out: String, err: String)? {
    try StudioBinary.run(arguments, in: directory)
  }

  /// A two-bar G major tune with a pickup-free 4/4 time signature.
  static var song: MIDISequence {
    F.sequence(F.run([67, 71, 74, 72, 71, 69, 67, 66, 67, 74, 71, 67], ticks: 480), trackName: "Melody")
  }

  @Test func importsOneFileAndTheOutputValidates() throws {
    let dir = try TestPaths.temporaryDirectory("import-cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    try MIDIFile.write(Self.song, to: dir.appendingPathComponent("My Song.mid").path)
    guard let result = try Self.run(["import", "My Song.mid", "-o", "song.abc"], in: dir) else { return }
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.hasPrefix("wrote song.abc: track 1 \"Melody\" ch1, 12 of 12 notes; M:4/4"))
    let text = try String(contentsOf: dir.appendingPathComponent("song.abc"), encoding: .utf8)
    #expect(text.hasPrefix("X:1\nT:My Song\nM:4/4\nL:1/8\nQ:1/4=120\nK:G\n"))
    #expect(text.hasSuffix("|]\n"))
    guard let validation = try Self.run(["validate", "song.abc"], in: dir) else { return }
    #expect(validation.status == 0, "\(validation.out)\(validation.err)")
    // Without -o the tune goes to standard output and the summary to standard error.
    guard let piped = try Self.run(["import", "My Song.mid", "--key", "D", "--meter", "2/4"], in: dir) else { return }
    #expect(piped.status == 0)
    #expect(piped.out.contains("M:2/4\nL:1/8\nQ:1/4=120\nK:D\n"))
    #expect(piped.err.contains("M:2/4 (given), K:D (given)"))
  }

  @Test func importsADirectoryIntoOneFileAndListsFailures() throws {
    let dir = try TestPaths.temporaryDirectory("import-cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    let midi = dir.appendingPathComponent("midi")
    try FileManager.default.createDirectory(at: midi.appendingPathComponent("more"), withIntermediateDirectories: true)
    try MIDIFile.write(Self.song, to: midi.appendingPathComponent("a.mid").path)
    try MIDIFile.write(
      F.sequence(F.run([60, 64, 67, 72], ticks: 960)), to: midi.appendingPathComponent("more/b.MID").path)
    try Data("not a MIDI file".utf8).write(to: midi.appendingPathComponent("broken.mid"))
    let drums = MIDISequence(format: 1, ppq: 480, tracks: [F.track(F.run([36, 38], ticks: 480), channel: 9)])
    try MIDIFile.write(drums, to: midi.appendingPathComponent("drums.mid").path)
    guard let result = try Self.run(["import", "midi/", "-o", "corpus.abc"], in: dir) else { return }
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.contains("imported 2 of 4 MIDI files (50.0%) into corpus.abc; 2 failed"))
    #expect(result.out.contains("failed: midi/broken.mid: byte 0x0 (0): bad chunk id"))
    #expect(result.out.contains("failed: midi/drums.mid: the MIDI file has no notes outside the percussion channel"))
    let text = try String(contentsOf: dir.appendingPathComponent("corpus.abc"), encoding: .utf8)
    let file = ABCParser().parse(text)
    #expect(file.tunes.map(\.referenceNumber) == [1, 2])
    #expect(file.tunes.map(\.title) == ["a", "b"])
    #expect(ABCValidator().validate(file).filter { $0.severity == .error }.isEmpty)
  }

  @Test func badInputGivesAClearErrorAndExitStatus() throws {
    let dir = try TestPaths.temporaryDirectory("import-cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    try MIDIFile.write(Self.song, to: dir.appendingPathComponent("song.mid").path)
    try Data("MThd".utf8).write(to: dir.appendingPathComponent("cut.mid"))
    let cases: [([String], Int32, String)] = [
      (["import", "missing.mid", "-o", "x.abc"], 2, "missing.mid does not exist"),
      (["import", "song.mid", "--key", "H", "-o", "x.abc"], 2, "--key H is not a key"),
      (["import", "song.mid", "--grid", "1/5", "-o", "x.abc"], 2, "--grid 1/5 is not a grid"),
      (["import", "song.mid", "--track", "9", "-o", "x.abc"], 1, "track 9 does not exist: the file has 2 tracks"),
      (["import", "cut.mid", "-o", "x.abc"], 1, "cut.mid: byte 0x4 (4): the file ends inside the MThd header"),
      (["import", ".", "-o", "-"], 2, "importing a directory needs -o OUT.abc"),
    ]
    for (arguments, status, message) in cases {
      guard let result = try Self.run(arguments, in: dir) else { return }
      #expect(result.status == status, "\(arguments): \(result.err)")
      #expect(result.err.contains(message), "\(arguments): \(result.err)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.abc").path))
  }
}
