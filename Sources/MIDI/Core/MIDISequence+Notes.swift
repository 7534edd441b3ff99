extension MIDISequence {
  /// The notes of the sequence, pairing each note-on with a note-off first-in first-out per (channel, pitch),
  /// over all tracks in `mergedEvents` order.
  ///
  /// A note-off (or note-on with velocity 0) without a sounding note is ignored; a note still sounding at the end
  /// ends at `lastTick` (the end-of-track). Sorted by start tick, then track, channel and pitch.
  public func notes() -> [MIDINote] {
    var open: [Int: [MIDINote]] = [:]  // (channel << 7 | pitch) → FIFO of started notes
    var heads: [Int: Int] = [:]  // index of the oldest open note per key
    var result: [MIDINote] = []
    for (track, timed) in mergedEvents {
      switch timed.event {
      case .noteOn(let channel, let pitch, let velocity) where velocity.value > 0:
        let note = MIDINote(
          channel: channel, pitch: pitch, velocity: velocity, startTick: timed.tick, endTick: timed.tick, track: track)
        open[Self.noteKey(channel, pitch), default: []].append(note)
      case .noteOn(let channel, let pitch, _), .noteOff(let channel, let pitch, _):
        let key = Self.noteKey(channel, pitch)
        let head = heads[key, default: 0]
        guard let queue = open[key], head < queue.count else { continue }
        var note = queue[head]
        note.endTick = max(timed.tick, note.startTick)
        result.append(note)
        if head + 1 == queue.count {
          open[key] = nil
          heads[key] = nil
        } else {
          heads[key] = head + 1
        }
      default:
        continue
      }
    }
    let end = lastTick
    for (key, queue) in open {
      for var note in queue[heads[key, default: 0]...] {
        note.endTick = max(end, note.startTick)
        result.append(note)
      }
    }
    return result.sorted {
      ($0.startTick, $0.track, $0.channel.value, $0.pitch.value, $0.endTick)
        < ($1.startTick, $1.track, $1.channel.value, $1.pitch.value, $1.endTick)
    }
  }

  private static func noteKey(_ channel: MIDIChannel, _ pitch: UInt7) -> Int { Int(channel.value) << 7 | pitch.int }
}
