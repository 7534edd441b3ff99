internal import CSndFile

/// Owns a `SNDFILE*` opened for writing interleaved float frames.
///
/// `close()` flushes the header and reports failures; `deinit` only closes as a safety net.
final class SoundFileWriter {
  let path: String
  let channels: Int
  private var raw: OpaquePointer?

  /// Wraps `sf_format_check`, `sf_open` (`SFM_WRITE`) and `sf_command` (`SFC_SET_CLIPPING` for integer formats,
  /// `SFC_SET_COMPRESSION_LEVEL` for FLAC).
  /// - Parameter format: a libsndfile `SF_FORMAT_*` container | encoding.
  /// - Throws: `RenderError.cannotCreateOutput` with libsndfile's message.
  init(path: String, format: Int32, sampleRate: Int, channels: Int = 2) throws(RenderError) {
    var info = SF_INFO()
    info.samplerate = Int32(clamping: sampleRate)
    info.channels = Int32(clamping: channels)
    info.format = format
    guard sf_format_check(&info) == SF_TRUE else {
      throw .cannotCreateOutput(path: path, reason: "libsndfile cannot write this format at \(sampleRate) Hz")
    }
    guard let raw = sf_open(path, Int32(SFM_WRITE), &info) else {
      throw .cannotCreateOutput(path: path, reason: String(cString: sf_strerror(nil)))
    }
    self.path = path
    self.channels = channels
    self.raw = raw
    let subtype = format & Int32(SF_FORMAT_SUBMASK)
    if subtype == Int32(SF_FORMAT_PCM_16) || subtype == Int32(SF_FORMAT_PCM_24) {
      // Float input beyond ±1 clips instead of wrapping around.
      _ = sf_command(raw, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
    }
  }

  deinit { if let raw { sf_close(raw) } }

  /// Appends interleaved frames (`samples.count` must be a multiple of `channels`). Wraps `sf_writef_float`.
  /// - Throws: `RenderError.writeFailed` when fewer frames were written (disk full, I/O error).
  func write(_ samples: UnsafeBufferPointer<Float>) throws(RenderError) {
    guard let raw, let base = samples.baseAddress else { return }
    let frames = samples.count / channels
    let written = sf_writef_float(raw, base, sf_count_t(frames))
    guard written == sf_count_t(frames) else {
      throw .writeFailed(path: path, reason: String(cString: sf_strerror(raw)))
    }
  }

  /// Flushes and closes the file. Wraps `sf_close`.
  /// - Throws: `RenderError.writeFailed` when closing fails (the header could not be written).
  func close() throws(RenderError) {
    guard let raw else { return }
    self.raw = nil
    let code = sf_close(raw)
    guard code == 0 else { throw .writeFailed(path: path, reason: String(cString: sf_error_number(code))) }
  }
}

extension AudioFileFormat {
  /// The libsndfile `SF_FORMAT_*` value (container | encoding).
  var sndfileFormat: Int32 {
    let container: Int32
    switch self.container {
    case .wav: container = Int32(SF_FORMAT_WAV)
    case .flac: container = Int32(SF_FORMAT_FLAC)
    case .ogg: return Int32(SF_FORMAT_OGG) | Int32(SF_FORMAT_VORBIS)
    }
    switch sampleFormat ?? .int16 {
    case .int16: return container | Int32(SF_FORMAT_PCM_16)
    case .int24: return container | Int32(SF_FORMAT_PCM_24)
    case .float32: return container | Int32(SF_FORMAT_FLOAT)
    }
  }

  /// 32-bit float in a Sony Wave64 container: the lossless scratch format of two-pass normalisation (no 4 GB limit).
  static var scratchSndfileFormat: Int32 { Int32(SF_FORMAT_W64) | Int32(SF_FORMAT_FLOAT) }
}
