import Testing

@testable import MIDI

/// The reader must never trap: every input either decodes or throws a `MIDIFileError`.
@Suite struct SMFFuzzTests {
  /// Decodes `bytes`; when that succeeds and the result can be written, re-encoding must round-trip.
  static func checkNeverTraps(_ bytes: [UInt8]) -> Bool {
    guard let sequence = try? MIDIFile.decode(bytes) else { return false }
    if let again = try? MIDIFile.encode(sequence) {
      #expect((try? MIDIFile.decode(again)) == sequence.normalized())
    }
    return true
  }

  @Test func mutatedFilesDecodeOrThrow() throws {
    var rng = SplitMix64(seed: 0x5EED)
    var decoded = 0
    var total = 0
    for round in 0..<60 {
      let sequence = RandomSequences.sequence(
        format: round % 3 == 0 ? 0 : 1, ppq: 96, trackCount: round % 3 == 0 ? 1 : 3, eventsPerTrack: 1...30,
        using: &rng)
      let original = try MIDIFile.encode(sequence)
      for _ in 0..<40 {
        var bytes = original
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
          switch Int.random(in: 0..<5, using: &rng) {
          case 0:  // overwrite a byte
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
          case 1:  // flip the high bit (turns data bytes into status bytes and back)
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 0x80
          case 2:  // truncate
            bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng))
          case 3:  // insert a byte
            bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
          default:  // remove a byte
            bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
          }
          if bytes.isEmpty { bytes = [0] }
        }
        total += 1
        if Self.checkNeverTraps(bytes) { decoded += 1 }
      }
    }
    // Both outcomes must actually occur, or the mutations are not exercising the reader.
    #expect(decoded > 0)
    #expect(decoded < total)
  }

  @Test func randomBytesAfterAValidHeaderDecodeOrThrow() {
    var rng = SplitMix64(seed: 99)
    let header: [UInt8] = [0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 2, 0, 0x60]
    for _ in 0..<2000 {
      let length = Int.random(in: 0...64, using: &rng)
      var track: [UInt8] = [0x4D, 0x54, 0x72, 0x6B, 0, 0, 0, UInt8(length)]
      track += (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
      _ = Self.checkNeverTraps(header + track + track)
      _ = Self.checkNeverTraps(
        (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
  }
}
