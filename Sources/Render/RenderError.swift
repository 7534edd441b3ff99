/// Everything that can go wrong while finding a SoundFont, synthesizing, or writing an audio file.
///
/// `description` reads like a compiler message without the `error:` prefix (the CLI adds it): the file, what is
/// wrong, and how to fix it.
public enum RenderError: Error, Hashable, Sendable, CustomStringConvertible {
  /// No SoundFont anywhere; `searched` lists each place looked at, in order, with what was found there.
  case noSoundFont(searched: [String])
  /// A SoundFont named explicitly (flag, config, environment variable) does not exist or is not a file.
  case soundFontNotFound(path: String, source: SoundFontSource)
  /// FluidSynth could not load the file as a SoundFont; `details` are FluidSynth's own log messages about it.
  case soundFontLoadFailed(path: String, details: [String])
  /// The file loaded but holds no presets, so nothing could sound.
  case soundFontHasNoPresets(path: String)
  /// The MIDI input could not be read; `reason` is the reader's message (with the byte offset where it applies).
  case unreadableMIDIFile(path: String, reason: String)
  /// The output's extension names no format the renderer writes.
  case unsupportedOutputExtension(path: String, extension: String)
  /// The container cannot store this sample format (FLAC and 32-bit float; Ogg Vorbis and any bit depth).
  case sampleFormatNotSupported(SampleFormat, container: AudioContainer)
  /// A synthesis setting is out of range; `allowed` is FluidSynth's range for it.
  case invalidSetting(name: String, value: String, allowed: String)
  /// A render option is invalid (block size, tail length, normalisation target).
  case invalidOption(name: String, value: String, allowed: String)
  /// FluidSynth could not allocate an object (out of memory); `function` is the C function that failed.
  case synthCreationFailed(function: String)
  /// The directory the output should go into does not exist.
  case outputDirectoryMissing(path: String, directory: String)
  /// The output path names an existing directory.
  case outputIsDirectory(path: String)
  /// libsndfile could not create the (temporary) output file; `reason` is `sf_strerror`'s message.
  case cannotCreateOutput(path: String, reason: String)
  /// Writing samples failed part-way; the partial file has been removed.
  case writeFailed(path: String, reason: String)
  /// The finished temporary file could not be renamed over the destination; it has been removed.
  case cannotFinishOutput(path: String, reason: String)
  /// An audio file could not be opened or read.
  case cannotReadAudio(path: String, reason: String)

  public var description: String {
    switch self {
    case .noSoundFont(let searched):
      return """
        no SoundFont found. Looked in, in order:
        \(searched.map { "  - " + $0 }.joined(separator: "\n"))
        Install a General MIDI SoundFont (sudo apt-get install timgm6mb-soundfont, 6 MB; or fluid-soundfont-gm, \
        148 MB), put a .sf2/.sf3 file in soundfonts/, or pass --soundfont PATH.
        """
    case .soundFontNotFound(let path, let source):
      return "SoundFont \(path) (from \(source)) does not exist or is not a file; fix the path, or remove the "
        + "setting to let studio find a General MIDI font itself"
    case .soundFontLoadFailed(let path, let details):
      let said = details.isEmpty ? "" : " (FluidSynth: \(details.joined(separator: "; ")))"
      return "\(path): not a usable SoundFont\(said); pass a valid .sf2/.sf3 file such as "
        + "/usr/share/sounds/sf2/TimGM6mb.sf2"
    case .soundFontHasNoPresets(let path):
      return "\(path): the SoundFont loaded but has no presets, so nothing would sound; use a General MIDI font"
    case .unreadableMIDIFile(let path, let reason):
      return "\(path): cannot read the MIDI file: \(reason)"
    case .unsupportedOutputExtension(let path, let ext):
      let shown = ext.isEmpty ? "no extension" : "unknown extension '.\(ext)'"
      return "\(path): \(shown); the output type comes from the extension: .wav, .flac or .ogg"
    case .sampleFormatNotSupported(let format, let container):
      switch container {
      case .ogg:
        return "Ogg Vorbis is lossy and has no bit depth, so --bits \(format.rawValue) does not apply; drop --bits"
      case .flac:
        return
          "FLAC stores 16- or 24-bit integer samples, not \(format.displayName); use --bits 16 or 24, or a .wav output"
      case .wav:
        return "WAV cannot store \(format.displayName) samples"
      }
    case .invalidSetting(let name, let value, let allowed):
      return "FluidSynth setting \(name) = \(value) is not accepted (allowed: \(allowed))"
    case .invalidOption(let name, let value, let allowed):
      return "render option \(name) = \(value) is invalid (allowed: \(allowed))"
    case .synthCreationFailed(let function):
      return "FluidSynth could not create its synthesizer (\(function) failed; out of memory?)"
    case .outputDirectoryMissing(let path, let directory):
      return "\(path): the directory \(directory) does not exist; create it first (or use --out-dir, which is created)"
    case .outputIsDirectory(let path):
      return "\(path) is a directory; give a file name such as \(path.hasSuffix("/") ? path : path + "/")tune.wav"
    case .cannotCreateOutput(let path, let reason):
      return "cannot create \(path): \(reason); check that the directory exists and is writable"
    case .writeFailed(let path, let reason):
      return "cannot write \(path): \(reason) (the partial file was removed)"
    case .cannotFinishOutput(let path, let reason):
      return "cannot move the finished audio into place at \(path): \(reason) (the temporary file was removed)"
    case .cannotReadAudio(let path, let reason):
      return "\(path): cannot read audio: \(reason)"
    }
  }
}
