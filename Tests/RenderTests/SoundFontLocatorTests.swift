import Foundation
import Render
import Testing

/// SoundFont discovery order, on temporary directories standing in for the project and the system.
@Suite struct SoundFontLocatorTests {
  /// A scratch tree: `project/soundfonts/`, `system/sf2/`, `system/sf3/`, and a few fonts (empty files suffice:
  /// the locator only chooses, it does not load).
  final class Tree {
    let directory: TemporaryDirectory
    var project: String { directory.file("project") }
    var sf2: String { directory.file("system/sf2") }
    var sf3: String { directory.file("system/sf3") }
    init() throws {
      directory = try TemporaryDirectory()
      for d in [directory.file("project"), directory.file("system/sf2"), directory.file("system/sf3")] {
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
      }
    }
    @discardableResult func touch(_ path: String) throws -> String {
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
      try Data([0]).write(to: URL(fileURLWithPath: path))
      return path
    }
    func locate(explicit: String? = nil, config: String? = nil, environment: [String: String] = [:]) throws
      -> SoundFontLocation
    {
      try SoundFontLocator.locate(
        explicit: explicit, config: config, environment: environment, projectRoots: [project],
        systemDirectories: [sf2, sf3])
    }
  }

  @Test func orderIsFlagConfigEnvironmentProjectSystem() throws {
    let tree = try Tree()
    let flag = try tree.touch(tree.directory.file("flag.sf2"))
    let config = try tree.touch(tree.directory.file("config.sf2"))
    let env = try tree.touch(tree.directory.file("env.sf3"))
    let project = try tree.touch(tree.project + "/soundfonts/mine.sf2")
    let system = try tree.touch(tree.sf2 + "/TimGM6mb.sf2")
    let environment = ["STUDIO_SOUNDFONT": env]
    #expect(
      try tree.locate(explicit: flag, config: config, environment: environment)
        == .init(path: flag, source: .commandLine))
    #expect(try tree.locate(config: config, environment: environment) == .init(path: config, source: .config))
    #expect(try tree.locate(environment: environment) == .init(path: env, source: .environment))
    #expect(try tree.locate() == .init(path: project, source: .project(directory: tree.project + "/soundfonts/")))
    try FileManager.default.removeItem(atPath: project)
    #expect(try tree.locate() == .init(path: system, source: .system(directory: tree.sf2)))
  }

  @Test func systemPrefersGeneralMIDIFontsThenAnyFont() throws {
    let tree = try Tree()
    try tree.touch(tree.sf2 + "/aaa.sf2")
    try tree.touch(tree.sf3 + "/bbb.sf3")
    #expect(try tree.locate().path == tree.sf2 + "/aaa.sf2")
    try tree.touch(tree.sf2 + "/TimGM6mb.sf2")
    #expect(try tree.locate().path == tree.sf2 + "/TimGM6mb.sf2")
    try tree.touch(tree.sf2 + "/FluidR3_GM.sf2")
    #expect(try tree.locate().path == tree.sf2 + "/FluidR3_GM.sf2")
    try tree.touch(tree.sf2 + "/default-GM.sf2")
    #expect(try tree.locate().path == tree.sf2 + "/default-GM.sf2")
    for name in ["aaa.sf2", "TimGM6mb.sf2", "FluidR3_GM.sf2", "default-GM.sf2"] {
      try FileManager.default.removeItem(atPath: tree.sf2 + "/" + name)
    }
    #expect(try tree.locate() == .init(path: tree.sf3 + "/bbb.sf3", source: .system(directory: tree.sf3)))
  }

  @Test func projectDirectoryTakesOnlySoundFontFiles() throws {
    let tree = try Tree()
    try tree.touch(tree.project + "/soundfonts/README.md")
    try tree.touch(tree.project + "/soundfonts/.hidden.sf2")
    try FileManager.default.createDirectory(
      atPath: tree.project + "/soundfonts/dir.sf2", withIntermediateDirectories: true)
    try tree.touch(tree.project + "/soundfonts/Piano.SF2")
    #expect(try tree.locate().path == tree.project + "/soundfonts/Piano.SF2")
  }

  @Test func explicitPathThatDoesNotExistIsAnErrorNotSkipped() throws {
    let tree = try Tree()
    try tree.touch(tree.sf2 + "/TimGM6mb.sf2")
    #expect(throws: RenderError.soundFontNotFound(path: "/no/such.sf2", source: .commandLine)) {
      try tree.locate(explicit: "/no/such.sf2")
    }
    #expect(throws: RenderError.soundFontNotFound(path: "/no/such.sf2", source: .config)) {
      try tree.locate(config: "/no/such.sf2")
    }
    #expect(throws: RenderError.soundFontNotFound(path: "/no/such.sf2", source: .environment)) {
      try tree.locate(environment: ["STUDIO_SOUNDFONT": "/no/such.sf2"])
    }
    // A directory is not a SoundFont either.
    #expect(throws: RenderError.soundFontNotFound(path: tree.sf2, source: .commandLine)) {
      try tree.locate(explicit: tree.sf2)
    }
    // Empty values count as not set.
    #expect(
      try tree.locate(explicit: "", config: "", environment: ["STUDIO_SOUNDFONT": ""]).source
        == .system(directory: tree.sf2))
  }

  @Test func tildeExpandsToHome() throws {
    let tree = try Tree()
    let font = try tree.touch(tree.directory.file("home/fonts/x.sf2"))
    let found = try tree.locate(config: "~/fonts/x.sf2", environment: ["HOME": tree.directory.file("home")])
    #expect(found.path == font)
  }

  @Test func nothingFoundListsEveryPlaceLookedAt() throws {
    let tree = try Tree()
    do {
      _ = try SoundFontLocator.locate(
        explicit: nil, config: nil, environment: [:], projectRoots: [tree.project, tree.directory.file("nowhere")],
        systemDirectories: [tree.sf2, tree.directory.file("no-sf3")])
      Issue.record("found a SoundFont in an empty tree")
    } catch {
      guard case .noSoundFont(let searched) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(searched.count == 7)
      #expect(searched[0] == "--soundfont: not set")
      #expect(searched[1] == "config.yaml render.soundfont: not set")
      #expect(searched[2] == "$STUDIO_SOUNDFONT: not set")
      #expect(
        searched[3] == tree.project + "/soundfonts/: no .sf2/.sf3 files"
          || searched[3] == tree.project + "/soundfonts/: does not exist")
      #expect(searched[4] == tree.directory.file("nowhere") + "/soundfonts/: does not exist")
      #expect(searched[5].hasPrefix(tree.sf2 + "/: no .sf2/.sf3 files"))
      #expect(searched[6] == tree.directory.file("no-sf3") + "/: does not exist")
      #expect(error.description.contains("sudo apt-get install timgm6mb-soundfont"))
    }
  }
}
