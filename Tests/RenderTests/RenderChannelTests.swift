import MIDI
import Render
import Testing

/// Drums on channel 10, program changes and controllers reach the synthesizer.
@Suite(.enabled(if: TestFont.available, TestFont.skipReason))
struct RenderChannelTests {
  static let options = RenderOptions(tailLimitSeconds: 0.2, blockFrames: 512)
  static let dry = SynthConfiguration(gain: 0.5, reverb: false, chorus: false)

  @Test func drumsOnChannel10Sound() throws {
    let renderer = try TestFont.renderer(Self.dry)
    // Acoustic snare (38) on channel 10 (index 9); drum notes are short, so a 0.1-beat note is enough.
    let snare = TestSequences.sequence([.init(key: 38, start: 0, beats: 0.1, velocity: 120)], channel: 9, endBeats: 1)
    let (audio, _) = try renderer.renderSamples(snare, options: Self.options)
    #expect(Spectrum.rms(audio.mono(frames: 0..<4410)) > 0.005)
    // Key 38 on channel 1 is a pitched D2 piano note: spectrally different from the snare.
    let piano = TestSequences.sequence([.init(key: 38, start: 0, beats: 0.1, velocity: 120)], channel: 0, endBeats: 1)
    let pitched = try renderer.renderSamples(piano, options: Self.options).audio
    #expect(audio.samples != pitched.samples)
  }

  @Test func programChangeSelectsTheInstrument() throws {
    let renderer = try TestFont.renderer(Self.dry)
    let flute = try renderer.renderSamples(TestSequences.a4(program: 73), options: Self.options).audio
    let organ = try renderer.renderSamples(TestSequences.a4(program: 19), options: Self.options).audio
    // Both sound at A4 but differ in timbre: the flute's energy sits at the fundamental far more than the organ's.
    let fluteFrequency = Spectrum.dominantFrequency(of: flute.mono(frames: 4410..<19845), sampleRate: 44_100)
    #expect(abs(fluteFrequency - 440) <= 2)
    #expect(flute.samples != organ.samples)
    #expect(abs(Spectrum.rms(flute.mono()) - Spectrum.rms(organ.mono())) > 1e-4)
  }

  @Test func volumeControllerScalesTheLevel() throws {
    let renderer = try TestFont.renderer(Self.dry)
    let quiet = TimedMIDIEvent(tick: 0, .controlChange(channel: MIDIChannel(0), controller: 7, value: 20))
    let full = TestSequences.a4(program: 0)
    let soft = TestSequences.sequence([.init(key: 69, start: 0, beats: 1)], program: 0, extra: [quiet])
    let loudRMS = Spectrum.rms(try renderer.renderSamples(full, options: Self.options).audio.mono())
    let softRMS = Spectrum.rms(try renderer.renderSamples(soft, options: Self.options).audio.mono())
    // CC7 20 vs the default 100: FluidSynth's volume curve is 40·log10(v/127) dB → about −28 dB.
    #expect(softRMS < loudRMS * 0.1, "soft \(softRMS) vs loud \(loudRMS)")
    #expect(softRMS > 0)
  }

  @Test func tempoChangesMoveNotesInTime() throws {
    // Two quarter notes at 60 BPM: the second starts at 1 s, so the render is twice as long as at 120 BPM.
    let renderer = try TestFont.renderer(Self.dry)
    let notes: [TestSequences.Note] = [.init(key: 69, start: 0, beats: 1), .init(key: 72, start: 1, beats: 1)]
    let slow = try renderer.renderSamples(
      TestSequences.sequence(notes, bpm: 60), options: RenderOptions(tailLimitSeconds: 0)
    ).report
    let fast = try renderer.renderSamples(
      TestSequences.sequence(notes, bpm: 120), options: RenderOptions(tailLimitSeconds: 0)
    ).report
    #expect(slow.musicFrames == 88_200)
    #expect(fast.musicFrames == 44_100)
  }
}
