import ABCParser
import MIDI

/// Performs one generated tune's ABC text into a MIDI sequence (the performer's default options: abc2midi-like
/// playback, accompaniment for chord symbols).
enum TuneMIDI {
  /// Why a tune gave no MIDI.
  struct Problem: Error, Equatable, CustomStringConvertible {
    var description: String
  }

  /// The MIDI sequence for the first tune of `text`, or the reason there is none.
  static func sequence(for text: String) -> Result<MIDISequence, Problem> {
    guard let tune = ABCParser().parse(text).tunes.first else {
      return .failure(Problem(description: "the text holds no tune"))
    }
    let (performance, _) = ABCPerformer(options: PerformanceOptions()).perform(tune)
    guard performance.tracks.contains(where: { !$0.notes.isEmpty }) else {
      return .failure(Problem(description: "the tune has no notes to play"))
    }
    return .success(performance.midiSequence())
  }
}
