/// Interleaved float audio in memory (1.0 = 0 dBFS).
public struct RenderedAudio: Hashable, Sendable {
  public var sampleRate: Int
  public var channels: Int
  /// Interleaved samples: frame `i`, channel `c` is `samples[i * channels + c]`.
  public var samples: [Float]

  public init(sampleRate: Int, channels: Int, samples: [Float]) {
    self.sampleRate = sampleRate
    self.channels = channels
    self.samples = samples
  }

  /// Number of frames (samples per channel).
  public var frames: Int { channels > 0 ? samples.count / channels : 0 }
  /// Length in seconds.
  public var seconds: Double { Double(frames) / Double(sampleRate) }
  /// Highest absolute sample.
  public var peak: Float { samples.reduce(0) { max($0, abs($1)) } }

  /// The average of all channels for frames `range` (clamped to the audio), for analysis.
  public func mono(frames range: Range<Int>? = nil) -> [Float] {
    let range = (range ?? 0..<frames).clamped(to: 0..<frames)
    guard channels > 0 else { return [] }
    let scale = 1 / Float(channels)
    return range.map { frame in
      var sum: Float = 0
      for channel in 0..<channels { sum += samples[frame * channels + channel] }
      return sum * scale
    }
  }
}
