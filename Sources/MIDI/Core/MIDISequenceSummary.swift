/// What `studio info` shows about a sequence: layout, per-track contents, tempo map, meters, length and notes.
/// Channels are numbered as users see them, 1…16; programs are 0…127.
public struct MIDISequenceSummary: Hashable, Sendable, Codable {
  /// One track's contents.
  public struct Track: Hashable, Sendable, Codable {
    /// 0-based track index.
    public var index: Int
    /// The first track-name meta event, if any.
    public var name: String?
    /// Every event in the track, including meta events and the end-of-track.
    public var eventCount: Int
    /// Note-ons with velocity > 0.
    public var noteCount: Int
    /// Channels with channel-voice events, 1…16, ascending.
    public var channels: [Int]
    /// Program changes, each distinct (channel, program) pair once, in order of first use.
    public var programs: [ProgramUse]
  }

  /// A program change on a channel.
  public struct ProgramUse: Hashable, Sendable, Codable {
    /// 1…16.
    public var channel: Int
    /// 0…127.
    public var program: Int
    /// The General MIDI instrument name, or "percussion" on channel 10.
    public var name: String
    /// Tick of the first program change with this pair.
    public var tick: Int
  }

  /// A tempo in force from `tick` on.
  public struct Tempo: Hashable, Sendable, Codable {
    public var tick: Int
    public var microsecondsPerQuarter: Int
    /// Quarter notes per minute.
    public var beatsPerMinute: Double
    /// Seconds from the start to `tick`.
    public var seconds: Double
  }

  /// A time-signature meta event.
  public struct TimeSignature: Hashable, Sendable, Codable {
    public var tick: Int
    public var numerator: Int
    /// 2 to the power of the SMF `denominatorPower` (4 = quarter); 0 when the power is too large to be a meter.
    public var denominator: Int
  }

  /// A key-signature meta event.
  public struct KeySignature: Hashable, Sendable, Codable {
    public var tick: Int
    /// −7…7, negative for flats.
    public var sharps: Int
    public var minor: Bool
  }

  public var format: Int
  public var ppq: Int
  public var tracks: [Track]
  /// The tempo map; when the sequence has no tempo event it holds the SMF default (120 BPM) and
  /// `tempoIsDefault` is true.
  public var tempos: [Tempo]
  public var tempoIsDefault: Bool
  public var timeSignatures: [TimeSignature]
  public var keySignatures: [KeySignature]
  /// Tick of the last event (the end-of-track).
  public var lastTick: Int
  /// Length in seconds up to the last event.
  public var durationSeconds: Double
  /// Notes in the whole sequence (note-ons with velocity > 0).
  public var noteCount: Int
}

extension MIDISequence {
  /// Summarizes the sequence for display (`studio info`).
  public func summary() -> MIDISequenceSummary {
    var hasTempoEvent = false
    var timeSignatures: [MIDISequenceSummary.TimeSignature] = []
    var keySignatures: [MIDISequenceSummary.KeySignature] = []
    var trackSummaries: [MIDISequenceSummary.Track] = []
    for (index, track) in tracks.enumerated() {
      var channels = Set<Int>()
      var programs: [MIDISequenceSummary.ProgramUse] = []
      var notes = 0
      for timed in track.events {
        if let channel = timed.event.channel { channels.insert(channel.userNumber) }
        switch timed.event {
        case .noteOn(_, _, let velocity) where velocity.value > 0:
          notes += 1
        case .programChange(let channel, let program):
          if !programs.contains(where: { $0.channel == channel.userNumber && $0.program == program.int }) {
            let name = channel.isPercussion ? "percussion" : GeneralMIDI.programName(program)
            programs.append(.init(channel: channel.userNumber, program: program.int, name: name, tick: timed.tick))
          }
        case .meta(.tempo):
          hasTempoEvent = true
        case .meta(.timeSignature(let numerator, let power, _, _)):
          let denominator = power < 16 ? 1 << Int(power) : 0
          timeSignatures.append(.init(tick: timed.tick, numerator: Int(numerator), denominator: denominator))
        case .meta(.keySignature(let sharps, let minor)):
          keySignatures.append(.init(tick: timed.tick, sharps: Int(sharps), minor: minor))
        default:
          break
        }
      }
      trackSummaries.append(
        .init(
          index: index, name: track.name, eventCount: track.events.count, noteCount: notes,
          channels: channels.sorted(), programs: programs))
    }
    let map = tempoMap
    let tempos = map.changes.map {
      MIDISequenceSummary.Tempo(
        tick: $0.tick, microsecondsPerQuarter: $0.microsecondsPerQuarter, beatsPerMinute: $0.beatsPerMinute,
        seconds: map.seconds(atTick: $0.tick))
    }
    return MIDISequenceSummary(
      format: format, ppq: ppq, tracks: trackSummaries, tempos: tempos, tempoIsDefault: !hasTempoEvent,
      timeSignatures: timeSignatures.sorted { $0.tick < $1.tick },
      keySignatures: keySignatures.sorted { $0.tick < $1.tick },
      lastTick: lastTick, durationSeconds: map.seconds(atTick: lastTick),
      noteCount: trackSummaries.reduce(0) { $0 + $1.noteCount })
  }
}
