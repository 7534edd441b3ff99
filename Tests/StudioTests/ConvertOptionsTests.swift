import MIDI
import Testing

@testable import studio

/// `studio convert --abc2midi-only`: each abc2midi behaviour on its own, for finding which one makes a tune differ.
@Suite struct ConvertOptionsTests {
  @Test func everyBehaviourTogetherIsTheABC2MIDIMode() {
    #expect(ConvertCommand.options(taking: ConvertCommand.ABC2MIDIBehaviour.allCases) == .abc2midiCompatible)
  }

  @Test func noBehaviourIsTheDefaultMode() {
    #expect(ConvertCommand.options(taking: []) == PerformanceOptions())
  }

  @Test(arguments: ConvertCommand.ABC2MIDIBehaviour.allCases)
  func eachBehaviourChangesOneSetting(_ behaviour: ConvertCommand.ABC2MIDIBehaviour) {
    let one = ConvertCommand.options(taking: [behaviour])
    let settings: [Bool] = [
      one.abc2midiRepeats, one.abc2midiChords, one.chordAttack != .zero, one.honourRhythmField,
      one.abc2midiGraces, one.abc2midiDecorations, one.accentVelocityBoost == 0,
    ]
    #expect(settings.filter { $0 }.count == 1)
    #expect(settings[ConvertCommand.ABC2MIDIBehaviour.allCases.firstIndex(of: behaviour)!])
  }

  @Test func parsesAsARepeatableOption() throws {
    let command = try #require(
      try Studio.parseAsRoot(["convert", "t.abc", "-o", "t.mid", "--abc2midi-only", "swing", "--abc2midi-only",
        "repeats"]) as? ConvertCommand)
    #expect(command.abc2midiOnly == [.swing, .repeats])
    #expect(throws: (any Error).self) {
      _ = try Studio.parseAsRoot(["convert", "t.abc", "-o", "t.mid", "--abc2midi", "--abc2midi-only", "swing"])
    }
  }
}
