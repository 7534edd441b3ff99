import CSndFile
import MIDI
import Render
import Testing

/// WAV, FLAC and Ogg Vorbis outputs, read back through libsndfile directly (not through Render's own reader).
@Suite(.enabled(if: TestFont.available, TestFont.skipReason))
struct RenderFormatTests {
  /// Opens a file with `sf_open` and returns its SF_INFO, or nil when libsndfile cannot read it.
  static func sndfileInfo(_ path: String) -> SF_INFO? {
    var info = SF_INFO()
    guard let file = sf_open(path, Int32(SFM_READ), &info) else { return nil }
    sf_close(file)
    return info
  }

  @Test(arguments: [
    ("wav", SampleFormat.int16, Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)),
    ("wav", .int24, Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)),
    ("wav", .float32, Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)),
    ("flac", .int16, Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)),
    ("flac", .int24, Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)),
  ])
  func losslessOutputReadsBackWithTheRightFrameCount(ext: String, bits: SampleFormat, expected: Int32) throws {
    let renderer = try TestFont.renderer()
    let directory = try TemporaryDirectory()
    let path = directory.file("a4.\(ext)")
    let report = try renderer.render(
      TestSequences.a4(program: 0), to: path, format: try .forPath(path, sampleFormat: bits),
      options: RenderOptions(normalizationPeakDBFS: -1, blockFrames: 512))
    let info = try #require(Self.sndfileInfo(path))
    #expect(info.format == expected)
    #expect(info.channels == 2)
    #expect(info.samplerate == 44_100)
    #expect(Int(info.frames) == report.frames)
    // Lossless: the peak read back is the −1 dBFS target to within the format's quantisation.
    let audio = try AudioFile.read(at: path)
    #expect(abs(audio.peak - 0.891_25) < 0.001)
    #expect(directory.contents() == ["a4.\(ext)"])
  }

  @Test func oggVorbisReadsBackWithTheRightFrameCountAndPitch() throws {
    let renderer = try TestFont.renderer(SynthConfiguration(reverb: false, chorus: false))
    let directory = try TemporaryDirectory()
    let path = directory.file("a4.ogg")
    let report = try renderer.render(
      TestSequences.a4(), to: path,
      options: RenderOptions(normalizationPeakDBFS: -1, tailLimitSeconds: 0.5, blockFrames: 512))
    let info = try #require(Self.sndfileInfo(path))
    #expect(info.format == Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS))
    #expect(Int(info.frames) == report.frames)
    let audio = try AudioFile.read(at: path)
    #expect(audio.frames == report.frames)
    // Lossy, but still an A4 that does not clip.
    #expect(audio.peak <= 1)
    let frequency = Spectrum.dominantFrequency(of: audio.mono(frames: 4410..<19845), sampleRate: audio.sampleRate)
    #expect(abs(frequency - 440) <= 2)
  }

  @Test func sampleRateSettingIsWrittenToTheFile() throws {
    let renderer = try TestFont.renderer(SynthConfiguration(sampleRate: 48_000))
    let directory = try TemporaryDirectory()
    let path = directory.file("a4.wav")
    let report = try renderer.render(
      TestSequences.a4(program: 0), to: path, options: RenderOptions(tailLimitSeconds: 0))
    let info = try #require(Self.sndfileInfo(path))
    #expect(info.samplerate == 48_000)
    #expect(report.frames == 24_000)  // one beat at 120 BPM = 0.5 s
    #expect(Int(info.frames) == 24_000)
  }
}
