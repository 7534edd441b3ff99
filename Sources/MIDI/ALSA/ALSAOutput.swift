internal import CAlsa

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Live MIDI output through the ALSA sequencer: a client (default name "studio") with one output port, a
/// named queue and, unless virtual, a subscription to one destination port (alsa-notes.md §3).
///
/// Single owner, not `Sendable`: `MIDIPlayer` drives it on one thread. Opened non-blocking, so a full output
/// pool makes `perform` return `false` instead of blocking, and stop requests are seen within one poll.
public final class ALSAOutput: MIDIEventSink {
  private let sequencer: ALSASequencer
  private let port: Int32
  private let queue: Int32
  private let portInfo: OpaquePointer
  private let queueStatus: OpaquePointer
  private let destination: (client: Int32, port: Int32)?
  /// Our port as `client:port`, for other programs to connect to (`aconnect 129:0 …`).
  public let address: String
  /// The number of our playback queue (tests match the queue's START broadcast with it).
  var queueID: Int { Int(queue) }
  /// The destination as "client:port (client name, port name)", or `nil` for a virtual port.
  public let destinationName: String?

  /// Opens the sequencer, creates the output port and the queue, and connects the port to `destination`
  /// (`client:port`, a client name or a name prefix, as `aconnect` takes), or leaves it unconnected for other
  /// programs to subscribe to when `destination` is `nil` (`--virtual`).
  /// Wraps `snd_seq_create_simple_port`, `snd_seq_parse_address`, `snd_seq_get_any_port_info`,
  /// `snd_seq_connect_to` and `snd_seq_alloc_named_queue`.
  /// - Throws: `ALSAError`: `.sequencerUnavailable`, `.unknownPort`, `.portNotWritable` or `.callFailed`.
  public init(clientName: String = "studio", portName: String = "studio out", destination: String?) throws(ALSAError) {
    let sequencer = try ALSASequencer(clientName: clientName, streams: SND_SEQ_OPEN_OUTPUT, nonblocking: true)
    let (portInfo, queueStatus) = try ALSASequencer.allocatePortInfoAndQueueStatus()
    do {
      let setup = try sequencer.withRaw { seq throws(ALSAError) in
        try Self.setUp(seq, portName: portName, destination: destination, portInfo: portInfo)
      }
      self.sequencer = sequencer
      self.portInfo = portInfo
      self.queueStatus = queueStatus
      self.port = setup.port
      self.queue = setup.queue
      self.destination = setup.destination
      self.destinationName = setup.destinationName
      self.address = "\(sequencer.clientID):\(setup.port)"
    } catch {
      snd_seq_port_info_free(portInfo)
      snd_seq_queue_status_free(queueStatus)
      throw error
    }
  }

  deinit {
    sequencer.withRaw { seq in
      _ = snd_seq_free_queue(seq, queue)
      _ = snd_seq_delete_simple_port(seq, port)
    }
    snd_seq_port_info_free(portInfo)
    snd_seq_queue_status_free(queueStatus)
  }

  private static func setUp(
    _ seq: OpaquePointer, portName: String, destination: String?, portInfo: OpaquePointer
  ) throws(ALSAError) -> (
    port: Int32, queue: Int32, destination: (client: Int32, port: Int32)?, destinationName: String?
  ) {
    let port = snd_seq_create_simple_port(
      seq, portName, UInt32(SND_SEQ_PORT_CAP_READ | SND_SEQ_PORT_CAP_SUBS_READ),
      UInt32(SND_SEQ_PORT_TYPE_MIDI_GENERIC | SND_SEQ_PORT_TYPE_APPLICATION))
    try ALSASequencer.check(port, "snd_seq_create_simple_port")
    var target: (client: Int32, port: Int32)?
    var targetName: String?
    if let destination {
      var addr = snd_seq_addr_t()
      try ALSASequencer.check(
        snd_seq_parse_address(seq, &addr, destination), "snd_seq_parse_address", kind: .unknownPort(destination))
      let client = Int32(addr.client)
      let destinationPort = Int32(addr.port)
      try ALSASequencer.check(
        snd_seq_get_any_port_info(seq, client, destinationPort, portInfo), "snd_seq_get_any_port_info",
        kind: .unknownPort(destination))
      let portName = String(cString: snd_seq_port_info_get_name(portInfo))
      let name = "\(client):\(destinationPort) (\(clientName(seq, client)), \(portName))"
      let wanted = UInt32(SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE)
      guard snd_seq_port_info_get_capability(portInfo) & wanted == wanted else {
        throw ALSAError(
          kind: .portNotWritable(name), function: "snd_seq_get_any_port_info", code: 0,
          message: "the port lacks write and subscription-write capability")
      }
      try ALSASequencer.check(snd_seq_connect_to(seq, port, client, destinationPort), "snd_seq_connect_to")
      target = (client, destinationPort)
      targetName = name
    }
    let queue = snd_seq_alloc_named_queue(seq, "studio")
    try ALSASequencer.check(queue, "snd_seq_alloc_named_queue")
    return (port, queue, target, targetName)
  }

  private static func clientName(_ seq: OpaquePointer, _ client: Int32) -> String {
    var info: OpaquePointer?
    guard snd_seq_client_info_malloc(&info) >= 0 else { return "client \(client)" }
    defer { snd_seq_client_info_free(info) }
    guard snd_seq_get_any_client_info(seq, client, info) >= 0 else { return "client \(client)" }
    return String(cString: snd_seq_client_info_get_name(info))
  }

  // MARK: - MIDIEventSink

  /// Wraps `snd_seq_set_queue_tempo`, `snd_seq_control_queue`, `snd_seq_event_output`,
  /// `snd_seq_event_output_direct` and `snd_seq_drop_output`.
  public func perform(_ command: SequencerCommand) throws(ALSAError) -> Bool {
    try sequencer.withRaw { seq throws(ALSAError) -> Bool in
      switch command {
      case .configureQueue(let ppq, let microseconds):
        var tempo: OpaquePointer?
        try ALSASequencer.check(snd_seq_queue_tempo_malloc(&tempo), "snd_seq_queue_tempo_malloc")
        defer { snd_seq_queue_tempo_free(tempo) }
        snd_seq_queue_tempo_set_tempo(tempo, UInt32(clamping: max(1, microseconds)))
        snd_seq_queue_tempo_set_ppq(tempo, Int32(clamping: max(1, ppq)))
        try ALSASequencer.check(snd_seq_set_queue_tempo(seq, queue, tempo), "snd_seq_set_queue_tempo")
        return true
      case .startQueue:
        // CONTINUE, not START: on START the kernel removes this client's events already waiting on the queue
        // (`snd_seq_prioq_leave`), and the player writes the first batch before starting. The queue is new, so it
        // continues from tick 0.
        return try Self.accepted(
          snd_seq_control_queue(seq, queue, Int32(CAlsa_type_continue()), 0, nil), "snd_seq_control_queue")
      case .stopQueueNow:
        let taken = try Self.accepted(
          snd_seq_control_queue(seq, queue, Int32(CAlsa_type_stop()), 0, nil), "snd_seq_control_queue")
        if taken { _ = snd_seq_drain_output(seq) }
        return taken
      case .dropPending:
        let rc = snd_seq_drop_output(seq)
        if rc != -EAGAIN { try ALSASequencer.check(rc, "snd_seq_drop_output") }
        return true
      case .event, .tempo, .stopQueue:
        return try Self.withCommandEvent(command, port: port, queue: queue) { ev throws(ALSAError) -> Bool in
          try Self.accepted(snd_seq_event_output(seq, ev), "snd_seq_event_output")
        }
      case .direct:
        return try Self.withCommandEvent(command, port: port, queue: queue) { ev throws(ALSAError) -> Bool in
          try Self.accepted(snd_seq_event_output_direct(seq, ev), "snd_seq_event_output_direct")
        }
      }
    }
  }

  /// Wraps `snd_seq_drain_output`.
  public func flush() throws(ALSAError) -> Bool {
    try sequencer.withRaw { seq throws(ALSAError) -> Bool in
      let rc = snd_seq_drain_output(seq)
      if rc == -EAGAIN { return false }
      try ALSASequencer.check(rc, "snd_seq_drain_output")
      return rc == 0
    }
  }

  /// Wraps `snd_seq_get_queue_status`, `snd_seq_event_output_pending`, `snd_seq_get_any_port_info` (the
  /// destination still exists) and `snd_seq_get_port_info` (our subscriber count).
  public func status() throws(ALSAError) -> SinkStatus {
    try sequencer.withRaw { seq throws(ALSAError) -> SinkStatus in
      try ALSASequencer.check(snd_seq_get_queue_status(seq, queue, queueStatus), "snd_seq_get_queue_status")
      let tick = Int(snd_seq_queue_status_get_tick_time(queueStatus))
      let running = snd_seq_queue_status_get_status(queueStatus) & 1 != 0
      var pending = Int(snd_seq_queue_status_get_events(queueStatus))
      if snd_seq_event_output_pending(seq) > 0 { pending += 1 }
      if let destination {
        let rc = snd_seq_get_any_port_info(seq, destination.client, destination.port, portInfo)
        try ALSASequencer.check(rc, "snd_seq_get_any_port_info", kind: .destinationGone(destinationName ?? ""))
      }
      try ALSASequencer.check(snd_seq_get_port_info(seq, port, portInfo), "snd_seq_get_port_info")
      let subscribers = Int(snd_seq_port_info_get_read_use(portInfo))
      return SinkStatus(tick: tick, isRunning: running, pendingEvents: pending, subscriberCount: subscribers)
    }
  }

  public func waitBriefly() { usleep(10_000) }

  public var pollIntervalSeconds: Double { 0.01 }

  // MARK: - Events

  /// `true` when libasound took the event, `false` on EAGAIN (pool full, non-blocking mode).
  private static func accepted(_ rc: Int32, _ function: String) throws(ALSAError) -> Bool {
    if rc == -EAGAIN { return false }
    try ALSASequencer.check(rc, function)
    return true
  }

  /// ALSA queue ticks are 32-bit.
  static func queueTick(_ tick: Int) throws(ALSAError) -> UInt32 {
    guard let stamp = UInt32(exactly: max(0, tick)) else {
      throw ALSAError(
        function: "snd_seq_ev_schedule_tick", code: 0,
        message: "tick \(tick) is beyond the ALSA queue's 32-bit tick range; play a shorter sequence or fewer loops")
    }
    return stamp
  }

  /// Builds the `snd_seq_event_t` for an `.event`, `.tempo`, `.stopQueue` or `.direct` command and runs `body`
  /// with it: events go from `port` to its subscribers, stamped with an absolute tick on `queue` (or direct);
  /// tempo and stop go to the system timer port with `queue` as their parameter. Other commands: `true`.
  static func withCommandEvent(
    _ command: SequencerCommand, port: Int32, queue: Int32,
    _ body: (UnsafeMutablePointer<snd_seq_event_t>) throws(ALSAError) -> Bool
  ) throws(ALSAError) -> Bool {
    switch command {
    case .event(let tick, let event):
      let stamp = try queueTick(tick)
      return try withEvent(event, port: port) { ev throws(ALSAError) -> Bool in
        CAlsa_event_schedule_tick(ev, queue, stamp)
        return try body(ev)
      }
    case .direct(let event):
      return try withEvent(event, port: port) { ev throws(ALSAError) -> Bool in
        CAlsa_event_set_direct(ev)
        return try body(ev)
      }
    case .tempo(let tick, let microseconds):
      var ev = snd_seq_event_t()
      CAlsa_event_prepare(&ev, port)
      CAlsa_event_set_queue_control(&ev, CAlsa_type_tempo(), queue, Int32(clamping: max(1, microseconds)))
      CAlsa_event_schedule_tick(&ev, queue, try queueTick(tick))
      return try body(&ev)
    case .stopQueue(let tick):
      var ev = snd_seq_event_t()
      CAlsa_event_prepare(&ev, port)
      CAlsa_event_set_queue_control(&ev, CAlsa_type_stop(), queue, 0)
      CAlsa_event_schedule_tick(&ev, queue, try queueTick(tick))
      return try body(&ev)
    case .configureQueue, .startQueue, .dropPending, .stopQueueNow:
      return true
    }
  }

  /// Fills an event from `port` to its subscribers with `event`'s type and data, then runs `body` while the
  /// event (and any sysex bytes it points to) is valid. Meta events are not sent: `body` is skipped, `true`.
  static func withEvent(
    _ event: MIDIEvent, port: Int32, _ body: (UnsafeMutablePointer<snd_seq_event_t>) throws(ALSAError) -> Bool
  ) throws(ALSAError) -> Bool {
    var ev = snd_seq_event_t()
    CAlsa_event_prepare(&ev, port)
    switch event {
    case .noteOn(let c, let n, let v): CAlsa_event_set_noteon(&ev, Int32(c.value), Int32(n.value), Int32(v.value))
    case .noteOff(let c, let n, let v): CAlsa_event_set_noteoff(&ev, Int32(c.value), Int32(n.value), Int32(v.value))
    case .polyPressure(let c, let n, let p):
      CAlsa_event_set_keypress(&ev, Int32(c.value), Int32(n.value), Int32(p.value))
    case .controlChange(let c, let k, let v):
      CAlsa_event_set_controller(&ev, Int32(c.value), Int32(k.value), Int32(v.value))
    case .programChange(let c, let p): CAlsa_event_set_pgmchange(&ev, Int32(c.value), Int32(p.value))
    case .channelPressure(let c, let p): CAlsa_event_set_chanpress(&ev, Int32(c.value), Int32(p.value))
    case .pitchBend(let c, let value): CAlsa_event_set_pitchbend(&ev, Int32(c.value), Int32(min(value, 0x3FFF)) - 8192)
    case .sysEx(let escape, let bytes):
      // A normal sysex goes out framed F0 … ; an escape packet goes out as its raw bytes.
      var data = escape ? bytes : [0xF0] + bytes
      guard !data.isEmpty else { return true }
      // `withUnsafeMutableBytes` rethrows untyped errors, so the typed error travels in a `Result`.
      let result = data.withUnsafeMutableBytes { buffer -> Result<Bool, ALSAError> in
        CAlsa_event_set_sysex(&ev, UInt32(buffer.count), buffer.baseAddress)
        return withUnsafeMutablePointer(to: &ev) { pointer in
          do throws(ALSAError) { return .success(try body(pointer)) } catch { return .failure(error) }
        }
      }
      return try result.get()
    case .meta:
      return true
    }
    return try withUnsafeMutablePointer(to: &ev) { pointer throws(ALSAError) -> Bool in try body(pointer) }
  }
}
