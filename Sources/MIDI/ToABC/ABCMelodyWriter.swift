import ABCParser

/// Writes a quantised monophonic melody as an ABC tune body: bars, rests, ties across bar lines, lengths as
/// multiples of the unit length, beams broken at beats, a few bars per line and `|]` at the end.
struct ABCMelodyWriter {
  /// One written symbol: a note (or a piece of one) or a rest, at a position in its bar.
  struct Token: Hashable {
    enum Kind: Hashable {
      /// `tied`: a `-` follows; `continuesAcrossBar`: the first piece in a new bar of a note tied from the last bar.
      case note(pitch: Int, tied: Bool, continuesAcrossBar: Bool)
      case rest
    }
    var kind: Kind
    /// Steps from the bar start.
    var position: Int
    /// Length in grid steps; 2ⁱ or 3·2ⁱ.
    var steps: Int
  }

  /// The bars of a melody; `bars[0]` may be a pickup.
  struct Layout {
    var bars: [[Token]]
    /// Index (in `BarLayout` numbering) of the first written bar.
    var firstBar: Int
    /// `true` when the first bar is written from the first note on, without a leading rest.
    var isPickup: Bool
  }

  let bars: BarLayout
  let grid: ImportGrid

  /// Lays out `notes` (sorted, non-overlapping, non-empty) in bars.
  ///
  /// The first written bar is the one holding the first note, so whole bars of silence before it are skipped. It
  /// starts with a rest up to the first note, except when the bar begins before the start of the sequence (the file
  /// opens with a pickup): then it is written as a short pickup bar. The last bar ends with the last note.
  func layout(_ notes: [GridNote]) -> Layout {
    guard let first = notes.first else { return Layout(bars: [], firstBar: 0, isPickup: false) }
    let firstBar = bars.bar(atStep: first.start)
    let firstBarStart = bars.start(ofBar: firstBar)
    let isPickup = firstBarStart < 0 && first.start > firstBarStart
    var out: [[Token]] = []
    var cursor = isPickup ? first.start : firstBarStart

    func append(_ kind: (_ isLast: Bool, _ continuesAcrossBar: Bool) -> Token.Kind, from start: Int, to end: Int) {
      var s = start
      while s < end {
        let barIndex = bars.bar(atStep: s)
        let barStart = bars.start(ofBar: barIndex)
        let segmentEnd = min(end, barStart + bars.barSteps)
        let row = barIndex - firstBar
        while out.count <= row { out.append([]) }
        var position = s - barStart
        let pieces = Self.pieces(segmentEnd - s)
        for (i, piece) in pieces.enumerated() {
          let isLast = segmentEnd == end && i == pieces.count - 1
          let continues = i == 0 && s == barStart && s > start
          out[row].append(Token(kind: kind(isLast, continues), position: position, steps: piece))
          position += piece
        }
        s = segmentEnd
      }
    }

    for note in notes {
      if note.start > cursor { append({ _, _ in .rest }, from: cursor, to: note.start) }
      append(
        { isLast, continues in .note(pitch: note.pitch, tied: !isLast, continuesAcrossBar: continues) },
        from: note.start, to: note.end)
      cursor = note.end
    }
    return Layout(bars: out, firstBar: firstBar, isPickup: isPickup)
  }

  /// Splits a length in steps into standard note values (2ⁱ or 3·2ⁱ steps, i.e. plain or dotted notes since a step
  /// is a power-of-two fraction), largest first.
  static func pieces(_ length: Int) -> [Int] {
    var rest = length
    var out: [Int] = []
    while rest > 0 {
      var p = 1
      while p * 2 <= rest { p *= 2 }
      if p + p / 2 <= rest, p >= 2 { p += p / 2 }
      out.append(p)
      rest -= p
    }
    return out
  }

  /// The ABC length suffix of `steps` grid steps with unit length `unit`: `""` for one unit, `2`, `3/2`, `/`, `/4`.
  func lengthText(steps: Int, unit: NoteLength) -> String {
    let value = NoteLength(steps) * grid.writtenStep / unit
    let n = value.numerator
    let m = value.denominator
    if n == 1 && m == 1 { return "" }
    if m == 1 { return "\(n)" }
    if n == 1 { return m == 2 ? "/" : "/\(m)" }
    return "\(n)/\(m)"
  }

  /// Characters the lengths of `layout` take with unit `unit` (to choose between L:1/8 and L:1/16).
  func lengthCost(_ layout: Layout, unit: NoteLength) -> Int {
    layout.bars.reduce(0) { sum, bar in sum + bar.reduce(0) { $0 + lengthText(steps: $1.steps, unit: unit).count } }
  }

  /// Steps per beam group: the beat, or four steps when the beat is shorter and four steps divide the bar (eighths
  /// in 4/4, 2/4 and 2/2 are beamed in fours, as in printed reels: `dAFA DFAd`).
  var beamSteps: Int {
    let beat = bars.beatSteps
    return beat < 4 && 4 % beat == 0 && bars.barSteps % 4 == 0 ? 4 : beat
  }

  /// The tune body: `barsPerLine` bars per line (a pickup bar comes on top of the first line), `|` between bars,
  /// `|]` at the end, a space before each token that starts a beam group (`beamSteps`).
  func render(_ layout: Layout, key: ImportKey, unit: NoteLength, barsPerLine: Int) -> String {
    var speller = PitchSpeller(key: key)
    let beam = beamSteps
    var text = ""
    for (index, bar) in layout.bars.enumerated() {
      speller.startBar()
      for (i, token) in bar.enumerated() {
        if i > 0, token.position % beam == 0 { text += " " }
        switch token.kind {
        case .rest:
          text += "z"
        case .note(let pitch, _, let continues):
          text += speller.write(pitch, continuingTie: continues)
        }
        text += lengthText(steps: token.steps, unit: unit)
        if case .note(_, true, _) = token.kind { text += "-" }
      }
      if index == layout.bars.count - 1 {
        text += "|]\n"
      } else {
        text += "|"
        // A pickup bar rides on the first line (as in printed tunes), so lines break after whole bars.
        let wholeBars = layout.isPickup ? index : index + 1
        if wholeBars > 0, wholeBars % max(1, barsPerLine) == 0 { text += "\n" }
      }
    }
    return text
  }
}
