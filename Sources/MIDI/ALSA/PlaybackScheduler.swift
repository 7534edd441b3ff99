/// Turns a `MIDISequence` into a `PlaybackPlan`: tick-stamped events, tempo changes addressed to the queue,
/// the final queue stop and the panic messages. Pure: no I/O, no clock.
public struct PlaybackScheduler: Sendable {
  public var options: PlaybackOptions

  /// Options outside their documented ranges are clamped into them (validate with `options.problem` first).
  public init(options: PlaybackOptions = PlaybackOptions()) { self.options = options }

  /// The plan for `sequence`: its tracks normalized and merged (see `MIDITrack.normalized()`), meta events other
  /// than tempo dropped, tempos divided by the tempo scale, the whole repeated `loopCount` times back to back
  /// (each repeat re-establishes the starting tempo), negative ticks moved to 0.
  public func plan(for sequence: MIDISequence) -> PlaybackPlan {
    let source = sequence.normalized()
    let ppq = max(1, source.ppq)
    let scale = options.tempoScale.isFinite ? min(max(options.tempoScale, 0.01), 100) : 1
    let loops = min(
      max(options.loopCount, PlaybackOptions.loopCountRange.lowerBound), PlaybackOptions.loopCountRange.upperBound)
    let length = max(0, source.lastTick)
    let sourceTempo = source.tempoMap
    func scaled(_ microseconds: Int) -> Int { max(1, Int((Double(max(1, microseconds)) / scale).rounded())) }

    let merged = source.mergedEvents
    var usedChannels = Set<MIDIChannel>()
    for item in merged { if let channel = item.event.event.channel { usedChannels.insert(channel) } }

    var timeline: [SequencerCommand] = []
    timeline.reserveCapacity(merged.count * loops + usedChannels.count + loops + 1)
    if let program = options.program {
      for channel in usedChannels.sorted() where !channel.isPercussion {
        timeline.append(.event(tick: 0, .programChange(channel: channel, program: program)))
      }
    }
    let initial = scaled(sourceTempo.changes[0].microsecondsPerQuarter)
    for loop in 0..<loops {
      let offset = loop * length
      if loop > 0, sourceTempo.changes.count > 1 {
        timeline.append(.tempo(tick: offset, microsecondsPerQuarter: initial))
      }
      for item in merged {
        let tick = max(0, item.event.tick) + offset
        switch item.event.event {
        case .meta(.tempo(let microseconds)):
          // Tempo at tick 0 is the queue's initial tempo (and re-set at each loop start above).
          if item.event.tick > 0 {
            timeline.append(.tempo(tick: tick, microsecondsPerQuarter: scaled(Int(microseconds))))
          }
        case .meta:
          continue
        case .programChange(let channel, _) where options.program != nil && !channel.isPercussion:
          continue
        case let event:
          timeline.append(.event(tick: tick, event))
        }
      }
    }
    let endTick = loops * length
    timeline.append(.stopQueue(tick: endTick))

    var changes = [TempoMap.Change(tick: 0, microsecondsPerQuarter: initial)]
    for command in timeline {
      if case .tempo(let tick, let microseconds) = command {
        changes.append(.init(tick: tick, microsecondsPerQuarter: microseconds))
      }
    }
    let tempoMap = TempoMap(ppq: ppq, changes: changes)
    let channels = usedChannels.sorted()
    var panic: [SequencerCommand] = [.dropPending, .stopQueueNow]
    for channel in channels {
      panic.append(.direct(.controlChange(channel: channel, controller: 120, value: 0)))
      panic.append(.direct(.controlChange(channel: channel, controller: 123, value: 0)))
      panic.append(.direct(.controlChange(channel: channel, controller: 121, value: 0)))
    }
    return PlaybackPlan(
      ppq: ppq, initialMicrosecondsPerQuarter: initial, timeline: timeline,
      timelineSeconds: Self.seconds(of: timeline, in: tempoMap), endTick: endTick, channels: channels,
      tempoMap: tempoMap, panic: panic)
  }

  /// Seconds of each (tick-sorted) command in one pass over the tempo map.
  private static func seconds(of timeline: [SequencerCommand], in map: TempoMap) -> [Double] {
    var result: [Double] = []
    result.reserveCapacity(timeline.count)
    var index = 0  // the tempo change in force
    var base = 0.0  // seconds at changes[index].tick
    let changes = map.changes
    for command in timeline {
      let tick = command.tick ?? 0
      while index + 1 < changes.count, changes[index + 1].tick <= tick {
        base +=
          Double(changes[index + 1].tick - changes[index].tick) * Double(changes[index].microsecondsPerQuarter)
          / 1_000_000 / Double(map.ppq)
        index += 1
      }
      result.append(
        base + Double(tick - changes[index].tick) * Double(changes[index].microsecondsPerQuarter) / 1_000_000
          / Double(map.ppq))
    }
    return result
  }
}
