import ABCParser
import Testing

@testable import MIDI

/// Key inference (Krumhansl–Schmuckler), key names and pitch spelling of the importer.
@Suite struct ImportKeyTests {
  typealias F = ImportFixtures

  @Test func gMajorMelodyIsInferredAsGWithoutWrittenSharps() throws {
    // G B d c B A G F# G d B G: the F sharps come from the key signature.
    let pitches = [67, 71, 74, 72, 71, 69, 67, 66, 67, 74, 71, 67]
    let result = try ABCImporter().importMelody(from: F.sequence(F.run(pitches, ticks: 480)))
    #expect(result.report.key == ImportKey(parsing: "G"))
    #expect(F.header(result.abcText, "K:") == "G")
    #expect(F.body(result.abcText) == "G2B2 d2c2|B2A2 G2F2|G2d2 B2G2|]\n")
    #expect((result.report.keyCorrelation ?? 0) > 0.5)
  }

  @Test func dMinorMelodyIsInferredAsDmWithARaisedSeventh() throws {
    // D F A d c# d Bb A G F E C# D: B flat from the signature, C sharp written.
    let pitches = [62, 65, 69, 74, 73, 74, 70, 69, 67, 65, 64, 61, 62, 62, 62, 62]
    let result = try ABCImporter().importMelody(from: F.sequence(F.run(pitches, ticks: 480)))
    #expect(F.header(result.abcText, "K:") == "Dm")
    #expect(result.report.key.fifths == -1)
    #expect(F.body(result.abcText) == "D2F2 A2d2|^c2d2 B2A2|G2F2 E2^C2|D2D2 D2D2|]\n")
  }

  @Test func pureProfilesAreRecognised() {
    // The E major profile itself correlates perfectly with E major.
    let eMajor = (0..<12).map { KeyFinder.majorProfile[(($0 - 4) % 12 + 12) % 12] }
    let found = KeyFinder.estimate(pitchClassWeights: eMajor)
    #expect(found.key == ImportKey(parsing: "E"))
    #expect(abs(found.correlation - 1) < 1e-9)
    let fSharpMinor = (0..<12).map { KeyFinder.minorProfile[(($0 - 6) % 12 + 12) % 12] }
    #expect(KeyFinder.estimate(pitchClassWeights: fSharpMinor).key == ImportKey(parsing: "F#m"))
    #expect(KeyFinder.estimate(pitchClassWeights: [Double](repeating: 0, count: 12)).key == .cMajor)
  }

  @Test(arguments: [
    ("G", "G", 1), ("Dm", "Dm", -1), ("F#m", "F#m", 3), ("Bbmaj", "Bb", -2), ("Ador", "Ador", 1),
    ("E phrygian", "Ephr", 0), ("Dmix", "Dmix", 1), ("bbm", "Bbm", -5), ("Cb", "Cb", -7), ("C# Major", "C#", 7),
    ("A minor", "Am", 0),
  ])
  func keyNamesAreParsed(text: String, description: String, fifths: Int) throws {
    let key = try #require(ImportKey(parsing: text))
    #expect(key.description == description)
    #expect(key.fifths == fifths)
  }

  @Test(arguments: ["", "H", "G#", "Fb", "Dxyz", "Dmi", "#"])
  func badKeyNamesAreRejected(text: String) {
    #expect(ImportKey(parsing: text) == nil)
  }

  @Test func conventionalKeysPreferFewAccidentals() {
    #expect(ImportKey.conventional(tonicSemitone: 6, minor: false).description == "F#")
    #expect(ImportKey.conventional(tonicSemitone: 1, minor: false).description == "Db")
    #expect(ImportKey.conventional(tonicSemitone: 3, minor: true).description == "Ebm")
    #expect(ImportKey.conventional(tonicSemitone: 8, minor: true).description == "G#m")
    #expect(ImportKey.conventional(tonicSemitone: 10, minor: true).description == "Bbm")
  }

  @Test(arguments: [
    ("C", 61, "^C"), ("C", 63, "_E"), ("C", 66, "^F"), ("C", 68, "_A"), ("C", 70, "_B"),
    ("Am", 68, "^G"), ("Dm", 61, "^C"), ("Dm", 71, "=B"), ("F#", 65, "E"), ("C#", 60, "B,"),
    ("Gb", 71, "c"), ("Eb", 66, "_G"), ("G", 65, "=F"), ("G", 78, "f"),
  ])
  func pitchesAreSpelledInTheKey(key: String, pitch: Int, text: String) throws {
    var speller = PitchSpeller(key: try #require(ImportKey(parsing: key)))
    #expect(speller.write(pitch) == text)
  }

  @Test func signatureAlterationsFollowTheOrderOfSharpsAndFlats() throws {
    let d = try #require(ImportKey(parsing: "D"))
    #expect(NoteLetter.allCases.map(d.signatureAlteration(of:)) == [1, 0, 0, 1, 0, 0, 0])
    let eFlat = try #require(ImportKey(parsing: "Eb"))
    #expect(NoteLetter.allCases.map(eFlat.signatureAlteration(of:)) == [0, 0, -1, 0, 0, -1, -1])
  }
}
