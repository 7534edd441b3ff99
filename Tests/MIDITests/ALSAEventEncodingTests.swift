import Testing

@testable import MIDI

/// How `ALSAOutput` fills `snd_seq_event_t`, checked without a sequencer device: each command is encoded exactly
/// as `perform` does it, then read back field by field (and through `ALSAInput`'s decoder).
@Suite struct ALSAEventEncodingTests {
  static let port: Int32 = 3
  static let queue: Int32 = 1
  /// `SND_SEQ_ADDRESS_SUBSCRIBERS`, `SND_SEQ_ADDRESS_UNKNOWN`, `SND_SEQ_QUEUE_DIRECT` (seq.h).
  static let subscribers = 254
  static let unknownPort = 253
  static let directQueue = 253

  static let channelEvents: [MIDIEvent] = [
    .noteOn(channel: MIDIChannel(0), note: 60, velocity: 100),
    .noteOn(channel: MIDIChannel(15), note: 127, velocity: 0),
    .noteOff(channel: MIDIChannel(9), note: 36, velocity: 64),
    .polyPressure(channel: MIDIChannel(2), note: 61, pressure: 33),
    .controlChange(channel: MIDIChannel(3), controller: 123, value: 0),
    .controlChange(channel: MIDIChannel(3), controller: 7, value: 127),
    .programChange(channel: MIDIChannel(4), program: 40),
    .channelPressure(channel: MIDIChannel(5), pressure: 90),
    .pitchBend(channel: MIDIChannel(6), value: 0),
    .pitchBend(channel: MIDIChannel(6), value: 8192),
    .pitchBend(channel: MIDIChannel(6), value: 16383),
    .sysEx(escape: false, bytes: [0x7E, 0x7F, 0x09, 0x01, 0xF7]),
    .sysEx(escape: true, bytes: [0x43, 0x12, 0xF7]),
  ]

  @Test(arguments: channelEvents)
  func scheduledEventsGoToSubscribersAtAnAbsoluteTick(event: MIDIEvent) throws {
    let snapshot = try #require(
      try ALSAEventSnapshot.of(.event(tick: 123_456, event), port: Self.port, queue: Self.queue))
    #expect(snapshot.event == event)
    #expect(snapshot.queue == Int(Self.queue))
    #expect(snapshot.tick == 123_456)
    #expect(snapshot.flags & 0b11 == 0)  // SND_SEQ_TIME_STAMP_TICK | SND_SEQ_TIME_MODE_ABS
    #expect(snapshot.sourcePort == Int(Self.port))
    #expect(snapshot.destinationClient == Self.subscribers)
    #expect(snapshot.destinationPort == Self.unknownPort)
    if case .sysEx = event {
      #expect(snapshot.type == ALSAEventSnapshot.sysexType)
      #expect(snapshot.flags & 0b1100 == 0b0100)  // SND_SEQ_EVENT_LENGTH_VARIABLE
    } else {
      #expect(snapshot.flags & 0b1100 == 0)  // SND_SEQ_EVENT_LENGTH_FIXED
    }
  }

  @Test(arguments: channelEvents)
  func directEventsBypassTheQueue(event: MIDIEvent) throws {
    let snapshot = try #require(try ALSAEventSnapshot.of(.direct(event), port: Self.port, queue: Self.queue))
    #expect(snapshot.event == event)
    #expect(snapshot.queue == Self.directQueue)
    #expect(snapshot.destinationClient == Self.subscribers)
  }

  @Test func tempoAndStopAreAddressedToTheSystemTimerWithTheQueue() throws {
    let tempo = try #require(
      try ALSAEventSnapshot.of(.tempo(tick: 960, microsecondsPerQuarter: 300_000), port: Self.port, queue: Self.queue))
    #expect(tempo.type == ALSAEventSnapshot.tempoType)
    // SND_SEQ_CLIENT_SYSTEM:SND_SEQ_PORT_SYSTEM_TIMER
    #expect(tempo.destinationClient == 0 && tempo.destinationPort == 0)
    #expect(tempo.controlledQueue == Int(Self.queue))
    #expect(tempo.controlValue == 300_000)
    #expect(tempo.queue == Int(Self.queue))
    #expect(tempo.tick == 960)
    #expect(tempo.event == nil)

    let stop = try #require(try ALSAEventSnapshot.of(.stopQueue(tick: 1440), port: Self.port, queue: Self.queue))
    #expect(stop.type == ALSAEventSnapshot.stopType)
    #expect(stop.destinationClient == 0 && stop.destinationPort == 0)
    #expect(stop.controlledQueue == Int(Self.queue))
    #expect(stop.tick == 1440)
  }

  @Test func queueCommandsAreNotEvents() throws {
    for command: SequencerCommand in [
      .startQueue, .stopQueueNow, .dropPending, .configureQueue(ppq: 480, microsecondsPerQuarter: 1),
    ] {
      #expect(try ALSAEventSnapshot.of(command, port: Self.port, queue: Self.queue) == nil)
    }
  }

  @Test func ticksBeyondThirtyTwoBitsAreAnError() {
    let error = #expect(throws: ALSAError.self) {
      _ = try ALSAEventSnapshot.of(
        .event(tick: 1 << 32, .noteOn(channel: MIDIChannel(0), note: 60, velocity: 1)), port: 0, queue: 0)
    }
    #expect(error?.description.contains("32-bit tick range") == true)
  }

  @Test func everyPlanCommandEncodes() throws {
    let plan = PlaybackScheduler(options: PlaybackOptions(loopCount: 2, program: 5)).plan(
      for: PlaybackSchedulerTests.sequence)
    for command in plan.timeline + plan.panic {
      let snapshot = try ALSAEventSnapshot.of(command, port: Self.port, queue: Self.queue)
      if case .event(let tick, let event) = command {
        #expect(snapshot?.event == event)
        #expect(snapshot?.tick == UInt32(tick))
      }
    }
  }
}
