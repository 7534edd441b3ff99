import Foundation
import Synchronization

@testable import MIDI

/// Plays a sequence to a receiving client on the real sequencer and measures when each event arrived, against
/// the plan's schedule counted from the queue's start (both stamped by the kernel on the receiver's queue clock).
enum LiveTiming {
  /// The allowed distance between an event's arrival and its scheduled time, in seconds, for the 95th percentile of
  /// the events, the first event and the drift (the target is 2 ms).
  ///
  /// The kernel sequencer's queues run on a 1 kHz timer by default: the player's queue releases an event on the
  /// first tick at or after its time, and the receiver's queue stamps it with its own tick, so even a perfect
  /// player shows up to about 2 ms. Measured in `../shared/tools/with-alsa-seq.sh` (QEMU TCG, 2 vCPUs, on a
  /// shared 2-core host under load) on 2026-12-07, max |error| per run: 1.2–2.2 ms for the 61 events at tempo
  /// scales 0.5, 1 and 2; 1.8 and 4.9 ms over three loops (183 events); 47.8 ms for 9,600 events at tempo scale 40,
  /// with a mean of -1.9 ms and a drift of -0.2 ms. Hence 3 ms here, and `outlierBound` for single events.
  static let tolerance = 0.003

  /// No event may be later or earlier than this, in seconds: the emulated VM's vCPUs are sometimes not scheduled
  /// for tens of milliseconds on a busy host (the 47.8 ms above); a real player bug (a late batch, a lost tempo
  /// change) shows up as hundreds of milliseconds.
  static let outlierBound = 0.1

  /// Arrival minus schedule, in seconds.
  struct Errors {
    /// Of the first event (tick 0): how late it came after the queue start.
    var first: Double
    var maxAbsolute: Double
    var mean: Double
    /// Mean error of the last 100 events minus that of the first 100.
    var drift: Double
    /// The 95th percentile of |error|.
    var percentile95: Double

    /// Whether the first event, 95% of the events and the drift are within `tolerance`, and every event within
    /// `outlierBound`.
    var withinBounds: Bool {
      abs(first) <= tolerance && percentile95 <= tolerance && abs(drift) <= tolerance && maxAbsolute <= outlierBound
    }
    var count: Int

    var summary: String {
      func ms(_ value: Double) -> String { String(format: "%.3f ms", value * 1000) }
      return "\(count) events, first \(ms(first)), 95% within \(ms(percentile95)), max |error| \(ms(maxAbsolute)), "
        + "mean \(ms(mean)), drift \(ms(drift))"
    }
  }

  struct Report {
    var outcome: PlaybackOutcome
    var received: [ALSAInput.Received]
    var expected: [(event: MIDIEvent, seconds: Double)]
    /// The player's queue start on the receiver's clock.
    var queueStart: Double?

    /// `nil` when the events do not match one to one or the queue start was not seen.
    var errors: Errors? {
      guard let queueStart, received.count == expected.count, !received.isEmpty else { return nil }
      let diffs = zip(received, expected).map { $0.seconds - queueStart - $1.seconds }
      let window = min(100, diffs.count)
      let head = diffs.prefix(window).reduce(0, +) / Double(window)
      let tail = diffs.suffix(window).reduce(0, +) / Double(window)
      let sorted = diffs.map(abs).sorted()
      return Errors(
        first: diffs[0], maxAbsolute: diffs.map(abs).max() ?? 0, mean: diffs.reduce(0, +) / Double(diffs.count),
        drift: tail - head, percentile95: sorted[min(sorted.count - 1, sorted.count * 95 / 100)], count: diffs.count)
    }
  }

  /// Plays `sequence` with `options` through `ALSAOutput` to a fresh `ALSAInput` that also listens to the system
  /// timer port for the queue start.
  static func play(_ sequence: MIDISequence, options: PlaybackOptions) throws -> Report {
    let receiver = try ALSAInput()
    try receiver.connect(from: "0:0")
    var output = try ALSAOutput(clientName: "studio-test", destination: receiver.address)
    // The receiver reads on its own thread while the player plays, so its input pool (2,000 events) never fills.
    let reader = Reader(receiver)
    let thread = Thread { reader.run() }
    thread.start()
    let outcome: PlaybackOutcome
    do {
      outcome = try MIDIPlayer(options: options).play(sequence, to: &output)
    } catch {
      reader.finished.store(true, ordering: .relaxed)
      reader.done.wait()
      throw error
    }
    reader.finished.store(true, ordering: .relaxed)
    reader.done.wait()
    let received = try reader.result.get()
    let plan = PlaybackScheduler(options: options).plan(for: sequence)
    var expected: [(event: MIDIEvent, seconds: Double)] = []
    for (command, seconds) in zip(plan.timeline, plan.timelineSeconds) {
      if case .event(_, let event) = command { expected.append((event, seconds)) }
    }
    let start = receiver.queueStarts.last { $0.queue == output.queueID }?.seconds
    return Report(outcome: outcome, received: received, expected: expected, queueStart: start)
  }

  /// Runs `ALSAInput.receive` on another thread until told the stream has finished.
  /// `@unchecked Sendable`: the receiver and `result` are used only by the reading thread until `done` is
  /// signalled, and only by the waiting thread after that.
  final class Reader: @unchecked Sendable {
    let receiver: ALSAInput
    let finished = Atomic<Bool>(false)
    let done = DispatchSemaphore(value: 0)
    var result: Result<[ALSAInput.Received], ALSAError> = .success([])

    init(_ receiver: ALSAInput) { self.receiver = receiver }

    func run() {
      do throws(ALSAError) {
        result = .success(try receiver.receive(idleSeconds: 0.3, until: { finished.load(ordering: .relaxed) }))
      } catch {
        result = .failure(error)
      }
      done.signal()
    }
  }

  /// Notes started and never ended, as "channel:note".
  static func unfinishedNotes(_ events: [MIDIEvent]) -> [String] {
    var held: [String: Int] = [:]
    for event in events {
      guard let note = event.note, let channel = event.channel else { continue }
      let key = "\(channel.value):\(note.value)"
      if event.isNoteStart { held[key, default: 0] += 1 } else if event.isNoteEnd { held[key, default: 0] -= 1 }
    }
    return held.filter { $0.value != 0 }.map(\.key).sorted()
  }
}
