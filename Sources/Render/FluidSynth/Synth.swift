internal import CFluidSynth

/// Owns a `fluid_synth_t` and the SoundFont loaded into it. Keeps its settings alive for as long as it lives.
///
/// Not thread-safe (created with `synth.threadsafe-api` off): one owner drives it, as the offline renderer does.
final class Synth {
  private let settings: SynthSettings  // FluidSynth rule: settings outlive the synth
  private let raw: OpaquePointer

  /// Wraps `new_fluid_synth`.
  /// - Throws: `RenderError.synthCreationFailed`.
  init(settings: SynthSettings) throws(RenderError) {
    guard let raw = try settings.withRaw({ s throws(RenderError) in new_fluid_synth(s) }) else {
      throw .synthCreationFailed(function: "new_fluid_synth")
    }
    self.settings = settings
    self.raw = raw
  }

  deinit { delete_fluid_synth(raw) }  // runs before `settings` is released

  /// Loads a SoundFont and makes its presets current. Wraps `fluid_synth_sfload`.
  /// - Returns: FluidSynth's id for the font.
  /// - Throws: `RenderError.soundFontLoadFailed` with FluidSynth's own log messages about the failure.
  @discardableResult
  func loadSoundFont(at path: String) throws(RenderError) -> Int32 {
    let mark = FluidLog.shared.mark()
    let id = fluid_synth_sfload(raw, path, 1)
    guard id != FLUID_FAILED else {
      throw .soundFontLoadFailed(path: path, details: FluidLog.shared.messages(since: mark))
    }
    return id
  }

  /// Number of presets in the loaded font(s) that a bank/program lookup can find (0 means the font is unusable).
  var presetCount: Int {
    var count = 0
    let fonts = fluid_synth_sfcount(raw)
    for index in 0..<max(0, fonts) {
      guard let font = fluid_synth_get_sfont(raw, UInt32(index)) else { continue }
      fluid_sfont_iteration_start(font)
      while fluid_sfont_iteration_next(font) != nil { count += 1 }
    }
    return count
  }

  /// Sends one MIDI message to the synth. Wraps `fluid_synth_noteon`, `…_noteoff`, `…_cc`, `…_program_change`,
  /// `…_pitch_bend`, `…_channel_pressure`, `…_key_pressure` and `…_sysex`. FluidSynth's return codes are ignored on
  /// purpose: a note-off for a note that is not sounding, or a program missing from the font, is not an error of the
  /// render (FluidSynth falls back to its default preset).
  func apply(_ command: SynthCommand) {
    switch command {
    case .noteOn(let channel, let key, let velocity):
      _ = fluid_synth_noteon(raw, Int32(channel), Int32(key), Int32(velocity))
    case .noteOff(let channel, let key):
      _ = fluid_synth_noteoff(raw, Int32(channel), Int32(key))
    case .controlChange(let channel, let controller, let value):
      _ = fluid_synth_cc(raw, Int32(channel), Int32(controller), Int32(value))
    case .programChange(let channel, let program):
      _ = fluid_synth_program_change(raw, Int32(channel), Int32(program))
    case .pitchBend(let channel, let value):
      _ = fluid_synth_pitch_bend(raw, Int32(channel), Int32(value))
    case .channelPressure(let channel, let pressure):
      _ = fluid_synth_channel_pressure(raw, Int32(channel), Int32(pressure))
    case .keyPressure(let channel, let key, let pressure):
      _ = fluid_synth_key_pressure(raw, Int32(channel), Int32(key), Int32(pressure))
    case .systemExclusive(let body):
      guard !body.isEmpty else { return }
      body.withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) { chars in
          _ = fluid_synth_sysex(raw, chars.baseAddress, Int32(chars.count), nil, nil, nil, 0)
        }
      }
    }
  }

  /// Synthesizes `frames` stereo frames into `buffer`, interleaved (left, right, left, …); `buffer` holds at least
  /// `2 × frames` floats. Wraps `fluid_synth_write_float` (left at offset 0 stride 2, right at offset 1 stride 2).
  func write(frames: Int, into buffer: UnsafeMutablePointer<Float>) {
    _ = fluid_synth_write_float(raw, Int32(frames), buffer, 0, 2, buffer, 1, 2)
  }

  /// FluidSynth's internal block length in frames (64): state changes take effect at these boundaries.
  /// Wraps `fluid_synth_get_internal_bufsize`.
  var internalBlockFrames: Int { max(1, Int(fluid_synth_get_internal_bufsize(raw))) }

  /// Silences every voice, resets every channel (programs, controllers, pitch bend) and clears the effects.
  /// Wraps `fluid_synth_system_reset`.
  func systemReset() { _ = fluid_synth_system_reset(raw) }
}
