/// A live MIDI destination that runs `SequencerCommand`s on a tick-based queue: the ALSA sequencer
/// (`ALSAOutput`) or an in-memory recorder in tests. `MIDIPlayer` drives it; it never sleeps between notes,
/// it only waits in `waitBriefly()` while the queue plays what it has been given.
public protocol MIDIEventSink {
  /// Performs `command`. Returns `false`, without performing it, when the output pool is full: the caller
  /// retries after `waitBriefly()`.
  /// - Throws: `ALSAError` when the command fails.
  mutating func perform(_ command: SequencerCommand) throws(ALSAError) -> Bool

  /// Hands buffered commands to the queue. Returns `true` when nothing is left buffered.
  /// - Throws: `ALSAError`.
  mutating func flush() throws(ALSAError) -> Bool

  /// The queue's position, and a check that the destination still exists.
  /// - Throws: `ALSAError` (`.destinationGone` when the destination port has disappeared).
  mutating func status() throws(ALSAError) -> SinkStatus

  /// Waits a short while (ALSA: 10 ms) so the queue can advance.
  mutating func waitBriefly()

  /// About how long `waitBriefly()` waits, in seconds; the player counts polls with it to detect a stalled queue.
  var pollIntervalSeconds: Double { get }
}

/// A snapshot of a sink's queue.
public struct SinkStatus: Hashable, Sendable {
  /// The queue's current tick.
  public var tick: Int
  /// Whether the queue is running (started and not stopped).
  public var isRunning: Bool
  /// Commands accepted but not yet delivered (0 when everything has been played).
  public var pendingEvents: Int
  /// Ports subscribed to the output (for `--virtual`: playback starts when this is above 0).
  public var subscriberCount: Int

  public init(tick: Int, isRunning: Bool, pendingEvents: Int, subscriberCount: Int) {
    self.tick = tick
    self.isRunning = isRunning
    self.pendingEvents = pendingEvents
    self.subscriberCount = subscriberCount
  }
}
