internal import CAlsa

/// The fields of an `snd_seq_event_t` that studio sets, read back: lets tests check the event encoding
/// without a sequencer device.
struct ALSAEventSnapshot: Hashable, Sendable {
  var type: Int
  var flags: Int
  var queue: Int
  var tick: UInt32
  var sourcePort: Int
  var destinationClient: Int
  var destinationPort: Int
  /// `data.queue.queue` of queue-control events.
  var controlledQueue: Int
  /// `data.queue.param.value` of queue-control events (the tempo in µs per quarter for TEMPO).
  var controlValue: Int
  /// What `ALSAInput.convert` reads back from the event, `nil` for queue-control events.
  var event: MIDIEvent?

  /// The event `ALSAOutput` would output for `command`, or `nil` for commands that are not events.
  /// - Throws: `ALSAError` as `ALSAOutput.perform` would (a tick beyond 32 bits).
  static func of(_ command: SequencerCommand, port: Int32, queue: Int32) throws(ALSAError) -> ALSAEventSnapshot? {
    var snapshot: ALSAEventSnapshot?
    _ = try ALSAOutput.withCommandEvent(command, port: port, queue: queue) { ev throws(ALSAError) -> Bool in
      snapshot = ALSAEventSnapshot(
        type: Int(CAlsa_event_type(ev)), flags: Int(CAlsa_event_flags(ev)), queue: Int(CAlsa_event_queue(ev)),
        tick: CAlsa_event_tick(ev), sourcePort: Int(CAlsa_event_source_port(ev)),
        destinationClient: Int(CAlsa_event_dest_client(ev)), destinationPort: Int(CAlsa_event_dest_port(ev)),
        controlledQueue: Int(CAlsa_event_queue_control_queue(ev)),
        controlValue: Int(CAlsa_event_queue_control_value(ev)),
        event: ALSAInput.convert(ev)?.event)
      return true
    }
    return snapshot
  }

  /// `snd_seq_event_type` values, for tests.
  static let noteOnType = Int(CAlsa_type_noteon())
  static let tempoType = Int(CAlsa_type_tempo())
  static let stopType = Int(CAlsa_type_stop())
  static let sysexType = Int(CAlsa_type_sysex())
}
