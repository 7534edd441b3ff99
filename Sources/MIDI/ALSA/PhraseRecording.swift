/// What a live recording (`studio record`) has received, on the recording queue's ticks, and the sequence it makes.
/// Pure: `ALSARecorder` appends what arrives; tests append by hand.
///
/// The music starts at `origin`: the end of the count-in when a metronome plays one, otherwise the first note that
/// arrives (so waiting before playing costs nothing). `length` counts from there.
public struct PhraseRecording: Hashable, Sendable {
  /// How long to record.
  public enum Length: Hashable, Sendable {
    /// Whole bars of `meter` (4/4 when none is given).
    case bars(Int)
    /// Seconds at the recording tempo.
    case seconds(Double)
    /// Until a stop request (Ctrl-C).
    case untilStopped
  }

  /// Ticks per quarter note of the queue and of the recorded sequence.
  public let ppq: Int
  /// The recording tempo (the metronome's, and the `Q:` of the ABC written).
  public let microsecondsPerQuarter: Int
  /// The meter bars are counted in; also written as the sequence's time signature when given.
  public let meter: ImportMeter?
  public let length: Length
  /// The tick the music starts at; `nil` until the first note when there is no count-in.
  public private(set) var origin: Int?
  /// Channel-voice events as received, with their queue ticks (never decreasing).
  public private(set) var events: [TimedMIDIEvent] = []

  /// - Parameter countInTicks: a count-in before the music (the metronome's first bar), or `nil` to start at the
  ///   first note.
  public init(
    ppq: Int = 480, microsecondsPerQuarter: Int = 500_000, meter: ImportMeter? = nil, length: Length = .untilStopped,
    countInTicks: Int? = nil
  ) {
    self.ppq = max(1, ppq)
    self.microsecondsPerQuarter = max(1, microsecondsPerQuarter)
    self.meter = meter
    self.length = length
    self.origin = countInTicks
  }

  /// Ticks in one bar of `meter` (4/4 when none is given).
  public var barTicks: Int {
    let bar = (meter ?? .fourFour).barLength
    return ppq * 4 * bar.numerator / bar.denominator
  }

  /// Ticks in one beat of `meter` (a dotted quarter in 6/8, a quarter in 4/4): where the metronome clicks.
  public var beatTicks: Int {
    let beat = (meter ?? .fourFour).beat
    return max(1, ppq * 4 * beat.numerator / beat.denominator)
  }

  /// The tick recording ends at, once the origin is known and the length is bounded.
  public var endTick: Int? {
    guard let origin else { return nil }
    switch length {
    case .bars(let bars): return origin + bars * barTicks
    case .seconds(let seconds):
      return origin + Int((seconds * 1e6 / Double(microsecondsPerQuarter) * Double(ppq)).rounded())
    case .untilStopped: return nil
    }
  }

  /// Whether the queue at `tick` has passed the end of the recording.
  public func isComplete(atTick tick: Int) -> Bool { endTick.map { tick >= $0 } ?? false }

  /// Notes started at or after the origin.
  public var noteCount: Int {
    guard let origin else { return 0 }
    return events.filter { $0.event.isNoteStart && $0.tick >= origin }.count
  }

  /// Adds an event that arrived at `tick`. Meta and system-exclusive events are ignored; the first note sets the
  /// origin when there is no count-in.
  public mutating func append(_ event: MIDIEvent, atTick tick: Int) {
    guard event.channel != nil else { return }
    let tick = max(tick, events.last?.tick ?? 0)
    if origin == nil, event.isNoteStart { origin = tick }
    events.append(TimedMIDIEvent(tick: tick, event))
  }

  /// The recording as a one-track sequence from the origin: tempo (and time signature, with a meter) at tick 0,
  /// the events from the origin to the end (or to `stoppedAtTick`, whichever is earlier), and a note-off at that
  /// point for every note still held. Notes started before the origin (during the count-in) are left out.
  /// `nil` when no note was recorded.
  public func sequence(stoppedAtTick: Int) -> MIDISequence? {
    guard let origin, noteCount > 0 else { return nil }
    let end = max(origin, min(stoppedAtTick, endTick ?? Int.max))
    var track: [TimedMIDIEvent] = [
      TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: UInt32(clamping: microsecondsPerQuarter))))
    ]
    if let meter {
      let power = UInt8(meter.denominator.trailingZeroBitCount)
      track.append(
        TimedMIDIEvent(
          tick: 0,
          .meta(
            .timeSignature(
              numerator: UInt8(clamping: meter.numerator), denominatorPower: power, clocksPerClick: 24,
              thirtySecondsPerQuarter: 8))))
    }
    struct Key: Hashable {
      var channel: MIDIChannel
      var note: UInt7
    }
    var held = Set<Key>()
    for item in events where item.tick < end || (item.tick == end && item.event.isNoteEnd) {
      let event = item.event
      if let note = event.note, let channel = event.channel {
        let key = Key(channel: channel, note: note)
        if event.isNoteStart {
          guard item.tick >= origin else { continue }
          held.insert(key)
        } else if event.isNoteEnd {
          guard held.remove(key) != nil else { continue }
        }
      } else if item.tick < origin {
        // Controllers and programs from the count-in still apply at the start.
        track.append(TimedMIDIEvent(tick: 0, event))
        continue
      }
      track.append(TimedMIDIEvent(tick: item.tick - origin, event))
    }
    for key in held.sorted(by: { ($0.channel.value, $0.note.value) < ($1.channel.value, $1.note.value) }) {
      track.append(TimedMIDIEvent(tick: end - origin, .noteOff(channel: key.channel, note: key.note, velocity: 0)))
    }
    track.append(TimedMIDIEvent(tick: end - origin, .meta(.endOfTrack)))
    return MIDISequence(format: 0, ppq: ppq, tracks: [MIDITrack(events: track)])
  }
}
