import Foundation
import Testing

@testable import studio

/// `studio generate --prime-file`: a recorded phrase becomes the `--prime` text the model continues.
@Suite struct PrimeFileTests {
  typealias Support = GenerateTestSupport

  /// What `studio record` writes for four bars of a jig.
  static let phrase = """
    X:1
    T:phrase
    % recorded
    M:6/8
    L:1/8
    Q:1/4=120
    K:G
    GAB d2B|c2A B2G|GAB d2B|A3 G3|]

    X:2
    T:Other
    K:D
    DEF|]

    """

  @Test func headerUpToTheKeyThenTheMusicWithTheEndLeftOpen() throws {
    let text = try PrimePlan.primeText(fromABC: Self.phrase, path: "phrase.abc")
    #expect(text == "T:phrase\nM:6/8\nL:1/8\nQ:1/4=120\nK:G\nGAB d2B|c2A B2G|GAB d2B|A3 G3|\n")
    // Fed after the tune's X: number, as --prime text is.
    let plan = try PrimePlan.make(key: nil, meter: nil, title: nil, prime: text, number: 4)
    #expect(plan.segments == [.text("X:4\n" + text)])
  }

  @Test(arguments: [
    ("X:1\nK:D\nDEF|]\n", "K:D\nDEF|\n"), ("X:1\nM:C|\nK:Ador\n|:ABc d2:|]\n", "M:C|\nK:Ador\n|:ABc d2:|\n"),
    ("X:1\nK:D\nDEF GAB||\n", "K:D\nDEF GAB|\n"), ("K:D\nDEF GAB\n", "K:D\nDEF GAB|\n"),
  ])
  func closingBarLinesAreOpened(source: String, expected: String) throws {
    #expect(try PrimePlan.primeText(fromABC: source, path: "p.abc") == expected)
  }

  @Test func aFileWithoutAKeyOrWithoutMusicIsAClearError() {
    for (source, message) in [
      ("X:1\nT:t\nM:6/8\n\nGAB|\n", "p.abc: the first tune has no K: line"),
      ("X:1\nT:t\nK:G\n\n", "p.abc: the first tune has no music after its K: line"),
    ] {
      let error = #expect(throws: PrimePlan.InvalidOption.self) { try PrimePlan.primeText(fromABC: source, path: "p.abc") }
      #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
    #expect(throws: StudioFailure.self) { try PrimePlan.primeText(fromFile: "/nonexistent/phrase.abc") }
  }

  @Test func primeFileIsExclusiveWithTheOtherPrimingOptions() {
    for extra in [["--prime", "K:G\n"], ["--key", "G"], ["--meter", "6/8"], ["--title", "x"]] {
      #expect(throws: (any Error).self) {
        _ = try Studio.parseAsRoot(["generate", "--prime-file", "p.abc"] + extra)
      }
    }
  }

  @Test func theShippedIrishModelContinuesARecordedPhraseInItsKeyAndMeter() throws {
    let model = Support.packageRoot + "/models/irish/model.safetensors"
    guard FileManager.default.fileExists(atPath: model) else {
      print("skipped: \(model) is absent")
      return
    }
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = try Support.write(Self.phrase, named: "phrase.abc", in: dir)
    try Support.runStudio([
      "generate", "--model", model, "--prime-file", path, "--count", "1", "--seed", "11", "--temperature", "0.8",
      "--out-dir", dir + "/out",
    ])
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.hasSuffix(".abc") }
    let file = try #require(files.first)
    let tune = try Support.read(dir + "/out/" + file)
    let lines = tune.split(separator: "\n").map(String.init)
    #expect(lines.contains("M:6/8"), "\(tune)")
    #expect(lines.contains("K:G"), "\(tune)")
    let keyLine = try #require(lines.firstIndex(of: "K:G"))
    var music = lines[(keyLine + 1)...].joined(separator: "\n")
    // The normaliser may open the phrase with |: when the model closed a part with :|.
    if music.hasPrefix("|:") { music.removeFirst(2) }
    #expect(music.hasPrefix("GAB d2B|c2A B2G|GAB d2B|A3 G3|"), "\(tune)")
    // The model wrote more music after the phrase.
    let continuation = music.dropFirst("GAB d2B|c2A B2G|GAB d2B|A3 G3|".count)
    #expect(continuation.filter { "ABCDEFGabcdefg".contains($0) }.count >= 8, "\(tune)")
  }
}
