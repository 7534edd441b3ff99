import ABCParser
import MIDI
import Testing

/// Guitar-chord accompaniment, drums and their `%%MIDI` directives (ABC reference §12.6, §10.1; measured on
/// abc2midi 4.84: bass on channel 2 at velocity 80 from C2 = 36, chords on channel 3 at velocity 75 from C3 = 48).
@Suite struct PerformAccompanimentTests {
  typealias P = Perform

  /// Accompaniment notes as (pitch, onset, duration, velocity, channel), onset/duration in quarter notes.
  static func accompaniment(_ body: String, header: String, options: PerformanceOptions = .init()) throws -> [P.N] {
    let (p, _) = try P.performance(P.abc(header, body), options: options)
    var notes: [P.N] = []
    for t in p.tracks {
      guard case .accompaniment = t.kind else { continue }
      for n in t.notes {
        notes.append(
          P.N(
            pitch: n.pitch.int, onset: n.onset * NoteLength(4), duration: n.duration * NoteLength(4),
            velocity: n.velocity.int, channel: n.channel.userNumber))
      }
    }
    return notes.sorted { ($0.onset, $0.pitch) < ($1.onset, $1.pitch) }
  }

  static func n(_ pitch: Int, _ onset: NoteLength, _ duration: NoteLength, bass: Bool) -> P.N {
    P.N(pitch: pitch, onset: onset, duration: duration, velocity: bass ? 80 : 75, channel: bass ? 2 : 3)
  }

  @Test func fourFourIsBassOnOneAndThreeChordOnTwoAndFour() throws {
    // Pattern fzczfzcz: eight slots of an eighth; C bar then G bar.
    let half = P.b(1, 2)
    let expected = [
      Self.n(36, P.b(0), half, bass: true), Self.n(48, P.b(1), half, bass: false),
      Self.n(52, P.b(1), half, bass: false),
      Self.n(55, P.b(1), half, bass: false), Self.n(36, P.b(2), half, bass: true),
      Self.n(48, P.b(3), half, bass: false),
      Self.n(52, P.b(3), half, bass: false), Self.n(55, P.b(3), half, bass: false),
      Self.n(43, P.b(4), half, bass: true), Self.n(55, P.b(5), half, bass: false),
      Self.n(59, P.b(5), half, bass: false),
      Self.n(62, P.b(5), half, bass: false), Self.n(43, P.b(6), half, bass: true),
      Self.n(55, P.b(7), half, bass: false),
      Self.n(59, P.b(7), half, bass: false), Self.n(62, P.b(7), half, bass: false),
    ]
    #expect(try Self.accompaniment("\"C\"CDEF|\"G\"GABc|", header: "M:4/4\nL:1/4\nK:C") == expected)
  }

  @Test(arguments: [
    ("M:3/4", "\"C\"CDE|", [P.b(0), P.b(1), P.b(2)]),  // fzczcz: bass on 1, chords on 2 and 3
    ("M:6/8", "\"C\"C3|", [P.b(0), P.b(1), P.b(3, 2), P.b(5, 2)]),  // fzcfzc in eighths: 0, 2, 3, 5
    ("M:2/4", "\"C\"CD|", [P.b(0), P.b(1)]),  // fzcz
  ])
  func patternPerMeter(meter: String, body: String, onsets: [NoteLength]) throws {
    let notes = try Self.accompaniment(body, header: "\(meter)\nL:1/4\nK:C")
    var seen: [NoteLength] = []
    for n in notes where seen.last != n.onset { seen.append(n.onset) }
    #expect(seen == onsets)
  }

  @Test func midBarChordSymbolChangesTheNextSlot() throws {
    // measured: `"G"g2 "A7"e2 c2` in 3/4: A7 (A3 C♯4 E4 G4) sounds on beat 2.
    let notes = try Self.accompaniment("\"G\"G \"A7\"E C|", header: "M:3/4\nL:1/4\nK:C")
    #expect(notes.filter { $0.onset == P.b(1) }.map(\.pitch) == [57, 61, 64, 67])
    #expect(notes.filter { $0.onset == P.b(0) }.map(\.pitch) == [43])
  }

  @Test func slashChordPutsTheBassNoteLowest() throws {
    // CS-03 (measured `"D/F#"`: bass F♯2, chord F♯3 A3 D4); a bass outside the chord is added below.
    let inverted = try Self.accompaniment("\"D/F#\"D2 D2|", header: "M:4/4\nL:1/4\nK:D")
    #expect(inverted.filter { $0.channel == 2 }.map(\.pitch).first == 42)
    #expect(inverted.filter { $0.onset == P.b(1) }.map(\.pitch) == [54, 57, 62])
    let added = try Self.accompaniment("\"C/Bb\"C4|", header: "M:4/4\nL:1/4\nK:C")
    #expect(added.first?.pitch == 46)
    #expect(added.filter { $0.onset == P.b(1) }.map(\.pitch) == [48, 52, 55])
  }

  @Test func nottinghamBassSpellingIsReadAsAbc2midiReadsIt() throws {
    // "A7/c+": type 7, bass C (abc2midi ignores the "+").
    let notes = try Self.accompaniment("\"A7/c+\"A4|", header: "M:4/4\nL:1/4\nK:C")
    #expect(notes.first?.pitch == 36)
    #expect(notes.filter { $0.onset == P.b(1) }.map(\.pitch) == [57, 61, 64, 67])
  }

  @Test func lowerCaseRootPlaysTheBassOnly() throws {
    let notes = try Self.accompaniment("\"g\"G4|", header: "M:4/4\nL:1/4\nK:C")
    #expect(notes.allSatisfy { $0.channel == 2 && $0.pitch == 43 })
    #expect(notes.count == 4)
  }

  @Test func gchordDirectivesShapeTheAccompaniment() throws {
    // A custom pattern fills the bar: `fc` is two half-bar slots in 4/4.
    let custom = try Self.accompaniment("\"C\"C4|", header: "M:4/4\nL:1/4\n%%MIDI gchord fc\nK:C")
    #expect(custom.map(\.onset) == [P.b(0), P.b(2), P.b(2), P.b(2)])
    #expect(custom.map(\.duration) == [P.b(2), P.b(2), P.b(2), P.b(2)])
    // Volumes and octaves.
    let loud = try Self.accompaniment(
      "\"C\"C4|", header: "M:4/4\nL:1/4\n%%MIDI bassvol 100\n%%MIDI chordvol 50\n%%MIDI chordprog 24 octave=1\nK:C")
    #expect(loud.filter { $0.channel == 2 }.allSatisfy { $0.velocity == 100 })
    #expect(loud.filter { $0.channel == 3 }.map(\.pitch).prefix(3) == [60, 64, 67])
    #expect(loud.filter { $0.channel == 3 }.allSatisfy { $0.velocity == 50 })
    // gchordoff stops it from that point.
    let off = try Self.accompaniment("\"C\"C4|\n%%MIDI gchordoff\nC4|", header: "M:4/4\nL:1/4\nK:C")
    #expect(off.allSatisfy { $0.onset < P.b(4) })
  }

  @Test func chordProgramIsSentOnTheChordChannel() throws {
    let (p, _) = try P.performance(P.abc("M:4/4\nL:1/4\n%%MIDI chordprog 24\n%%MIDI bassprog 33\nK:C", "\"C\"C4|"))
    let accompaniment = try #require(
      p.tracks.first { if case .accompaniment = $0.kind { return true } else { return false } })
    #expect(accompaniment.channelEvents.map(\.event).contains(.programChange(channel: MIDIChannel(2), program: 24)))
    #expect(accompaniment.channelEvents.map(\.event).contains(.programChange(channel: MIDIChannel(1), program: 33)))
  }

  @Test func customChordNamesAndUnknownTypes() throws {
    let custom = try Self.accompaniment("\"Cfoo\"C4|", header: "M:4/4\nL:1/4\n%%MIDI chordname foo 0 2 9\nK:C")
    #expect(custom.filter { $0.onset == P.b(1) }.map(\.pitch) == [48, 50, 57])
    // An unknown type sounds as a major triad and is reported (abc2midi does the same).
    let (p, warnings) = try P.performance(P.abc("M:4/4\nL:1/4\nK:C", "\"C\"C2 \"Cxyz\"C2|"))
    #expect(warnings.contains { $0.kind == .chordSymbol })
    #expect(
      P.notes(of: p, allTracks: true).filter { $0.channel == 3 && $0.onset == P.b(3) }.map(\.pitch) == [48, 52, 55])
  }

  @Test func pickupBarRestartsThePattern() throws {
    // The accompaniment starts at the first chord symbol; every plain bar line restarts the pattern.
    let notes = try Self.accompaniment("C|\"F\"FGAB|", header: "M:4/4\nL:1/4\nK:C")
    #expect(notes.first?.onset == P.b(1))
    #expect(notes.first?.pitch == 41)
  }

  @Test func meterWithoutAnAbc2midiPatternFallsBackToBassAndChords() throws {
    let notes = try Self.accompaniment("\"C\"CDE|", header: "M:3/2\nL:1/2\nK:C")
    #expect(notes.map(\.onset).first == P.b(0))
    #expect(Set(notes.map(\.onset)) == [P.b(0), P.b(2), P.b(4)])
  }

  @Test func noAccompanimentOptionLeavesOnlyTheVoice() throws {
    var options = PerformanceOptions()
    options.accompaniment = false
    let (p, _) = try P.performance(P.abc("M:4/4\nL:1/4\nK:C", "\"C\"CDEF|"), options: options)
    #expect(p.tracks.count == 1)
    #expect(p.midiSequence().format == 0)
  }

  @Test func drumPatternPlaysOnChannelTen() throws {
    let header = "M:4/4\nL:1/4\n%%MIDI drum dzdd 35 38 38 110 60 60\n%%MIDI drumon\nK:C"
    let (p, _) = try P.performance(P.abc(header, "CDEF|"))
    let drums = try #require(p.tracks.first { if case .drums = $0.kind { return true } else { return false } })
    #expect(drums.channel == .percussion)
    #expect(drums.notes.map(\.pitch.int) == [35, 38, 38])
    #expect(drums.notes.map(\.velocity.int) == [110, 60, 60])
    #expect(drums.notes.map(\.onset) == [.zero, NoteLength(1, 2), NoteLength(3, 4)])
  }
}
