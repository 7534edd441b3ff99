import Testing

@testable import MIDI

@Suite struct NormalizationTests {
  let ch = MIDIChannel(0)

  @Test func noteOffsComeBeforeNoteOnsAndSetupBeforeNotes() {
    let track = MIDITrack(events: [
      TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 90)),
      TimedMIDIEvent(tick: 480, .noteOn(channel: ch, note: 62, velocity: 90)),
      TimedMIDIEvent(tick: 480, .programChange(channel: ch, program: 40)),
      TimedMIDIEvent(tick: 480, .noteOff(channel: ch, note: 60, velocity: 0)),
      TimedMIDIEvent(tick: 480, .controlChange(channel: ch, controller: 7, value: 100)),
      TimedMIDIEvent(tick: 480, .meta(.text(MIDIMetaEvent.markerKind, "B"))),
      TimedMIDIEvent(tick: 960, .noteOn(channel: ch, note: 62, velocity: 0)),
    ])
    #expect(
      track.normalized().events == [
        TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 90)),
        TimedMIDIEvent(tick: 480, .meta(.text(MIDIMetaEvent.markerKind, "B"))),
        TimedMIDIEvent(tick: 480, .programChange(channel: ch, program: 40)),
        TimedMIDIEvent(tick: 480, .controlChange(channel: ch, controller: 7, value: 100)),
        TimedMIDIEvent(tick: 480, .noteOff(channel: ch, note: 60, velocity: 0)),
        TimedMIDIEvent(tick: 480, .noteOn(channel: ch, note: 62, velocity: 90)),
        TimedMIDIEvent(tick: 960, .noteOn(channel: ch, note: 62, velocity: 0)),
        TimedMIDIEvent(tick: 960, .meta(.endOfTrack)),
      ])
  }

  @Test func repeatedPitchEndsBeforeItRestarts() {
    let track = MIDITrack(events: [
      TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 90)),
      TimedMIDIEvent(tick: 240, .noteOn(channel: ch, note: 60, velocity: 80)),
      TimedMIDIEvent(tick: 240, .noteOff(channel: ch, note: 60, velocity: 0)),
      TimedMIDIEvent(tick: 480, .noteOff(channel: ch, note: 60, velocity: 0)),
    ])
    let normalized = MIDISequence(tracks: [track.normalized()])
    #expect(
      normalized.notes().map { [$0.startTick, $0.endTick, $0.velocity.int] } == [[0, 240, 90], [240, 480, 80]])
  }

  @Test func zeroLengthNoteStaysANote() {
    let track = MIDITrack(events: [
      TimedMIDIEvent(tick: 100, .noteOn(channel: ch, note: 64, velocity: 90)),
      TimedMIDIEvent(tick: 100, .noteOff(channel: ch, note: 64, velocity: 0)),
      TimedMIDIEvent(tick: 200, .noteOn(channel: ch, note: 65, velocity: 90)),
      TimedMIDIEvent(tick: 300, .noteOff(channel: ch, note: 65, velocity: 0)),
    ])
    let events = track.normalized().events
    #expect(events[0].event == .noteOn(channel: ch, note: 64, velocity: 90))
    #expect(events[1].event == .noteOff(channel: ch, note: 64, velocity: 0))
    #expect(MIDISequence(tracks: [track.normalized()]).notes().map(\.durationTicks) == [0, 100])
  }

  @Test func endOfTrackIsSingleAndLast() {
    let track = MIDITrack(events: [
      TimedMIDIEvent(tick: 0, .meta(.endOfTrack)),
      TimedMIDIEvent(tick: 50, .noteOn(channel: ch, note: 60, velocity: 1)),
      TimedMIDIEvent(tick: 900, .meta(.endOfTrack)),
      TimedMIDIEvent(tick: 100, .noteOff(channel: ch, note: 60, velocity: 0)),
    ])
    let events = track.normalized().events
    #expect(events.filter { $0.event == .meta(.endOfTrack) }.count == 1)
    #expect(events.last == TimedMIDIEvent(tick: 900, .meta(.endOfTrack)))
    #expect(events.map(\.tick) == [50, 100, 900])
    #expect(MIDITrack().normalized().events == [TimedMIDIEvent(tick: 0, .meta(.endOfTrack))])
  }

  @Test func normalizingTwiceChangesNothing() {
    var rng = SplitMix64(seed: 3)
    for _ in 0..<30 {
      let sequence = RandomSequences.sequence(format: 1, ppq: 24, trackCount: 2, eventsPerTrack: 0...80, using: &rng)
      let once = sequence.normalized()
      #expect(once.normalized() == once)
      // Same multiset of events, plus the end-of-track.
      for (a, b) in zip(sequence.tracks, once.tracks) {
        #expect(b.events.count == a.events.filter { $0.event != .meta(.endOfTrack) }.count + 1)
      }
    }
  }

  @Test func canonicalTracksAreRecognisedWithoutSorting() {
    // `normalized()` returns a track already in canonical form as it is; the check must agree with sorting.
    var rng = SplitMix64(seed: 11)
    for _ in 0..<60 {
      let sequence = RandomSequences.sequence(format: 1, ppq: 24, trackCount: 2, eventsPerTrack: 0...60, using: &rng)
      for track in sequence.tracks {
        #expect(track.isNormalized == (track.reordered() == track))
        let once = track.reordered()
        #expect(once.isNormalized)
        #expect(once.normalized() == once)
      }
    }
    // Sorted by tick but not canonical: a zero-length note inside a sounding note of the same pitch ends first.
    let nested = MIDITrack(events: [
      TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 90)),
      TimedMIDIEvent(tick: 240, .noteOn(channel: ch, note: 60, velocity: 80)),
      TimedMIDIEvent(tick: 240, .noteOff(channel: ch, note: 60, velocity: 0)),
      TimedMIDIEvent(tick: 480, .noteOff(channel: ch, note: 60, velocity: 0)),
      TimedMIDIEvent(tick: 480, .meta(.endOfTrack)),
    ])
    #expect(!nested.isNormalized)
    #expect(nested.normalized() == nested.reordered())
    // An end-of-track event before the last event, or none, is never canonical.
    #expect(!MIDITrack(events: [TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 90))]).isNormalized)
    #expect(
      !MIDITrack(events: [
        TimedMIDIEvent(tick: 0, .meta(.endOfTrack)), TimedMIDIEvent(tick: 0, .meta(.endOfTrack)),
      ]).isNormalized)
    #expect(MIDITrack(events: [TimedMIDIEvent(tick: 7, .meta(.endOfTrack))]).isNormalized)
  }

  @Test func flattenedMergesTracksIntoFormatZero() {
    let sequence = MIDISequence(
      format: 1, ppq: 96,
      tracks: [
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .meta(.tempo(microsecondsPerQuarter: 400_000))),
          TimedMIDIEvent(tick: 0, .meta(.endOfTrack)),
        ]),
        MIDITrack(events: [
          TimedMIDIEvent(tick: 0, .noteOn(channel: ch, note: 60, velocity: 64)),
          TimedMIDIEvent(tick: 96, .noteOff(channel: ch, note: 60, velocity: 0)),
          TimedMIDIEvent(tick: 192, .meta(.endOfTrack)),
        ]),
      ])
    let flat = sequence.flattened()
    #expect(flat.format == 0)
    #expect(flat.tracks.count == 1)
    #expect(flat.tracks[0].events.map(\.tick) == [0, 0, 96, 192])
    #expect(flat.notes().map(\.pitch) == sequence.notes().map(\.pitch))
    #expect(flat.durationSeconds == sequence.durationSeconds)
  }

  @Test func mergedEventsOrderByTickThenTrackThenPosition() {
    let a = MIDIEvent.meta(.text(MIDIMetaEvent.markerKind, "a"))
    let b = MIDIEvent.meta(.text(MIDIMetaEvent.markerKind, "b"))
    let c = MIDIEvent.meta(.text(MIDIMetaEvent.markerKind, "c"))
    let d = MIDIEvent.meta(.text(MIDIMetaEvent.markerKind, "d"))
    let e = MIDIEvent.meta(.text(MIDIMetaEvent.markerKind, "e"))
    let sequence = MIDISequence(tracks: [
      MIDITrack(events: [TimedMIDIEvent(tick: 10, a), TimedMIDIEvent(tick: 5, b)]),  // out of order
      MIDITrack(events: [TimedMIDIEvent(tick: 5, c), TimedMIDIEvent(tick: 10, d), TimedMIDIEvent(tick: 10, e)]),
    ])
    let merged = sequence.mergedEvents
    #expect(merged.map(\.track) == [0, 1, 0, 1, 1])
    #expect(merged.map(\.event.event) == [b, c, a, d, e])
  }
}
