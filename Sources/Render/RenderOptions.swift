/// Per-render choices (the synthesizer's own settings are in `SynthConfiguration`).
public struct RenderOptions: Hashable, Sendable {
  /// Peak normalisation target in dBFS (e.g. −1), or nil to write the synthesizer's level unchanged.
  /// Normalising takes two passes: the render goes to memory (or, when longer than `inMemoryLimitFrames`, to a
  /// temporary 32-bit float file next to the output), then is scaled so its highest sample peak is the target.
  public var normalizationPeakDBFS: Double?
  /// Longest release/reverb tail rendered after the last MIDI event, in seconds. The tail stops earlier, at the end
  /// of the first block whose peak is 80 dB below the loudest sample so far; a tail cut by the limit fades out over
  /// its last block. 0 stops exactly at the last event.
  public var tailLimitSeconds: Double
  /// Largest number of frames synthesized per call (blocks are also split exactly at event times).
  public var blockFrames: Int
  /// Longest render normalised in memory (frames); longer ones use a temporary file.
  public var inMemoryLimitFrames: Int

  /// The usual normalisation target: −1 dBFS, headroom for lossy encoders and inter-sample peaks.
  public static let defaultNormalizationPeakDBFS = -1.0

  public init(
    normalizationPeakDBFS: Double? = nil, tailLimitSeconds: Double = 3, blockFrames: Int = 1024,
    inMemoryLimitFrames: Int = 1 << 23
  ) {
    self.normalizationPeakDBFS = normalizationPeakDBFS
    self.tailLimitSeconds = tailLimitSeconds
    self.blockFrames = blockFrames
    self.inMemoryLimitFrames = inMemoryLimitFrames
  }

  /// Checks every value.
  /// - Throws: `RenderError.invalidOption` naming the option and its allowed range.
  public func validate() throws(RenderError) {
    if let peak = normalizationPeakDBFS, !(peak.isFinite && peak <= 0 && peak >= -60) {
      throw .invalidOption(name: "normalization peak", value: "\(peak) dBFS", allowed: "-60…0 dBFS")
    }
    guard tailLimitSeconds.isFinite, (0...60).contains(tailLimitSeconds) else {
      throw .invalidOption(name: "tail limit", value: "\(tailLimitSeconds) s", allowed: "0…60 s")
    }
    guard (16...65_536).contains(blockFrames) else {
      throw .invalidOption(name: "block size", value: "\(blockFrames) frames", allowed: "16…65536 frames")
    }
    guard inMemoryLimitFrames >= 0 else {
      throw .invalidOption(name: "in-memory limit", value: "\(inMemoryLimitFrames) frames", allowed: "≥ 0 frames")
    }
  }
}
