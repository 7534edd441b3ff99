/// An ALSA sequencer port, as `studio ports` lists it.
public struct ALSAPortInfo: Hashable, Sendable, Codable {
  /// Client number (0…191 on Linux; 14 is "Midi Through", user clients start at 128).
  public var client: Int
  public var port: Int
  public var clientName: String
  public var portName: String
  /// Capability names: read, write, sync-read, sync-write, duplex, subs-read, subs-write, no-export.
  public var capabilities: [String]
  /// Type names: specific, midi-generic, midi-gm, midi-gs, midi-xg, midi-mt32, midi-gm2, synth, direct-sample,
  /// sample, hardware, software, synthesizer, port, application.
  public var types: [String]

  public init(client: Int, port: Int, clientName: String, portName: String, capabilities: [String], types: [String]) {
    self.client = client
    self.port = port
    self.clientName = clientName
    self.portName = portName
    self.capabilities = capabilities
    self.types = types
  }

  /// `client:port`, the form `--port` and `aconnect` accept.
  public var address: String { "\(client):\(port)" }

  /// Names of the `SND_SEQ_PORT_CAP_*` bits set in `bits`.
  static func capabilityNames(_ bits: UInt32) -> [String] {
    names(
      bits,
      [
        (0, "read"), (1, "write"), (2, "sync-read"), (3, "sync-write"), (4, "duplex"), (5, "subs-read"),
        (6, "subs-write"), (7, "no-export"),
      ])
  }

  /// Names of the `SND_SEQ_PORT_TYPE_*` bits set in `bits`.
  static func typeNames(_ bits: UInt32) -> [String] {
    names(
      bits,
      [
        (0, "specific"), (1, "midi-generic"), (2, "midi-gm"), (3, "midi-gs"), (4, "midi-xg"), (5, "midi-mt32"),
        (6, "midi-gm2"), (10, "synth"), (11, "direct-sample"), (12, "sample"), (16, "hardware"), (17, "software"),
        (18, "synthesizer"), (19, "port"), (20, "application"),
      ])
  }

  private static func names(_ bits: UInt32, _ table: [(bit: UInt32, name: String)]) -> [String] {
    table.filter { bits & (1 << $0.bit) != 0 }.map(\.name)
  }
}
