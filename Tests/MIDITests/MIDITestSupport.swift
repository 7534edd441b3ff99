import Foundation
import MIDI

/// A seeded generator (SplitMix64, as in argument-parser's `roll` example) so random tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

enum TestPaths {
  /// The package root, found from this file's path (`Tests/MIDITests/…`).
  static func packageRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// `../shared/corpora` next to the package, or `nil` when it is absent.
  static var corpora: URL? {
    let url = packageRoot().deletingLastPathComponent().appendingPathComponent("shared/corpora")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// A fresh empty directory under the system temporary directory.
  static func temporaryDirectory(_ label: String = "midi-tests") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The full path of an executable on `PATH`, or `nil`.
  static func executable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}

/// Builds random but valid sequences that exercise every event kind.
enum RandomSequences {
  static func event(using rng: inout SplitMix64) -> MIDIEvent {
    let channel = MIDIChannel(Int.random(in: 0...15, using: &rng))
    func byte() -> UInt7 { UInt7(Int.random(in: 0...127, using: &rng)) }
    func bytes(_ range: ClosedRange<Int>) -> [UInt8] {
      (0..<Int.random(in: range, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
    switch Int.random(in: 0..<22, using: &rng) {
    case 0, 1, 2: return .noteOn(channel: channel, note: byte(), velocity: byte())
    case 3, 4: return .noteOff(channel: channel, note: byte(), velocity: byte())
    case 5: return .polyPressure(channel: channel, note: byte(), pressure: byte())
    case 6: return .controlChange(channel: channel, controller: byte(), value: byte())
    case 7: return .programChange(channel: channel, program: byte())
    case 8: return .channelPressure(channel: channel, pressure: byte())
    case 9: return .pitchBend(channel: channel, value: UInt16.random(in: 0...16383, using: &rng))
    case 10: return .sysEx(escape: Bool.random(using: &rng), bytes: bytes(0...200))
    case 11: return .meta(.sequenceNumber(UInt16.random(in: 0...UInt16.max, using: &rng)))
    case 12: return .meta(.text(kind: UInt8.random(in: 1...15, using: &rng), bytes: bytes(0...40)))
    case 13: return .meta(.channelPrefix(UInt8.random(in: 0...15, using: &rng)))
    case 14: return .meta(.port(UInt8.random(in: 0...255, using: &rng)))
    case 15: return .meta(.tempo(microsecondsPerQuarter: UInt32.random(in: 1...0xFF_FFFF, using: &rng)))
    case 16:
      return .meta(
        .smpteOffset(
          hours: UInt8.random(in: 0...23, using: &rng), minutes: UInt8.random(in: 0...59, using: &rng),
          seconds: UInt8.random(in: 0...59, using: &rng), frames: UInt8.random(in: 0...29, using: &rng),
          subframes: UInt8.random(in: 0...99, using: &rng)))
    case 17:
      return .meta(
        .timeSignature(
          numerator: UInt8.random(in: 1...16, using: &rng), denominatorPower: UInt8.random(in: 0...5, using: &rng),
          clocksPerClick: 24, thirtySecondsPerQuarter: 8))
    case 18: return .meta(.keySignature(sharps: Int8.random(in: -7...7, using: &rng), minor: Bool.random(using: &rng)))
    case 19: return .meta(.sequencerSpecific(bytes(0...20)))
    case 20:
      // Types no known meta event uses.
      return .meta(
        .unknown(type: [0x10, 0x30, 0x4B, 0x60, 0x7E][Int.random(in: 0...4, using: &rng)], bytes: bytes(0...10)))
    default: return .sysEx(escape: false, bytes: bytes(0...3) + [0xF7])
    }
  }

  /// A random sequence of `trackCount` tracks (format 0 when 1 and `format0` is set).
  static func sequence(
    format: Int, ppq: Int, trackCount: Int, eventsPerTrack: ClosedRange<Int>, using rng: inout SplitMix64
  ) -> MIDISequence {
    var tracks: [MIDITrack] = []
    for _ in 0..<trackCount {
      var tick = 0
      var events: [TimedMIDIEvent] = []
      for _ in 0..<Int.random(in: eventsPerTrack, using: &rng) {
        // Many equal ticks (to exercise ordering), some long gaps (multi-byte delta times).
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...4: break
        case 5...8: tick += Int.random(in: 1...ppq * 2, using: &rng)
        default: tick += Int.random(in: 0...0x0FFF_FFFF / 64, using: &rng)
        }
        events.append(TimedMIDIEvent(tick: tick, event(using: &rng)))
      }
      tracks.append(MIDITrack(events: events))
    }
    return MIDISequence(format: format, ppq: ppq, tracks: tracks)
  }
}
