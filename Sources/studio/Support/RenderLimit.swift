import Foundation
import MIDI

/// The longest audio one render may produce (`render.max_seconds`, `--max-seconds`), checked before synthesis so
/// a damaged or absurd input (a ten-hour note, `Q:1/4=1`) cannot run for hours and fill the disk.
struct RenderLimit {
  var maxSeconds: Double

  /// - Throws: `StudioFailure` (exit status 1: the input asks for too much) naming the length, the limit, how to
  ///   raise it, and the longest stretch between two events (usually the cause: one very long note or rest).
  func check(_ sequence: MIDISequence, source: String) throws {
    let seconds = sequence.durationSeconds
    guard seconds.isFinite, seconds <= maxSeconds else {
      var cause = ""
      let map = sequence.tempoMap
      var previous = 0
      var longest = (from: 0, to: 0, seconds: 0.0)
      for tick in sequence.mergedEvents.map(\.event.tick) {
        let gap = map.seconds(atTick: tick) - map.seconds(atTick: previous)
        if gap > longest.seconds { longest = (previous, tick, gap) }
        previous = tick
      }
      if longest.seconds > 0 {
        cause =
          "; the longest stretch between two events is \(Self.clock(longest.seconds)), from tick \(longest.from) "
          + "to tick \(longest.to)"
      }
      throw StudioFailure(
        "\(source): the music lasts \(Self.clock(seconds)), longer than the render limit of "
          + "\(Self.clock(maxSeconds)) (render.max_seconds = \(Int(maxSeconds)); raise it with --max-seconds)"
          + cause, exitCode: 1)
    }
  }

  /// `h:mm:ss` (or `m:ss`).
  static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "forever" }
    let s = Int(min(seconds, 9e15).rounded())
    return s >= 3600
      ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}
