import ABCParser
import Foundation
import MIDI
import Render

/// Writes each generated tune as `DIR/<name>.abc`, and with `midi`/`wav` the `.mid`/`.wav` beside it. Every file is
/// written atomically; names come from the title and never replace an existing file unless `overwrite`.
final class TuneFileWriter {
  /// The files written for one tune.
  struct Written: Sendable, Codable, Equatable {
    var abc: String
    var midi: String?
    var wav: String?
    /// Problems converting this tune to MIDI or audio (the `.abc` is still written), e.g. for `--raw` samples.
    var warnings: [String]
  }

  let directory: String
  let midi: Bool
  let wav: Bool
  private var namer: OutputNamer
  /// Created on first use (loading a SoundFont takes a moment).
  private var renderer: Renderer?
  private let soundFontPath: String?
  private let synthConfiguration: SynthConfiguration
  private let sampleFormat: SampleFormat?
  /// The longest audio rendered per tune (`render.max_seconds`).
  var limit = RenderLimit(maxSeconds: RenderConfig.defaultMaxSeconds)
  /// Called after each tune's files are written (the seam for `--play`).
  var onWritten: [(GeneratedTune, Written) throws -> Void] = []

  /// - Parameters:
  ///   - soundFontPath: required when `wav` is set (callers resolve it with `SoundFontLocator`).
  init(
    directory: String, midi: Bool, wav: Bool, overwrite: Bool, soundFontPath: String? = nil,
    synthConfiguration: SynthConfiguration = SynthConfiguration(), sampleFormat: SampleFormat? = nil
  ) {
    self.directory = directory
    self.midi = midi
    self.wav = wav
    var extensions = ["abc"]
    if midi { extensions.append("mid") }
    if wav { extensions.append("wav") }
    self.namer = OutputNamer(directory: directory, extensions: extensions, overwrite: overwrite)
    self.soundFontPath = soundFontPath
    self.synthConfiguration = synthConfiguration
    self.sampleFormat = sampleFormat
  }

  /// Writes `tune`'s files and runs the `onWritten` hooks.
  /// - Throws: I/O errors (`AtomicWriter.WriteError`, `RenderError` when the synthesizer cannot start).
  @discardableResult
  func write(_ tune: GeneratedTune) throws -> Written {
    let stem = namer.reservePath(for: tune.title)
    var written = Written(abc: stem + ".abc", midi: nil, wav: nil, warnings: [])
    try AtomicWriter.write(tune.text, to: written.abc)
    if midi || wav {
      switch TuneMIDI.sequence(for: tune.text) {
      case .success(let sequence):
        if midi {
          let path = stem + ".mid"
          try AtomicWriter.write(try MIDIFile.encode(sequence), to: path)
          written.midi = path
        }
        if wav {
          let path = stem + ".wav"
          let format = try AudioFileFormat.forPath(path, sampleFormat: sampleFormat)
          do {
            try limit.check(sequence, source: written.abc)
            let renderer = try makeRenderer()
            try AtomicWriter.withDestination(path) { try renderer.render(sequence, to: $0, format: format) }
            written.wav = path
          } catch let tooLong as StudioFailure where tooLong.exitCode == 1 {
            written.warnings.append("no audio written: \(tooLong.message)")
          }
        }
      case .failure(let problem):
        written.warnings.append("\(written.abc): no MIDI or audio written: \(problem.description)")
      }
    }
    for hook in onWritten { try hook(tune, written) }
    return written
  }

  private func makeRenderer() throws -> Renderer {
    if let renderer { return renderer }
    guard let soundFontPath else { throw StudioFailure("--wav needs a SoundFont (pass --soundfont PATH)") }
    let made = try Renderer(soundFontPath: soundFontPath, configuration: synthConfiguration)
    renderer = made
    return made
  }
}
