/// Settings fixed for the life of a `Renderer` (they shape the synthesizer itself).
///
/// Defaults are FluidSynth's own, so a render matches `fluidsynth -F` with no options.
public struct SynthConfiguration: Hashable, Sendable {
  /// Output sample rate in Hz (FluidSynth accepts 8000…96000). `synth.sample-rate`.
  public var sampleRate: Int
  /// Master gain, 0…10 (FluidSynth's default 0.2 leaves ≈ 20 dB of headroom). `synth.gain`.
  public var gain: Double
  /// Reverb on or off. `synth.reverb.active`.
  public var reverb: Bool
  /// Chorus on or off. `synth.chorus.active`.
  public var chorus: Bool
  /// Maximum simultaneous voices. `synth.polyphony`.
  public var polyphony: Int

  public init(
    sampleRate: Int = 44_100, gain: Double = 0.2, reverb: Bool = true, chorus: Bool = true, polyphony: Int = 256
  ) {
    self.sampleRate = sampleRate
    self.gain = gain
    self.reverb = reverb
    self.chorus = chorus
    self.polyphony = polyphony
  }
}
