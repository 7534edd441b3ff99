import Foundation
import MIDI
import Render
import Testing

/// Bad input gives a `RenderError` with the data to explain it, and never leaves a partial file behind.
@Suite struct RenderErrorTests {
  @Test func missingSoundFontIsAnError() throws {
    #expect(throws: RenderError.soundFontNotFound(path: "/nonexistent/font.sf2", source: .commandLine)) {
      try Renderer(soundFontPath: "/nonexistent/font.sf2")
    }
  }

  @Test func corruptSoundFontIsAnErrorQuotingFluidSynth() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("broken.sf2")
    try Data("RIFF\u{0}\u{0}\u{0}\u{10}sfbkLIST garbage that is not a SoundFont".utf8).write(
      to: URL(fileURLWithPath: path))
    do {
      _ = try Renderer(soundFontPath: path)
      Issue.record("a corrupt SoundFont loaded")
    } catch {
      guard case .soundFontLoadFailed(let failedPath, let details) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(failedPath == path)
      #expect(!details.isEmpty, "FluidSynth's explanation should be kept")
      #expect(error.description.contains("not a usable SoundFont"))
    }
  }

  @Test func sampleRateOutOfRangeIsAnError() throws {
    let font = try #require(TestFont.path, TestFont.skipReason)
    #expect {
      try Renderer(soundFontPath: font, configuration: SynthConfiguration(sampleRate: 1_000))
    } throws: { error in
      guard case RenderError.invalidSetting(let name, let value, _) = error else { return false }
      return name == "synth.sample-rate" && value == "1000"
    }
  }

  @Test(arguments: ["out.mp3", "out", "out.wav.bak", "dir.wav/"])
  func unknownExtensionIsAnError(name: String) throws {
    #expect(throws: RenderError.self) { try AudioFileFormat.forPath("/tmp/" + name) }
  }

  @Test func flacCannotHoldFloatAndOggHasNoBitDepth() throws {
    #expect(throws: RenderError.sampleFormatNotSupported(.float32, container: .flac)) {
      try AudioFileFormat.forPath("x.flac", sampleFormat: .float32)
    }
    #expect(throws: RenderError.sampleFormatNotSupported(.int24, container: .ogg)) {
      try AudioFileFormat.forPath("x.ogg", sampleFormat: .int24)
    }
    #expect(try AudioFileFormat.forPath("x.FLAC").sampleFormat == .int16)
    #expect(try AudioFileFormat.forPath("x.oga").sampleFormat == nil)
  }

  @Test(.enabled(if: TestFont.available, TestFont.skipReason))
  func unwritableOutputIsAnErrorAndLeavesNothing() throws {
    let renderer = try TestFont.renderer()
    let directory = try TemporaryDirectory()
    let sequence = TestSequences.a4(program: 0)
    // A directory that does not exist.
    #expect(
      throws: RenderError.outputDirectoryMissing(
        path: directory.file("missing/a.wav"), directory: directory.file("missing"))
    ) {
      try renderer.render(sequence, to: directory.file("missing/a.wav"))
    }
    // An existing directory as the output.
    try FileManager.default.createDirectory(atPath: directory.file("taken.wav"), withIntermediateDirectories: false)
    #expect(throws: RenderError.outputIsDirectory(path: directory.file("taken.wav"))) {
      try renderer.render(sequence, to: directory.file("taken.wav"))
    }
    // A "directory" that is a regular file.
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory.file("plain")))
    #expect(throws: RenderError.self) { try renderer.render(sequence, to: directory.file("plain/a.wav")) }
    // An unknown extension: nothing is rendered or written.
    #expect(throws: RenderError.unsupportedOutputExtension(path: directory.file("a.xyz"), extension: "xyz")) {
      try renderer.render(sequence, to: directory.file("a.xyz"))
    }
    #expect(directory.contents() == ["plain", "taken.wav"])
  }

  @Test func invalidOptionsAreErrors() throws {
    #expect(throws: RenderError.self) { try RenderOptions(blockFrames: 0).validate() }
    #expect(throws: RenderError.self) { try RenderOptions(tailLimitSeconds: -1).validate() }
    #expect(throws: RenderError.self) { try RenderOptions(normalizationPeakDBFS: 3).validate() }
  }

  @Test func descriptionsSayWhatIsWrongAndHowToFixIt() {
    let none = RenderError.noSoundFont(searched: ["--soundfont: not set", "/usr/share/sounds/sf2/: does not exist"])
    #expect(none.description.contains("/usr/share/sounds/sf2/: does not exist"))
    #expect(none.description.contains("timgm6mb-soundfont"))
    #expect(none.description.contains("fluid-soundfont-gm"))
    let ext = RenderError.unsupportedOutputExtension(path: "a.mp3", extension: "mp3")
    #expect(
      ext.description
        == "a.mp3: unknown extension '.mp3'; the output type comes from the extension: .wav, .flac or .ogg")
  }
}
