import Foundation
import MIDI
import Testing

/// `studio convert` end to end: the built `studio` executable on ABC files in a temporary directory.
///
/// The executable sits next to the test bundle in the build directory (`swift test` builds every product); the tests
/// skip, saying so, when it is not there.
@Suite struct FromABCConvertCLITests {
  static var studio: URL? { StudioBinary.url }

  static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, out: String, err: String)? {
    try StudioBinary.run(arguments, in: directory)
  }

  static let tunes = """
    X:1
    T:First
    M:4/4
    L:1/8
    K:G
    |:GABc dedB|"D7"A2F2 D4:|

    X:2
    T:Second
    M:6/8
    L:1/8
    K:D
    A|dfa "G"gfe|d3 d2:|

    X:2
    T:Second again
    M:3/4
    L:1/4
    K:C
    C-D E|

    X:4
    T:Nothing to play
    K:C

    """

  static func fixture(_ text: String = tunes) throws -> URL {
    let dir = try TestPaths.temporaryDirectory("convert-cli")
    try text.write(to: dir.appendingPathComponent("set.abc"), atomically: true, encoding: .utf8)
    return dir
  }

  @Test func convertsOneTuneByNumberOrPosition() throws {
    let dir = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let r = try Self.run(["convert", "set.abc", "--tune", "1", "-o", "out/first.mid"], in: dir) else { return }
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("wrote out/first.mid: X:1 \"First\", format 1"))
    let first = try MIDIFile.read(path: dir.appendingPathComponent("out/first.mid").path)
    #expect(first.format == 1 && first.tracks.count == 3)
    #expect(first.notes().filter { $0.track == 1 }.count == 22)  // eight + three notes, repeated
    guard
      let r2 = try Self.run(
        [
          "convert", "set.abc", "--index", "3", "-o", "third.mid", "--format", "1", "--ppq", "96", "--transpose", "2",
          "--program", "40",
        ], in: dir)
    else { return }
    #expect(r2.status == 0, "\(r2.err)")
    #expect(r2.err.contains("set.abc:20:1: warning[performer.tie]"))
    let third = try MIDIFile.read(path: dir.appendingPathComponent("third.mid").path)
    #expect(third.ppq == 96 && third.format == 1)
    #expect(third.notes().map(\.pitch.int) == [62, 64, 66])
    #expect(third.tracks[1].events.contains { $0.event == .programChange(channel: MIDIChannel(0), program: 40) })
    // Without accompaniment the first tune is one track: format 0.
    guard
      let r3 = try Self.run(["convert", "set.abc", "--tune", "1", "-o", "plain.mid", "--no-accompaniment"], in: dir)
    else { return }
    #expect(r3.status == 0)
    #expect(try MIDIFile.read(path: dir.appendingPathComponent("plain.mid").path).format == 0)
  }

  @Test func outDirWritesOneFilePerTuneNamedByX() throws {
    let dir = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let r = try Self.run(["convert", "set.abc", "--out-dir", "midi"], in: dir) else { return }
    // The tune without music is reported and makes the exit status 1; the others are written.
    #expect(r.status == 1)
    #expect(r.out.contains("wrote 3 MIDI files to midi; 1 tune without music skipped"))
    #expect(r.err.contains("X:4 (Nothing to play) has no music"))
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("midi").path).sorted()
    #expect(files == ["set_1.mid", "set_2-2.mid", "set_2-3.mid"])
  }

  @Test func severalInputsGoToOneDirectory() throws {
    let dir = try Self.fixture("X:1\nT:A\nK:C\nCDE|\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    try "X:5\nT:B\nK:G\nGAB|\n".write(to: dir.appendingPathComponent("other.abc"), atomically: true, encoding: .utf8)
    guard let r = try Self.run(["convert", "set.abc", "other.abc", "--out-dir", "all"], in: dir) else { return }
    #expect(r.status == 0, "\(r.err)")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("all").path).sorted()
    #expect(files == ["other_5.mid", "set_1.mid"])
    guard let twice = try Self.run(["convert", "set.abc", "sub/set.abc", "--out-dir", "all"], in: dir) else { return }
    #expect(twice.status == 2)
    #expect(twice.err.contains("two inputs are named set.abc"))
    guard let two = try Self.run(["convert", "set.abc", "other.abc", "-o", "x.mid"], in: dir) else { return }
    #expect(two.status == 2)
  }

  @Test func usageAndInputErrorsAreClear() throws {
    let dir = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let many = try Self.run(["convert", "set.abc", "-o", "x.mid"], in: dir) else { return }
    #expect(many.status == 2)
    #expect(many.err.contains("set.abc holds 4 tunes; pick one with --tune X or --index N"))
    guard let missing = try Self.run(["convert", "nope.abc", "-o", "x.mid"], in: dir) else { return }
    #expect(missing.status == 2)
    #expect(missing.err.contains("nope.abc"))
    guard let unknown = try Self.run(["convert", "set.abc", "--tune", "9", "-o", "x.mid"], in: dir) else { return }
    #expect(unknown.status == 2)
    #expect(unknown.err.contains("X:9 not found"))
    guard let empty = try Self.run(["convert", "set.abc", "--tune", "4", "-o", "x.mid"], in: dir) else { return }
    #expect(empty.status == 1)
    guard let noOutput = try Self.run(["convert", "set.abc"], in: dir) else { return }
    #expect(noOutput.status == 2)
    #expect(noOutput.err.contains("-o OUT.mid"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.mid").path))
  }

  @Test func abc2midiFlagReproducesAbc2midisRepeats() throws {
    let dir = try Self.fixture("X:1\nT:Session\nM:2/4\nL:1/4\nK:C\nC D|1 E F:|2 G A|]B c:|\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let standard = try Self.run(["convert", "set.abc", "-o", "standard.mid"], in: dir),
      let compatible = try Self.run(["convert", "set.abc", "-o", "abc2midi.mid", "--abc2midi"], in: dir)
    else { return }
    #expect(standard.status == 0 && compatible.status == 0)
    #expect(try MIDIFile.read(path: dir.appendingPathComponent("standard.mid").path).notes().count == 12)
    #expect(try MIDIFile.read(path: dir.appendingPathComponent("abc2midi.mid").path).notes().count == 14)
  }

  @Test func existingFileIsReplacedWholeAndNoTemporaryFileRemains() throws {
    let dir = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("tune.mid")
    try Data("old".utf8).write(to: target)
    guard let r = try Self.run(["convert", "set.abc", "--index", "2", "-o", "tune.mid"], in: dir) else { return }
    #expect(r.status == 0)
    #expect(try MIDIFile.read(path: target.path).notes().count > 0)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty)
    // A failed conversion (unwritable destination) leaves the old file untouched.
    guard let bad = try Self.run(["convert", "set.abc", "--index", "2", "-o", "tune.mid/inside.mid"], in: dir) else {
      return
    }
    #expect(bad.status == 2)
    #expect(try MIDIFile.read(path: target.path).notes().count > 0)
  }
}
