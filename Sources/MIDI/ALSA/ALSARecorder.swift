internal import CAlsa

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Live MIDI input through the ALSA sequencer (`studio record`): a client (default name "studio") with one
/// writable port subscribed to a keyboard's port (or left for other programs to connect, `--virtual`), whose
/// incoming events the kernel stamps with the ticks of a queue this client runs at the recording tempo; and
/// optionally a metronome: an output port whose clicks are scheduled on the same queue.
///
/// Single owner, not `Sendable`; opened non-blocking, so polling never waits for input.
public final class ALSARecorder {
  private let sequencer: ALSASequencer
  private let inputPort: Int32
  private let clickPort: Int32?
  private let queue: Int32
  private let portInfo: OpaquePointer
  private let queueStatus: OpaquePointer
  private let source: (client: Int32, port: Int32)?
  /// Our input port as `client:port`, for `aconnect KEYBOARD <address>`.
  public let address: String
  /// The source as "client:port (client name, port name)", or `nil` for a virtual port.
  public let sourceName: String?
  /// The metronome port as "client:port (client name, port name)", or `nil` without a metronome.
  public let metronomeName: String?

  /// Opens the sequencer, creates the input port (tick time-stamping on a new queue at `microsecondsPerQuarter`
  /// and `ppq`) and subscribes it to `source` (`client:port`, a client name or a name prefix), or leaves it for
  /// other programs to connect when `source` is `nil`; with `metronome`, also an output port connected to it.
  /// The queue starts in `record(into:shouldStop:onProgress:)`. Wraps `snd_seq_create_port`, `snd_seq_parse_address`, `snd_seq_connect_from`,
  /// `snd_seq_connect_to`, `snd_seq_alloc_named_queue`, `snd_seq_set_queue_tempo` and `snd_seq_control_queue`.
  /// - Throws: `ALSAError`: `.sequencerUnavailable`, `.unknownPort`, `.portNotReadable`, `.portNotWritable` or
  ///   `.callFailed`.
  public init(
    clientName: String = "studio", portName: String = "studio in", source: String?, metronome: String? = nil,
    ppq: Int, microsecondsPerQuarter: Int
  ) throws(ALSAError) {
    let sequencer = try ALSASequencer(clientName: clientName, streams: SND_SEQ_OPEN_DUPLEX, nonblocking: true)
    let (portInfo, queueStatus) = try ALSASequencer.allocatePortInfoAndQueueStatus()
    self.portInfo = portInfo
    self.queueStatus = queueStatus
    do {
      let setup = try sequencer.withRaw { seq throws(ALSAError) in
        try Self.setUp(
          seq, portName: portName, source: source, metronome: metronome, ppq: ppq,
          microsecondsPerQuarter: microsecondsPerQuarter, portInfo: portInfo)
      }
      self.sequencer = sequencer
      inputPort = setup.inputPort
      clickPort = setup.clickPort
      queue = setup.queue
      self.source = setup.source
      sourceName = setup.sourceName
      metronomeName = setup.metronomeName
      address = "\(sequencer.clientID):\(setup.inputPort)"
    } catch {
      snd_seq_port_info_free(portInfo)
      snd_seq_queue_status_free(queueStatus)
      throw error
    }
  }

  deinit {
    sequencer.withRaw { seq in
      _ = snd_seq_free_queue(seq, queue)
      _ = snd_seq_delete_simple_port(seq, inputPort)
      if let clickPort { _ = snd_seq_delete_simple_port(seq, clickPort) }
    }
    snd_seq_port_info_free(portInfo)
    snd_seq_queue_status_free(queueStatus)
  }

  private struct Setup {
    var inputPort: Int32
    var clickPort: Int32?
    var queue: Int32
    var source: (client: Int32, port: Int32)?
    var sourceName: String?
    var metronomeName: String?
  }

  private static func setUp(
    _ seq: OpaquePointer, portName: String, source: String?, metronome: String?, ppq: Int, microsecondsPerQuarter: Int,
    portInfo: OpaquePointer
  ) throws(ALSAError) -> Setup {
    try ALSASequencer.check(snd_seq_set_client_pool_input(seq, 2000), "snd_seq_set_client_pool_input")
    let queue = snd_seq_alloc_named_queue(seq, "studio record")
    try ALSASequencer.check(queue, "snd_seq_alloc_named_queue")
    var tempo: OpaquePointer?
    try ALSASequencer.check(snd_seq_queue_tempo_malloc(&tempo), "snd_seq_queue_tempo_malloc")
    defer { snd_seq_queue_tempo_free(tempo) }
    snd_seq_queue_tempo_set_tempo(tempo, UInt32(clamping: max(1, microsecondsPerQuarter)))
    snd_seq_queue_tempo_set_ppq(tempo, Int32(clamping: max(1, ppq)))
    try ALSASequencer.check(snd_seq_set_queue_tempo(seq, queue, tempo), "snd_seq_set_queue_tempo")

    var info: OpaquePointer?
    try ALSASequencer.check(snd_seq_port_info_malloc(&info), "snd_seq_port_info_malloc")
    defer { snd_seq_port_info_free(info) }
    snd_seq_port_info_set_name(info, portName)
    snd_seq_port_info_set_capability(info, UInt32(SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE))
    snd_seq_port_info_set_type(info, UInt32(SND_SEQ_PORT_TYPE_MIDI_GENERIC | SND_SEQ_PORT_TYPE_APPLICATION))
    snd_seq_port_info_set_timestamping(info, 1)
    snd_seq_port_info_set_timestamp_real(info, 0)
    snd_seq_port_info_set_timestamp_queue(info, queue)
    try ALSASequencer.check(snd_seq_create_port(seq, info), "snd_seq_create_port")
    let inputPort = snd_seq_port_info_get_port(info)

    var setup = Setup(inputPort: inputPort, queue: queue)
    if let source {
      let found = try lookUp(seq, source, portInfo: portInfo)
      let wanted = UInt32(SND_SEQ_PORT_CAP_READ | SND_SEQ_PORT_CAP_SUBS_READ)
      guard snd_seq_port_info_get_capability(portInfo) & wanted == wanted else {
        throw ALSAError(
          kind: .portNotReadable(found.name), function: "snd_seq_get_any_port_info", code: 0,
          message: "the port lacks read and subscription-read capability")
      }
      try ALSASequencer.check(
        snd_seq_connect_from(seq, inputPort, found.client, found.port), "snd_seq_connect_from")
      setup.source = (found.client, found.port)
      setup.sourceName = found.name
    }
    if let metronome {
      let found = try lookUp(seq, metronome, portInfo: portInfo)
      let wanted = UInt32(SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE)
      guard snd_seq_port_info_get_capability(portInfo) & wanted == wanted else {
        throw ALSAError(
          kind: .portNotWritable(found.name), function: "snd_seq_get_any_port_info", code: 0,
          message: "the port lacks write and subscription-write capability")
      }
      let clickPort = snd_seq_create_simple_port(
        seq, "studio metronome", UInt32(SND_SEQ_PORT_CAP_READ | SND_SEQ_PORT_CAP_SUBS_READ),
        UInt32(SND_SEQ_PORT_TYPE_MIDI_GENERIC | SND_SEQ_PORT_TYPE_APPLICATION))
      try ALSASequencer.check(clickPort, "snd_seq_create_simple_port")
      try ALSASequencer.check(snd_seq_connect_to(seq, clickPort, found.client, found.port), "snd_seq_connect_to")
      setup.clickPort = clickPort
      setup.metronomeName = found.name
    }
    return setup
  }

  /// Resolves `name` to a port and describes it as "client:port (client name, port name)".
  private static func lookUp(
    _ seq: OpaquePointer, _ name: String, portInfo: OpaquePointer
  ) throws(ALSAError) -> (client: Int32, port: Int32, name: String) {
    var addr = snd_seq_addr_t()
    try ALSASequencer.check(snd_seq_parse_address(seq, &addr, name), "snd_seq_parse_address", kind: .unknownPort(name))
    let client = Int32(addr.client)
    let port = Int32(addr.port)
    try ALSASequencer.check(
      snd_seq_get_any_port_info(seq, client, port, portInfo), "snd_seq_get_any_port_info", kind: .unknownPort(name))
    let portName = String(cString: snd_seq_port_info_get_name(portInfo))
    var clientInfo: OpaquePointer?
    var clientName = "client \(client)"
    if snd_seq_client_info_malloc(&clientInfo) >= 0 {
      if snd_seq_get_any_client_info(seq, client, clientInfo) >= 0 {
        clientName = String(cString: snd_seq_client_info_get_name(clientInfo))
      }
      snd_seq_client_info_free(clientInfo)
    }
    return (client, port, "\(client):\(port) (\(clientName), \(portName))")
  }

  /// Starts the queue, keeping the clicks already scheduled on it (CONTINUE: START would remove them).
  /// Wraps `snd_seq_control_queue` and `snd_seq_drain_output`.
  func startQueue() throws(ALSAError) {
    try sequencer.withRaw { seq throws(ALSAError) in
      try ALSASequencer.check(
        snd_seq_control_queue(seq, queue, Int32(CAlsa_type_continue()), 0, nil), "snd_seq_control_queue")
      try ALSASequencer.check(snd_seq_drain_output(seq), "snd_seq_drain_output")
    }
  }

  /// The queue's current tick. Wraps `snd_seq_get_queue_status`.
  /// - Throws: `ALSAError`.
  public func currentTick() throws(ALSAError) -> Int {
    try sequencer.withRaw { seq throws(ALSAError) -> Int in
      try ALSASequencer.check(snd_seq_get_queue_status(seq, queue, queueStatus), "snd_seq_get_queue_status")
      return Int(snd_seq_queue_status_get_tick_time(queueStatus))
    }
  }

  /// Programs sending to our port: the source subscription, or what others connected to a virtual port.
  /// Wraps `snd_seq_get_port_info`.
  /// - Throws: `ALSAError`.
  public func senderCount() throws(ALSAError) -> Int {
    try sequencer.withRaw { seq throws(ALSAError) -> Int in
      try ALSASequencer.check(snd_seq_get_port_info(seq, inputPort, portInfo), "snd_seq_get_port_info")
      return Int(snd_seq_port_info_get_write_use(portInfo))
    }
  }

  /// Throws `.sourceGone` when the source port no longer exists. Wraps `snd_seq_get_any_port_info`.
  public func checkSource() throws(ALSAError) {
    guard let source else { return }
    try sequencer.withRaw { seq throws(ALSAError) in
      let rc = snd_seq_get_any_port_info(seq, source.client, source.port, portInfo)
      try ALSASequencer.check(rc, "snd_seq_get_any_port_info", kind: .sourceGone(sourceName ?? ""))
    }
  }

  /// Every channel-voice event waiting, with the queue tick it arrived at. Wraps `snd_seq_event_input`.
  /// - Throws: `ALSAError` (ENOSPC when the input pool overran).
  public func receive() throws(ALSAError) -> [TimedMIDIEvent] {
    var received: [TimedMIDIEvent] = []
    try sequencer.withRaw { seq throws(ALSAError) in
      while true {
        var ev: UnsafeMutablePointer<snd_seq_event_t>?
        let rc = snd_seq_event_input(seq, &ev)
        if rc == -EAGAIN { return }
        try ALSASequencer.check(rc, "snd_seq_event_input")
        guard let ev, let event = ALSAInput.convert(ev)?.event, event.channel != nil else { continue }
        received.append(TimedMIDIEvent(tick: Int(CAlsa_event_tick(ev)), event))
      }
    }
    return received
  }

  /// Schedules one metronome click at `tick` on the queue: General MIDI percussion, high wood block on the
  /// first beat of a bar (`accent`), low wood block otherwise, one 32nd-note tick long at 480 PPQ.
  /// Does nothing without a metronome. Wraps `snd_seq_event_output` and `snd_seq_drain_output`.
  /// - Throws: `ALSAError`.
  public func scheduleClick(atTick tick: Int, accent: Bool) throws(ALSAError) {
    guard let clickPort else { return }
    let note = UInt7(accent ? 76 : 77)
    let velocity = UInt7(accent ? 120 : 90)
    let on = SequencerCommand.event(tick: tick, .noteOn(channel: .percussion, note: note, velocity: velocity))
    let off = SequencerCommand.event(tick: tick + 60, .noteOff(channel: .percussion, note: note, velocity: 0))
    try sequencer.withRaw { seq throws(ALSAError) in
      for command in [on, off] {
        _ = try ALSAOutput.withCommandEvent(command, port: clickPort, queue: queue) { ev throws(ALSAError) -> Bool in
          try ALSASequencer.check(snd_seq_event_output(seq, ev), "snd_seq_event_output")
          return true
        }
      }
      let rc = snd_seq_drain_output(seq)
      if rc != -EAGAIN { try ALSASequencer.check(rc, "snd_seq_drain_output") }
    }
  }

  /// Removes the clicks not yet played and sends All Notes Off on the percussion channel. Wraps
  /// `snd_seq_drop_output`, `snd_seq_remove_events` and `snd_seq_event_output_direct`.
  public func stopMetronome() {
    guard let clickPort else { return }
    sequencer.withRaw { seq in
      _ = snd_seq_drop_output(seq)
      var remove: OpaquePointer?
      if snd_seq_remove_events_malloc(&remove) >= 0 {
        snd_seq_remove_events_set_condition(remove, UInt32(SND_SEQ_REMOVE_OUTPUT))
        snd_seq_remove_events_set_queue(remove, queue)
        _ = snd_seq_remove_events(seq, remove)
        snd_seq_remove_events_free(remove)
      }
      _ = try? ALSAOutput.withCommandEvent(
        .direct(.controlChange(channel: .percussion, controller: 123, value: 0)), port: clickPort, queue: queue
      ) { ev throws(ALSAError) -> Bool in
        snd_seq_event_output_direct(seq, ev) >= 0
      }
    }
  }
}

extension ALSARecorder {
  /// How `record(into:shouldStop:onProgress:)` ended.
  public enum Outcome: Hashable, Sendable {
    /// The recording's length was reached at `tick`.
    case complete(atTick: Int)
    /// A stop request (Ctrl-C) came at `tick`.
    case stopped(atTick: Int)
  }

  /// Appends what arrives to `recording` until its length is reached or `shouldStop` returns true (checked
  /// about every 5 ms), keeping the metronome's clicks (a count-in bar when `recording` has one, then every
  /// beat) about two beats ahead of the queue. `onProgress` gets the queue tick at every poll.
  /// - Throws: `ALSAError` (`.sourceGone` when the source port disappears); `recording` keeps what arrived before.
  public func record(
    into recording: inout PhraseRecording, shouldStop: () -> Bool, onProgress: (Int) -> Void = { _ in }
  ) throws(ALSAError) -> Outcome {
    defer { stopMetronome() }
    var nextClick = 0
    let beat = recording.beatTicks
    let bar = recording.barTicks
    func scheduleClicks(through tick: Int, end: Int?) throws(ALSAError) {
      guard clickPort != nil else { return }
      while nextClick <= tick, !(end.map { nextClick >= $0 } ?? false) {
        try scheduleClick(atTick: nextClick, accent: nextClick % bar == 0)
        nextClick += beat
      }
    }
    // The first clicks go on the queue before it starts, so the count-in begins on time.
    try scheduleClicks(through: 2 * beat, end: recording.endTick)
    try startQueue()
    while true {
      try checkSource()
      let tick = try currentTick()
      for item in try receive() { recording.append(item.event, atTick: item.tick) }
      try scheduleClicks(through: tick + 2 * beat, end: recording.endTick)
      onProgress(tick)
      if let end = recording.endTick, tick >= end { return .complete(atTick: end) }
      if shouldStop() { return .stopped(atTick: tick) }
      usleep(5000)
    }
  }
}
