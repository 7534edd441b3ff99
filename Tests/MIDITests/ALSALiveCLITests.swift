import ABCParser
import Foundation
import Testing

@testable import MIDI

/// `studio play` and `studio record` as a user runs them, against the real kernel sequencer (`14:0` Midi Through,
/// test clients made with `ALSAInput`/`ALSAOutput`). Run natively where `/dev/snd/seq` exists, else by
/// `scripts/test.sh` inside `../shared/tools/with-alsa-seq.sh`.
@Suite(.serialized) struct ALSALiveCLITests {
  static let hasSequencer = ALSASequencer.canOpen
  static let ready = hasSequencer && StudioBinary.url != nil
  static let why = "needs an ALSA sequencer (/dev/snd/seq; scripts/test.sh runs these in a VM) and a built studio"

  /// A `studio` process whose output goes to files, so a test can wait for a line while it runs. Spawned with
  /// `posix_spawn` and reaped with `waitpid`: no run loop involved (Foundation's `Process` could not create its
  /// wake-up socket pair inside the VM).
  final class Studio {
    let pid: pid_t
    let outPath: String
    let errPath: String

    init(_ arguments: [String], in directory: URL) throws {
      let executable = try #require(StudioBinary.url).path
      let tag = UUID().uuidString.prefix(8)
      outPath = directory.appendingPathComponent("studio-\(tag).out").path
      errPath = directory.appendingPathComponent("studio-\(tag).err").path
      var actions = posix_spawn_file_actions_t()
      posix_spawn_file_actions_init(&actions)
      defer { posix_spawn_file_actions_destroy(&actions) }
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
      defer { for pointer in argv { free(pointer) } }
      var child: pid_t = 0
      let rc = posix_spawn(&child, executable, &actions, nil, argv, environ)
      try #require(rc == 0, "posix_spawn \(executable) failed: \(rc)")
      pid = child
    }

    var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    private var status: Int32?

    /// Reaps the process if it has ended; its exit status (128 + signal when killed), or `nil` while it runs.
    func poll() -> Int32? {
      if let status { return status }
      var raw: Int32 = 0
      guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
      let signal = raw & 0x7F
      status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
      return status
    }

    /// Waits until standard error contains `text`; `false` after `timeout` seconds or when the process ended first.
    func waitForStderr(_ text: String, timeout: Double = 40) -> Bool {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        if stderr.contains(text) { return true }
        if poll() != nil { return stderr.contains(text) }
        usleep(20_000)
      }
      return false
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// The exit status, or `nil` (after killing it) when it still runs after `timeout` seconds.
    func wait(timeout: Double = 60) -> Int32? {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        if let status = poll() { return status }
        usleep(20_000)
      }
      kill(pid, SIGKILL)
      var raw: Int32 = 0
      waitpid(pid, &raw, 0)
      return nil
    }

    deinit {
      if poll() == nil {
        kill(pid, SIGKILL)
        var raw: Int32 = 0
        waitpid(pid, &raw, 0)
      }
    }
  }

  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("studio-live-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @discardableResult
  static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// A tune long enough to interrupt: melody and bass on two channels, 16 bars at 120 BPM (32 s).
  static let longTune = """
    X:1
    T:Long
    M:4/4
    L:1/8
    Q:1/4=120
    K:G
    V:1
    |:GABc dedB|dBGB AGFA|GABc dedB|cAFA G4:|
    |:GABc dedB|dBGB AGFA|GABc dedB|cAFA G4:|
    |:GABc dedB|dBGB AGFA|GABc dedB|cAFA G4:|
    |:GABc dedB|dBGB AGFA|GABc dedB|cAFA G4:|
    V:2 clef=bass
    |:G,4 D,4|G,4 D,4|G,4 C,4|D,4 G,4:|
    |:G,4 D,4|G,4 D,4|G,4 C,4|D,4 G,4:|
    |:G,4 D,4|G,4 D,4|G,4 C,4|D,4 G,4:|
    |:G,4 D,4|G,4 D,4|G,4 C,4|D,4 G,4:|

    """

  /// Four bars of a jig (3 s at Q:1/4=240): the phrase `studio record` must give back.
  static let jig = """
    X:1
    T:Jig
    M:6/8
    L:1/8
    Q:1/4=240
    K:G
    GAB d2B|c2A B2G|GAB dBd|e3 d3|]

    """

  /// Waits until `receiver` has had a note (for at most `timeout` seconds); returns what arrived.
  static func firstNotes(_ receiver: ALSAInput, timeout: Double = 40) throws -> [ALSAInput.Received] {
    let deadline = Date().addingTimeInterval(timeout)
    var received: [ALSAInput.Received] = []
    while Date() < deadline, !received.contains(where: { $0.event.isNoteStart }) {
      received += try receiver.receive(idleSeconds: 0.05)
    }
    return received
  }

  // MARK: - studio play

  @Test(.enabled(if: ready, Comment(rawValue: why)))
  func virtualPortWaitsForALateSubscriberAndNamesRealPorts() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.write(Self.jig, "jig.abc", in: dir)
    let studio = try Studio(["play", path, "--virtual"], in: dir)
    #expect(studio.waitForStderr("Ctrl-C cancels"), "\(studio.stderr)")
    // "waiting for a program to connect to ALSA port 129:0 (e.g. `aconnect 129:0 14:0` sends to …)"
    let hint = studio.stderr
    let words = hint.split(whereSeparator: { $0 == " " || $0 == "`" || $0 == "(" || $0 == ")" }).map(String.init)
    let aconnect = try #require(words.firstIndex(of: "aconnect"), "\(hint)")
    let source = words[aconnect + 1]
    let destination = words[aconnect + 2]
    #expect(hint.contains("ALSA port \(source) "), "\(hint)")
    #expect(source.split(separator: ":").first != destination.split(separator: ":").first, "\(hint)")
    #expect(try ALSASequencer.destinationPorts().contains { $0.address == destination }, "\(hint)")

    usleep(500_000)  // the subscriber comes late
    let receiver = try ALSAInput()
    try receiver.connect(from: "0:0")
    try receiver.connect(from: source)
    #expect(studio.wait() == 0, "\(studio.stderr)")
    let received = try receiver.receive(idleSeconds: 0.3)
    let expected = try ABCToMIDI.sequence(fromABCText: Self.jig).sequence
    #expect(received.filter { $0.event.isNoteStart }.count == expected.notes().count)
    #expect(LiveTiming.unfinishedNotes(received.map(\.event)).isEmpty)
    let start = try #require(receiver.queueStarts.last?.seconds)
    let first = try #require(received.first?.seconds)
    print("ALSA --virtual: first event \(String(format: "%.3f", (first - start) * 1000)) ms after the queue start")
    // Through a separate process on an emulated VM: the library tests hold the first event to `tolerance`.
    #expect(abs(first - start) <= LiveTiming.outlierBound)
  }

  @Test(.enabled(if: ready, Comment(rawValue: why)), arguments: [SIGTERM, SIGINT])
  func stopSignalSendsAllNotesOffOnEveryUsedChannel(signal: Int32) throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.write(Self.longTune, "long.abc", in: dir)
    let receiver = try ALSAInput()
    let studio = try Studio(["play", path, "--port", receiver.address], in: dir)
    var received = try Self.firstNotes(receiver)
    #expect(received.contains { $0.event.isNoteStart }, "\(studio.stderr)")
    studio.signal(signal)
    #expect(studio.wait() == 0, "\(studio.stderr)")
    #expect(studio.stderr.contains("all notes off sent"), "\(studio.stderr)")
    received += try receiver.receive(idleSeconds: 0.3)
    let events = received.map(\.event)
    let used = Set(events.compactMap { $0.isNoteStart ? $0.channel : nil })
    #expect(used.count == 2)
    let panicStart = try #require(events.firstIndex { if case .controlChange(_, 120, _) = $0 { true } else { false } })
    for channel in used {
      #expect(events[panicStart...].contains(.controlChange(channel: channel, controller: 123, value: 0)))
      #expect(events[panicStart...].contains(.controlChange(channel: channel, controller: 120, value: 0)))
    }
    #expect(!events[panicStart...].contains { $0.isNoteStart }, "no note starts after the panic")
  }

  @Test(.enabled(if: ready, Comment(rawValue: why)))
  func destinationThatDisappearsMidTuneExitsTwoWithoutHanging() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try Self.write(Self.longTune, "long.abc", in: dir)
    var receiver: ALSAInput? = try ALSAInput(clientName: "studio-vanishing")
    let studio = try Studio(["play", path, "--port", try #require(receiver?.address)], in: dir)
    #expect(try Self.firstNotes(try #require(receiver)).contains { $0.event.isNoteStart })
    receiver = nil
    let began = Date()
    #expect(studio.wait(timeout: 20) == 2, "\(studio.stderr)")
    #expect(Date().timeIntervalSince(began) < 5)
    #expect(studio.stderr.contains("disappeared while playing"), "\(studio.stderr)")
  }

  // MARK: - studio record

  /// The notes of the first tune of `abc` as (pitch, onset in eighth notes at the tune's tempo).
  static func notesInEighths(_ abc: String) throws -> [(pitch: Int, eighth: Double)] {
    let sequence = try ABCToMIDI.sequence(fromABCText: abc).sequence
    let map = sequence.tempoMap
    let eighth = 0.125  // at Q:1/4=240 and --tempo 240
    let notes = sequence.notes().sorted { $0.startTick < $1.startTick }
    let origin = map.seconds(atTick: notes.first?.startTick ?? 0)
    return notes.map { (Int($0.pitch.value), (map.seconds(atTick: $0.startTick) - origin) / eighth) }
  }

  @Test(.enabled(if: ready, Comment(rawValue: why)))
  func recordGivesBackWhatStudioPlayPlays() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let jig = try Self.write(Self.jig, "jig.abc", in: dir)
    let recorder = try Studio(
      [
        "record", "--port", "14:0", "-o", dir.appendingPathComponent("phrase.abc").path, "-o", dir.appendingPathComponent("phrase.mid").path, "--bars", "4", "--meter", "6/8", "--key",
        "G", "--tempo", "240", "--quantize", "1/8",
      ], in: dir)
    #expect(recorder.waitForStderr("recording from 14:0"), "\(recorder.stderr)")
    let player = try Studio(["play", jig, "--port", "14:0"], in: dir)
    #expect(player.wait() == 0, "\(player.stderr)")
    #expect(recorder.wait() == 0, "\(recorder.stderr)")
    let abc = try String(contentsOf: dir.appendingPathComponent("phrase.abc"), encoding: .utf8)
    print("recorded:\n\(abc)")
    #expect(abc.contains("M:6/8") && abc.contains("K:G"), "\(abc)")
    let played = try Self.notesInEighths(Self.jig)
    let recorded = try Self.notesInEighths(abc)
    #expect(recorded.map(\.pitch) == played.map(\.pitch), "\(abc)")
    #expect(recorded.map(\.eighth) == played.map(\.eighth), "\(abc)")
    let midi = try MIDIFile.read(path: dir.appendingPathComponent("phrase.mid").path)
    #expect(midi.notes().map { Int($0.pitch.value) } == played.map(\.pitch))
  }

  @Test(.enabled(if: ready, Comment(rawValue: why)))
  func interruptedRecordingWritesWhatWasPlayedAtomically() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let jig = try Self.write(Self.jig, "jig.abc", in: dir)
    let recorder = try Studio(["record", "--port", "14:0", "-o", dir.appendingPathComponent("take.abc").path, "--tempo", "240"], in: dir)
    #expect(recorder.waitForStderr("until Ctrl-C"), "\(recorder.stderr)")
    let player = try Studio(["play", jig, "--port", "14:0"], in: dir)
    #expect(player.wait() == 0, "\(player.stderr)")
    recorder.signal(SIGINT)
    #expect(recorder.wait() == 0, "\(recorder.stderr)")
    let abc = try String(contentsOf: dir.appendingPathComponent("take.abc"), encoding: .utf8)
    #expect(try Self.notesInEighths(abc).map(\.pitch) == Self.notesInEighths(Self.jig).map(\.pitch), "\(abc)")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty)
  }

  @Test(.enabled(if: ready, Comment(rawValue: why)))
  func emptyRecordingIsAClearErrorAndWritesNothing() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let recorder = try Studio(["record", "--port", "14:0", "-o", dir.appendingPathComponent("empty.abc").path], in: dir)
    #expect(recorder.waitForStderr("recording from"), "\(recorder.stderr)")
    recorder.signal(SIGTERM)
    #expect(recorder.wait() == 2, "\(recorder.stderr)")
    #expect(recorder.stderr.contains("nothing was recorded from 14:0"), "\(recorder.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("empty.abc").path))
  }

  @Test(.enabled(if: ready, Comment(rawValue: why)))
  func unknownAndUnpluggedPortsAreClearErrors() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let unknown = try Studio(["record", "--port", "250:0", "-o", dir.appendingPathComponent("x.abc").path], in: dir)
    #expect(unknown.wait() == 2)
    #expect(unknown.stderr.contains("unknown ALSA port '250:0'"), "\(unknown.stderr)")

    // A keyboard (our output port) that is unplugged after a few notes.
    var keyboard: ALSAOutput? = try ALSAOutput(clientName: "studio-test-keyboard", destination: nil)
    let recorder = try Studio(
      ["record", "--port", try #require(keyboard?.address), "-o", dir.appendingPathComponent("unplugged.abc").path], in: dir)
    #expect(recorder.waitForStderr("recording from"), "\(recorder.stderr)")
    var output = try #require(keyboard)
    let phrase = try ABCToMIDI.sequence(fromABCText: Self.jig).sequence
    #expect(try MIDIPlayer(options: PlaybackOptions(tempoScale: 4, waitForSubscriber: true)).play(phrase, to: &output) == .finished)
    keyboard = nil
    output = try ALSAOutput(clientName: "studio-test-placeholder", destination: nil)  // drops the last reference
    #expect(recorder.wait(timeout: 20) == 2, "\(recorder.stderr)")
    #expect(recorder.stderr.contains("disappeared while recording"), "\(recorder.stderr)")
    let abc = try String(contentsOf: dir.appendingPathComponent("unplugged.abc"), encoding: .utf8)
    #expect(abc.contains("K:"), "what was played before the unplugging is kept")
  }

  @Test(.enabled(if: ready, Comment(rawValue: why)))
  func metronomeCountsInAndClicksEveryBeat() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let clicks = try ALSAInput()
    let recorder = try Studio(
      ["record", "--port", "14:0", "--metronome", clicks.address, "-o", dir.appendingPathComponent("m.abc").path, "--bars", "1", "--meter", "3/4",
       "--tempo", "240"], in: dir)
    // One bar of count-in and one bar of recording at 240 BPM: six clicks 0.25 s apart, then "nothing recorded".
    #expect(recorder.wait() == 2, "\(recorder.stderr)")
    #expect(recorder.stderr.contains("nothing was recorded"), "\(recorder.stderr)")
    let onsets = try clicks.receive(idleSeconds: 0.3).filter { $0.event.isNoteStart }
    #expect(onsets.map { $0.event.note?.value } == [76, 77, 77, 76, 77, 77])
    // Scheduled on the recorder's queue; the bound allows for the emulated VM's scheduling hiccups.
    for (a, b) in zip(onsets, onsets.dropFirst()) {
      #expect(abs((b.seconds - a.seconds) - 0.25) <= LiveTiming.outlierBound / 2)
    }
  }

  @Test(.enabled(if: !hasSequencer && StudioBinary.url != nil, "a sequencer exists here (or studio is not built)"))
  func recordWithoutASequencerSaysHowToGetOne() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let studio = try Studio(["record", "--port", "14:0", "-o", dir.appendingPathComponent("x.abc").path], in: dir)
    #expect(studio.wait() == 2)
    #expect(studio.stderr.contains("ALSA sequencer not available"), "\(studio.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.abc").path))
  }
}
