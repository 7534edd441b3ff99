import ABCParser
import Foundation
import MIDI
import Testing

/// The performer never traps: seeded random edits of real tunes (and hostile hand-written ones) are performed and
/// converted to SMF bytes.
@Suite struct PerformFuzzTests {
  static let seedTunes = [
    """
    X:1
    T:Seed
    M:6/8
    L:1/8
    Q:3/8=110
    P:AB
    K:D Mix
    P:A
    |:"D"A2B {g}c>d e|"G"(3fga ^g2 [CEG]3-|[1 [CEG]2 z!p!~A3:|[2 TA6||
    P:B
    V:1 clef=bass-8 transpose=2
    %%MIDI program 2 41
    %%MIDI gchord fzcz2
    "Am7/G"a2 & b2 c'|Z2|[M:3/4][L:1/16]A4 B4 (5cdefg|]
    """,
    """
    X:2
    T:Voices
    M:C|
    %%MIDI drum dzd 35 38 90 70
    %%MIDI drumon
    K:Bb exp _b _e ^f
    [V:1] B,2 c'd .e-e !fermata!f2|[V:2] ^/C,4 __D,4|
    [V:1] (3:2:2 A2B >c d|]
    """,
  ]

  static let alphabet = Array("ABCDEFGabcdefgz|:[]()<>-^_=,'/23456789{}!\"&.~TPMLHZxy%\n K:M:L:Q:V:P:w:")

  @Test func randomEditsOfTunesPerformWithoutTrapping() throws {
    var rng = SplitMix64(seed: 0x5EED)
    var performed = 0
    for seed in Self.seedTunes {
      for _ in 0..<150 {
        var chars = Array(seed)
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
          let i = Int.random(in: 0...chars.count, using: &rng)
          switch Int.random(in: 0..<3, using: &rng) {
          case 0: chars.insert(Self.alphabet.randomElement(using: &rng)!, at: i)
          case 1: if i < chars.count { chars.remove(at: i) }
          default: if i < chars.count { chars[i] = Self.alphabet.randomElement(using: &rng)! }
          }
        }
        for converted in ABCToMIDI.sequences(fromABCText: String(chars)) {
          _ = try? MIDIFile.encode(converted.sequence)
          performed += 1
        }
      }
    }
    #expect(performed >= 200)
  }

  @Test(arguments: [
    "X:1\nK:C\nP:((((A9)9)9)9)9\nP:A\nC|\n",  // huge play order
    "X:1\nM:99999999/1\nL:1/8\nK:C\n\"C\"Z99999|C|\n",  // absurd meter and rest
    "X:1\nL:1/8\nQ:1/1000=1\nK:C\nT(5:1:9 A99999999 B|\n",  // absurd tempo, trill and tuplet
    "X:1\nK:C\n::::::::::::|::::C:::::::::|\n",  // colons everywhere
    "X:1\nK:C\n[1,2,3 C|[999999999 D|]\n",  // endings without repeats
    "X:1\nK:C\n{gagagagagaga}c/64 {c}|{d}\n",  // graces longer than their note, graces without a note
    "X:1\nK:C\n%%MIDI chordname x -48 48\n\"Cx\"C \"g\"D \"(F#m7b5/E)\"E|\n",
  ])
  func hostileTunesPerformWithinLimits(abc: String) throws {
    for converted in ABCToMIDI.sequences(fromABCText: abc) {
      #expect(converted.performance.tracks.allSatisfy { $0.notes.count <= 4 * ABCPerformer.maxPlayedItems })
      _ = try? MIDIFile.encode(converted.sequence)
    }
  }
}
