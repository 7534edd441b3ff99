/// The file types the renderer writes, chosen by the output's extension.
public enum AudioContainer: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// RIFF WAVE (`.wav`): 16-bit, 24-bit or 32-bit float samples.
  case wav
  /// FLAC (`.flac`): lossless, 16- or 24-bit samples.
  case flac
  /// Ogg Vorbis (`.ogg`, `.oga`): lossy, no bit depth.
  case ogg

  /// The container for a path's extension (case-insensitive), or nil for any other extension.
  public init?(pathExtension: String) {
    switch pathExtension.lowercased() {
    case "wav", "wave": self = .wav
    case "flac": self = .flac
    case "ogg", "oga": self = .ogg
    default: return nil
    }
  }

  /// The container for a path, from its extension.
  /// - Throws: `RenderError.unsupportedOutputExtension` for any other extension (or none).
  public static func forPath(_ path: String) throws(RenderError) -> AudioContainer {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    let ext = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? ""
    guard let container = AudioContainer(pathExtension: ext) else {
      throw .unsupportedOutputExtension(path: path, extension: ext)
    }
    return container
  }

  /// The usual extension, without the dot.
  public var fileExtension: String { rawValue }

  public var description: String {
    switch self {
    case .wav: return "WAV"
    case .flac: return "FLAC"
    case .ogg: return "Ogg Vorbis"
    }
  }
}

/// Sample encoding of an uncompressed or lossless output (`--bits 16|24|32f`).
public enum SampleFormat: String, Hashable, Sendable, CaseIterable {
  case int16 = "16"
  case int24 = "24"
  /// 32-bit IEEE float: never clips.
  case float32 = "32f"

  var displayName: String {
    switch self {
    case .int16: return "16-bit integer"
    case .int24: return "24-bit integer"
    case .float32: return "32-bit float"
    }
  }

  /// True for the integer formats, which clip samples outside −1…1.
  public var clips: Bool { self != .float32 }
}

/// A complete output format: container plus sample encoding (nil for Ogg Vorbis).
public struct AudioFileFormat: Hashable, Sendable, CustomStringConvertible {
  public let container: AudioContainer
  public let sampleFormat: SampleFormat?

  /// - Parameter sampleFormat: nil picks the default (16-bit for WAV and FLAC; none for Ogg Vorbis).
  /// - Throws: `RenderError.sampleFormatNotSupported` for FLAC with 32-bit float or Ogg Vorbis with any bit depth.
  public init(container: AudioContainer, sampleFormat: SampleFormat? = nil) throws(RenderError) {
    switch (container, sampleFormat) {
    case (.ogg, let format?): throw .sampleFormatNotSupported(format, container: .ogg)
    case (.ogg, nil): self.sampleFormat = nil
    case (.flac, .float32?): throw .sampleFormatNotSupported(.float32, container: .flac)
    case (.wav, let format), (.flac, let format): self.sampleFormat = format ?? .int16
    }
    self.container = container
  }

  /// The format for a path's extension.
  /// - Throws: `RenderError.unsupportedOutputExtension` or `.sampleFormatNotSupported`.
  public static func forPath(_ path: String, sampleFormat: SampleFormat? = nil) throws(RenderError) -> AudioFileFormat {
    try AudioFileFormat(container: AudioContainer.forPath(path), sampleFormat: sampleFormat)
  }

  /// True when samples outside −1…1 are clipped on writing.
  public var clips: Bool { sampleFormat?.clips ?? true }

  public var description: String {
    sampleFormat.map { "\(container) \($0.displayName)" } ?? container.description
  }
}
