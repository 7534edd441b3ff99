internal import CSndFile

/// Owns a `SNDFILE*` opened for reading interleaved float frames.
final class SoundFileReader {
  let path: String
  let frames: Int
  let sampleRate: Int
  let channels: Int
  /// The libsndfile `SF_FORMAT_*` value of the file.
  let format: Int32
  private let raw: OpaquePointer

  /// Wraps `sf_open` (`SFM_READ`).
  /// - Throws: `RenderError.cannotReadAudio` with libsndfile's message.
  init(path: String) throws(RenderError) {
    var info = SF_INFO()
    guard let raw = sf_open(path, Int32(SFM_READ), &info) else {
      throw .cannotReadAudio(path: path, reason: String(cString: sf_strerror(nil)))
    }
    self.path = path
    self.raw = raw
    frames = Int(info.frames)
    sampleRate = Int(info.samplerate)
    channels = max(1, Int(info.channels))
    format = info.format
  }

  deinit { sf_close(raw) }

  /// Reads up to `buffer.count / channels` frames; returns the number read (0 at the end). Wraps `sf_readf_float`.
  /// - Throws: `RenderError.cannotReadAudio` on a read error.
  func read(into buffer: UnsafeMutableBufferPointer<Float>) throws(RenderError) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    let got = sf_readf_float(raw, base, sf_count_t(buffer.count / channels))
    guard got >= 0, sf_error(raw) == 0 else {
      throw .cannotReadAudio(path: path, reason: String(cString: sf_strerror(raw)))
    }
    return Int(got)
  }

  /// The container and sample format, when they are ones the renderer writes.
  var audioFormat: (container: AudioContainer?, sampleFormat: SampleFormat?) {
    let container: AudioContainer?
    switch format & Int32(SF_FORMAT_TYPEMASK) {
    case Int32(SF_FORMAT_WAV): container = .wav
    case Int32(SF_FORMAT_FLAC): container = .flac
    case Int32(SF_FORMAT_OGG): container = .ogg
    default: container = nil
    }
    let sample: SampleFormat?
    switch format & Int32(SF_FORMAT_SUBMASK) {
    case Int32(SF_FORMAT_PCM_16): sample = .int16
    case Int32(SF_FORMAT_PCM_24): sample = .int24
    case Int32(SF_FORMAT_FLOAT): sample = .float32
    default: sample = nil
    }
    return (container, sample)
  }
}
