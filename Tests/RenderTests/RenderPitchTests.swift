import MIDI
import Render
import Testing

/// The renderer plays the right pitches: checked by spectral analysis of the synthesized audio.
@Suite(.enabled(if: TestFont.available, TestFont.skipReason))
struct RenderPitchTests {
  /// Dry synthesis (no reverb or chorus: chorus detunes slightly) with small blocks.
  static let dry = SynthConfiguration(gain: 0.5, reverb: false, chorus: false)
  static let options = RenderOptions(tailLimitSeconds: 0.5, blockFrames: 256)

  @Test func a4RendersAt440Hz() throws {
    let renderer = try TestFont.renderer(Self.dry)
    let (audio, _) = try renderer.renderSamples(TestSequences.a4(), options: Self.options)
    // Analyse 0.1…0.45 s: past the attack, before the release.
    let window = audio.mono(frames: 4410..<19845)
    let frequency = Spectrum.dominantFrequency(of: window, sampleRate: audio.sampleRate)
    #expect(abs(frequency - 440) <= 2, "strongest frequency \(frequency) Hz")
  }

  @Test func cMajorScaleGivesEightPitchesInOrder() throws {
    let renderer = try TestFont.renderer(Self.dry)
    let (audio, _) = try renderer.renderSamples(TestSequences.cMajorScale(), options: Self.options)
    var heard: [Double] = []
    for index in 0..<8 {
      // Note `index` sounds from index × 0.25 s for 0.225 s; analyse its middle 0.03…0.2 s.
      let start = Int((Double(index) * 0.25 + 0.03) * Double(audio.sampleRate))
      let end = Int((Double(index) * 0.25 + 0.2) * Double(audio.sampleRate))
      heard.append(Spectrum.dominantFrequency(of: audio.mono(frames: start..<end), sampleRate: audio.sampleRate))
    }
    let expected = TestSequences.cMajorKeys.map(TestSequences.frequency(ofKey:))
    for (got, want) in zip(heard, expected) {
      // Within a quarter of a semitone (1.5 %).
      #expect(abs(got / want - 1) < 0.015, "heard \(got) Hz, expected \(want) Hz; all: \(heard)")
    }
    #expect(heard == heard.sorted(), "pitches not rising: \(heard)")
  }

  @Test func pitchBendRaisesTheNote() throws {
    let renderer = try TestFont.renderer(Self.dry)
    // Full bend up = +2 semitones with the default bend range: A4 → B4 (493.9 Hz).
    let bend = TimedMIDIEvent(tick: 0, .pitchBend(channel: MIDIChannel(0), value: 16383))
    let sequence = TestSequences.sequence([.init(key: 69, start: 0, beats: 1)], program: 73, extra: [bend])
    let (audio, _) = try renderer.renderSamples(sequence, options: Self.options)
    let frequency = Spectrum.dominantFrequency(of: audio.mono(frames: 4410..<19845), sampleRate: audio.sampleRate)
    #expect(abs(frequency - TestSequences.frequency(ofKey: 71)) <= 3, "bent note at \(frequency) Hz")
  }
}
