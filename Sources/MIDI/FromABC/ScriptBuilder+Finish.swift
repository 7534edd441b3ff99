import ABCParser

extension ScriptBuilder {
  /// Settles what could only be timed once every length was known: grace notes take their time from their host
  /// (after tuplets and broken rhythm, G-04), then trills are expanded over what is left of their note (§12.5).
  mutating func finish() {
    for v in voices.indices {
      var trillIndices = trills[v]
      for group in graceGroups[v].reversed() {
        if let removed = stealGraceTime(group, voice: v) {
          for t in trillIndices.indices where trillIndices[t].index >= removed.upperBound {
            trillIndices[t].index -= removed.count
          }
        }
      }
      for trill in trillIndices.sorted(by: { $0.index > $1.index }) { expandTrill(trill, voice: v) }
    }
  }

  /// Shortens the host by the graces' time and scales the graces; returns the removed range when the host is too
  /// short to give anything (the graces are dropped, as abc2midi does).
  mutating func stealGraceTime(_ group: GraceGroupRecord, voice v: Int) -> Range<Int>? {
    guard group.host < voices[v].script.items.count, case .sound(var host) = voices[v].script.items[group.host] else {
      return nil
    }
    var total = NoteLength.zero
    for case .sound(let g) in voices[v].script.items[group.graces] { total += g.advance }
    guard total > .zero else { return nil }
    let graceFactor: NoteLength
    let stolen: NoteLength
    switch group.timing {
    case .divider(let d):
      graceFactor = NoteLength(1, max(1, d))
      stolen = total * graceFactor
    case .fraction(let f):
      stolen = host.advance * f
      graceFactor = stolen / total
    }
    // abc2midi also drops the graces when they are as long as what sounds of the host (a staccato note).
    let sounding = host.tones.map(\.duration).min() ?? host.advance
    guard stolen < host.advance, !options.abc2midiGraces || stolen < sounding else {
      warnings.append(
        PerformanceWarning(
          .graceNotes, "grace notes are longer than the note they lean on; dropped", at: group.location))
      voices[v].script.items.removeSubrange(group.graces)
      return group.graces
    }
    for i in group.graces {
      guard case .sound(var g) = voices[v].script.items[i] else { continue }
      g.advance = g.advance * graceFactor
      for t in g.tones.indices { g.tones[t].duration = g.tones[t].duration * graceFactor }
      voices[v].script.items[i] = .sound(g)
    }
    host.advance -= stolen
    for t in host.tones.indices {
      // A host that sounds for less than the graces take (`{c}.B/`) still sounds, for what is left of its time.
      let d = host.tones[t].duration
      host.tones[t].duration = d > stolen ? d - stolen : min(d, host.advance)
    }
    voices[v].script.items[group.host] = .sound(host)
    return nil
  }

  /// Replaces a trilled note by notes alternating between the upper neighbour and the note, each as long as the
  /// note's unit subdivision that lasts at most 100 ms at the header tempo (abc2midi's rule; at 120 BPM and
  /// `L:1/8` that is a quarter of a unit).
  mutating func expandTrill(_ trill: TrillRecord, voice v: Int) {
    guard trill.index < voices[v].script.items.count, case .sound(let s) = voices[v].script.items[trill.index],
      let main = s.tones.first, s.advance > .zero
    else { return }
    let units = s.advance / headerUnit
    var sub = headerUnit / NoteLength(units.denominator)
    var count = units.numerator
    while count < 4096 {
      let us = (NoteLength(headerTempo) * sub * NoteLength(4))
      guard us.numerator / us.denominator > 100_000 else { break }
      count *= 2
      sub = sub / NoteLength(2)
    }
    guard count > 0, count <= 4096 else { return }
    var replacement: [ScriptItem] = []
    replacement.reserveCapacity(count)
    for j in 0..<count {
      let upper = j % 2 == 0
      var tone = main
      tone.pitch = upper ? trill.upperPitch : main.pitch
      tone.staffStep = upper ? trill.upperStep : main.staffStep
      tone.duration = sub
      tone.isTied = j == count - 1 && !upper && main.isTied
      var note = Sound(advance: sub, tones: [tone], isAccented: j == 0 && s.isAccented, location: s.location)
      if j == 0 { note.lyric = s.lyric }
      replacement.append(.sound(note))
    }
    voices[v].script.items.replaceSubrange(trill.index..<trill.index + 1, with: replacement)
  }
}
