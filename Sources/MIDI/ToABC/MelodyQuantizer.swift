/// Moves a part's notes onto a grid and makes the line monophonic.
///
/// Onsets and ends go to the nearest grid step (halves round up); a note keeps at least one step. Overlaps are
/// resolved after quantisation:
/// - notes that start on the same step: the **highest** is kept (the melody is usually the top line), except that a
///   note shorter than one step (an ornament or grace note) loses to any note lasting a step or more;
/// - a note still sounding when a later one starts is **cut** at that onset (the newest note wins), so legato
///   overlaps keep every note.
public struct MelodyQuantizer: Sendable {
  public var fit: GridFit

  public init(fit: GridFit) { self.fit = fit }

  /// The outcome of `quantize(_:)`.
  public struct Outcome: Hashable, Sendable {
    /// Sorted by start, non-overlapping.
    public var notes: [GridNote]
    /// Note-on velocity of each of `notes` (same order).
    public var velocities: [Int]
    /// Notes dropped because another note started on the same step.
    public var droppedSimultaneous: Int
    /// Notes shortened because the next note started before they ended.
    public var shortened: Int
    /// Largest distance in ticks from a kept note's onset to its grid point.
    public var maxOnsetShiftTicks: Double
  }

  public func quantize(_ notes: [MIDINote]) -> Outcome {
    struct Candidate {
      var note: GridNote
      var velocity: Int
      var rawTicks: Int
      var atLeastOneStep: Bool
      var shift: Double
    }
    var candidates: [Candidate] = notes.map { n in
      let start = fit.step(atTick: n.startTick)
      let end = max(start + 1, fit.step(atTick: n.endTick))
      let raw = n.endTick - n.startTick
      return Candidate(
        note: GridNote(pitch: n.pitch.int, start: start, length: end - start), velocity: n.velocity.int, rawTicks: raw,
        atLeastOneStep: raw * fit.d >= fit.unitsPerStep, shift: fit.deviationTicks(n.startTick))
    }
    // Sort by start; at one start the preferred note first: lasting a step, then higher, then longer.
    candidates.sort { a, b in
      if a.note.start != b.note.start { return a.note.start < b.note.start }
      if a.atLeastOneStep != b.atLeastOneStep { return a.atLeastOneStep }
      if a.note.pitch != b.note.pitch { return a.note.pitch > b.note.pitch }
      return a.rawTicks > b.rawTicks
    }
    var kept: [GridNote] = []
    var velocities: [Int] = []
    var dropped = 0
    var maxShift = 0.0
    for c in candidates {
      if let last = kept.last, last.start == c.note.start {
        dropped += 1
        continue
      }
      kept.append(c.note)
      velocities.append(c.velocity)
      maxShift = max(maxShift, c.shift)
    }
    var shortened = 0
    for i in kept.indices.dropLast() where kept[i].end > kept[i + 1].start {
      kept[i].length = kept[i + 1].start - kept[i].start
      shortened += 1
    }
    return Outcome(
      notes: kept, velocities: velocities, droppedSimultaneous: dropped, shortened: shortened,
      maxOnsetShiftTicks: maxShift)
  }

  /// `notes` (sorted, non-overlapping) with every rest of 1…`steps` steps between two notes absorbed into the note
  /// before it, and how many rests were filled.
  public static func fillingRests(upTo steps: Int, in notes: [GridNote]) -> (notes: [GridNote], filled: Int) {
    guard steps > 0 else { return (notes, 0) }
    var out = notes
    var filled = 0
    for i in out.indices.dropLast() {
      let gap = out[i + 1].start - out[i].end
      if gap > 0, gap <= steps {
        out[i].length += gap
        filled += 1
      }
    }
    return (out, filled)
  }
}
