import ABCParser
import Foundation
import MIDI
import Testing

/// The performer on rough real-world input: the LotRO-style pop corpus (`../shared/corpora/pop`, polyphonic,
/// unequal chord notes, rests in chords, legacy tempos), sampled, must play without trapping and give sane MIDI.
@Suite(.tags(.corpus)) struct PerformCorpusTests {
  @Test func tuneByTuneReadingMatchesWholeFileParsing() throws {
    // `ABCToMIDI.forEachTune` parses each tune on its own (flat memory); it must play exactly what parsing the whole
    // file gives, tune for tune.
    guard let corpora = TestPaths.corpora else {
      print("skipped: ../shared/corpora is not there")
      return
    }
    let folder = corpora.appendingPathComponent("nottingham")
    let files =
      [corpora.appendingPathComponent("irish.abc")]
      + (try FileManager.default.contentsOfDirectory(atPath: folder.path)).filter { $0.hasSuffix(".abc") }.sorted()
      .map { folder.appendingPathComponent($0) }
    var checked = 0
    for url in files {
      let bytes = Array(try Data(contentsOf: url))
      let whole = ABCParser().parse(bytes: bytes).tunes
      var k = 0
      ABCToMIDI.forEachTune(inABCBytes: bytes) { piece in
        defer { k += 1 }
        guard k < whole.count else {
          Issue.record("\(url.lastPathComponent): more tunes read one by one than in the whole file")
          return
        }
        let reference = ABCToMIDI.convert(whole[k])
        #expect(piece.info == reference.info, "\(url.lastPathComponent) #\(k)")
        #expect(piece.sequence == reference.sequence, "\(url.lastPathComponent) #\(k)")
        // The sequence is already in the canonical order the SMF writer uses.
        #expect(piece.sequence == piece.sequence.normalized(), "\(url.lastPathComponent) #\(k)")
        #expect(piece.messages(path: "f") == reference.messages(path: "f"), "\(url.lastPathComponent) #\(k)")
        checked += 1
      }
      #expect(k == whole.count, "\(url.lastPathComponent)")
    }
    #expect(checked > 1800)
  }

  @Test func popCorpusSamplePerformsToValidMIDI() throws {
    guard let corpora = TestPaths.corpora else {
      print("skipped: ../shared/corpora is not there")
      return
    }
    let folder = corpora.appendingPathComponent("pop")
    guard
      let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".abc") })
        .sorted(),
      !names.isEmpty
    else {
      print("skipped: ../shared/corpora/pop has no .abc files")
      return
    }
    // Every 8th file keeps the sweep to a few seconds in a debug build.
    var tunes = 0
    var notes = 0
    for name in names.enumerated().filter({ $0.offset % 8 == 0 }).map(\.element) {
      let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      try ABCToMIDI.forEachTune(inABCText: text) { converted in
        tunes += 1
        let p = converted.performance
        for track in p.tracks {
          for n in track.notes {
            #expect(n.onset >= .zero && n.duration >= .zero && n.end <= p.length, "\(name): \(n)")
          }
          notes += track.notes.count
        }
        // The sequence encodes and decodes to the same notes.
        let back = try MIDIFile.decode(try MIDIFile.encode(converted.sequence))
        #expect(back.notes().count == converted.sequence.notes().count, "\(name)")
      }
    }
    print("pop corpus sample: \(tunes) tunes, \(notes) notes performed")
    #expect(tunes > 100)
    #expect(notes > 10_000)
  }
}
