import ABCParser
import Foundation
import MIDI
import Testing

/// POP909: every melody track imported to ABC and checked with the validator (target: ≥ 98 % without errors).
@Suite struct ImportCorpusTests {
  /// `../shared/corpora/pop-midi/POP909-melody/*.mid`, sorted, or `nil` (with the reason printed) when absent.
  static func pop909Files() throws -> [String]? {
    guard let corpora = TestPaths.corpora else {
      print("skipped: ../shared/corpora is absent")
      return nil
    }
    let folder = corpora.appendingPathComponent("pop-midi/POP909-melody")
    guard FileManager.default.fileExists(atPath: folder.path) else {
      print("skipped: \(folder.path) is absent")
      return nil
    }
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mid") }.sorted()
      .map { folder.appendingPathComponent($0).path }
  }

  @Test(.tags(.corpus)) func pop909MelodiesImportToValidABC() throws {
    guard let files = try Self.pop909Files() else { return }
    #expect(files.count == 909)
    let outcome = ABCImportBatch(options: ABCImportOptions(), validates: false).importFiles(files)
    // Validate the combined file once (what `studio validate` does) and count the tunes without errors.
    let file = ABCParser().parse(outcome.abcText)
    #expect(file.tunes.count == outcome.imported.count)
    #expect(Set(file.tunes.compactMap(\.referenceNumber)).count == file.tunes.count)
    let errors = ABCValidator().validate(file).filter { $0.severity == .error }
    let badTunes = Set(errors.compactMap(\.tuneIndex))
    let valid = file.tunes.count - badTunes.count
    let share = Double(valid) / Double(files.count)
    print(
      "POP909: \(valid) of \(files.count) melodies import to ABC without validator errors "
        + "(\(String(format: "%.1f", share * 100))%); \(outcome.failures.count) failed to import")
    for e in errors.prefix(5) { print("  \(e)") }
    for f in outcome.failures.prefix(5) { print("  \(f)") }
    #expect(share >= 0.98)
    #expect(errors.filter { $0.tuneIndex == nil }.isEmpty)
  }

  @Test(.tags(.corpus)) func pop909GridsAndMetersAreSensible() throws {
    guard let files = try Self.pop909Files() else { return }
    // A sample of every 10th song: the melody track is found, the grid fits far better than chance (an eighth of a
    // step either side catches 25 % of random onsets; sung timing jitters) and almost every note is kept.
    for path in files.enumerated().filter({ $0.offset % 10 == 0 }).map(\.element) {
      let result = try ABCImporter().importMelody(from: MIDIFile.read(path: path))
      let r = result.report
      #expect(r.track == 1, "\(path): melody is track 1 (MELODY)")
      #expect(r.fit.share >= 0.5, "\(path): \(r.fit.share) of onsets on \(r.fit.grid)")
      #expect(r.notes.count * 100 >= r.sourceNoteCount * 97, "\(path): \(r.notes.count) of \(r.sourceNoteCount) kept")
    }
  }
}
