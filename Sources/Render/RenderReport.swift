import Foundation

/// What a render produced. Frame counts are stereo frames at `sampleRate`.
public struct RenderReport: Hashable, Sendable {
  public var sampleRate: Int
  /// Frames written in all.
  public var frames: Int
  /// Frames up to the last MIDI event (the music without its tail).
  public var musicFrames: Int
  /// Frames of release/reverb tail after the last event (`frames - musicFrames`).
  public var tailFrames: Int
  /// True when the tail was cut by `RenderOptions.tailLimitSeconds` (and faded) rather than ending in silence.
  public var tailWasCut: Bool
  /// Highest absolute sample synthesized, before normalisation (1.0 = 0 dBFS).
  public var synthesizedPeak: Float
  /// The factor applied by normalisation (nil when not normalising, or when the render was silent).
  public var normalizationGain: Float?
  /// Highest absolute sample written.
  public var outputPeak: Float
  /// Samples beyond ±1 that the integer output format clipped (0 with normalisation or float output).
  public var clippedSamples: Int

  /// Length in seconds.
  public var seconds: Double { Double(frames) / Double(sampleRate) }
  /// Length of the music without the tail, in seconds.
  public var musicSeconds: Double { Double(musicFrames) / Double(sampleRate) }
  /// `outputPeak` in dBFS (−∞ for silence).
  public var outputPeakDBFS: Double { outputPeak > 0 ? 20 * log10(Double(outputPeak)) : -.infinity }
}

/// Progress of a render, reported per block.
public struct RenderProgress: Hashable, Sendable {
  public enum Phase: Hashable, Sendable {
    /// Synthesizing up to the last MIDI event.
    case music
    /// Synthesizing the release/reverb tail.
    case tail
    /// Normalising and writing (second pass).
    case writing
  }
  public var phase: Phase
  /// Frames done in this phase.
  public var frames: Int
  /// Expected frames of this phase (for the tail: its limit).
  public var totalFrames: Int
}
