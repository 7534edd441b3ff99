import MIDI
import Render
import Testing

/// Length, level and tail of renders: properties, never hashes of audio.
@Suite(.enabled(if: TestFont.available, TestFont.skipReason))
struct RenderLengthTests {
  static let rate = 44_100

  @Test func lengthIsMIDILengthPlusTailWithinOneBlock() throws {
    let renderer = try TestFont.renderer()
    let sequence = TestSequences.a4(program: 0, beats: 1)  // piano, reverb and chorus on
    let options = RenderOptions(tailLimitSeconds: 3, blockFrames: 512)
    let (audio, report) = try renderer.renderSamples(sequence, options: options)
    let midiFrames = Int((sequence.durationSeconds * Double(Self.rate)).rounded())
    #expect(report.musicFrames == midiFrames)
    #expect(audio.frames == report.frames)
    #expect(report.frames == midiFrames + report.tailFrames)
    // The tail ended on its own (voices silent, reverb decayed), not at the limit …
    #expect(!report.tailWasCut)
    #expect(report.tailFrames > 0 && report.tailFrames < 3 * Self.rate)
    // … within one block of going quiet: the last block is 80 dB below the peak, and the sound was above that
    // level less than two blocks before the end (the tail is not padded with silence).
    let threshold = report.synthesizedPeak * 1e-4
    let last = audio.samples.suffix(512 * 2)
    #expect(last.map(abs).max() ?? 0 <= threshold)
    let lastLoudFrame = (audio.samples.lastIndex { abs($0) > threshold } ?? 0) / 2
    #expect(audio.frames - lastLoudFrame <= 2 * 512, "quiet for \(audio.frames - lastLoudFrame) frames before the end")
  }

  @Test func noTailStopsExactlyAtTheLastEvent() throws {
    let renderer = try TestFont.renderer()
    let sequence = TestSequences.a4(program: 0, beats: 3)
    let (audio, report) = try renderer.renderSamples(
      sequence, options: RenderOptions(tailLimitSeconds: 0, blockFrames: 300))
    #expect(audio.frames == Int((sequence.durationSeconds * Double(Self.rate)).rounded()))
    #expect(report.tailFrames == 0)
  }

  @Test func aTailCutByTheLimitFadesOut() throws {
    let renderer = try TestFont.renderer()
    // Church organ (program 19) with reverb: still sounding 0.2 s after the release.
    let sequence = TestSequences.sequence([.init(key: 60, start: 0, beats: 1, velocity: 127)], program: 19)
    let (audio, report) = try renderer.renderSamples(
      sequence, options: RenderOptions(tailLimitSeconds: 0.05, blockFrames: 256))
    #expect(report.tailWasCut)
    #expect(report.tailFrames == Int((0.05 * Double(Self.rate)).rounded()))
    #expect(abs(audio.samples[audio.samples.count - 1]) < 1e-6)
    #expect(abs(audio.samples[audio.samples.count - 2]) < 1e-6)
  }

  @Test func renderIsNotSilent() throws {
    let renderer = try TestFont.renderer()
    let (audio, report) = try renderer.renderSamples(TestSequences.cMajorScale(program: 0))
    #expect(report.synthesizedPeak > 0.01)
    #expect(Spectrum.rms(audio.mono()) > 0.001)
  }

  @Test func normalizeReachesTheTargetAndNeverClips() throws {
    // Gain 10 drives the synth far past full scale; normalising brings the peak back to −1 dBFS.
    let renderer = try TestFont.renderer(SynthConfiguration(gain: 10))
    let sequence = TestSequences.sequence(
      [60, 64, 67, 72].map { .init(key: $0, start: 0, beats: 2, velocity: 127) }, program: 0)
    let directory = try TemporaryDirectory()
    let loud = try renderer.render(sequence, to: directory.file("loud.wav"), options: RenderOptions(blockFrames: 512))
    #expect(loud.synthesizedPeak > 1)
    #expect(loud.clippedSamples > 0)

    let options = RenderOptions(normalizationPeakDBFS: -1, blockFrames: 512)
    let report = try renderer.render(sequence, to: directory.file("normal.wav"), options: options)
    #expect(report.clippedSamples == 0)
    let audio = try AudioFile.read(at: directory.file("normal.wav"))
    let target: Float = 0.891_25  // −1 dBFS
    #expect(audio.peak <= 1)
    #expect(abs(audio.peak - target) < 0.001, "peak \(audio.peak)")
    #expect(abs(report.outputPeakDBFS + 1) < 0.01)
  }

  @Test func normalizeThroughAScratchFileMatchesInMemory() throws {
    // Two fresh renderers: the effects' modulation (chorus LFO) keeps running across renders on one synth.
    let sequence = TestSequences.cMajorScale(program: 0)
    let directory = try TemporaryDirectory()
    let memory = RenderOptions(normalizationPeakDBFS: -1, blockFrames: 512)
    var scratch = memory
    scratch.inMemoryLimitFrames = 0  // force the temporary float file
    let float = try AudioFileFormat(container: .wav, sampleFormat: .float32)
    try TestFont.renderer().render(sequence, to: directory.file("memory.wav"), format: float, options: memory)
    try TestFont.renderer().render(sequence, to: directory.file("scratch.wav"), format: float, options: scratch)
    let a = try AudioFile.read(at: directory.file("memory.wav"))
    let b = try AudioFile.read(at: directory.file("scratch.wav"))
    #expect(a.frames > 44_100)
    #expect(sampleDifference(a.samples, b.samples) == nil)
    #expect(directory.contents() == ["memory.wav", "scratch.wav"])  // the scratch file is gone
  }

  @Test func rendersAreIndependentOfWhatCameBefore() throws {
    // One renderer, SoundFont loaded once; the system reset between renders restores programs, controllers and
    // pitch bend, so a repeat is the same to within −120 dBFS (FluidSynth leaves ~1e-8 of residue). Dry: FluidSynth
    // does not reset the phase of the chorus and reverb modulation.
    let renderer = try TestFont.renderer(SynthConfiguration(reverb: false, chorus: false))
    let options = RenderOptions(blockFrames: 500)
    let first = try renderer.renderSamples(TestSequences.a4(program: 0), options: options).audio
    let bend = TimedMIDIEvent(tick: 0, .pitchBend(channel: MIDIChannel(0), value: 0))
    let volume = TimedMIDIEvent(tick: 0, .controlChange(channel: MIDIChannel(0), controller: 7, value: 30))
    let other = TestSequences.sequence([.init(key: 50, start: 0, beats: 1.3)], program: 48, extra: [bend, volume])
    _ = try renderer.renderSamples(other, options: options)
    let again = try renderer.renderSamples(TestSequences.a4(program: 0), options: options).audio
    #expect(sampleDifference(first.samples, again.samples, tolerance: 1e-6) == nil)
  }

  @Test func blockSizeDoesNotChangeTheMusic() throws {
    // Blocks are split exactly at event times, so the block size does not move any event.
    let small = try TestFont.renderer().renderSamples(
      TestSequences.cMajorScale(), options: RenderOptions(tailLimitSeconds: 0, blockFrames: 64))
    let large = try TestFont.renderer().renderSamples(
      TestSequences.cMajorScale(), options: RenderOptions(tailLimitSeconds: 0, blockFrames: 4096))
    #expect(small.audio.frames == large.audio.frames)
    #expect(sampleDifference(small.audio.samples, large.audio.samples) == nil)
  }
}
