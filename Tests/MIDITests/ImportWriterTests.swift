import ABCParser
import Foundation
import Testing

@testable import MIDI

/// `ABCImporter` on hand-made sequences: bars, ties, rests, lengths, quantisation, overlaps and pickups.
@Suite struct ImportWriterTests {
  typealias F = ImportFixtures

  /// Imports `sequence` and checks that the validator accepts the tune (what `studio validate` does).
  func importing(_ sequence: MIDISequence, _ options: ABCImportOptions = ABCImportOptions()) throws -> ABCImportResult {
    let result = try ABCImporter(options: options).importMelody(from: sequence)
    let errors = result.validationErrors()
    #expect(errors.isEmpty, "\(errors)\n\(result.abcText)")
    return result
  }

  @Test func validationCatchesABrokenTune() throws {
    var result = try importing(F.sequence(F.run([60, 62, 64, 65], ticks: 480)))
    result.abcText = result.abcText.replacingOccurrences(of: "|]", with: "(|]")
    #expect(!result.validationErrors().isEmpty)
  }

  @Test func scaleInQuartersIsWrittenWithHeaderAndBeams() throws {
    let notes = F.run([60, 62, 64, 65, 67, 69, 71, 72], ticks: 480)
    let result = try importing(F.sequence(notes), ABCImportOptions(title: "Scale"))
    #expect(
      result.abcText == """
        X:1
        T:Scale
        M:4/4
        L:1/8
        Q:1/4=120
        K:C
        C2D2 E2F2|G2A2 B2c2|]

        """)
    #expect(result.report.fit.grid == .eighth)
    #expect(result.report.bars.meterSource == .timeSignature)
    #expect(result.report.keySource == .inferred)
    #expect(result.report.notes.map(\.start) == [0, 2, 4, 6, 8, 10, 12, 14])
  }

  @Test func syncopationAcrossTheBarLineIsTied() throws {
    // Eighth steps: C half, E quarter, G eighth, then d from the "and" of 4 into bar 2 (3 eighths), e, c half, C whole.
    let e = 240
    let notes: [F.Note] = [
      (60, 0, 4 * e), (64, 4 * e, 6 * e), (67, 6 * e, 7 * e), (74, 7 * e, 10 * e), (76, 10 * e, 12 * e),
      (72, 12 * e, 16 * e), (60, 16 * e, 24 * e),
    ]
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(F.body(result.abcText) == "C4 E2Gd-|d2e2 c4|C8|]\n")
  }

  @Test func restsFillGapsAndLeadingEmptyBarsAreSkipped() throws {
    let e = 240
    // First note on beat 2 of bar 2 (0-based), an empty bar 4, then a whole note in bar 5.
    let notes: [F.Note] = [(67, 18 * e, 20 * e), (69, 20 * e, 22 * e), (71, 24 * e, 28 * e), (72, 40 * e, 48 * e)]
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(F.body(result.abcText) == "z2G2 A2z2|B4 z4|z8|c8|]\n")
    #expect(result.report.skippedLeadingBars == 2)
    #expect(!result.report.startsWithPickup)
    #expect(result.report.barCount == 4)
  }

  @Test func accidentalsResetAtEveryBarLineAndCoverEveryOctave() throws {
    // Bar 1: F# F# G F; bar 2: F# G F# f#; bar 3: f# F# (another octave needs its own sharp), G A.
    let notes = F.run([66, 66, 67, 65, 66, 67, 66, 78, 78, 66, 67, 69], ticks: 480)
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(F.body(result.abcText) == "^F2F2 G2=F2|^F2G2 F2^f2|^f2^F2 G2A2|]\n")
  }

  @Test func naturalsCancelTheKeySignature() throws {
    // In G major F is sharp: F natural needs "=", and the F# after it in the same bar needs "^" again.
    let notes = F.run([67, 65, 66, 67, 66, 67, 71, 67], ticks: 480)
    let key = try #require(ImportKey(parsing: "G"))
    let result = try importing(F.sequence(notes), ABCImportOptions(key: key))
    #expect(F.body(result.abcText) == "G2=F2 ^F2G2|F2G2 B2G2|]\n")
  }

  @Test func tiedNoteCarriesItsAccidentalIntoTheNextBar() throws {
    // F# over the bar line (key C): the continuation repeats "^", and the next F in that bar shows its natural.
    let e = 240
    let notes: [F.Note] = [(60, 0, 6 * e), (66, 6 * e, 10 * e), (65, 10 * e, 12 * e), (60, 12 * e, 16 * e)]
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(F.body(result.abcText) == "C6^F2-|^F2=F2 C4|]\n")
  }

  @Test func octavesUseCommasAndApostrophes() throws {
    let notes = F.run([36, 48, 60, 72, 84, 96, 59, 71], ticks: 480)
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(F.body(result.abcText) == "C,,2C,2 C2c2|c'2c''2 B,2B2|]\n")
  }

  @Test(arguments: [(5, [4, 1]), (6, [6]), (7, [6, 1]), (9, [8, 1]), (11, [8, 3]), (13, [12, 1]), (16, [16])])
  func lengthsSplitIntoPlainAndDottedValues(length: Int, pieces: [Int]) {
    #expect(ABCMelodyWriter.pieces(length) == pieces)
  }

  @Test func oddLengthIsWrittenAsTiedNotes() throws {
    // A note of five sixteenths, then three sixteenths, then a half note.
    let s = 120
    let notes: [F.Note] = [(72, 0, 5 * s), (74, 5 * s, 8 * s), (76, 8 * s, 16 * s)]
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor, unitLength: NoteLength(1, 16)))
    #expect(F.body(result.abcText) == "c4- cd3 e8|]\n")
    #expect(result.report.fit.grid == .sixteenth)
  }

  @Test func unitLengthFollowsTheShorterSpelling() throws {
    let s = 120
    // Mostly sixteenths: L:1/16 writes fewer length characters than L:1/8.
    let notes = F.run([72, 74, 76, 77, 79, 77, 76, 74, 72, 74, 76, 77, 79, 77, 76, 74], ticks: s)
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(result.report.unitLength == NoteLength(1, 16))
    #expect(F.body(result.abcText) == "cdef gfed cdef gfed|]\n")
    let eighths = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor, unitLength: NoteLength(1, 8)))
    #expect(F.body(eighths.abcText) == "c/d/e/f/ g/f/e/d/ c/d/e/f/ g/f/e/d/|]\n")
  }

  @Test func tripletsAreQuantisedToTheGridWithoutTuplets() throws {
    // Four sixteenths, an eighth-note triplet, two quarters, a whole note: mostly straight, so the grid stays 1/16.
    let notes: [F.Note] = [
      (72, 0, 120), (74, 120, 240), (76, 240, 360), (77, 360, 480), (79, 480, 640), (77, 640, 800), (76, 800, 960),
      (74, 960, 1440), (72, 1440, 1920), (72, 1920, 3840),
    ]
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(result.report.fit.grid == .sixteenth)
    #expect(result.report.notes.map(\.start) == [0, 1, 2, 3, 4, 5, 7, 8, 12, 16])
    #expect(result.report.notes.map(\.length) == [1, 1, 1, 1, 1, 2, 1, 4, 4, 16])
    #expect(!result.abcText.contains("("))
    #expect(F.body(result.abcText) == "cdef gf2e d4 c4|c16|]\n")
  }

  @Test func tripletMusicIsRewrittenInCompoundTime() throws {
    // Two bars of 4/4 in eighth-note triplets: the grid is 1/12 and the tune is written in 12/8.
    let pitches = [60, 62, 64, 65, 67, 69, 71, 72, 74, 72, 71, 69, 67, 65, 64, 62, 60, 62, 64, 62, 60, 59, 60, 60]
    let notes = F.run(pitches, ticks: 160)
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(result.report.fit.grid == .tripletEighth)
    #expect(F.header(result.abcText, "M:") == "12/8")
    #expect(F.header(result.abcText, "L:") == "1/8")
    #expect(F.header(result.abcText, "Q:") == "3/8=120")
    #expect(F.body(result.abcText) == "CDE FGA Bcd cBA|GFE DCD EDC B,CC|]\n")
  }

  @Test func simultaneousNotesKeepTheHighestAndOverlapsAreCut() throws {
    let notes: [F.Note] = [
      (60, 0, 480), (64, 0, 480), (67, 0, 480),  // a chord: G wins
      (72, 480, 1100), (71, 960, 1440),  // legato: c is cut where B starts
      (84, 1440, 1460), (69, 1450, 1920),  // a short grace on the same step loses to the real note
    ]
    let result = try importing(F.sequence(notes, timeSignature: (3, 4)), ABCImportOptions(key: .cMajor))
    #expect(
      result.report.notes == [
        GridNote(pitch: 67, start: 0, length: 2), GridNote(pitch: 72, start: 2, length: 2),
        GridNote(pitch: 71, start: 4, length: 2), GridNote(pitch: 69, start: 6, length: 2),
      ])
    #expect(result.report.droppedSimultaneous == 3)
    #expect(result.report.shortenedOverlaps == 1)
    #expect(F.body(result.abcText) == "G2 c2 B2|A2|]\n")
  }

  @Test func gridPhaseAbsorbsAConstantOffset() throws {
    let notes = F.run([60, 62, 64, 65, 67, 69, 71, 72], ticks: 480, from: 40)
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(result.report.fit.phaseTicks == 40)
    #expect(result.report.maxOnsetShiftTicks == 0)
    #expect(F.body(result.abcText) == "C2D2 E2F2|G2A2 B2c2|]\n")
  }

  @Test func jitteredOnsetsSnapToTheGrid() throws {
    let offsets = [0, 9, -7, 12, -10, 5, 0, -3]
    let notes = F.run([60, 62, 64, 65, 67, 69, 71, 72], ticks: 480).enumerated().map { (i, n) in
      (n.pitch, max(0, n.start + offsets[i]), n.end - 20)
    }
    let result = try importing(F.sequence(notes), ABCImportOptions(key: .cMajor))
    #expect(F.body(result.abcText) == "C2D2 E2F2|G2A2 B2c2|]\n")
    #expect(result.report.maxOnsetShiftTicks <= 12)
  }

  @Test func pickupBarIsFoundFromWhereLongNotesFall() throws {
    // 3/4 with a quarter-note pickup at tick 0; the long notes fall one quarter later than the time signature says.
    let q = 480
    let notes: [F.Note] = [
      (62, 0, q), (67, q, 3 * q), (71, 3 * q, 4 * q), (74, 4 * q, 6 * q), (71, 6 * q, 7 * q), (67, 7 * q, 10 * q),
    ]
    let result = try importing(F.sequence(notes, timeSignature: (3, 4)), ABCImportOptions(key: .cMajor))
    #expect(result.report.startsWithPickup)
    #expect(result.report.bars.phase == 2)
    #expect(F.body(result.abcText) == "D2|G4 B2|d4 B2|G6|]\n")
  }

  @Test func pickupBarRidesOnTheFirstLine() throws {
    // A quarter pickup, then five bars of 3/4 on the same accent pattern: the first line holds the pickup and four
    // whole bars.
    let q = 480
    var notes: [F.Note] = [(62, 0, q)]
    for bar in 0..<5 {
      let start = q + bar * 3 * q
      notes += [(67, start, start + 2 * q), (71, start + 2 * q, start + 3 * q)]
    }
    let result = try importing(F.sequence(notes, timeSignature: (3, 4)), ABCImportOptions(key: .cMajor))
    #expect(F.body(result.abcText) == "D2|G4 B2|G4 B2|G4 B2|G4 B2|\nG4 B2|]\n")
  }

  @Test func louderNotesMarkTheDownbeats() throws {
    // Even eighths in 4/4 with nothing to tell the bar apart but velocity: every bar's first note is accented (as
    // abc2midi's beat model plays them), starting three eighths into the file.
    let e = 240
    var events: [TimedMIDIEvent] = [
      TimedMIDIEvent(
        tick: 0,
        .meta(.timeSignature(numerator: 4, denominatorPower: 2, clocksPerClick: 24, thirtySecondsPerQuarter: 8)))
    ]
    for i in 0..<19 {
      let velocity: UInt7 = (i - 3) % 8 == 0 ? 105 : 80
      events.append(TimedMIDIEvent(tick: i * e, .noteOn(channel: MIDIChannel(0), note: 72, velocity: velocity)))
      events.append(TimedMIDIEvent(tick: (i + 1) * e, .noteOff(channel: MIDIChannel(0), note: 72, velocity: 0)))
    }
    let sequence = MIDISequence(format: 0, ppq: 480, tracks: [MIDITrack(events: events).normalized()])
    let result = try importing(sequence, ABCImportOptions(key: .cMajor))
    #expect(result.report.bars.phaseSource == .accents)
    #expect(result.report.bars.phase == 3)
    #expect(F.body(result.abcText) == "ccc|cccc cccc|cccc cccc|]\n")
  }

  @Test func shortRestsCanBeFilled() throws {
    // Sung notes released a sixteenth early: kept as rests by default, absorbed with fillRests 1.
    let s = 120
    let notes: [F.Note] = [(72, 0, 3 * s), (74, 4 * s, 7 * s), (76, 8 * s, 10 * s), (77, 12 * s, 16 * s)]
    let plain = try importing(
      F.sequence(notes), ABCImportOptions(grid: .sixteenth, key: .cMajor, unitLength: NoteLength(1, 16)))
    #expect(F.body(plain.abcText) == "c3z d3z e2z2 f4|]\n")
    let filled = try importing(
      F.sequence(notes), ABCImportOptions(grid: .sixteenth, key: .cMajor, unitLength: NoteLength(1, 16), fillRests: 1))
    #expect(F.body(filled.abcText) == "c4 d4 e2z2 f4|]\n")
    #expect(filled.report.filledRests == 2)
  }

  @Test func triplePatternWithoutTimeSignatureIsInferredAsThreeFour() throws {
    let q = 480
    var notes: [F.Note] = []
    let bars = [(60, 64), (62, 65), (64, 67), (65, 69), (67, 71), (65, 69), (64, 67), (62, 65)]
    for (i, (long, short)) in bars.enumerated() {
      notes.append((long, 3 * i * q, (3 * i + 2) * q))
      notes.append((short, (3 * i + 2) * q, (3 * i + 3) * q))
    }
    let result = try importing(F.sequence(notes, timeSignature: nil), ABCImportOptions(key: .cMajor))
    #expect(result.report.bars.meterSource == .inferred)
    #expect(result.report.bars.meter == .threeFour)
    #expect(F.body(result.abcText) == "C4 E2|D4 F2|E4 G2|F4 A2|\nG4 B2|F4 A2|E4 G2|D4 F2|]\n")
  }

  @Test func meaninglessOneFourTimeSignatureIsIgnored() throws {
    let notes = F.run([60, 62, 64, 65, 67, 69, 71, 72], ticks: 480)
    let result = try importing(F.sequence(notes, timeSignature: (1, 4)), ABCImportOptions(key: .cMajor))
    #expect(result.report.bars.meterSource == .inferred)
    #expect(F.header(result.abcText, "M:") == "4/4")
    #expect(result.report.notices.contains { $0.contains("1/4 ignored") })
  }

  @Test func optionsOverrideMeterUnitAndTitle() throws {
    let notes = F.run([60, 62, 64, 65, 67, 69, 71, 72], ticks: 480)
    let options = ABCImportOptions(
      meter: ImportMeter(2, 4), key: ImportKey(parsing: "Am"), unitLength: NoteLength(1, 4), title: "100% pop",
      referenceNumber: 7, barsPerLine: 2)
    let result = try importing(F.sequence(notes), options)
    #expect(
      result.abcText == """
        X:7
        T:100\\% pop
        M:2/4
        L:1/4
        Q:1/4=120
        K:Am
        CD|EF|
        GA|Bc|]

        """)
    #expect(result.report.bars.meterSource == .option)
    #expect(result.report.keySource == .option)
  }

  @Test func melodyTrackIsTheNamedOneOrTheHighest() throws {
    let melody = F.track(F.run([72, 74, 76, 77], ticks: 480), channel: 0)
    let bass = F.track(F.run([36, 43, 36, 43], ticks: 480), channel: 1)
    let named = F.track(F.run([60, 62, 64, 65], ticks: 480), name: "Vocal Melody", channel: 2)
    let unnamed = MIDISequence(format: 1, ppq: 480, tracks: [MIDITrack(), bass, melody])
    #expect(try importing(unnamed).report.track == 2)
    let withName = MIDISequence(format: 1, ppq: 480, tracks: [MIDITrack(), bass, melody, named])
    #expect(try importing(withName).report.track == 3)
    #expect(try importing(withName, ABCImportOptions(track: 1)).report.notes.map(\.pitch) == [36, 43, 36, 43])
  }

  @Test func badSelectionsAndOptionsGiveClearErrors() throws {
    let empty = MIDISequence(format: 1, ppq: 480, tracks: [MIDITrack()])
    #expect(throws: ABCImportError.noNotes) { try importing(empty) }
    let drums = MIDISequence(format: 1, ppq: 480, tracks: [F.track(F.run([36, 38], ticks: 480), channel: 9)])
    #expect(throws: ABCImportError.noNotes) { try importing(drums) }
    let song = F.sequence(F.run([60, 62], ticks: 480))
    #expect(throws: ABCImportError.trackOutOfRange(track: 5, trackCount: 2)) {
      try importing(song, ABCImportOptions(track: 5))
    }
    #expect(throws: ABCImportError.noNotesInPart(track: 0, channel: nil, tracksWithNotes: [1])) {
      try importing(song, ABCImportOptions(track: 0))
    }
    let odd = try #require(ImportMeter(7, 64))
    #expect(throws: ABCImportError.meterDoesNotFitGrid(meter: odd, grid: .eighth)) {
      try importing(song, ABCImportOptions(meter: odd))
    }
    #expect(throws: ABCImportError.optionTooSmall(name: "bars per line", value: 0, minimum: 1)) {
      try importing(song, ABCImportOptions(barsPerLine: 0))
    }
    #expect(throws: ABCImportError.invalidUnitLength(NoteLength(1, 3))) {
      try importing(song, ABCImportOptions(unitLength: NoteLength(1, 3)))
    }
    let far = F.sequence([(60, 0, 480), (62, 480 * 4 * 20_000, 480 * 4 * 20_000 + 480)])
    #expect(throws: ABCImportError.tooManyBars(bars: 20_001, limit: ABCImporter.barLimit)) { try importing(far) }
    #expect(ABCImportError.trackOutOfRange(track: 5, trackCount: 2).description.contains("0…1"))
  }

  @Test func gridOptionIsParsed() {
    #expect(ImportGrid(parsing: "1/16") == .sixteenth)
    #expect(ImportGrid(parsing: "12") == .tripletEighth)
    #expect(ImportGrid(parsing: "32nd") == .thirtySecond)
    #expect(ImportGrid(parsing: "1/5") == nil)
    #expect(ImportGrid(parsing: "1/4") == nil)
    #expect(ImportMeter(parsing: "C|") == ImportMeter(2, 2))
    #expect(ImportMeter(parsing: " 6/8 ") == ImportMeter(6, 8))
    #expect(ImportMeter(parsing: "6/7") == nil)
    #expect(ABCImportOptions.unitLength(parsing: "1/16") == NoteLength(1, 16))
    #expect(ABCImportOptions.unitLength(parsing: "3/8") == nil)
  }
}

/// The importer on random sequences: it returns valid ABC or an `ABCImportError`, never traps.
@Suite struct ImportFuzzTests {
  @Test func randomSequencesImportToValidABCOrAClearError() throws {
    var rng = SplitMix64(seed: 0x1A2B_3C4D)
    var imported = 0
    var refused = 0
    for _ in 0..<150 {
      let ppq = [1, 7, 96, 100, 120, 384, 480, 960, 1000][Int.random(in: 0...8, using: &rng)]
      var sequence = RandomSequences.sequence(
        format: 1, ppq: ppq, trackCount: Int.random(in: 1...3, using: &rng), eventsPerTrack: 5...120, using: &rng)
      // Bring the note events close together now and then, so many sequences are importable.
      if Bool.random(using: &rng) {
        for t in sequence.tracks.indices {
          for e in sequence.tracks[t].events.indices { sequence.tracks[t].events[e].tick %= 8 * ppq }
          sequence.tracks[t] = sequence.tracks[t].normalized()
        }
      }
      var options = ABCImportOptions()
      if Bool.random(using: &rng) {
        options.grid =
          [ImportGrid.eighth, .sixteenth, .thirtySecond, .tripletEighth, .tripletSixteenth][
            Int.random(in: 0...4, using: &rng)]
      }
      if Bool.random(using: &rng) {
        options.meter = [ImportMeter(3, 4), ImportMeter(6, 8), ImportMeter(5, 4)][Int.random(in: 0...2, using: &rng)]
      }
      if Bool.random(using: &rng) { options.fillRests = Int.random(in: 0...3, using: &rng) }
      do {
        let result = try ABCImporter(options: options).importMelody(from: sequence)
        let errors = result.validationErrors()
        #expect(errors.isEmpty, "\(errors)\n\(result.abcText)")
        imported += 1
      } catch {
        refused += 1
        #expect(!error.description.isEmpty)
      }
    }
    #expect(imported >= 30)
    print("random sequences: \(imported) imported, \(refused) refused with an error")
  }
}
