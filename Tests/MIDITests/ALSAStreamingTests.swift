import Testing

@testable import MIDI

/// The real ALSA path. Tests that need a sequencer run only where `/dev/snd/seq` exists and `snd_seq_open`
/// succeeds (`sudo modprobe snd-seq`); on a machine without one, only the error message is checked.
@Suite struct ALSAStreamingTests {
  static let hasSequencer = ALSASequencer.canOpen

  /// Eight notes 0.1 s apart at 120 BPM (96 ticks), 0.05 s long, with a tempo change to 240 BPM before the fifth.
  static let melody: MIDISequence = {
    var events: [TimedMIDIEvent] = [TimedMIDIEvent(tick: 0, .programChange(channel: MIDIChannel(0), program: 73))]
    var tick = 0
    for i in 0..<8 {
      if i == 4 { events.append(TimedMIDIEvent(tick: tick, .meta(.tempo(microsecondsPerQuarter: 250_000)))) }
      events.append(TimedMIDIEvent(tick: tick, .noteOn(channel: MIDIChannel(0), note: UInt7(60 + i), velocity: 80)))
      events.append(
        TimedMIDIEvent(tick: tick + 48, .noteOff(channel: MIDIChannel(0), note: UInt7(60 + i), velocity: 0)))
      tick += i < 4 ? 96 : 192  // 0.1 s either way
    }
    return MIDISequence(format: 0, ppq: 480, tracks: [MIDITrack(events: events)])
  }()

  @Test(.enabled(if: !hasSequencer, "an ALSA sequencer is available; its absence is what this test checks"))
  func missingSequencerGivesAClearError() {
    let error = #expect(throws: ALSAError.self) { _ = try ALSAOutput(destination: "128:0") }
    #expect(error?.kind == .sequencerUnavailable)
    #expect(error?.function == "snd_seq_open")
    #expect(error?.description.contains("sudo modprobe snd-seq") == true)
    #expect(error?.description.contains("aconnect -l") == true)
    #expect(ALSASequencer.unavailableReason == error?.description)
    #expect(throws: ALSAError.self) { _ = try ALSASequencer.destinationPorts() }
    print("ALSA sequencer unavailable here, so the live tests skip: \(ALSASequencer.unavailableReason ?? "")")
  }

  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func playsEveryNoteInOrderAndOnTime() throws {
    for scale in [1.0, 2.0] {
      let receiver = try ALSAInput()
      var output = try ALSAOutput(clientName: "studio-test", destination: receiver.address)
      let options = PlaybackOptions(tempoScale: scale)
      let outcome = try MIDIPlayer(options: options).play(Self.melody, to: &output)
      #expect(outcome == .finished)
      let received = try receiver.receive(idleSeconds: 0.3)
      let plan = PlaybackScheduler(options: options).plan(for: Self.melody)
      var expected: [(event: MIDIEvent, seconds: Double)] = []
      for (command, seconds) in zip(plan.timeline, plan.timelineSeconds) {
        if case .event(_, let event) = command { expected.append((event, seconds)) }
      }
      #expect(received.map(\.event) == expected.map(\.event))
      guard let first = received.first, received.count == expected.count else { continue }
      for (got, want) in zip(received, expected) {
        // Timing tolerance: 20 ms of scheduling jitter relative to the first event.
        #expect(abs((got.seconds - first.seconds) - want.seconds) < 0.02, "\(want.event) at scale \(scale)")
      }
    }
  }

  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func unknownPortsAreClearErrors() {
    for name in ["no-such-client-studio-test", "250:0"] {
      let error = #expect(throws: ALSAError.self) { _ = try ALSAOutput(destination: name) }
      #expect(error?.kind == .unknownPort(name))
      #expect(error?.description.contains("studio ports") == true)
    }
  }

  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func receiverIsListedAsADestination() throws {
    let receiver = try ALSAInput(clientName: "studio-list-test")
    let ports = try ALSASequencer.destinationPorts()
    let listed = try #require(ports.first { $0.address == receiver.address })
    #expect(listed.clientName == "studio-list-test")
    #expect(listed.capabilities.contains("subs-write"))
    #expect(listed.types.contains("midi-generic"))
  }

  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func destinationThatDisappearsIsDetected() throws {
    var receiver: ALSAInput? = try ALSAInput()
    let output = try ALSAOutput(destination: try #require(receiver?.address))
    _ = try output.status()
    receiver = nil
    let error = #expect(throws: ALSAError.self) { _ = try output.status() }
    guard case .destinationGone = error?.kind else {
      Issue.record("expected .destinationGone, got \(String(describing: error))")
      return
    }
  }

  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func virtualPortPlaysOnceSubscribed() throws {
    var output = try ALSAOutput(clientName: "studio-virtual-test", destination: nil)
    #expect(try output.status().subscriberCount == 0)
    let receiver = try ALSAInput()
    try receiver.connect(from: output.address)
    let outcome = try MIDIPlayer(options: PlaybackOptions(waitForSubscriber: true)).play(Self.melody, to: &output)
    #expect(outcome == .finished)
    #expect(try receiver.receive(idleSeconds: 0.3).filter { $0.event.isNoteStart }.count == 8)
  }

  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func stopSendsAllNotesOffOnTheWire() throws {
    let receiver = try ALSAInput()
    var output = try ALSAOutput(destination: receiver.address)
    var polls = 0
    let outcome = try MIDIPlayer().play(
      Self.melody, to: &output,
      shouldStop: {
        polls += 1
        return polls > 15
      })
    guard case .stopped = outcome else {
      Issue.record("expected .stopped, got \(outcome)")
      return
    }
    let received = try receiver.receive(idleSeconds: 0.3).map(\.event)
    #expect(
      received.suffix(3) == [
        .controlChange(channel: MIDIChannel(0), controller: 120, value: 0),
        .controlChange(channel: MIDIChannel(0), controller: 123, value: 0),
        .controlChange(channel: MIDIChannel(0), controller: 121, value: 0),
      ])
  }
}
