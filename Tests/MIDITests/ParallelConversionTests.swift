import Foundation
import Synchronization
import Testing

@testable import MIDI

/// `ABCToMIDI.forEachTune(inABCBytes:options:concurrency:transform:_:)` and the ordered worker pool under it: results
/// in order, errors in order, early stops, and the same tunes as the one-by-one reading.
@Suite struct ParallelConversionTests {
  struct Failure: Error, Equatable { var index: Int }

  @Test(arguments: [1, 2, 3, 8])
  func resultsArriveInJobOrder(concurrency: Int) throws {
    var seen: [Int] = []
    try OrderedParallelWork.forEach(
      count: 500, concurrency: concurrency, window: 5,
      job: { k in
        // Uneven job lengths, so later jobs often finish first.
        var x = 0
        for i in 0..<((k * 7919) % 23) * 200 { x &+= i }
        return k + (x == -1 ? 1 : 0)
      }, body: { seen.append($0) })
    #expect(seen == Array(0..<500))
  }

  @Test func aJobErrorIsRethrownAfterEveryEarlierResult() {
    var seen: [Int] = []
    #expect(throws: Failure(index: 40)) {
      try OrderedParallelWork.forEach(
        count: 200, concurrency: 3,
        job: { k in
          if k == 40 || k == 120 { throw Failure(index: k) }
          return k
        }, body: { seen.append($0) })
    }
    #expect(seen == Array(0..<40))
  }

  @Test func aBodyErrorStopsTheRun() {
    let started = Mutex(0)
    #expect(throws: Failure(index: 10)) {
      try OrderedParallelWork.forEach(
        count: 10_000, concurrency: 2, window: 4,
        job: { k in
          started.withLock { $0 += 1 }
          return k
        },
        body: { k in
          if k == 10 { throw Failure(index: k) }
        })
    }
    // At most the window of jobs ran past the one that stopped the run.
    #expect(started.withLock { $0 } <= 10 + 1 + 4 + 2)
  }

  @Test func parallelReadingGivesTheSameTunesAsOneByOne() throws {
    let text =
      (1...40).map { x in
        """
        X:\(x)
        T:Tune \(x)
        M:6/8
        L:1/8
        K:\(["G", "D", "Amin", "Edor"][x % 4])
        "G"GAB "D"d2e|"C"c2A "G"G3|\(x % 3 == 0 ? "{g}" : "")fga b2a|"D"d3 d2:|

        """
      }.joined() + "X:41\nT:No music\n\n"
    let bytes = Array(text.utf8)
    var expected: [(ABCToMIDI.TuneInfo, [UInt8], [String], Bool)] = []
    try ABCToMIDI.forEachTune(inABCBytes: bytes) { t in
      expected.append((t.info, try MIDIFile.encode(t.sequence), t.messages(path: "f"), t.hasMusic))
    }
    var got: [(ABCToMIDI.TuneInfo, [UInt8], [String], Bool)] = []
    try ABCToMIDI.forEachTune(
      inABCBytes: bytes, concurrency: 3,
      transform: { t in (t.info, try MIDIFile.encode(t.sequence), t.messages(path: "f"), t.hasMusic) },
      body: { got.append($0) })
    #expect(got.count == 41)
    #expect(got.map(\.0) == expected.map(\.0))
    #expect(got.map(\.1) == expected.map(\.1))
    #expect(got.map(\.2) == expected.map(\.2))
    #expect(got.map(\.3) == expected.map(\.3))
  }
}
