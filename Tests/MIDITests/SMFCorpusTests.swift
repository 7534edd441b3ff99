import Foundation
import Testing

@testable import MIDI

/// Every file of the POP909 melody corpus (`../shared/corpora/pop-midi`, 909 files) reads, has notes, and
/// survives a write/read round trip.
@Suite struct SMFCorpusTests {
  @Test(.tags(.corpus)) func everyPOP909FileReadsAndRoundTrips() throws {
    guard let corpora = TestPaths.corpora else {
      print("skipped everyPOP909FileReadsAndRoundTrips: ../shared/corpora is absent")
      return
    }
    let folder = corpora.appendingPathComponent("pop-midi/POP909-melody")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mid") }
      .sorted()
    #expect(names.count == 909)
    var notes = 0
    for name in names {
      let sequence = try MIDIFile.read(path: folder.appendingPathComponent(name).path)
      let extracted = sequence.notes()
      #expect(!extracted.isEmpty, "\(name)")
      #expect(extracted.allSatisfy { $0.endTick >= $0.startTick }, "\(name)")
      notes += extracted.count
      #expect(try MIDIFile.decode(MIDIFile.encode(sequence)) == sequence.normalized(), "\(name)")
    }
    #expect(notes > 100_000)
  }
}
