import Foundation
import Testing

@testable import MIDI

/// Cross-checks the SMF reader and writer against `mftext` and `abc2midi` (Debian package abcmidi), independent
/// implementations: the same bytes must list the same events.
@Suite struct SMFDifferentialTests {
  /// Runs `tool` and returns its standard output, or `nil` with the reason printed when it is not installed.
  static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> String? {
    guard let path = TestPaths.executable(tool) else {
      print("skipped: \(tool) is not installed (apt-get install abcmidi)")
      return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// The lines of `mftext` output this comparison covers: the header and the events rendered by `mftextLines`.
  static func comparableLines(_ output: String) -> [String] {
    let kinds = [
      "Note on", "Note off", "Pressure", "Parameter", "Program", "Channel pressure", "Pitchbend", "Sysex",
      "Arbitrary bytes", "Tempo", "Time signature", "Key signature", "Meta event, end of track",
    ]
    return output.split(separator: "\n").map { String($0) }.compactMap { line in
      if line.hasPrefix("Header") || line == "Track start" { return line }
      guard line.hasPrefix("Time=") else { return nil }
      let body = line.drop { $0 != " " }.drop { $0 == " " }
      return kinds.contains(where: { body.hasPrefix($0) }) ? line : nil
    }
  }

  /// Our decoding rendered the way `mftext` prints it.
  static func mftextLines(_ sequence: MIDISequence) -> [String] {
    var lines = ["Header format=\(sequence.format) ntrks=\(sequence.tracks.count) division=\(sequence.ppq)"]
    for track in sequence.tracks {
      lines.append("Track start")
      for timed in track.events {
        let text: String
        switch timed.event {
        case .noteOn(let c, let n, let v): text = "Note on, chan=\(c.userNumber) pitch=\(n) vol=\(v)"
        case .noteOff(let c, let n, let v): text = "Note off, chan=\(c.userNumber) pitch=\(n) vol=\(v)"
        case .polyPressure(let c, let n, let p): text = "Pressure, chan=\(c.userNumber) pitch=\(n) press=\(p)"
        case .controlChange(let c, let k, let v): text = "Parameter, chan=\(c.userNumber) c1=\(k) c2=\(v)"
        case .programChange(let c, let p): text = "Program, chan=\(c.userNumber) program=\(p)"
        case .channelPressure(let c, let p): text = "Channel pressure, chan=\(c.userNumber) pressure=\(p)"
        case .pitchBend(let c, let value):
          // mftext labels the two data bytes the other way round: "lsb" shows the second byte.
          text = "Pitchbend, chan=\(c.userNumber) lsb=\(value >> 7) msb=\(value & 0x7F)"
        case .sysEx(false, let bytes): text = "Sysex, leng=\(bytes.count + 1)"
        case .sysEx(true, let bytes): text = "Arbitrary bytes, leng=\(bytes.count)"
        case .meta(.tempo(let us)): text = "Tempo, microseconds-per-MIDI-quarter-note=\(us)"
        case .meta(.timeSignature(let n, let d, let c, let b)):
          text = "Time signature=\(n)/\(1 << Int(d))  MIDI-clocks/click=\(c)  32nd-notes/24-MIDI-clocks=\(b)"
        case .meta(.keySignature(let sharps, let minor)):
          text = "Key signature, sharp/flats=\(sharps)  minor=\(minor ? 1 : 0)"
        case .meta(.endOfTrack): text = "Meta event, end of track"
        default: continue
        }
        lines.append("Time=\(timed.tick)  \(text)")
      }
    }
    return lines
  }

  @Test func readerAgreesWithMftextOnAbc2midiOutput() throws {
    let directory = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let abc = directory.appendingPathComponent("tunes.abc")
    try """
    X:1
    T:Scale
    M:4/4
    L:1/4
    Q:1/4=90
    K:C
    CDEF|GABc|]

    X:2
    T:Chords and drums
    M:6/8
    L:1/8
    Q:3/8=100
    K:G
    %%MIDI program 40
    %%MIDI drum dzz 38 80
    %%MIDI drumon
    "G"GAB "D"d2e|"C"[ce]2d "G"B3|]

    """.write(to: abc, atomically: true, encoding: .utf8)
    // abc2midi writes tunesN.mid for tune X:N into the working directory.
    guard try Self.run("abc2midi", [abc.path], in: directory) != nil else { return }
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mid") }
    try #require(files.count == 2, "abc2midi wrote \(files)")
    for name in files.sorted() {
      let path = directory.appendingPathComponent(name).path
      guard let dump = try Self.run("mftext", [path]) else { return }
      let sequence = try MIDIFile.read(path: path)
      #expect(Self.mftextLines(sequence) == Self.comparableLines(dump), "\(name)")
      #expect(!sequence.notes().isEmpty)
    }
    let scale = try MIDIFile.read(path: directory.appendingPathComponent("tunes1.mid").path)
    #expect(scale.notes().map(\.pitch.int) == [60, 62, 64, 65, 67, 69, 71, 72])
    // Eight quarter notes at 90 BPM.
    let end = try #require(scale.notes().last?.endTick)
    #expect(abs(scale.tempoMap.seconds(atTick: end) - 8 * 60.0 / 90) < 0.01)
  }

  @Test func mftextReadsWhatTheWriterWrites() throws {
    var rng = SplitMix64(seed: 2024)
    let directory = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for (index, format) in [0, 1, 1].enumerated() {
      let sequence = RandomSequences.sequence(
        format: format, ppq: [96, 480, 960][index], trackCount: format == 0 ? 1 : 4, eventsPerTrack: 20...80,
        using: &rng)
      let path = directory.appendingPathComponent("w\(index).mid").path
      try MIDIFile.write(sequence, to: path)
      guard let dump = try Self.run("mftext", [path]) else { return }
      #expect(Self.mftextLines(sequence.normalized()) == Self.comparableLines(dump))
    }
  }

  @Test(.tags(.corpus)) func readerAgreesWithMftextOnPOP909() throws {
    guard let corpora = TestPaths.corpora else {
      print("skipped readerAgreesWithMftextOnPOP909: ../shared/corpora is absent")
      return
    }
    let folder = corpora.appendingPathComponent("pop-midi/POP909-melody")
    // Every 23rd file: 40 files spread over the corpus keeps this test near a second.
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mid") }
      .sorted()
    for name in names.enumerated().filter({ $0.offset % 23 == 0 }).map(\.element) {
      let path = folder.appendingPathComponent(name).path
      guard let dump = try Self.run("mftext", [path]) else { return }
      let sequence = try MIDIFile.read(path: path)
      #expect(Self.mftextLines(sequence) == Self.comparableLines(dump), "\(name)")
    }
  }
}

extension Tag {
  /// Tests that read `../shared/corpora`.
  @Tag static var corpus: Self
}
