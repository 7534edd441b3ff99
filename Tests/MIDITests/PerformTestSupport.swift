import ABCParser
import Foundation
import MIDI
import Testing

/// Helpers for the performer tests: perform ABC text and look at the notes in beats (quarter notes).
enum Perform {
  /// A performed note: MIDI pitch, onset and duration in quarter notes, velocity, 1-based channel.
  struct N: Hashable, CustomStringConvertible {
    var pitch: Int
    var onset: NoteLength
    var duration: NoteLength
    var velocity: Int
    var channel: Int

    var description: String { "\(pitch)@\(onset)+\(duration) v\(velocity) ch\(channel)" }
  }

  /// The first tune of `abc`, parsed (tests write whole tunes with `X:` and `K:`).
  static func tune(_ abc: String) throws -> ABCTune {
    try #require(ABCParser().parse(abc).tunes.first)
  }

  /// Performs the first tune of `abc`.
  static func performance(_ abc: String, options: PerformanceOptions = PerformanceOptions()) throws -> (
    performance: Performance, warnings: [PerformanceWarning]
  ) {
    ABCPerformer(options: options).perform(try tune(abc))
  }

  /// The notes of the voice tracks (or of every track with `allTracks`), sorted by onset then pitch.
  static func notes(_ abc: String, options: PerformanceOptions = PerformanceOptions(), allTracks: Bool = false) throws
    -> [N]
  {
    let (p, _) = try performance(abc, options: options)
    return notes(of: p, allTracks: allTracks)
  }

  static func notes(of p: Performance, allTracks: Bool = false) -> [N] {
    var out: [N] = []
    for t in p.tracks {
      if !allTracks {
        guard case .voice = t.kind else { continue }
      }
      for n in t.notes {
        out.append(
          N(
            pitch: n.pitch.int, onset: n.onset * NoteLength(4), duration: n.duration * NoteLength(4),
            velocity: n.velocity.int, channel: n.channel.userNumber))
      }
    }
    return out.sorted { ($0.onset, $0.pitch) < ($1.onset, $1.pitch) }
  }

  /// Pitches in played order (for repeat and pitch tests).
  static func pitches(_ abc: String, options: PerformanceOptions = PerformanceOptions()) throws -> [Int] {
    try notes(abc, options: options).map(\.pitch)
  }

  /// A one-voice tune with the given header lines and body (`X:1`, `T:t` added).
  static func abc(_ header: String, _ body: String) -> String {
    "X:1\nT:t\n\(header)\n\(body)\n"
  }

  /// Beats as a rational: `b(3, 2)` is a dotted quarter.
  static func b(_ n: Int, _ d: Int = 1) -> NoteLength { NoteLength(n, d) }
}
