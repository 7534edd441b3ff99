internal import CAlsa

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A receiving ALSA sequencer client: one writable port whose incoming events the kernel stamps with the real
/// time of a queue this client owns. The integration test uses it to check what `ALSAOutput` delivers and when.
/// Single owner, not `Sendable`.
final class ALSAInput {
  /// One received event and its arrival time.
  struct Received: Hashable, Sendable {
    var event: MIDIEvent
    /// Seconds on this client's queue clock when the event arrived.
    var seconds: Double
  }

  private let sequencer: ALSASequencer
  private let port: Int32
  private let queue: Int32
  /// Our port as `client:port`, for `ALSAOutput(destination:)`.
  let address: String
  /// Queue starts (START or CONTINUE) received so far, when subscribed to the system timer port (`connect(from:
  /// "0:0")`): the queue number and the arrival time on this client's queue clock, in seconds.
  private(set) var queueStarts: [(queue: Int, seconds: Double)] = []

  /// Opens a duplex client, starts a queue and creates a writable, time-stamping port.
  /// Wraps `snd_seq_alloc_queue`, `snd_seq_create_port`, `snd_seq_control_queue`.
  /// - Throws: `ALSAError`.
  init(clientName: String = "studio-receiver", portName: String = "studio in") throws(ALSAError) {
    sequencer = try ALSASequencer(clientName: clientName, streams: SND_SEQ_OPEN_DUPLEX, nonblocking: true)
    let setup = try sequencer.withRaw { seq throws(ALSAError) -> (port: Int32, queue: Int32) in
      try ALSASequencer.check(snd_seq_set_client_pool_input(seq, 2000), "snd_seq_set_client_pool_input")
      let queue = snd_seq_alloc_queue(seq)
      try ALSASequencer.check(queue, "snd_seq_alloc_queue")
      var info: OpaquePointer?
      try ALSASequencer.check(snd_seq_port_info_malloc(&info), "snd_seq_port_info_malloc")
      defer { snd_seq_port_info_free(info) }
      snd_seq_port_info_set_name(info, portName)
      snd_seq_port_info_set_capability(info, UInt32(SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE))
      snd_seq_port_info_set_type(info, UInt32(SND_SEQ_PORT_TYPE_MIDI_GENERIC | SND_SEQ_PORT_TYPE_APPLICATION))
      snd_seq_port_info_set_timestamping(info, 1)
      snd_seq_port_info_set_timestamp_real(info, 1)
      snd_seq_port_info_set_timestamp_queue(info, queue)
      try ALSASequencer.check(snd_seq_create_port(seq, info), "snd_seq_create_port")
      let port = snd_seq_port_info_get_port(info)
      try ALSASequencer.check(
        snd_seq_control_queue(seq, queue, Int32(CAlsa_type_start()), 0, nil), "snd_seq_control_queue")
      try ALSASequencer.check(snd_seq_drain_output(seq), "snd_seq_drain_output")
      return (port, queue)
    }
    port = setup.port
    queue = setup.queue
    address = "\(sequencer.clientID):\(setup.port)"
  }

  deinit {
    sequencer.withRaw { seq in
      _ = snd_seq_free_queue(seq, queue)
      _ = snd_seq_delete_port(seq, port)
    }
  }

  /// Subscribes this client's port to the output port at `address` (`client:port`).
  /// Wraps `snd_seq_parse_address` and `snd_seq_connect_from`.
  /// - Throws: `ALSAError` (`.unknownPort` when `address` names no port).
  func connect(from address: String) throws(ALSAError) {
    try sequencer.withRaw { seq throws(ALSAError) in
      var addr = snd_seq_addr_t()
      try ALSASequencer.check(
        snd_seq_parse_address(seq, &addr, address), "snd_seq_parse_address", kind: .unknownPort(address))
      try ALSASequencer.check(
        snd_seq_connect_from(seq, port, Int32(addr.client), Int32(addr.port)), "snd_seq_connect_from")
    }
  }

  /// Reads every channel-voice and sysex event that arrives until none has arrived for `idleSeconds`.
  /// Wraps `snd_seq_event_input` (non-blocking).
  /// - Throws: `ALSAError` (ENOSPC when the input pool overran).
  func receive(idleSeconds: Double) throws(ALSAError) -> [Received] {
    try receive(idleSeconds: idleSeconds, until: { true })
  }

  /// Reads events until `finished()` returns true and then none has arrived for `idleSeconds`: a reader that keeps
  /// the input pool from overflowing while a long stream plays.
  /// - Throws: `ALSAError` (ENOSPC when the input pool overran).
  func receive(idleSeconds: Double, until finished: () -> Bool) throws(ALSAError) -> [Received] {
    var received: [Received] = []
    var idle = 0.0
    while idle < idleSeconds || !finished() {
      let next = try sequencer.withRaw { seq throws(ALSAError) -> Poll in
        var ev: UnsafeMutablePointer<snd_seq_event_t>?
        let rc = snd_seq_event_input(seq, &ev)
        if rc == -EAGAIN { return .empty }
        try ALSASequencer.check(rc, "snd_seq_event_input")
        guard let ev else { return .other }
        let type = CAlsa_event_type(ev)
        if type == CAlsa_type_start() || type == CAlsa_type_continue() {
          return .queueStart(
            queue: Int(CAlsa_event_queue_control_queue(ev)), seconds: Double(CAlsa_event_real_time_ns(ev)) / 1e9)
        }
        guard let received = Self.convert(ev) else { return .other }
        return .event(received)
      }
      switch next {
      case .empty:
        usleep(1000)
        idle += 0.001
      case .other:
        idle = 0
      case .event(let event):
        idle = 0
        received.append(event)
      case .queueStart(let queue, let seconds):
        idle = 0
        queueStarts.append((queue, seconds))
      }
    }
    return received
  }

  /// One non-blocking read: nothing waiting, an event studio does not model, or a MIDI event.
  private enum Poll {
    case empty, other
    case event(Received)
    case queueStart(queue: Int, seconds: Double)
  }

  /// The MIDI event a received sequencer event carries, with its real-time stamp; `nil` for other event types.
  static func convert(_ ev: UnsafeMutablePointer<snd_seq_event_t>) -> Received? {
    let type = CAlsa_event_type(ev)
    let seconds = Double(CAlsa_event_real_time_ns(ev)) / 1e9
    let noteChannel = MIDIChannel(lowNibbleOf: UInt8(truncatingIfNeeded: CAlsa_event_note_channel(ev)))
    let controlChannel = MIDIChannel(lowNibbleOf: UInt8(truncatingIfNeeded: CAlsa_event_control_channel(ev)))
    let key = UInt7(clamping: Int(CAlsa_event_note_key(ev)))
    let velocity = UInt7(clamping: Int(CAlsa_event_note_velocity(ev)))
    let value = Int(CAlsa_event_control_value(ev))
    let event: MIDIEvent
    switch type {
    case CAlsa_type_noteon(): event = .noteOn(channel: noteChannel, note: key, velocity: velocity)
    case CAlsa_type_noteoff(): event = .noteOff(channel: noteChannel, note: key, velocity: velocity)
    case CAlsa_type_keypress(): event = .polyPressure(channel: noteChannel, note: key, pressure: velocity)
    case CAlsa_type_controller():
      event = .controlChange(
        channel: controlChannel, controller: UInt7(clamping: Int(CAlsa_event_control_param(ev))),
        value: UInt7(clamping: value))
    case CAlsa_type_pgmchange(): event = .programChange(channel: controlChannel, program: UInt7(clamping: value))
    case CAlsa_type_chanpress(): event = .channelPressure(channel: controlChannel, pressure: UInt7(clamping: value))
    case CAlsa_type_pitchbend():
      event = .pitchBend(channel: controlChannel, value: UInt16(min(max(value + 8192, 0), 0x3FFF)))
    case CAlsa_type_sysex():
      let length = Int(CAlsa_event_ext_length(ev))
      guard let data = CAlsa_event_ext_data(ev), length > 0 else { return nil }
      let bytes = Array(UnsafeRawBufferPointer(start: data, count: length))
      event =
        bytes.first == 0xF0
        ? .sysEx(escape: false, bytes: Array(bytes.dropFirst())) : .sysEx(escape: true, bytes: bytes)
    default:
      return nil
    }
    return Received(event: event, seconds: seconds)
  }
}
