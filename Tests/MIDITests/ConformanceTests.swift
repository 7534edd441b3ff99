import ABCParser
import Foundation
import MIDI
import Testing

/// ABC 2.1 conformance: every construct of `../shared/docs/abc-reference.md` that has a sound, played by studio and
/// checked note by note against notes worked out by hand from the standard (material written for this suite and
/// short examples retyped from the standard's text). Where abc2midi 4.84 (the differential oracle) plays a case
/// differently, the case is in `abc2midiDifferences` with the reason; a second test checks that list against
/// abc2midi itself, so it stays honest in both directions.
///
/// Expected notes are written `pitch@onset:duration`: pitch as a name (`C4` = MIDI 60, `F#4`, `Bb3`), onset and
/// duration in quarter-note beats as integers or fractions (`3/2`), in the order studio sorts them (onset, then
/// pitch). Every case is a one-voice tune `X:1`, `T:<id>`, then `M:4/4`, `L:1/4` unless its header says otherwise,
/// then `K:C` unless its header has a `K:`.
@Suite struct ConformanceTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var id: String
    var header: String
    var body: String
    var expected: String
    var testDescription: String { "\(id): \(body.replacingOccurrences(of: "\n", with: "⏎"))" }

    init(_ id: String, _ header: String = "", _ body: String, _ expected: String) {
      self.id = id
      self.header = header
      self.body = body
      self.expected = expected
    }

    /// The whole tune.
    var text: String {
      var lines = ["X:1", "T:\(id)"]
      let fields = header.split(separator: "\n").map(String.init)
      if !fields.contains(where: { $0.hasPrefix("M:") }) { lines.append("M:4/4") }
      if !fields.contains(where: { $0.hasPrefix("L:") }) && !fields.contains(where: { $0.hasPrefix("M:") }) {
        lines.append("L:1/4")
      }
      lines += fields.filter { !$0.hasPrefix("K:") }
      lines.append(fields.first { $0.hasPrefix("K:") } ?? "K:C")
      return lines.joined(separator: "\n") + "\n" + body + "\n"
    }
  }

  /// `n` notes of the same length one after the other from `start`: `run("C4 D4 E4", 1)`.
  static func run(_ names: String, _ length: String, from start: String = "0") -> String {
    var t = parseRational(start)
    let d = parseRational(length)
    var out: [String] = []
    for name in names.split(separator: " ") {
      out.append("\(name)@\(t):\(d)")
      t += d
    }
    return out.joined(separator: " ")
  }

  static let cases: [Case] = [
    // §1 file structure
    Case("F-08 comment line", "", "C D\n  % a comment line\nE F|]", run("C4 D4 E4 F4", "1")),
    Case("F-09 end-of-line comment", "", "C D % two notes\nE F|]", run("C4 D4 E4 F4", "1")),
    Case("F-10 remark", "", "C [r:fixed] D E F|]", run("C4 D4 E4 F4", "1")),
    Case("F-14 continuation", "", "C D \\\nE F|]", run("C4 D4 E4 F4", "1")),
    Case("F-16 reserved characters", "", "C @D E?F|]", run("C4 D4 E4 F4", "1")),
    Case("H-07 unknown field line in the body", "", "C D|\nJ:whatever\nE F|]", run("C4 D4 E4 F4", "1")),
    // §3 fields
    Case("I-01 inline field", "", "F [K:D] F F|]", run("F4 F#4 F#4", "1")),
    Case("I-02 field line", "", "F F|\nK:D\nF F|]", run("F4 F4 F#4 F#4", "1")),
    Case("K-01 tonic with flat", "K:Bb", "B E F|]", run("Bb4 Eb4 F4", "1")),
    Case("K-02 mode", "K:Ador", "F B c|]", run("F#4 B4 C5", "1")),
    Case("K-02 mode words", "K:D Mixolydian", "F c|]", run("F#4 C5", "1")),
    Case("K-03 phrygian", "K:EPhr", "F C|]", run("F4 C4", "1")),
    Case("K-04 no key signature", "K:none", "F B|]", run("F4 B4", "1")),
    Case("K-05 modifying accidentals", "K:D =c", "C F|]", run("C4 F#4", "1")),
    Case("K-06 explicit signature", "K:D exp _b _e ^f", "B E F C|]", run("Bb4 Eb4 F#4 C4", "1")),
    Case("K-07 bagpipe key", "K:HP", "F C G|]", run("F#4 C#4 G4", "1")),
    Case("K-09 clef -8", "K:C treble-8", "C c|]", run("C3 C4", "1")),
    Case("K-10 transpose", "K:C transpose=-2", "C D|]", run("Bb3 C4", "1")),
    Case("K-13 clef-only K: keeps the key", "K:G", "F [K:bass] F|]", run("F#4 F#4", "1")),
    Case("K-14 key change keeps the bar's accidentals", "", "^F [K:F] F B|B|]", run("F#4 F#4 Bb4 Bb4", "1")),
    Case("M-02 cut time", "M:C|", "C D E F|]", run("C4 D4 E4 F4", "1/2")),
    Case("M-05 additive meter", "M:(2+3+2)/8", "C D E F G A B|]", run("C4 D4 E4 F4 G4 A4 B4", "1/2")),
    Case("L-02 default unit from the meter", "M:2/4", "C D E F|]", run("C4 D4 E4 F4", "1/4")),
    Case(
      "L-05 unit length in the body", "L:1/8", "C D [L:1/16] E F|]",
      run("C4 D4", "1/2") + " " + run("E4 F4", "1/4", from: "1")),
    // §4 notes
    Case("N-01 N-02 octaves", "", "C c C, c' A,,|]", run("C4 C5 C3 C6 A2", "1")),
    Case("A-01 accidentals", "", "^F _B =c ^^g __e|]", run("F#4 Bb4 C5 A5 D5", "1")),
    Case("A-02 bar scope, all octaves", "", "^c C c|c|]", run("C#5 C#4 C#5 C5", "1")),
    Case("A-04 a tie keeps the pitch, not the accidental", "", "^F2-|F F|]", "F#4@0:3 F4@3:1"),
    Case("A-05 naturals", "K:G", "F =F F|]", run("F#4 F4 F4", "1")),
    Case("A-06 accidentals in chords", "", "[^ce]c|]", "C#5@0:1 E5@0:1 C#5@1:1"),
    Case("A-07 grace accidentals do not propagate", "", "{^g}A g|]", "G#5@0:1/4 A4@1/4:3/4 G5@1:1"),
    Case(
      "D-01 D-02 lengths", "L:1/8", "A2 A3 A/ A// A3/2 A3/|]",
      "A4@0:1 A4@1:3/2 A4@5/2:1/4 A4@11/4:1/8 A4@23/8:3/4 A4@29/8:3/4"),
    Case("B-01 broken rhythm", "L:1/8", "a>b c<d|]", "A5@0:3/4 B5@3/4:1/4 C5@1:1/4 D5@5/4:3/4"),
    Case("B-02 stronger broken rhythm", "L:1/8", "a>>b a>>>b|]", "A5@0:7/8 B5@7/8:1/8 A5@1:15/16 B5@31/16:1/16"),
    Case("B-03 grace notes are transparent to >", "L:1/8", "A<{g}A|]", "A4@0:1/4 G5@1/4:1/8 A4@3/8:5/8"),
    Case("R-01 rests", "", "C z D z/ E|]", "C4@0:1 D4@2:1 E4@7/2:1"),
    Case("R-02 invisible rest", "", "C x D|]", "C4@0:1 D4@2:1"),
    Case("R-03 multi-bar rest", "", "C4|Z2|D4|]", "C4@0:4 D4@12:4"),
    Case("R-04 invisible multi-bar rest", "", "C4|X|D4|]", "C4@0:4 D4@8:4"),
    Case("R-05 spacer", "", "C y D|]", run("C4 D4", "1")),
    Case("S-02 back-quotes", "L:1/8", "C``D``E|]", run("C4 D4 E4", "1/2")),
    // §5 bars, repeats, endings
    Case("BL-04 three passes", "", "|::C D::|", run("C4 D4 C4 D4 C4 D4", "1")),
    Case("BL-05 dotted bar resets accidentals", "", "^F .| F|]", run("F#4 F4", "1")),
    Case("BL-06 invisible bar", "", "C [|] D|]", run("C4 D4", "1")),
    Case("BL-07 liberal bar shapes", "", "C [|: D E :|]", run("C4 D4 E4 D4 E4", "1")),
    Case("BL-08 decorated bar", "", "C D !fermata!| \"^Fine\"|]", run("C4 D4", "1")),
    Case("BL-09 missing start repeat", "", "C D:|E F:|", run("C4 D4 C4 D4 E4 F4 E4 F4", "1")),
    Case("E-01 first and second endings", "", "|:C|1 D:|2 E|]", run("C4 D4 C4 E4", "1")),
    Case("E-02 ending lists", "", "|:C|[1,3 D:|[2 E:|[4 F|]", run("C4 D4 C4 E4 C4 D4 C4 F4", "1")),
    // §6 ties, slurs, graces, tuplets, decorations, chords
    Case("T-01 tie", "", "c2-c2|]", "C5@0:4"),
    Case("T-02 tie across a bar", "", "d2-|d2 B2|]", "D5@0:4 B4@4:2"),
    Case("T-03 dotted tie", "", "C.-C|]", "C4@0:2"),
    Case("T-04 tied chord", "", "[CE]-[CE]|]", "C4@0:2 E4@0:2"),
    Case("T-04 one tied chord note", "", "[C-E][CE]|]", "C4@0:2 E4@0:1 E4@1:1"),
    Case("T-05 tie to another pitch", "", "C2-D2|]", "C4@0:2 D4@2:2"),
    Case("T-07 slurs do not change time", "", "(C D) (E F)|]", run("C4 D4 E4 F4", "1")),
    Case("G-01 grace notes", "L:1/8", "{gag}A|]", "G5@0:1/8 A5@1/8:1/8 G5@1/4:1/8 A4@3/8:1/8"),
    Case("G-02 acciaccatura", "L:1/8", "{/g}A2|]", "G5@0:1/8 A4@1/8:7/8"),
    Case("TU-01 triplet", "", "(3CDE F|]", "C4@0:2/3 D4@2/3:2/3 E4@4/3:2/3 F4@2:1"),
    Case("TU-01 duplet in compound meter", "M:6/8\nL:1/8", "(2CD E|]", "C4@0:3/4 D4@3/4:3/4 E4@3/2:1/2"),
    Case("TU-02 general tuplet", "L:1/8", "(3:2:2 G4c2|]", "G4@0:4/3 C5@4/3:2/3"),
    Case("TU-03 chords and rests count", "", "(3[CE]zG|]", "C4@0:2/3 E4@0:2/3 G4@4/3:2/3"),
    Case("TU-04 mixed lengths", "", "(3D2E2F2|]", "D4@0:4/3 E4@4/3:4/3 F4@8/3:4/3"),
    Case("DE-02 staccato", "", ".C D|]", "C4@0:1/2 D4@1:1"),
    Case("DE-02 fermata", "", "HC D|]", "C4@0:2 D4@2:1"),
    Case("DE-03 tenuto and unknown decorations", "", "!tenuto!C !foo!D|]", run("C4 D4", "1")),
    Case("C-01 chord", "", "[CEG] [DD]|]", "C4@0:1 E4@0:1 G4@0:1 D4@1:1 D4@1:1"),
    Case("C-02 inner and outer lengths", "", "[C2E2]3 G|]", "C4@0:6 E4@0:6 G4@6:1"),
    Case("C-03 unequal chord notes", "", "[CE2]G|]", "C4@0:1 E4@0:2 G4@1:1"),
    // §7 voices, §8 parts
    Case("V-01 voices", "", "V:1\nC D|]\nV:2\nE, F,|]", "C4@0:1 E3@0:1 D4@1:1 F3@1:1"),
    Case("V-08 overlay", "", "C D E F & G4|]", "C4@0:1 G4@0:4 D4@1:1 E4@2:1 F4@3:1"),
    Case("P-01 P-02 play order", "P:A2B", "P:A\nC|\nP:B\nD|]", run("C4 C4 D4", "1")),
    Case("P-03 P-04 groups and dots", "P:(A.B)2", "P:A\nC|\nP:B\nD|]", run("C4 D4 C4 D4", "1")),
    Case("P-06 labels without a play order", "", "P:A\nC|\nP:B\nD|]", run("C4 D4", "1")),
    // §10 line breaks, macros, symbols
    Case("LB-02 score line break", "", "C D$E F|]", run("C4 D4 E4 F4", "1")),
    Case(
      "MA-01 static macro", "L:1/8\nm: ~G3 = G{A}G{F}G", "~G3|]",
      "G4@0:1/2 A4@1/2:1/8 G4@5/8:3/8 F4@1:1/8 G4@9/8:3/8"),
    Case("MA-02 transposing macro", "L:1/8\nm: ~n2 = (3o/n/m/ n", "~E2|]", "F4@0:1/6 E4@1/6:1/6 D4@1/3:1/6 E4@1/2:1/2"),
    Case("UD-01 user symbol", "U: W = !staccato!", "WC D|]", "C4@0:1/2 D4@1:1"),
    Case("DI-05 %%MIDI transpose", "%%MIDI transpose 2", "C D|]", run("D4 E4", "1")),
    // Deliberate differences from abc2midi (issue 17): studio plays as written.
    Case("deliberate: staccato inside broken rhythm", "L:1/8", "c>.E|]", "C5@0:3/4 E4@3/4:1/8"),
    Case("deliberate: roll separated from its note", "L:1/8", "~(dcd)|]", "E5@0:1/8 D5@1/8:3/8 C5@1/2:1/2 D5@1:1/2"),
    Case(
      "deliberate: (5 in simple meter is in the time of 2", "L:1/8", "(5CDEFG A|]",
      run("C4 D4 E4 F4 G4", "1/5") + " A4@1:1/2"),
    Case("deliberate: lengths such as 2/3", "L:1/8", "c2/3 D|]", "C5@0:1/3 D4@1/3:1/2"),
    Case(
      "deliberate: !staccato! and !roll! play", "L:1/8", "!staccato!f !roll!e d|]",
      "F5@0:1/4 F5@1/2:1/8 E5@5/8:3/8 D5@1:1/2"),
    Case(
      "deliberate: ties into second endings", "", "|:C D-|1 D E:|2 D F|]",
      "C4@0:1 D4@1:2 E4@3:1 C4@4:1 D4@5:2 F4@7:1"),
    Case("deliberate: ! line breaks between bars", "", "C D|!E F|]", run("C4 D4 E4 F4", "1")),
    Case("deliberate: :| goes back to the latest ||", "", "C D||E F:|", run("C4 D4 E4 F4 E4 F4", "1")),
    Case("deliberate: R:hornpipe has no playback meaning", "L:1/8\nR:hornpipe", "CDEF|]", run("C4 D4 E4 F4", "1/2")),
  ]

  /// Cases abc2midi 4.84 plays differently, with the reason. One list for the whole suite; `abc2midiDiffersOnlyHere`
  /// checks every entry against abc2midi (and that no other case differs).
  static let abc2midiDifferences: [String: String] = [
    // abc2midi wrong by the standard:
    "H-07 unknown field line in the body":
      "abc2midi plays the letters of a body line with an unknown field letter as notes (2.1 §3: ignore it, warn)",
    "A-07 grace accidentals do not propagate": "abc2midi lets a grace note's accidental hold for the rest of the bar",
    "BL-04 three passes": "abc2midi plays a |:: … ::| section twice (2.1 §4.8: one extra pass per extra colon)",
    "C-02 inner and outer lengths":
      "abc2midi ignores the inner lengths when a chord has an outer length ([C2E2]3 lasts 3, 2.1 §4.17 says 6)",
    "MA-02 transposing macro": "abc2midi ignores m: macros (\"Ignoring text\") and plays ~E2 as a roll",
    "UD-01 user symbol": "abc2midi ignores the U: W = !staccato! binding and plays the note full length",
    "deliberate: staccato inside broken rhythm":
      "abc2midi: \"Cannot apply broken rhythm\"; it plays c>.E as two equal notes",
    "deliberate: roll separated from its note": "abc2midi does not carry ~ over the ( to the note",
    "deliberate: lengths such as 2/3": "abc2midi reports that 3 is not a power of 2 and plays c2/3 for 32 ticks",
    "deliberate: !staccato! and !roll! play":
      "abc2midi: \"instruction !staccato! ignored\", and !roll! likewise (2.1 §4.14 defines both; --abc2midi ignores them)",
    "deliberate: ties into second endings":
      "abc2midi ties in source order, to the first ending, on both passes, and sounds the second ending's D again (T-06)",
    // The standard silent (or allowing both), studio's choice:
    "K-14 key change keeps the bar's accidentals":
      "abc2midi forgets the bar's accidentals at an inline K:; studio keeps them to the bar line (reference K-14)",
    "C-03 unequal chord notes":
      "abc2midi cuts every chord note to the first note's length; studio lets each sound its own length (C-03)",
    "deliberate: :| goes back to the latest ||":
      "abc2midi restarts from the tune's start; 2.1 §4.8 allows both (--abc2midi reproduces abc2midi)",
    "deliberate: R:hornpipe has no playback meaning":
      "abc2midi swings eighth pairs 2:1 under R:hornpipe; 2.1 gives R: no playback meaning (--abc2midi swings)",
  ]

  // MARK: - Helpers

  static func parseRational(_ text: String) -> NoteLength {
    let parts = text.split(separator: "/")
    let n = Int(parts[0])!
    return parts.count == 2 ? NoteLength(n, Int(parts[1])!) : NoteLength(n)
  }

  /// MIDI number of `C4`, `F#4`, `Bb3`, `A1`.
  static func pitch(_ name: Substring) -> Int {
    let letters: [Character: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
    var rest = name.dropFirst()
    var p = letters[name.first!]!
    while let c = rest.first, c == "#" || c == "b" {
      p += c == "#" ? 1 : -1
      rest = rest.dropFirst()
    }
    return p + 12 * (Int(rest)! + 1)
  }

  /// (pitch, onset, duration) of the expected notes, sorted as `Perform.notes` sorts.
  static func expected(_ c: Case) -> [(Int, NoteLength, NoteLength)] {
    c.expected.split(separator: " ").map { token in
      let at = token.firstIndex(of: "@")!
      let colon = token.firstIndex(of: ":")!
      return (
        pitch(token[..<at]), parseRational(String(token[token.index(after: at)..<colon])),
        parseRational(String(token[token.index(after: colon)...]))
      )
    }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
  }

  // MARK: - Tests

  @Test(arguments: cases)
  func studioPlaysTheStandard(_ c: Case) throws {
    let played = try Perform.notes(c.text).map { ($0.pitch, $0.onset, $0.duration) }
    let expected = Self.expected(c)
    #expect(played.count == expected.count, "\(played)")
    for (p, e) in zip(played, expected) {
      #expect(p.0 == e.0 && p.1 == e.1 && p.2 == e.2, "studio \(p), expected \(e)")
    }
  }

  @Test func everyAllowListEntryNamesACase() {
    let ids = Set(Self.cases.map(\.id))
    #expect(Self.abc2midiDifferences.keys.filter { !ids.contains($0) }.isEmpty)
    #expect(Set(Self.cases.map(\.id)).count == Self.cases.count)
  }

  /// abc2midi (when installed) plays every case as the standard says, except the allow-listed ones, which it really
  /// plays differently. abc2midi's chord attack is switched off (`%%MIDI chordattack 0`) so chords compare.
  @Test func abc2midiDiffersOnlyWhereListed() throws {
    guard let tool = TestPaths.executable("abc2midi") else {
      print("skipped: abc2midi is not installed (apt-get install abcmidi)")
      return
    }
    let directory = try TestPaths.temporaryDirectory("conformance-abc2midi")
    defer { try? FileManager.default.removeItem(at: directory) }
    for (i, c) in Self.cases.enumerated() {
      let text = c.text.replacingOccurrences(of: "\nK:", with: "\n%%MIDI chordattack 0\nK:", options: [], range: nil)
      let theirs = DifferentialABC2MIDITests.abc2midi(tool, text: text, in: directory, name: "c\(i)")?.melody ?? []
      let expected = Self.expected(c).map { e in
        DifferentialABC2MIDITests.Note(
          on: Performance.tick(e.1 / NoteLength(4), ppq: 480),
          off: Performance.tick((e.1 + e.2) / NoteLength(4), ppq: 480), pitch: e.0, velocity: 0)
      }.sorted()
      let why = DifferentialABC2MIDITests.difference(theirs, expected, velocity: false)
      if Self.abc2midiDifferences[c.id] != nil {
        #expect(why != nil, "\(c.id): listed as different, but abc2midi plays it as the standard says")
      } else {
        #expect(why == nil, "\(c.id): \(why ?? "")")
      }
    }
  }
}
