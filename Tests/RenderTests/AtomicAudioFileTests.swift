import Foundation
import Testing

@testable import Render

/// The temporary-file-and-rename mechanism behind every audio output.
@Suite struct AtomicAudioFileTests {
  static let wav16 = try! AudioFileFormat(container: .wav, sampleFormat: .int16).sndfileFormat

  @Test func commitRenamesTheFinishedFileIntoPlace() throws {
    let directory = try TemporaryDirectory()
    let file = try AtomicAudioFile(destination: directory.file("a.wav"), sndfileFormat: Self.wav16, sampleRate: 44_100)
    #expect(directory.contents().count == 1 && directory.contents()[0].hasSuffix(".tmp"))
    try [Float](repeating: 0.25, count: 200).withUnsafeBufferPointer { try file.write($0) }
    try file.commit()
    #expect(directory.contents() == ["a.wav"])
    #expect(try AudioFile.info(at: directory.file("a.wav")).frames == 100)
  }

  @Test func abandonedFileLeavesNothingAndKeepsTheOldFile() throws {
    let directory = try TemporaryDirectory()
    try Data("old".utf8).write(to: URL(fileURLWithPath: directory.file("a.wav")))
    do {
      let file = try AtomicAudioFile(
        destination: directory.file("a.wav"), sndfileFormat: Self.wav16, sampleRate: 44_100)
      try [Float](repeating: 0.25, count: 200).withUnsafeBufferPointer { try file.write($0) }
      // Dropped without commit, as when a render throws part-way.
    }
    #expect(directory.contents() == ["a.wav"])
    #expect(try String(contentsOfFile: directory.file("a.wav"), encoding: .utf8) == "old")
  }

  @Test func failedRenameRemovesTheTemporaryFile() throws {
    let directory = try TemporaryDirectory()
    let file = try AtomicAudioFile(destination: directory.file("a.wav"), sndfileFormat: Self.wav16, sampleRate: 44_100)
    try [Float](repeating: 0.25, count: 200).withUnsafeBufferPointer { try file.write($0) }
    // The destination becomes a non-empty directory while rendering: rename(2) must fail.
    try FileManager.default.createDirectory(atPath: directory.file("a.wav/inside"), withIntermediateDirectories: true)
    #expect {
      try file.commit()
    } throws: { error in
      guard case RenderError.cannotFinishOutput(let path, _) = error else { return false }
      return path == directory.file("a.wav")
    }
    #expect(directory.contents() == ["a.wav"])
  }

  @Test func cannotCreateInADirectoryThatIsAFile() throws {
    let directory = try TemporaryDirectory()
    try Data([1]).write(to: URL(fileURLWithPath: directory.file("file")))
    #expect(
      throws: RenderError.outputDirectoryMissing(path: directory.file("file/a.wav"), directory: directory.file("file"))
    ) {
      try AtomicAudioFile(destination: directory.file("file/a.wav"), sndfileFormat: Self.wav16, sampleRate: 44_100)
    }
    #expect(directory.contents() == ["file"])
  }

  @Test func temporaryPathsAreHiddenUniqueAndBesideTheDestination() {
    let a = AtomicAudioFile.temporaryPath(besides: "/x/y/tune.wav", tag: "render")
    let b = AtomicAudioFile.temporaryPath(besides: "/x/y/tune.wav", tag: "render")
    #expect(a != b)
    #expect(a.hasPrefix("/x/y/.tune.wav.") && a.hasSuffix(".render.tmp"))
    #expect(AtomicAudioFile.temporaryPath(besides: "tune.wav", tag: "t").hasPrefix("./.tune.wav."))
    #expect(AtomicAudioFile.directoryOf("/tune.wav") == "/")
  }
}
