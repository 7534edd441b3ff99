internal import CFluidSynth

/// Owns a `fluid_settings_t`. A `Synth` keeps its settings alive for as long as it lives (FluidSynth's rule).
final class SynthSettings {
  private let raw: OpaquePointer

  /// Wraps `new_fluid_settings`.
  /// - Throws: `RenderError.synthCreationFailed` when FluidSynth cannot allocate the settings.
  init() throws(RenderError) {
    FluidLog.install()
    guard let raw = new_fluid_settings() else { throw .synthCreationFailed(function: "new_fluid_settings") }
    self.raw = raw
  }

  deinit { delete_fluid_settings(raw) }

  /// Gives the raw pointer to other wrappers of this module for the duration of `body`.
  func withRaw<T>(_ body: (OpaquePointer) throws(RenderError) -> T) throws(RenderError) -> T { try body(raw) }

  /// Sets an integer setting. Wraps `fluid_settings_setint`.
  /// - Throws: `RenderError.invalidSetting` when FluidSynth rejects the name or the value.
  func set(_ name: String, _ value: Int) throws(RenderError) {
    guard fluid_settings_setint(raw, name, Int32(clamping: value)) == FLUID_OK else {
      throw .invalidSetting(
        name: name, value: String(value),
        allowed: intRange(name).map { "\($0.lowerBound)…\($0.upperBound)" } ?? "unknown")
    }
  }

  /// Sets a floating-point setting. Wraps `fluid_settings_setnum`.
  /// - Throws: `RenderError.invalidSetting` when FluidSynth rejects the name or the value.
  func set(_ name: String, _ value: Double) throws(RenderError) {
    guard fluid_settings_setnum(raw, name, value) == FLUID_OK else {
      throw .invalidSetting(
        name: name, value: String(value),
        allowed: numberRange(name).map { "\($0.lowerBound)…\($0.upperBound)" } ?? "unknown")
    }
  }

  /// The allowed range of a floating-point setting. Wraps `fluid_settings_getnum_range`.
  func numberRange(_ name: String) -> ClosedRange<Double>? {
    var low = 0.0
    var high = 0.0
    guard fluid_settings_getnum_range(raw, name, &low, &high) == FLUID_OK, low <= high else { return nil }
    return low...high
  }

  /// The allowed range of an integer setting. Wraps `fluid_settings_getint_range`.
  func intRange(_ name: String) -> ClosedRange<Int>? {
    var low: Int32 = 0
    var high: Int32 = 0
    guard fluid_settings_getint_range(raw, name, &low, &high) == FLUID_OK, low <= high else { return nil }
    return Int(low)...Int(high)
  }
}
