import MIDI
import Testing

@testable import studio

/// `studio play` text that needs no sequencer.
@Suite struct PlayCommandTests {
  static func port(_ client: Int, _ clientName: String, types: [String] = ["midi-generic"]) -> ALSAPortInfo {
    ALSAPortInfo(
      client: client, port: 0, clientName: clientName, portName: "\(clientName) Port-0",
      capabilities: ["write", "subs-write"], types: types)
  }

  @Test func virtualHintConnectsOurPortToAnotherClientsPort() {
    // studio is client 128; its own listing client (also "studio") must never be the example destination.
    let ports = [
      Self.port(128, "studio"), Self.port(14, "Midi Through"),
      Self.port(16, "Virtual Raw MIDI 0-0", types: ["midi-generic", "hardware"]),
    ]
    let hint = PlayCommand.virtualHint(source: "128:0", destinations: ports)
    #expect(hint.contains("`aconnect 128:0 16:0`"), "\(hint)")
    #expect(!hint.contains("128:0 128:0"))
    #expect(hint.hasPrefix("waiting for a program to connect to ALSA port 128:0"))
  }

  @Test func virtualHintPrefersASynthesizer() {
    let ports = [
      Self.port(14, "Midi Through"), Self.port(20, "Virtual Raw MIDI 1-0"),
      Self.port(130, "FLUID Synth (1234)", types: ["midi-generic", "synthesizer", "software"]),
    ]
    #expect(PlayCommand.virtualHint(source: "129:0", destinations: ports).contains("`aconnect 129:0 130:0`"))
  }

  @Test func virtualHintWithOnlyOurOwnPortNamesNoFakeDestination() {
    let hint = PlayCommand.virtualHint(source: "128:0", destinations: [Self.port(128, "studio")])
    #expect(hint.contains("`aconnect 128:0 CLIENT:PORT`"), "\(hint)")
    #expect(hint.contains("studio ports"))
  }
}
