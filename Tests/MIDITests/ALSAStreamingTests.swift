import Testing

@testable import MIDI

/// The real ALSA path. Tests that need a sequencer run only where `/dev/snd/seq` exists and `snd_seq_open`
/// succeeds (`sudo modprobe snd-seq`); on a machine without one, only the error message is checked.
@Suite(.serialized) struct ALSAStreamingTests {
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

  /// Two channels: a program and two controller changes each, three-note chords on channel 2 under a melody on
  /// channel 1, 120 BPM then 180 BPM from the fifth beat; every note ends.
  static let ensemble: MIDISequence = {
    let melody = MIDIChannel(0)
    let chords = MIDIChannel(1)
    var events: [TimedMIDIEvent] = [
      TimedMIDIEvent(tick: 0, .programChange(channel: melody, program: 40)),
      TimedMIDIEvent(tick: 0, .programChange(channel: chords, program: 0)),
      TimedMIDIEvent(tick: 0, .controlChange(channel: melody, controller: 7, value: 100)),
      TimedMIDIEvent(tick: 0, .controlChange(channel: chords, controller: 10, value: 30)),
    ]
    for beat in 0..<8 {
      let tick = beat * 480
      if beat == 4 { events.append(TimedMIDIEvent(tick: tick, .meta(.tempo(microsecondsPerQuarter: 333_333)))) }
      for (offset, note) in [(0, 67), (240, 69)] {
        let pitch = UInt7(note + beat % 3)
        events.append(TimedMIDIEvent(tick: tick + offset, .noteOn(channel: melody, note: pitch, velocity: 90)))
        events.append(TimedMIDIEvent(tick: tick + offset + 200, .noteOff(channel: melody, note: pitch, velocity: 0)))
      }
      for note in [48, 52, 55] where beat % 2 == 0 {
        let pitch = UInt7(note + beat)
        events.append(TimedMIDIEvent(tick: tick, .noteOn(channel: chords, note: pitch, velocity: 70)))
        events.append(TimedMIDIEvent(tick: tick + 900, .noteOff(channel: chords, note: pitch, velocity: 0)))
      }
      if beat == 6 { events.append(TimedMIDIEvent(tick: tick + 120, .controlChange(channel: melody, controller: 1, value: 64))) }
    }
    return MIDISequence(format: 0, ppq: 480, tracks: [MIDITrack(events: events.sorted { $0.tick < $1.tick })])
  }()

  @Test(
    .enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"),
    arguments: [0.5, 1.0, 2.0])
  func deliversEveryEventInOrderAndOnTime(tempoScale: Double) throws {
    let options = PlaybackOptions(tempoScale: tempoScale)
    let report = try LiveTiming.play(Self.ensemble, options: options)
    #expect(report.outcome == .finished)
    #expect(report.received.map(\.event) == report.expected.map(\.event))
    #expect(LiveTiming.unfinishedNotes(report.received.map(\.event)).isEmpty)
    let errors = try #require(report.errors)
    print("ALSA timing at tempo scale \(tempoScale): \(errors.summary)")
    #expect(errors.withinBounds, "\(errors.summary)")
  }

  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func loopBoundariesKeepOrderAndTime() throws {
    let options = PlaybackOptions(tempoScale: 2, loopCount: 3)
    let report = try LiveTiming.play(Self.ensemble, options: options)
    #expect(report.outcome == .finished)
    #expect(report.received.map(\.event) == report.expected.map(\.event))
    #expect(report.received.filter { $0.event.isNoteStart }.count == 3 * 28)
    #expect(LiveTiming.unfinishedNotes(report.received.map(\.event)).isEmpty)
    let errors = try #require(report.errors)
    print("ALSA timing over 3 loops: \(errors.summary)")
    #expect(errors.withinBounds, "\(errors.summary)")
  }

  /// Ten minutes of sixteenth notes at 120 BPM (4,800 notes, two channels, a tempo change every 30 s) played
  /// 40 times faster: 15 s on the wire, an event every 1.6 ms. Late events would pile up into a drift.
  @Test(.enabled(if: hasSequencer, "ALSA sequencer not available (/dev/snd/seq missing; sudo modprobe snd-seq)"))
  func denseMusicCompressedByTempoScaleDoesNotDrift() throws {
    var events: [TimedMIDIEvent] = []
    for step in 0..<4800 {
      let tick = step * 120
      if step % 240 == 0 {
        let bpm = step % 480 == 0 ? 120 : 132
        events.append(TimedMIDIEvent(tick: tick, .meta(.tempo(microsecondsPerQuarter: UInt32(60_000_000 / bpm)))))
      }
      let channel = MIDIChannel(step % 2)
      let pitch = UInt7(60 + step % 24)
      events.append(TimedMIDIEvent(tick: tick, .noteOn(channel: channel, note: pitch, velocity: 80)))
      events.append(TimedMIDIEvent(tick: tick + 100, .noteOff(channel: channel, note: pitch, velocity: 0)))
    }
    let sequence = MIDISequence(format: 0, ppq: 480, tracks: [MIDITrack(events: events)])
    let report = try LiveTiming.play(sequence, options: PlaybackOptions(tempoScale: 40))
    #expect(report.outcome == .finished)
    #expect(report.received.count == 9600)
    #expect(report.received.map(\.event) == report.expected.map(\.event))
    let errors = try #require(report.errors)
    print("ALSA timing, 10 minutes at tempo scale 40: \(errors.summary)")
    #expect(errors.withinBounds, "\(errors.summary)")
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
