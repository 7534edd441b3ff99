import ABCParser
import MIDI
import Testing

/// Voices, overlays, channels and programs (ABC reference §7, V-01…V-11; §10.1 `program`, `channel`).
@Suite struct PerformVoiceTests {
  typealias P = Perform

  @Test func eachVoiceGetsATrackAndAChannel() throws {
    let abc = """
      X:1
      T:Two
      M:2/4
      L:1/4
      V:1 name="Flute"
      %%MIDI program 73
      V:2 name="Cello"
      %%MIDI program 42
      K:C
      V:1
      c d|e f|
      V:2
      C, D,|E, F,|
      """
    let (p, _) = try P.performance(abc)
    #expect(p.tracks.count == 2)
    #expect(p.tracks.map(\.name) == ["Flute", "Cello"])
    #expect(p.tracks.map(\.channel.userNumber) == [1, 2])
    #expect(p.tracks[0].notes.map(\.pitch.int) == [72, 74, 76, 77])
    #expect(p.tracks[1].notes.map(\.pitch.int) == [48, 50, 52, 53])
    // Both voices start at time zero (block layout, V-06).
    #expect(p.tracks[1].notes.map(\.onset) == p.tracks[0].notes.map(\.onset))
    #expect(p.tracks[0].channelEvents.map(\.event) == [.programChange(channel: MIDIChannel(0), program: 73)])
    #expect(p.tracks[1].channelEvents.map(\.event) == [.programChange(channel: MIDIChannel(1), program: 42)])
    let sequence = p.midiSequence()
    #expect(sequence.format == 1)
    #expect(sequence.tracks.count == 3)
  }

  @Test func interleavedAndBlockLayoutsGiveTheSameMusic() throws {
    // V-06.
    let interleaved = "X:1\nT:t\nM:2/4\nL:1/4\nK:C\n[V:1] c d|\n[V:2] C D|\n[V:1] e f|\n[V:2] E F|\n"
    let block = "X:1\nT:t\nM:2/4\nL:1/4\nK:C\n[V:1] c d|e f|\n[V:2] C D|E F|\n"
    #expect(try P.notes(interleaved) == (try P.notes(block)))
  }

  @Test func accompanimentChannelsComeBeforeLaterVoices() throws {
    // V-11 (measured): voices on channels 1, 4, 5 when the first voice's chords use 2 and 3.
    let abc = "X:1\nT:t\nM:2/4\nL:1/4\nK:C\nV:1\n\"C\"c d|\nV:2\nC D|\nV:3\nE F|\n"
    let (p, _) = try P.performance(abc)
    let voices = p.tracks.filter { if case .voice = $0.kind { return true } else { return false } }
    #expect(voices.map(\.channel.userNumber) == [1, 4, 5])
    let accompaniment = try #require(
      p.tracks.first { if case .accompaniment = $0.kind { return true } else { return false } })
    #expect(Set(accompaniment.notes.map(\.channel.userNumber)) == [2, 3])
  }

  @Test func channelDirectiveIsHonouredAndSkippedByTheAllocator() throws {
    let abc = "X:1\nT:t\nL:1/4\nK:C\nV:1\n%%MIDI channel 2\nc4|\nV:2\nC4|\n"
    let (p, _) = try P.performance(abc)
    #expect(p.tracks.map(\.channel.userNumber) == [2, 1])
    #expect(P.notes(of: p).map(\.channel) == [1, 2])  // C (voice 2) sorts before c (voice 1)
  }

  @Test func programOverrideReplacesTunePrograms() throws {
    var options = PerformanceOptions()
    options.programOverride = 40
    let (p, _) = try P.performance(P.abc("L:1/4\n%%MIDI program 73\nK:C", "C4|"), options: options)
    #expect(p.tracks[0].channelEvents.map(\.event) == [.programChange(channel: MIDIChannel(0), program: 40)])
  }

  @Test func overlayAddsAVoiceFromTheStartOfTheBar() throws {
    // V-08: `&` rewinds to the start of the bar; the overlay gets its own track.
    let (p, _) = try P.performance(P.abc("M:4/4\nL:1/4\nK:C", "C4|c d e f & A B c d|C4|"))
    #expect(p.tracks.count == 2)
    #expect(p.tracks[0].notes.map(\.pitch.int) == [60, 72, 74, 76, 77, 60])
    #expect(p.tracks[1].notes.map(\.pitch.int) == [69, 71, 72, 74])
    #expect(p.tracks[1].notes.map(\.onset) == [NoteLength(1), NoteLength(5, 4), NoteLength(3, 2), NoteLength(7, 4)])
  }

  @Test func overlayFollowsTheRepeatsOfItsVoice() throws {
    let (p, _) = try P.performance(P.abc("M:2/4\nL:1/4\nK:C", "|:C D|E F & G A:|"))
    #expect(p.tracks[1].notes.map(\.pitch.int) == [67, 69, 67, 69])
    #expect(p.tracks[1].notes.map(\.onset) == [NoteLength(1, 2), NoteLength(3, 4), NoteLength(3, 2), NoteLength(7, 4)])
  }

  @Test func voiceParametersTransposeTheirVoice() throws {
    let abc = "X:1\nT:t\nL:1/4\nV:1\nV:2 transpose=-12 octave=1\nK:C\nV:1\nC4|\nV:2\nC4|\n"
    let (p, _) = try P.performance(abc)
    #expect(p.tracks.map { $0.notes.map(\.pitch.int) } == [[60], [60]])
  }

  @Test func musicBeforeTheFirstVoiceJoinsIt() throws {
    // abc2midi: "First V: field occurs past body; will combine this body with this voice".
    let abc = "X:1\nT:t\nL:1/4\nK:C\nC D|\nV:A\nE F|\n"
    let (p, _) = try P.performance(abc)
    #expect(p.tracks.count == 1)
    #expect(p.tracks[0].notes.map(\.pitch.int) == [60, 62, 64, 65])
  }

  @Test func voicesOfDifferentLengthAreReported() throws {
    let abc = "X:1\nT:t\nL:1/4\nK:C\nV:1\nC4|\nV:2\nC2|\n"
    let (_, warnings) = try P.performance(abc)
    #expect(warnings.contains { $0.kind == .voices })
  }

  @Test func lyricsAreAlignedToNotesAsLyricEvents() throws {
    // LY-02, LY-03, LY-07: a syllable per note, `_` holds, `*` skips, `-` splits words; a second w: line is a
    // further verse (not sung).
    let abc = "X:1\nT:t\nM:4/4\nL:1/4\nK:C\nCDEF|GABc|\nw:do re-mi fa so_ * ti\nw:verse two\n"
    let (p, _) = try P.performance(abc)
    let texts = p.tracks[0].texts
    #expect(texts.map(\.text) == ["do", "re-", "mi", "fa", "so", "ti"])
    #expect(texts.map(\.time) == [0, 1, 2, 3, 4, 7].map { NoteLength($0, 4) })
    #expect(texts.allSatisfy { $0.kind == MIDIMetaEvent.lyricKind })
    let events = p.midiSequence().tracks[0].events
    #expect(events.contains { $0.event == .meta(.text(MIDIMetaEvent.lyricKind, "ti")) && $0.tick == 3360 })
  }
}
