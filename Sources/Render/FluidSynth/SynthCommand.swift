/// One message the renderer sends to FluidSynth: the channel-voice and system-exclusive subset of `MIDIEvent` that
/// makes sound. Channels are 0…15 (FluidSynth plays channel 9, user channel 10, as General MIDI drums).
enum SynthCommand: Hashable, Sendable {
  case noteOn(channel: UInt8, key: UInt8, velocity: UInt8)
  case noteOff(channel: UInt8, key: UInt8)
  case controlChange(channel: UInt8, controller: UInt8, value: UInt8)
  case programChange(channel: UInt8, program: UInt8)
  /// 0…16383, centre 8192.
  case pitchBend(channel: UInt8, value: UInt16)
  case channelPressure(channel: UInt8, pressure: UInt8)
  case keyPressure(channel: UInt8, key: UInt8, pressure: UInt8)
  /// The message body without the leading 0xF0 and the final 0xF7 (what `fluid_synth_sysex` expects).
  case systemExclusive([UInt8])
}
