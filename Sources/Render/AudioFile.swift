/// Facts about an audio file on disk.
public struct AudioFileInfo: Hashable, Sendable {
  public var frames: Int
  public var sampleRate: Int
  public var channels: Int
  /// The container, when it is one the renderer writes (WAV, FLAC, Ogg).
  public var container: AudioContainer?
  /// The sample encoding, when it is 16-bit, 24-bit or 32-bit float PCM.
  public var sampleFormat: SampleFormat?
  /// Length in seconds.
  public var seconds: Double { Double(frames) / Double(max(1, sampleRate)) }
}

/// Reads audio files through libsndfile (any format it knows: WAV, FLAC, Ogg Vorbis, AIFF, …).
public enum AudioFile {
  /// The header facts of a file. Wraps `sf_open`.
  /// - Throws: `RenderError.cannotReadAudio`.
  public static func info(at path: String) throws(RenderError) -> AudioFileInfo {
    let reader = try SoundFileReader(path: path)
    let format = reader.audioFormat
    return AudioFileInfo(
      frames: reader.frames, sampleRate: reader.sampleRate, channels: reader.channels, container: format.container,
      sampleFormat: format.sampleFormat)
  }

  /// Every sample of a file as interleaved floats. Wraps `sf_readf_float`.
  /// - Throws: `RenderError.cannotReadAudio`.
  public static func read(at path: String) throws(RenderError) -> RenderedAudio {
    let reader = try SoundFileReader(path: path)
    var samples: [Float] = []
    samples.reserveCapacity(max(0, reader.frames) * reader.channels)
    var chunk = [Float](repeating: 0, count: 16_384 * reader.channels)
    while true {
      let got = try chunk.withUnsafeMutableBufferPointer { buffer throws(RenderError) in try reader.read(into: buffer) }
      if got == 0 { break }
      samples.append(contentsOf: chunk[0..<(got * reader.channels)])
    }
    return RenderedAudio(sampleRate: reader.sampleRate, channels: reader.channels, samples: samples)
  }
}
