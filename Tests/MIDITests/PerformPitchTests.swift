import ABCParser
import MIDI
import Testing

/// Pitch: key signatures with modes and explicit accidentals, bar accidentals, ties, octaves, clefs, transposition
/// (ABC reference §12.3; checklist N-, A-, K-).
@Suite struct PerformPitchTests {
  typealias P = Perform

  static func pitches(_ body: String, key: String = "K:C", header: String = "M:4/4\nL:1/4") throws -> [Int] {
    try P.pitches(P.abc(header + "\n" + key, body))
  }

  @Test(arguments: [
    ("K:C", "CDEFGABc", [60, 62, 64, 65, 67, 69, 71, 72]),
    ("K:G", "F", [66]),
    ("K:F", "B", [70]),
    ("K:D Mix", "Fc", [66, 72]),  // mixolydian: F♯ only
    ("K:Edor", "Fc", [66, 73]),  // E dorian: F♯ C♯
    ("K:A minor", "FCG", [65, 60, 67]),
    ("K:Bb", "BEA", [70, 63, 69]),
    ("K:EPhr", "FBC", [65, 71, 60]),  // K-03 example: no accidentals
    ("K:D exp _b _e ^f", "BEFc", [70, 63, 66, 72]),  // K-06: only the listed accidentals
    ("K:D =c", "Fc", [66, 72]),  // K-05: modifying accidental
    ("K:HP", "FcG", [66, 73, 67]),  // K-07: pipes sound F♯ C♯
    ("K:none", "FcB", [65, 72, 71]),
  ])
  func keySignatureSetsTheAccidentals(key: String, body: String, expected: [Int]) throws {
    #expect(try Self.pitches(body, key: key) == expected)
  }

  @Test func accidentalHoldsForEveryOctaveUntilTheBarLine() throws {
    // A-02 (abc2midi measured): `^c C c` → C♯5 C♯4 C♯5; the next bar is natural again.
    #expect(try Self.pitches("^c C c C|c") == [73, 61, 73, 61, 72])
  }

  @Test func propagateAccidentalsOctaveLimitsTheAccidentalToItsOctave() throws {
    // `%%propagate-accidentals octave`: `^c C c` → C♯5 C4 C♯5.
    #expect(try Self.pitches("^c C c z|", key: "%%propagate-accidentals octave\nK:C") == [73, 60, 73])
  }

  @Test func nobarlinesLimitsTheAccidentalToItsNote() throws {
    // `%%MIDI nobarlines`.
    #expect(try Self.pitches("^c c c z|", key: "%%MIDI nobarlines\nK:C") == [73, 72, 72])
  }

  @Test func naturalCancelsKeyAndBarAccidentals() throws {
    // `K:G` `F =F F|` → F♯ F F.
    #expect(try Self.pitches("F =F F z|F", key: "K:G") == [66, 65, 65, 66])
  }

  @Test func chordAccidentalsPropagate() throws {
    // `[^ce]c|` → both C♯.
    #expect(try Self.pitches("[^ce] c z2|", key: "K:C") == [73, 76, 73])
  }

  @Test func graceNoteAccidentalsStayOnTheGraceNote() throws {
    // A-07 (our choice): `{^g}A g` → G♯ grace, then G natural.
    #expect(try Self.pitches("{^g}A g z2|") == [80, 69, 79])
  }

  @Test func graceNoteAccidentalsHoldForTheBarInABC2MIDIMode() throws {
    // abc2midi 4.84 (measured): `{^G}A G g G|G` → the grace's sharp holds for every G of the bar, in every octave.
    let abc = P.abc("M:4/4\nL:1/4\nK:C", "{^G}A G g G|G")
    let pitches = try P.notes(abc, options: .abc2midiCompatible).map(\.pitch)
    #expect(pitches == [68, 69, 68, 80, 68, 67])
  }

  @Test func tiedNoteKeepsItsAccidentalAcrossTheBarButDoesNotSetIt() throws {
    // A-04 (measured): `^F2-|F F|` → F♯ held for three beats, then F natural.
    let notes = try P.notes(P.abc("M:3/4\nL:1/4\nK:C", "z ^F2-|F F z|"))
    #expect(notes.map(\.pitch) == [66, 65])
    #expect(notes[0].onset == P.b(1) && notes[0].duration == P.b(3))
    #expect(notes[1].onset == P.b(4) && notes[1].duration == P.b(1))
  }

  @Test func octaveMarks() throws {
    // N-01, N-02.
    #expect(try Self.pitches("A,, c'' C,' c' z|") == [45, 96, 60, 84])
  }

  @Test(arguments: [
    ("K:C octave=-1", 48),  // K-11
    ("K:C treble-8", 48),  // K-09
    ("K:C transpose=-2", 58),  // K-10
    ("K:C clef=bass", 60),  // a clef alone does not transpose
  ])
  func clefParametersShiftPitches(key: String, expected: Int) throws {
    #expect(try Self.pitches("C z3|", key: key) == [expected])
  }

  @Test func midiTransposeAndOptionTransposeAdd() throws {
    #expect(try Self.pitches("C z3|", key: "%%MIDI transpose 3\nK:C") == [63])
    var options = PerformanceOptions()
    options.transpose = 12
    #expect(try P.pitches(P.abc("L:1/4\nK:C transpose=-2", "C z3|"), options: options) == [70])
    #expect(try Self.pitches("C [I:MIDI=transpose -12] C z2|") == [60, 48])
  }

  @Test func percussionChannelIsNotTransposed() throws {
    let notes = try P.notes(P.abc("L:1/4\n%%MIDI transpose 5\nK:C", "%%MIDI channel 10\nC z3|"))
    #expect(notes.map(\.pitch) == [60])
    #expect(notes.map(\.channel) == [10])
  }

  @Test func microtoneBendsThePitchWheel() throws {
    // `^/C` is half a semitone up: C with the wheel at 8192 + 2048.
    let (p, _) = try P.performance(P.abc("L:1/4\nK:C", "^/C C z2|"))
    let notes = p.tracks[0].notes
    #expect(notes.map(\.pitch.int) == [60, 60])
    #expect(notes.map(\.pitchBend) == [10240, nil])
    let events = p.midiSequence().tracks[0].events.map(\.event)
    #expect(events.contains(.pitchBend(channel: MIDIChannel(0), value: 10240)))
    #expect(events.contains(.pitchBend(channel: MIDIChannel(0), value: 8192)))
  }

  @Test func keyChangeInTheBodyAppliesFromThere() throws {
    // K-14: a body `K:` changes the key from that point; a key-signature event follows it.
    let (p, _) = try P.performance(P.abc("M:2/4\nL:1/4\nK:C", "F F|[K:G]F F|"))
    #expect(P.notes(of: p).map(\.pitch) == [65, 65, 66, 66])
    #expect(p.keyChanges.map(\.sharps) == [0, 1])
    #expect(p.keyChanges[1].time == NoteLength(1, 2))
  }

  @Test func middleCDirectiveMovesEveryPitch() throws {
    #expect(try Self.pitches("C z3|", key: "%%MIDI C 48\nK:C") == [48])
  }
}
