internal import CAlsa

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Owns an ALSA sequencer handle (`snd_seq_t`); the only type that opens and closes one.
/// Not `Sendable`: each handle lives with a single owner (`ALSAOutput`, `ALSAInput`).
public final class ALSASequencer {
  private let raw: OpaquePointer

  /// Opens the default sequencer and names the client. Silences libasound's own stderr messages first.
  /// Wraps `snd_seq_open` and `snd_seq_set_client_name`.
  /// - Throws: `ALSAError`; `.sequencerUnavailable` when `/dev/snd/seq` is missing (ENOENT, ENODEV, ENXIO).
  init(clientName: String, streams: Int32, nonblocking: Bool) throws(ALSAError) {
    CAlsa_silence_errors()
    var handle: OpaquePointer?
    let rc = snd_seq_open(&handle, "default", streams, nonblocking ? SND_SEQ_NONBLOCK : 0)
    guard rc >= 0, let handle else {
      let code = rc < 0 ? rc : -ENOENT
      let missing = code == -ENOENT || code == -ENODEV || code == -ENXIO
      throw ALSAError(
        kind: missing ? .sequencerUnavailable : .callFailed, function: "snd_seq_open", code: code,
        message: Self.errorMessage(code))
    }
    raw = handle
    do {
      try Self.check(snd_seq_set_client_name(raw, clientName), "snd_seq_set_client_name")
    } catch {
      snd_seq_close(raw)
      throw error
    }
  }

  deinit { snd_seq_close(raw) }

  /// Runs `body` with the raw handle; the pointer must not escape it.
  func withRaw<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R { try body(raw) }

  /// This client's number. Wraps `snd_seq_client_id`.
  var clientID: Int { Int(snd_seq_client_id(raw)) }

  /// Whether an ALSA sequencer can be opened here (`/dev/snd/seq` exists and `snd_seq_open` succeeds).
  public static var canOpen: Bool {
    (try? ALSASequencer(clientName: "studio-probe", streams: SND_SEQ_OPEN_OUTPUT, nonblocking: true)) != nil
  }

  /// Why the sequencer cannot be opened, or `nil` when it can: the text tests print when they skip.
  public static var unavailableReason: String? {
    do {
      _ = try ALSASequencer(clientName: "studio-probe", streams: SND_SEQ_OPEN_OUTPUT, nonblocking: true)
      return nil
    } catch {
      return error.description
    }
  }

  /// The ports a MIDI stream can be sent to, like `aconnect -o`: ports of other clients with write and
  /// subscription-write capability and without no-export; the system client (0) is left out.
  /// Wraps `snd_seq_query_next_client` and `snd_seq_query_next_port`.
  /// - Throws: `ALSAError` (`.sequencerUnavailable` without a sequencer).
  public static func destinationPorts() throws(ALSAError) -> [ALSAPortInfo] {
    let sequencer = try ALSASequencer(clientName: "studio", streams: SND_SEQ_OPEN_OUTPUT, nonblocking: true)
    let ownClient = sequencer.clientID
    var clientInfo: OpaquePointer?
    var portInfo: OpaquePointer?
    try check(snd_seq_client_info_malloc(&clientInfo), "snd_seq_client_info_malloc")
    defer { snd_seq_client_info_free(clientInfo) }
    try check(snd_seq_port_info_malloc(&portInfo), "snd_seq_port_info_malloc")
    defer { snd_seq_port_info_free(portInfo) }
    let wanted = UInt32(SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE)
    var ports: [ALSAPortInfo] = []
    sequencer.withRaw { seq in
      snd_seq_client_info_set_client(clientInfo, -1)
      while snd_seq_query_next_client(seq, clientInfo) >= 0 {
        let client = snd_seq_client_info_get_client(clientInfo)
        guard client != SND_SEQ_CLIENT_SYSTEM, Int(client) != ownClient else { continue }
        let clientName = String(cString: snd_seq_client_info_get_name(clientInfo))
        snd_seq_port_info_set_client(portInfo, client)
        snd_seq_port_info_set_port(portInfo, -1)
        while snd_seq_query_next_port(seq, portInfo) >= 0 {
          let capability = snd_seq_port_info_get_capability(portInfo)
          guard capability & wanted == wanted, capability & UInt32(SND_SEQ_PORT_CAP_NO_EXPORT) == 0 else { continue }
          ports.append(
            ALSAPortInfo(
              client: Int(client), port: Int(snd_seq_port_info_get_port(portInfo)), clientName: clientName,
              portName: String(cString: snd_seq_port_info_get_name(portInfo)),
              capabilities: ALSAPortInfo.capabilityNames(capability),
              types: ALSAPortInfo.typeNames(snd_seq_port_info_get_type(portInfo))))
        }
      }
    }
    return ports
  }

  /// Throws when `rc` is negative. Keeps the function name, the code and `snd_strerror`'s message.
  static func check(_ rc: Int32, _ function: String, kind: ALSAError.Kind = .callFailed) throws(ALSAError) {
    guard rc < 0 else { return }
    throw ALSAError(kind: kind, function: function, code: rc, message: errorMessage(rc))
  }

  /// `snd_strerror(code)`.
  static func errorMessage(_ code: Int32) -> String {
    guard let text = snd_strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }

  /// A port-info and a queue-status record for a client that keeps both for its lifetime (free them with
  /// `snd_seq_port_info_free` and `snd_seq_queue_status_free`); nothing is leaked when the second allocation fails.
  /// - Throws: `ALSAError` when either allocation fails.
  static func allocatePortInfoAndQueueStatus() throws(ALSAError) -> (OpaquePointer, OpaquePointer) {
    var portInfo: OpaquePointer?
    var queueStatus: OpaquePointer?
    try check(snd_seq_port_info_malloc(&portInfo), "snd_seq_port_info_malloc")
    guard let portInfo else {
      throw ALSAError(function: "snd_seq_port_info_malloc", code: -ENOMEM, message: "out of memory")
    }
    do {
      try check(snd_seq_queue_status_malloc(&queueStatus), "snd_seq_queue_status_malloc")
    } catch {
      snd_seq_port_info_free(portInfo)
      throw error
    }
    guard let queueStatus else {
      snd_seq_port_info_free(portInfo)
      throw ALSAError(function: "snd_seq_queue_status_malloc", code: -ENOMEM, message: "out of memory")
    }
    return (portInfo, queueStatus)
  }
}
