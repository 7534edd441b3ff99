import ABCParser

/// abc2midi's beat-stress velocities and bar counting (ABC reference §12.4; abc2midi `genmidi.c`, `note_beat` and
/// `checkbar`).
///
/// The position in the bar is counted in units of the meter's denominator (quarters in 4/4, eighths in 6/8). The
/// first note of a bar gets `loud` (105), a note on a whole unit that is a multiple of the stride (the beat: 3 for
/// numerators divisible by 3, else 2 for even numerators, else the numerator) gets `medium` (95), every other note
/// `soft` (80). Dynamics replace the three values and set the stride to 1 (`!p!` is `beat 60 50 35 1`).
///
/// A plain bar line always starts a new bar; other bar lines (`||`, repeats) only when the bar is full or before
/// the first bar was counted, so a repeat inside a bar does not restart the count.
struct BeatModel {
  var loud = 105
  var medium = 95
  var soft = 80
  /// abc2midi's `beat`: positions that are multiples of it are strong.
  var stride = 2
  /// Meter numerator (abc2midi's `barsize`).
  var barSize = 4
  /// Position units per whole note (4 in x/4, 8 in x/8; abc2midi's integer arithmetic for odd denominators).
  var unitsPerWhole = NoteLength(4)
  /// `%%MIDI beatstring`: f/m/p per beat.
  var beatString: [Character] = []
  /// `%%MIDI nobeataccents` turns every note to `medium`.
  var accents = true
  /// `false` in free meter (`M:none`): only plain bar lines restart the count.
  var checksBars = true
  /// Position in the bar, in meter units.
  var position = NoteLength.zero
  /// Bars counted so far (abc2midi's `barno`).
  var barNumber = 0

  init(meter: Meter?) { setMeter(meter) }

  /// A new meter: bar size, units and stride (this also ends a stride of 1 set by a dynamic mark, as in abc2midi).
  mutating func setMeter(_ meter: Meter?) {
    let ts: (numerator: Int, denominator: Int)
    switch meter {
    case .some(.none):
      ts = (4, 4)
      checksBars = false
    case .some(let m):
      ts = m.timeSignature ?? (4, 4)
      checksBars = true
    case nil:
      ts = (4, 4)
      checksBars = true
    }
    barSize = min(4096, max(1, ts.numerator))
    stride = barSize % 3 == 0 ? 3 : (barSize % 2 == 0 ? 2 : barSize)
    let d = min(4096, max(1, ts.denominator))
    unitsPerWhole = d > 4 ? NoteLength(4 * (d / 4)) : NoteLength(4, max(1, 4 / d))
  }

  /// The velocity of a note starting now.
  func velocity() -> Int {
    guard accents else { return medium }
    if !beatString.isEmpty {
      let scaled = position * NoteLength(beatString.count) / NoteLength(barSize)
      guard scaled.denominator == 1 else { return soft }
      switch beatString[scaled.numerator % beatString.count] {
      case "f", "F": return loud
      case "m", "M": return medium
      default: return soft
      }
    }
    if position == .zero { return loud }
    if position.denominator == 1 && position.numerator % max(1, stride) == 0 { return medium }
    return soft
  }

  /// Time passes (whole notes).
  mutating func advance(by length: NoteLength) { position += length * unitsPerWhole }

  /// A bar line: returns `true` when it starts a new bar (abc2midi's `checkbar`; `softcheckbar` for non-plain bars).
  mutating func bar(plain: Bool) -> Bool {
    if !plain {
      guard checksBars, position >= NoteLength(barSize) || barNumber <= 0 else { return false }
    }
    if position > .zero { barNumber += 1 }
    position = .zero
    return true
  }

  /// `beat a b c n` (also dynamics with n = 1); n = 0 means the bar size.
  mutating func setBeat(first: Int, strong: Int, other: Int, stride: Int) {
    loud = first
    medium = strong
    soft = other
    self.stride = stride == 0 ? barSize : stride
  }

  /// `beatmod n`, crescendo and diminuendo marks: all three velocities shift, kept in 0…127.
  mutating func shift(by n: Int) {
    loud = min(127, max(0, loud + n))
    medium = min(127, max(0, medium + n))
    soft = min(127, max(0, soft + n))
  }
}
