import Testing

@testable import MIDI

@Suite struct MIDIValueTests {
  @Test func channelsAreZeroToFifteen() {
    #expect(MIDIChannel(exactly: 15)?.value == 15)
    #expect(MIDIChannel(exactly: 16) == nil)
    #expect(MIDIChannel(exactly: -1) == nil)
    #expect(MIDIChannel.percussion.isPercussion)
    #expect(MIDIChannel(9).userNumber == 10)
    #expect(MIDIChannel(0).description == "ch1")
  }

  @Test func dataBytesAreZeroTo127() {
    #expect(UInt7(exactly: 127)?.int == 127)
    #expect(UInt7(exactly: 128) == nil)
    #expect(UInt7(clamping: 300).int == 127)
    #expect(UInt7(clamping: -5).int == 0)
  }

  @Test func channelAbove15Traps() async {
    await #expect(processExitsWith: .failure) { _ = MIDIChannel(16) }
  }

  @Test func dataByteAbove127Traps() async {
    await #expect(processExitsWith: .failure) { _ = UInt7(128) }
  }

  @Test func noteStartAndEndClassification() {
    let ch = MIDIChannel(0)
    #expect(MIDIEvent.noteOn(channel: ch, note: 60, velocity: 1).isNoteStart)
    #expect(MIDIEvent.noteOn(channel: ch, note: 60, velocity: 0).isNoteEnd)
    #expect(!MIDIEvent.noteOn(channel: ch, note: 60, velocity: 0).isNoteStart)
    #expect(MIDIEvent.noteOff(channel: ch, note: 60, velocity: 64).isNoteEnd)
    #expect(MIDIEvent.meta(.endOfTrack).channel == nil)
    #expect(MIDIEvent.programChange(channel: MIDIChannel(3), program: 1).channel == MIDIChannel(3))
  }

  @Test func generalMIDINames() {
    #expect(GeneralMIDI.programName(0) == "Acoustic Grand Piano")
    #expect(GeneralMIDI.programName(40) == "Violin")
    #expect(GeneralMIDI.programName(110) == "Fiddle")
    #expect(GeneralMIDI.programName(127) == "Gunshot")
  }
}
