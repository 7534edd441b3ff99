import Foundation
import MIDI

/// Renders MIDI sequences to audio with FluidSynth, keeping one SoundFont loaded across any number of renders.
///
/// The synthesizer is driven directly from studio's `MIDISequence` (no MIDI player, no temporary .mid file): events
/// are converted to sample frames through the tempo map, synthesis runs in blocks split exactly at event times, and
/// after the last event every note is released and the release/reverb tail is rendered until it has decayed 80 dB
/// below the piece's peak (capped by `RenderOptions.tailLimitSeconds`). Each render starts from a reset synthesizer (`fluid_synth_system_reset`), so the
/// result does not depend on what was rendered before. FluidSynth itself applies events at its internal 64-frame
/// block boundaries (≤ 1.5 ms at 44.1 kHz).
///
/// Not thread-safe: give each task its own `Renderer`.
public final class Renderer {
  /// The SoundFont file loaded.
  public let soundFontPath: String
  public let configuration: SynthConfiguration
  private let synth: Synth

  /// Creates the synthesizer and loads the SoundFont (once, for every later render).
  /// - Throws: `RenderError.invalidSetting` (sample rate, gain or polyphony out of FluidSynth's range),
  ///   `.soundFontNotFound`, `.soundFontLoadFailed` (not a SoundFont), `.soundFontHasNoPresets`, or
  ///   `.synthCreationFailed`.
  public init(soundFontPath: String, configuration: SynthConfiguration = SynthConfiguration()) throws(RenderError) {
    guard SoundFontLocator.isFile(soundFontPath) else {
      throw .soundFontNotFound(path: soundFontPath, source: .commandLine)
    }
    let settings = try SynthSettings()
    try Self.check("synth.sample-rate", Double(configuration.sampleRate), in: settings.numberRange("synth.sample-rate"))
    try Self.check("synth.gain", configuration.gain, in: settings.numberRange("synth.gain"))
    try settings.set("synth.sample-rate", Double(configuration.sampleRate))
    try settings.set("synth.gain", configuration.gain)
    try settings.set("synth.reverb.active", configuration.reverb ? 1 : 0)
    try settings.set("synth.chorus.active", configuration.chorus ? 1 : 0)
    try settings.set("synth.polyphony", configuration.polyphony)
    // Containers usually cannot pin memory; FluidSynth would only warn.
    try settings.set("synth.lock-memory", 0)
    // One owner drives the synth, so FluidSynth's per-call mutex is not needed.
    try settings.set("synth.threadsafe-api", 0)
    let synth = try Synth(settings: settings)
    try synth.loadSoundFont(at: soundFontPath)
    guard synth.presetCount > 0 else { throw .soundFontHasNoPresets(path: soundFontPath) }
    self.synth = synth
    self.soundFontPath = soundFontPath
    self.configuration = configuration
  }

  /// Renders a sequence to an audio file, written atomically (temporary file in the same directory, renamed on
  /// success, removed on failure).
  /// - Parameters:
  ///   - format: the output format; nil takes it from the path's extension (16-bit for WAV and FLAC).
  ///   - progress: called after every block.
  /// - Throws: `RenderError` — `.unsupportedOutputExtension`, `.sampleFormatNotSupported`, `.invalidOption`,
  ///   `.outputDirectoryMissing`, `.outputIsDirectory`, `.cannotCreateOutput`, `.writeFailed`, `.cannotFinishOutput`.
  @discardableResult
  public func render(
    _ sequence: MIDISequence, to path: String, format formatOrNil: AudioFileFormat? = nil,
    options: RenderOptions = RenderOptions(),
    progress: (RenderProgress) -> Void = { _ in }
  ) throws(RenderError) -> RenderReport {
    try options.validate()
    try Self.checkOutputPath(path)
    let format: AudioFileFormat
    if let given = formatOrNil { format = given } else { format = try AudioFileFormat.forPath(path) }
    let schedule = SynthSchedule(sequence: sequence, sampleRate: configuration.sampleRate)

    guard let peakDBFS = options.normalizationPeakDBFS else {
      let output = try AtomicAudioFile(
        destination: path, sndfileFormat: format.sndfileFormat, sampleRate: configuration.sampleRate)
      var clipped = 0
      let pass = try synthesize(schedule, options: options, progress: progress) { block throws(RenderError) in
        if format.clips { clipped += Self.countClipped(UnsafeBufferPointer(block)) }
        try output.write(UnsafeBufferPointer(block))
      }
      try output.commit()
      return report(
        pass, normalizationGain: nil, outputPeak: format.clips ? min(pass.peak, 1) : pass.peak, clipped: clipped)
    }

    let target = Float(pow(10, peakDBFS / 20))
    let estimatedFrames = schedule.endFrame + tailLimitFrames(options)
    if estimatedFrames <= options.inMemoryLimitFrames {
      var (samples, pass) = synthesizeToMemory(schedule, options: options, progress: progress)
      let gain: Float? = pass.peak > 0 ? target / pass.peak : nil
      if let gain { for i in samples.indices { samples[i] *= gain } }
      let output = try AtomicAudioFile(
        destination: path, sndfileFormat: format.sndfileFormat, sampleRate: configuration.sampleRate)
      let chunk = 65_536 * 2
      var start = 0
      while start < samples.count {
        let end = min(samples.count, start + chunk)
        try samples.withUnsafeBufferPointer { all throws(RenderError) in
          try output.write(UnsafeBufferPointer(rebasing: all[start..<end]))
        }
        start = end
        progress(RenderProgress(phase: .writing, frames: start / 2, totalFrames: samples.count / 2))
      }
      try output.commit()
      return report(pass, normalizationGain: gain, outputPeak: gain.map { pass.peak * $0 } ?? 0, clipped: 0)
    }
    return try renderNormalizedThroughScratchFile(
      schedule, to: path, format: format, target: target, options: options, progress: progress)
  }

  /// Checks that an audio file can be created at `path`: its directory exists and it is not a directory itself.
  /// `render(_:to:)` checks this first; call it to fail early, before any work.
  /// - Throws: `RenderError.outputDirectoryMissing` or `.outputIsDirectory`.
  public static func checkOutputPath(_ path: String) throws(RenderError) {
    try AtomicAudioFile.checkDestination(path)
  }

  /// Renders a sequence into memory (normalised when `options.normalizationPeakDBFS` is set).
  /// - Throws: `RenderError.invalidOption`.
  public func renderSamples(
    _ sequence: MIDISequence, options: RenderOptions = RenderOptions(), progress: (RenderProgress) -> Void = { _ in }
  ) throws(RenderError) -> (audio: RenderedAudio, report: RenderReport) {
    try options.validate()
    let schedule = SynthSchedule(sequence: sequence, sampleRate: configuration.sampleRate)
    var (samples, pass) = synthesizeToMemory(schedule, options: options, progress: progress)
    var gain: Float?
    if let peakDBFS = options.normalizationPeakDBFS, pass.peak > 0 {
      let g = Float(pow(10, peakDBFS / 20)) / pass.peak
      for i in samples.indices { samples[i] *= g }
      gain = g
    }
    let audio = RenderedAudio(sampleRate: configuration.sampleRate, channels: 2, samples: samples)
    return (
      audio, report(pass, normalizationGain: gain, outputPeak: gain.map { pass.peak * $0 } ?? pass.peak, clipped: 0)
    )
  }

  // MARK: - Synthesis

  /// What one synthesis pass produced.
  private struct Pass {
    var musicFrames: Int
    var tailFrames: Int
    var tailWasCut: Bool
    var peak: Float
  }

  private func tailLimitFrames(_ options: RenderOptions) -> Int {
    Int((options.tailLimitSeconds * Double(configuration.sampleRate)).rounded())
  }

  private func report(_ pass: Pass, normalizationGain: Float?, outputPeak: Float, clipped: Int) -> RenderReport {
    RenderReport(
      sampleRate: configuration.sampleRate, frames: pass.musicFrames + pass.tailFrames, musicFrames: pass.musicFrames,
      tailFrames: pass.tailFrames, tailWasCut: pass.tailWasCut, synthesizedPeak: pass.peak,
      normalizationGain: normalizationGain, outputPeak: outputPeak, clippedSamples: clipped)
  }

  private func synthesizeToMemory(
    _ schedule: SynthSchedule, options: RenderOptions, progress: (RenderProgress) -> Void
  ) -> ([Float], Pass) {
    var samples: [Float] = []
    samples.reserveCapacity((schedule.endFrame + tailLimitFrames(options) / 2) * 2)
    let pass = synthesize(schedule, options: options, progress: progress) {
      (block: UnsafeMutableBufferPointer<Float>) in
      samples.append(contentsOf: block)
    }
    return (samples, pass)
  }

  /// Synthesizes `schedule` block by block into `sink` (interleaved stereo; the buffer is reused after `sink`
  /// returns), then releases every note and renders the tail.
  private func synthesize<E: Error>(
    _ schedule: SynthSchedule, options: RenderOptions, progress: (RenderProgress) -> Void,
    sink: (UnsafeMutableBufferPointer<Float>) throws(E) -> Void
  ) throws(E) -> Pass {
    synth.systemReset()
    let blockFrames = options.blockFrames
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: blockFrames * 2)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 0, count: blockFrames * 2)

    // Music: apply every event due at `frame`, then render up to the next event (at most one block).
    let commands = schedule.commands
    var frame = 0
    var next = 0
    var peak: Float = 0
    while true {
      while next < commands.count, commands[next].frame <= frame {
        synth.apply(commands[next].command)
        next += 1
      }
      let stop = next < commands.count ? commands[next].frame : schedule.endFrame
      let count = min(blockFrames, stop - frame)
      if count <= 0 { break }
      synth.write(frames: count, into: buffer)
      let block = UnsafeMutableBufferPointer(start: buffer, count: count * 2)
      peak = max(peak, Self.peak(of: UnsafeBufferPointer(block)))
      try sink(block)
      frame += count
      progress(RenderProgress(phase: .music, frames: frame, totalFrames: schedule.endFrame))
    }

    // Release everything still held (sustain and sostenuto pedals up, then All Notes Off) so the tail is a release.
    for channel in UInt8(0)..<16 {
      synth.apply(.controlChange(channel: channel, controller: 64, value: 0))
      synth.apply(.controlChange(channel: channel, controller: 66, value: 0))
      synth.apply(.controlChange(channel: channel, controller: 123, value: 0))
    }

    // Tail: until a block is 80 dB below the loudest sample so far (released voices, if any still run, are inaudible
    // by then), or until the limit, where the last block fades out.
    let tailLimit = tailLimitFrames(options)
    var tail = 0
    var cut = false
    while tail < tailLimit {
      let count = min(blockFrames, tailLimit - tail)
      synth.write(frames: count, into: buffer)
      let block = UnsafeMutableBufferPointer(start: buffer, count: count * 2)
      let blockPeak = Self.peak(of: UnsafeBufferPointer(block))
      let silent = blockPeak <= peak * Self.tailSilence
      if tail + count == tailLimit && !silent {
        Self.fadeOut(block, frames: count)
        cut = true
      }
      peak = max(peak, Self.peak(of: UnsafeBufferPointer(block)))
      try sink(block)
      tail += count
      progress(RenderProgress(phase: .tail, frames: tail, totalFrames: tailLimit))
      if silent { break }
    }

    // Consume the rest of FluidSynth's partly used internal block so the next render starts block-aligned.
    let internalBlock = synth.internalBlockFrames
    var leftover = (internalBlock - (frame + tail) % internalBlock) % internalBlock
    while leftover > 0 {
      let count = min(leftover, blockFrames)
      synth.write(frames: count, into: buffer)
      leftover -= count
    }
    return Pass(musicFrames: frame, tailFrames: tail, tailWasCut: cut, peak: peak)
  }

  /// Second pass through a temporary 32-bit float file next to the output, for renders too long to hold in memory.
  private func renderNormalizedThroughScratchFile(
    _ schedule: SynthSchedule, to path: String, format: AudioFileFormat, target: Float, options: RenderOptions,
    progress: (RenderProgress) -> Void
  ) throws(RenderError) -> RenderReport {
    let scratchPath = AtomicAudioFile.temporaryPath(besides: path, tag: "float")
    defer { unlink(scratchPath) }
    let pass: Pass
    do {
      let scratch = try SoundFileWriter(
        path: scratchPath, format: AudioFileFormat.scratchSndfileFormat, sampleRate: configuration.sampleRate)
      pass = try synthesize(schedule, options: options, progress: progress) { block throws(RenderError) in
        try scratch.write(UnsafeBufferPointer(block))
      }
      try scratch.close()
    } catch {
      throw Self.describingScratch(error, destination: path)
    }
    let gain: Float? = pass.peak > 0 ? target / pass.peak : nil
    let reader = try SoundFileReader(path: scratchPath)
    let output = try AtomicAudioFile(
      destination: path, sndfileFormat: format.sndfileFormat, sampleRate: configuration.sampleRate)
    var chunk = [Float](repeating: 0, count: 65_536 * 2)
    var done = 0
    while true {
      let got = try chunk.withUnsafeMutableBufferPointer { buffer throws(RenderError) in try reader.read(into: buffer) }
      if got == 0 { break }
      if let gain { for i in 0..<(got * 2) { chunk[i] *= gain } }
      try chunk.withUnsafeBufferPointer { all throws(RenderError) in
        try output.write(UnsafeBufferPointer(rebasing: all[0..<(got * 2)]))
      }
      done += got
      progress(RenderProgress(phase: .writing, frames: done, totalFrames: reader.frames))
    }
    try output.commit()
    return report(pass, normalizationGain: gain, outputPeak: gain.map { pass.peak * $0 } ?? 0, clipped: 0)
  }

  // MARK: - Helpers

  private static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>?) throws(RenderError) {
    guard let range, !range.contains(value) else { return }
    let shown = value == value.rounded() ? String(Int(value)) : String(value)
    let bound = { (x: Double) in x == x.rounded() ? String(Int(x)) : String(x) }
    throw .invalidSetting(name: name, value: shown, allowed: "\(bound(range.lowerBound))…\(bound(range.upperBound))")
  }

  /// A scratch-file failure is reported against the destination, saying what the scratch file was for.
  private static func describingScratch(_ error: RenderError, destination: String) -> RenderError {
    switch error {
    case .cannotCreateOutput(_, let reason):
      return .cannotCreateOutput(path: destination, reason: "temporary file for normalisation: \(reason)")
    case .writeFailed(_, let reason):
      return .writeFailed(path: destination, reason: "temporary file for normalisation: \(reason)")
    default: return error
    }
  }

  /// The tail ends at a block whose peak is at most this fraction of the loudest sample so far (−80 dB).
  static let tailSilence: Float = 1e-4

  static func peak(of samples: UnsafeBufferPointer<Float>) -> Float {
    var peak: Float = 0
    for sample in samples { peak = max(peak, abs(sample)) }
    return peak
  }

  static func countClipped(_ samples: UnsafeBufferPointer<Float>) -> Int {
    var count = 0
    for sample in samples where abs(sample) > 1 { count += 1 }
    return count
  }

  /// A linear fade to silence over `frames` interleaved stereo frames.
  static func fadeOut(_ block: UnsafeMutableBufferPointer<Float>, frames: Int) {
    guard frames > 0 else { return }
    for frame in 0..<frames {
      let g = Float(frames - 1 - frame) / Float(frames)
      block[frame * 2] *= g
      block[frame * 2 + 1] *= g
    }
  }
}
