/// A typed `%%MIDI` directive (abc2midi dialect; checklist §10.1). Numbers are as written: programs 0-based (as
/// abc2midi), channels 1…16, except `.voiceInstrument` whose `instrument` is ABC 2.1's **1-based** number.
public enum MIDIDirective: Hashable, Sendable {
  /// Which accompaniment part a `control`/`portamento`/`pitchbend` addresses.
  public enum Target: String, Hashable, Sendable {
    case voice, bass, chord
  }

  /// `program [c] n`
  case program(channel: Int?, program: Int)
  /// `channel n` (1…16)
  case channel(Int)
  /// `transpose n` semitones (absolute).
  case transpose(Int)
  /// `rtranspose n` semitones (relative to the current transposition).
  case relativeTranspose(Int)
  /// `c n`: MIDI pitch of middle C.
  case middleC(Int)
  /// `beat a b c n`
  case beat(first: Int, strong: Int, other: Int, stride: Int)
  /// `beatstring fmp…`
  case beatString(String)
  /// `beatmod n`
  case beatMod(Int)
  /// `deltaloudness n`
  case deltaLoudness(Int)
  /// `nobeataccents`
  case noBeatAccents
  /// `beataccents`
  case beatAccents
  /// `gchord fzcz…`
  case gchord(String)
  /// `gchordon`
  case gchordOn
  /// `gchordoff`
  case gchordOff
  /// `gchordbars n`
  case gchordBars(Int)
  /// `chordname name n1 … n6`
  case chordName(name: String, semitones: [Int])
  /// `chordprog n [octave=k]`
  case chordProgram(program: Int, octave: Int?)
  /// `bassprog n [octave=k]`
  case bassProgram(program: Int, octave: Int?)
  /// `chordvol n`
  case chordVolume(Int)
  /// `bassvol n`
  case bassVolume(Int)
  /// `drum pattern keys… velocities…`
  case drum(pattern: String, keys: [Int], velocities: [Int])
  /// `drumon`
  case drumOn
  /// `drumoff`
  case drumOff
  /// `drumbars n`
  case drumBars(Int)
  /// `drummap note key`
  case drumMap(note: String, key: Int)
  /// `drone p k1 k2 v1 v2` (any given subset of the five numbers, in order)
  case drone([Int])
  /// `droneon`
  case droneOn
  /// `droneoff`
  case droneOff
  /// `grace a/b`
  case grace(NoteLength)
  /// `gracedivider n`
  case graceDivider(Int)
  /// `ratio n m`
  case ratio(Int, Int)
  /// `fermatafixed`
  case fermataFixed
  /// `fermataproportional`
  case fermataProportional
  /// `nobarlines`
  case noBarlines
  /// `barlines`
  case barlines
  /// `chordattack n` (ticks)
  case chordAttack(Int)
  /// `randomchordattack n` (ticks)
  case randomChordAttack(Int)
  /// `trim x/y` of a unit
  case trim(NoteLength)
  /// `expand x/y` of a unit
  case expand(NoteLength)
  /// `control [bass|chord] n v`
  case control(target: Target, controller: Int, value: Int)
  /// `voice [id] instrument=N [bank=M] [mute]` (ABC 2.1 form; `instrument` is 1-based).
  case voiceInstrument(voice: String?, instrument: Int?, bank: Int?, mute: Bool)
  /// Any other `%%MIDI` directive (P3 ones such as `temperamentlinear`, `portamento`, `pitchbend`…), kept with its
  /// arguments split on white space.
  case other(name: String, arguments: [String])

  /// The directive keyword as written in abc2midi's dialect (`program`, `gchordon`, …).
  public var name: String {
    switch self {
    case .program: return "program"
    case .channel: return "channel"
    case .transpose: return "transpose"
    case .relativeTranspose: return "rtranspose"
    case .middleC: return "c"
    case .beat: return "beat"
    case .beatString: return "beatstring"
    case .beatMod: return "beatmod"
    case .deltaLoudness: return "deltaloudness"
    case .noBeatAccents: return "nobeataccents"
    case .beatAccents: return "beataccents"
    case .gchord: return "gchord"
    case .gchordOn: return "gchordon"
    case .gchordOff: return "gchordoff"
    case .gchordBars: return "gchordbars"
    case .chordName: return "chordname"
    case .chordProgram: return "chordprog"
    case .bassProgram: return "bassprog"
    case .chordVolume: return "chordvol"
    case .bassVolume: return "bassvol"
    case .drum: return "drum"
    case .drumOn: return "drumon"
    case .drumOff: return "drumoff"
    case .drumBars: return "drumbars"
    case .drumMap: return "drummap"
    case .drone: return "drone"
    case .droneOn: return "droneon"
    case .droneOff: return "droneoff"
    case .grace: return "grace"
    case .graceDivider: return "gracedivider"
    case .ratio: return "ratio"
    case .fermataFixed: return "fermatafixed"
    case .fermataProportional: return "fermataproportional"
    case .noBarlines: return "nobarlines"
    case .barlines: return "barlines"
    case .chordAttack: return "chordattack"
    case .randomChordAttack: return "randomchordattack"
    case .trim: return "trim"
    case .expand: return "expand"
    case .control: return "control"
    case .voiceInstrument: return "voice"
    case .other(let name, _): return name
    }
  }
}
