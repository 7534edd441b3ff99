import ABCParser

/// The form of one tune as a musician reads it: key, meter, bars, parts, pick-ups, repeated bars, final note, range
/// and the defects that break a bar or a tie. Computed by `TuneForm.init(_:)` from the parsed tune and the
/// performer's reading of its first voice (`ABCPerformer.writtenVoice`), never from the text.
///
/// **Bars.** A bar is the music between two bar lines (or the start or end of the tune) that holds at least one
/// note or rest. Its duration is the sum of the performer's lengths (tuplets, broken rhythm, chords and grace notes
/// resolved; grace notes take no time of their own). Its meter is the one in force where it starts.
///
/// **Parts.** The written music of the first voice is cut into parts at: every bar line with a repeat mark (`|:`,
/// `:|`, `::`), every section bar (`||`, `|]`, `[|`, `.|`), every body `P:` label, and the end of the tune. A group of
/// variant endings belongs to the part it ends: the part is its body and its endings, and it ends with the last
/// ending. An ending runs to the next ending, `:|` (included), section bar, `|:` or `P:`; a last ending that meets
/// `:|` only after a bar line is just its first bar, the bars after it starting the next part (the session pattern
/// `|2 …| B part … :|`; `RepeatUnfolder` reads endings the same way). A part that is nothing but one bar shorter than
/// the meter, followed by another part, is that part's pick-up written before its `|:` (`A|:d2…`) and joins it.
///
/// **Counting.** A part's *pick-up* is its first bar when that bar is shorter than the meter and the part has more
/// than one bar; it is not counted. A part's length in bars is the bars of one pass: its body plus its *first*
/// ending, minus the pick-up (so `|:A|` + 6 full bars + `|1` one bar `:|2` one bar `||` is 7 bars; the closing bar
/// that completes the pick-up is counted once, as itself). Two neighbouring bars of a pass, neither the pick-up nor
/// the closing bar, that are both short and together make exactly one bar are one bar *split* by a bar line (the
/// corpus writes `dBAG E2|[1 (3Bcd|` where an ending starts) and count once. A part's *closing bar* is its last bar on the last pass
/// (the last bar of its last ending, else of its body); pick-up and closing bar *make one bar* when there is no
/// pick-up and the closing bar is full, or when the pick-up and the closing bar add up to exactly one bar. The
/// tune's bar count is the sum of its parts' lengths (each part once, however often it is repeated).
///
/// **Bars that do not fit.** A bar fits the meter when its duration is one bar of the meter in force, or it is a
/// part's pick-up, or half of a split bar, or it is the last bar of a part or of an ending and makes one bar with
/// the pick-up of its own part, of the next part or (the tune's last bar) of the first part. Free meter (`M:none`,
/// no `M:`) fits always.
///
/// **Repeated bars.** Every written bar but pick-ups, in written order (both endings included), is compared with
/// the bars before it: it repeats an earlier bar when it holds the same sequence of sounds, each the same set of
/// MIDI pitches (after key signature and bar accidentals; a rest is the empty set) with the same length. Chord
/// symbols, decorations, grace notes, slurs and beaming are ignored.
///
/// **Final note.** The last note of the first voice in played order (repeats, endings and `P:` order unfolded by
/// the performer); of notes that start together, the highest. It ends on the tonic when its pitch class is the
/// tonic of the header `K:` (shifted by `K: transpose=`).
///
/// **Ties between different pitches.** A tied note (`-`) whose next sound in written order is a rest or does not
/// hold the same pitch; each such tied note counts once.
struct TuneForm: Codable, Sendable, Equatable {
  /// The header key as tonic and mode (`D major`, `A dorian`, `E minor`), `HP`, or `none` for `K:none`, no `K:`.
  var key: String
  /// Pitch class of the key's tonic, 0 (C)…11; `nil` without a tonic.
  var tonic: Int?
  /// The meter in force at the first note as a time signature (`6/8`; `C` is `4/4`, `C|` is `2/2`), or `none`.
  var meter: String
  /// Bars of the tune: the sum of `parts[].bars`.
  var bars: Int
  var parts: [Part]
  /// Written bars compared for repetition (every bar but pick-ups).
  var comparedBars: Int
  /// Of `comparedBars`, those that repeat an earlier bar.
  var repeatedBars: Int
  /// MIDI pitch of the final note; `nil` for a tune without notes.
  var finalPitch: Int?
  /// `finalPitch` is the tonic of `K:`; `nil` without a tonic or a note.
  var endsOnTonic: Bool?
  /// Lowest and highest MIDI pitch the first voice plays.
  var lowestPitch: Int?
  var highestPitch: Int?
  /// Where the bars that do not fit the meter start (`line:column`).
  var offMeterBars: [String]
  /// Tied notes whose next sound is a rest or another pitch.
  var tiesBetweenDifferentPitches: Int

  /// One part (see the type's documentation for what counts).
  struct Part: Codable, Sendable, Equatable {
    /// The body `P:` label it starts with, if any.
    var label: String?
    /// Bars of one pass (body and first ending, without the pick-up).
    var bars: Int
    /// Variant endings in the part.
    var endings: Int
    /// Length of the pick-up in whole notes (`1/8`), `nil` when the part has none.
    var pickUp: String?
    /// Length of the closing bar in whole notes.
    var closingBar: String
    /// Pick-up and closing bar make one bar; `nil` in free meter.
    var makesOneBar: Bool?
  }

  /// Bar and tie defects: bars that do not fit the meter plus ties between different pitches.
  var defects: Int { offMeterBars.count + tiesBetweenDifferentPitches }
}
