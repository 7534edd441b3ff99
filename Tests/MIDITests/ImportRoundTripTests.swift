import ABCParser
import Foundation
import MIDI
import Testing

/// ABC → MIDI (performer) → `studio import` → ABC → MIDI gives the same melody, within the import grid.
///
/// Grid and tolerance: the importer picks the grid per tune (1/8 or 1/16 for most tunes; 1/32 when grace notes,
/// rolls or trills put notes on 32nds; triplets land on the 1/16 grid, no tuplets are written). The melody read
/// back from the imported ABC must equal, note for note (pitch, onset and length in grid steps), the performed
/// melody quantised to that grid (`ABCImportReport.notes`); and every performed note must either appear there with
/// the same pitch and an onset at most half a step away, or have been dropped because a higher note started on the
/// same step. The bar lines must also fall where the source's do (pickups included).
@Suite struct ImportRoundTripTests {
  /// Round trip of one tune; `nil` when the tune has no notes to import.
  struct Trip {
    var result: ABCImportResult
    /// Notes read back from the imported ABC, in grid steps, shifted so the first onset matches the report.
    var readBack: [GridNote]
    /// Performed notes of the first voice whose pitch and onset (± half a step) are not in the report.
    var unmatched: Int
    var performed: Int
    /// Whether the imported bar lines fall where the source's do (`nil` when the source's cannot be told).
    var barsAgree: Bool?
  }

  /// Where the source's bars start, modulo a bar, in whole notes: the onset of the first note written after the
  /// first bar line that follows a note (0 without a pickup). `nil` in free meter or when no note follows a bar line.
  static func sourceBarPhase(_ tune: ABCTune, _ notes: [Performance.Note]) -> NoteLength? {
    guard let bar = tune.meter?.barLength ?? Meter.common.barLength, bar > .zero else { return nil }
    var seenNote = false
    var barOffset: Int?
    for element in tune.body where barOffset == nil {
      switch element {
      case .note, .chord, .rest: seenNote = true
      case .barLine(let line) where seenNote: barOffset = line.range.start.offset
      default: break
      }
    }
    guard let barOffset, let after = notes.first(where: { ($0.location?.offset ?? -1) > barOffset }) else { return nil }
    return Self.modulo(after.onset, bar)
  }

  static func modulo(_ x: NoteLength, _ m: NoteLength) -> NoteLength {
    x - m * NoteLength(Int((x / m).doubleValue.rounded(.down)))
  }

  static func roundTrip(_ tune: ABCTune) throws -> Trip? {
    let (performance, _) = ABCPerformer().perform(tune)
    guard let voice = performance.tracks.first(where: { if case .voice = $0.kind { true } else { false } }),
      !voice.notes.isEmpty
    else { return nil }
    // Through real SMF bytes, as `studio convert` writes them.
    let midi = try MIDIFile.decode(MIDIFile.encode(performance.midiSequence(ppq: 480)))
    let result = try ABCImporter(options: ABCImportOptions(title: tune.title)).importMelody(from: midi)
    let report = result.report

    let parsed = try #require(ABCParser().parse(result.abcText).tunes.first)
    let back = ABCPerformer().perform(parsed).performance.midiSequence(ppq: 480).notes()
    let stepTicks = 4 * 480 / report.fit.grid.writtenStep.denominator  // a written step is 1/d of a whole note
    var readBack = back.map {
      GridNote(pitch: $0.pitch.int, start: $0.startTick / stepTicks, length: $0.durationTicks / stepTicks)
    }
    #expect(back.allSatisfy { $0.startTick % stepTicks == 0 && $0.durationTicks % stepTicks == 0 })
    if let first = readBack.first, let expected = report.notes.first {
      let shift = expected.start - first.start
      readBack = readBack.map { GridNote(pitch: $0.pitch, start: $0.start + shift, length: $0.length) }
    }

    // Every performed note of the voice is in the report (same pitch, onset within half a step) unless dropped.
    let fit = report.fit
    var byStart: [Int: Int] = [:]
    for n in report.notes { byStart[n.start] = n.pitch }
    let stepTicksIn = 4 * 480 / fit.grid.step.denominator
    var unmatched = 0
    for n in voice.notes {
      let tick = Performance.tick(n.onset, ppq: 480)
      let step = fit.step(atTick: tick)
      let close = abs(Double(fit.tick(atStep: step) - tick)) <= Double(stepTicksIn) / 2 + 1
      if byStart[step] != n.pitch.int || !close { unmatched += 1 }
    }
    // Bar lines: the import's bar start (sounding time, whole notes) against the source's.
    let barsAgree = sourceBarPhase(tune, voice.notes).map { source in
      let step = fit.grid.step
      let phase = NoteLength(report.bars.barSteps) * step
      return modulo(NoteLength(report.bars.phase) * step, phase) == source
    }
    return Trip(
      result: result, readBack: readBack, unmatched: unmatched, performed: voice.notes.count, barsAgree: barsAgree)
  }

  @Test func handWrittenTuneSurvivesTheRoundTrip() throws {
    let abc = """
      X:1
      T:Round trip
      M:6/8
      L:1/8
      Q:3/8=100
      K:D
      A|d2f edB|A2F D2E|F2A B2c|d3- dBA|
      =c2e dBG|^G2A B>cd|e3 e2z|d6|]

      """
    let tune = try #require(ABCParser().parseTune(abc))
    let trip = try #require(try Self.roundTrip(tune))
    #expect(trip.result.validationErrors().isEmpty)
    #expect(trip.readBack == trip.result.report.notes)
    #expect(trip.unmatched == 0)
    #expect(trip.result.report.bars.meter == ImportMeter(6, 8))
    #expect(trip.result.report.startsWithPickup)
    #expect(trip.barsAgree == true)
    #expect(trip.result.report.key == ImportKey(parsing: "D"))
  }

  @Test(.tags(.corpus)) func irishTunesSurviveTheRoundTrip() throws {
    guard let corpora = TestPaths.corpora else {
      print("skipped: ../shared/corpora is absent")
      return
    }
    let path = corpora.appendingPathComponent("irish.abc").path
    guard FileManager.default.fileExists(atPath: path) else {
      print("skipped: \(path) is absent")
      return
    }
    let file = try ABCParser().parseFile(atPath: path)
    var compared = 0
    var exact = 0
    var invalid = 0
    var empty = 0
    var performed = 0
    var unmatched = 0
    var grids: [String: Int] = [:]
    var barsKnown = 0
    var barsAgree = 0
    var mismatches: [String] = []
    for tune in file.tunes {
      guard let trip = try Self.roundTrip(tune) else {
        empty += 1
        continue
      }
      compared += 1
      performed += trip.performed
      unmatched += trip.unmatched
      grids["\(trip.result.report.fit.grid)", default: 0] += 1
      if let agree = trip.barsAgree {
        barsKnown += 1
        if agree { barsAgree += 1 }
      }
      if !trip.result.validationErrors().isEmpty { invalid += 1 }
      if trip.readBack == trip.result.report.notes {
        exact += 1
      } else {
        mismatches.append("X:\(tune.referenceNumber ?? 0) \(tune.title ?? "")")
      }
    }
    print(
      "irish round trip: \(exact) of \(compared) tunes read back exactly (grids \(grids.sorted { $0.key < $1.key })); "
        + "\(invalid) invalid; \(empty) without notes; \(unmatched) of \(performed) performed notes not on the "
        + "written grid (same-step collisions); bar lines where the source has them in \(barsAgree) of \(barsKnown)")
    for m in mismatches.prefix(10) { print("  mismatch: \(m)") }
    #expect(compared >= 790)
    #expect(invalid == 0)
    #expect(exact == compared)
    #expect(unmatched * 1000 <= performed)
    #expect(barsAgree * 100 >= barsKnown * 99)
  }
}
