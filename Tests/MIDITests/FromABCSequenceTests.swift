import ABCParser
import Foundation
import MIDI
import Testing

/// `Performance.midiSequence(ppq:format:)` and the `ABCToMIDI` convenience API (ABC reference §12.1, §12.7).
@Suite struct FromABCSequenceTests {
  typealias P = Perform

  @Test func singleVoiceIsFormatZeroWithTheMetaEventsFirst() throws {
    let (p, _) = try P.performance("X:1\nT:Scale\nM:3/4\nL:1/4\nQ:1/4=100\nK:D\nDEF|\n")
    let s = p.midiSequence()
    #expect(s.format == 0 && s.ppq == 480 && s.tracks.count == 1)
    let metas = s.tracks[0].events.compactMap { e -> MIDIMetaEvent? in
      if case .meta(let m) = e.event { return m } else { return nil }
    }
    #expect(metas.contains(.text(MIDIMetaEvent.trackNameKind, "Scale")))
    #expect(metas.contains(.tempo(microsecondsPerQuarter: 600_000)))
    // abc2midi's time signature: 3/4 with 18 clocks per click.
    #expect(
      metas.contains(.timeSignature(numerator: 3, denominatorPower: 2, clocksPerClick: 18, thirtySecondsPerQuarter: 8)))
    #expect(metas.contains(.keySignature(sharps: 2, minor: false)))
    let notes = s.notes()
    #expect(notes.map(\.pitch.int) == [62, 64, 66])
    #expect(notes.map(\.startTick) == [0, 480, 960])
    #expect(notes.map(\.endTick) == [480, 960, 1440])
    #expect(notes.map(\.velocity.int) == [105, 80, 80])
  }

  @Test func accompanimentMakesFormatOneWithAConductorTrack() throws {
    let (p, _) = try P.performance("X:1\nT:t\nM:4/4\nL:1/4\nK:Am\n\"Am\"ABcd|\n")
    let s = p.midiSequence()
    #expect(s.format == 1)
    #expect(s.tracks.count == 3)
    #expect(!s.tracks[0].events.contains { $0.event.isNoteStart })
    #expect(s.tracks[0].events.contains { $0.event == .meta(.keySignature(sharps: 0, minor: true)) })
    #expect(s.tracks[1].events.filter(\.event.isNoteStart).count == 4)
    #expect(s.tracks[2].events.filter(\.event.isNoteStart).allSatisfy { [1, 2].contains($0.event.channel?.value) })
    // format 0 on request: every track merged into one.
    let flat = p.midiSequence(format: 0)
    #expect(flat.format == 0 && flat.tracks.count == 1)
    #expect(flat.notes().count == s.notes().count)
  }

  @Test func quintupletRoundingIsSpreadSoTheGroupSumsExactly() throws {
    // §12.1: (5 eighths in 4/4 are 96 ticks each at 480 PPQ; at 100 PPQ they are 20 each, and (7 is inexact:
    // positions are floored, durations come from positions, the next beat is exact.
    let (p, _) = try P.performance("X:1\nT:t\nM:4/4\nL:1/8\nK:C\n(7ABcdefg a z5|\n")
    let notes = p.midiSequence(ppq: 480).notes()
    #expect(notes.prefix(7).map(\.startTick) == [0, 68, 137, 205, 274, 342, 411])
    #expect(notes.prefix(7).reduce(0) { $0 + $1.durationTicks } == 480)
    #expect(notes[7].startTick == 480)
    let coarse = p.midiSequence(ppq: 100).notes()
    #expect(coarse[7].startTick == 100)
    #expect(Performance.tick(NoteLength(1, 4), ppq: 960) == 960)
  }

  @Test func smfRoundTripKeepsTheNotes() throws {
    let (p, _) = try P.performance("X:1\nT:t\nM:6/8\nL:1/8\nK:G\n\"G\"GAB \"D7\"c2A|\"G\"B3 G3|\n")
    let s = p.midiSequence(ppq: 960)
    let back = try MIDIFile.decode(try MIDIFile.encode(s))
    #expect(back.notes() == s.notes())
    #expect(back.ppq == 960)
  }

  @Test func abcToMIDIPicksTunesByNumberAndPosition() throws {
    let text = "X:1\nT:One\nK:C\nC|\n\nX:2\nT:Two\nK:C\nD|\n\nX:2\nT:Two again\nK:C\nE|\n"
    let byNumber = try ABCToMIDI.sequence(fromABCText: text, tune: .referenceNumber(2))
    #expect(byNumber.info.title == "Two" && byNumber.info.ordinal == 1)
    let byPosition = try ABCToMIDI.sequence(fromABCText: text, tune: .ordinal(2))
    #expect(byPosition.info.title == "Two again")
    #expect(byPosition.sequence.notes().map(\.pitch.int) == [64])
    #expect(try ABCToMIDI.sequence(fromABCText: text).info.title == "One")
    let all = ABCToMIDI.sequences(fromABCText: text)
    #expect(all.map(\.info.referenceNumber) == [1, 2, 2])
    #expect(all.allSatisfy { $0.hasMusic })
  }

  @Test func abcToMIDIErrorsSayWhatIsWrong() throws {
    let text = "X:1\nT:One\nK:C\nC|\n\nX:7\nT:Empty\nK:C\n"
    #expect(throws: ABCToMIDIError.self) { try ABCToMIDI.sequence(fromABCText: text, tune: .referenceNumber(9)) }
    do {
      _ = try ABCToMIDI.sequence(fromABCText: text, path: "two.abc", tune: .referenceNumber(9))
    } catch {
      #expect(error.description.contains("two.abc: X:9 not found"))
      #expect(error.description.contains("--tune X or --index N"))
    }
    do {
      _ = try ABCToMIDI.sequence(fromABCText: text, path: "two.abc", tune: .referenceNumber(7))
      Issue.record("a tune without music must not convert")
    } catch {
      guard case .noMusic = error else {
        Issue.record("expected noMusic, got \(error)")
        return
      }
      #expect(error.description.hasPrefix("two.abc:6:1: error: X:7 (Empty) has no music"))
    }
    #expect(throws: ABCToMIDIError.noTunes(path: "none.abc")) {
      try ABCToMIDI.sequence(fromABCText: "just text\n", path: "none.abc")
    }
    #expect(throws: ABCToMIDIError.self) { try ABCToMIDI.sequence(fromFile: "/nonexistent/studio-test.abc") }
  }

  @Test func messagesCarryFileLineAndColumn() throws {
    let text = "X:1\nT:t\nL:1/4\nK:C\nC-D z2|\n"
    let tune = try #require(ABCToMIDI.sequences(fromABCText: text).first)
    let lines = tune.messages(path: "tie.abc")
    #expect(lines.contains { $0.hasPrefix("tie.abc:5:1: warning[performer.tie]: ") })
  }

  @Test func tunesAreReadOneByOneWithTheFileHeaderAndWholeFileLocations() throws {
    // F-04: the file header's settings hold for every tune; messages point into the whole file.
    let text = "%abc\nL:1/4\n%%MIDI transpose 12\n\nX:1\nT:a\nK:C\nC|\n\nX:2\nT:b\nK:C\nC-D|\n"
    let tunes = ABCToMIDI.sequences(fromABCText: text)
    #expect(tunes.map(\.info.ordinal) == [0, 1])
    #expect(tunes.map(\.info.location.line) == [5, 10])
    #expect(tunes[1].messages(path: "f.abc").contains { $0.hasPrefix("f.abc:13:1: warning[performer.tie]") })
    #expect(tunes[0].sequence.notes().map(\.pitch.int) == [72])
    #expect(tunes[0].sequence.notes().map(\.durationTicks) == [480])
    #expect(ABCToMIDI.referenceNumbers(inABCBytes: Array(text.utf8)) == [1, 2])
    // The same tune picked alone gives the same result.
    let second = try ABCToMIDI.sequence(fromABCText: text, path: "f.abc", tune: .referenceNumber(2))
    #expect(second.sequence.notes() == tunes[1].sequence.notes())
    #expect(second.messages(path: "f.abc") == tunes[1].messages(path: "f.abc"))
  }

  @Test func optionsShapeTheSequence() throws {
    var options = PerformanceOptions()
    options.ppq = 96
    options.format = 1
    let tune = try ABCToMIDI.sequence(fromABCText: "X:1\nT:t\nL:1/4\nK:C\nC D|\n", options: options)
    #expect(tune.sequence.ppq == 96 && tune.sequence.format == 1 && tune.sequence.tracks.count == 2)
    #expect(tune.sequence.notes().map(\.startTick) == [0, 96])
  }
}
