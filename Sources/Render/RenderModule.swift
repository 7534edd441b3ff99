internal import CFluidSynth
internal import CSndFile
/// MIDI sequence + SoundFont → audio (FluidSynth synthesizes, libsndfile writes).
public enum RenderModule { public static var fluidSynthVersion: String { String(cString: fluid_version_str()) }
  public static var sndfileVersion: String { String(cString: sf_version_string()) } }
