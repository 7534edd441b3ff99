import ABCParser
import Foundation
import LSTM
import MIDI
import Testing

@testable import studio

/// `studio generate` end to end on a tiny model the test trains itself.
@Suite struct GenerateCommandTests {
  typealias Support = GenerateTestSupport

  /// The memorised model saved under `dir/models/tiny/model.safetensors`.
  func savedModel(in dir: String) throws -> String {
    try GenerateTestModels.save(GenerateTestModels.memorised, in: dir + "/models")
  }

  func abcFiles(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".abc") }.sorted().map {
      dir + "/" + $0
    }
  }

  @Test func theTrainingTunesPassTheRejectionPolicy() {
    for tune in GenerateTestModels.tunes {
      let check = TuneCheck(tune + "\n")
      #expect(check.accepted, "\(check.reasons)")
      #expect(check.errors == 0)
    }
  }

  @Test func writesValidABCAndMIDIFiles() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try savedModel(in: dir)
    let out = dir + "/out"
    try Support.runStudio(
      [
        "generate", "--model", model, "--count", "3", "--seed", "7", "--temperature", "0.5", "--midi", "--out-dir", out,
        "--format", "json",
      ])
    let files = try abcFiles(out)
    #expect(files.count == 3)
    var numbers: [Int] = []
    for file in files {
      let text = try Support.read(file)
      let parsed = ABCParser().parse(text)
      let tune = try #require(parsed.tunes.first)
      #expect(parsed.tunes.count == 1)
      numbers.append(tune.referenceNumber ?? 0)
      #expect(tune.title != nil)
      // What `studio validate` checks: no error-severity diagnostic.
      let errors = ABCValidator().validate(parsed).filter { $0.severity == .error }
      #expect(errors.isEmpty, "\(file): \(errors.map(\.message))")
      #expect(ABCValidator.acceptsGenerated(tune).accepted)
      // The name comes from the title.
      #expect(
        URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent.hasPrefix(
          OutputNamer.stem(for: tune.title ?? "")))
      // MIDI beside it, with notes.
      let midiPath = String(file.dropLast(4)) + ".mid"
      let sequence = try MIDIFile.read(path: midiPath)
      #expect(
        sequence.tracks.contains { track in track.events.contains { if case .noteOn = $0.event { true } else { false } }
        })
      try convertsWithABC2MIDI(file, in: dir)
    }
    #expect(numbers.sorted() == [1, 2, 3], "every tune has its own X: number")
    // `studio validate` accepts the files even in strict mode (it exits 1 on any error).
    try Support.runStudio(["validate", "--strict"] + files)
  }

  /// abc2midi (the reference converter) accepts the file and writes a MIDI file; skipped when it is not installed.
  func convertsWithABC2MIDI(_ abc: String, in dir: String) throws {
    let tool = ["/usr/bin/abc2midi", "/usr/local/bin/abc2midi"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let tool else {
      print("abc2midi is not installed: skipping the abc2midi conversion check")
      return
    }
    let output = dir + "/abc2midi-" + URL(fileURLWithPath: abc).deletingPathExtension().lastPathComponent + ".mid"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = [abc, "-o", output]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
    #expect(size > 30, "abc2midi wrote \(output)")
  }

  @Test func rendersAWavBesideEachTune() throws {
    let soundFont = "/usr/share/sounds/sf2/TimGM6mb.sf2"
    guard FileManager.default.fileExists(atPath: soundFont) else {
      print("rendersAWavBesideEachTune: skipped: \(soundFont) is absent (apt-get install timgm6mb-soundfont)")
      return
    }
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try savedModel(in: dir)
    let out = dir + "/out"
    try Support.runStudio(
      [
        "generate", "--model", model, "--count", "1", "--seed", "5", "--temperature", "0.5", "--wav", "--no-midi",
        "--soundfont", soundFont, "--out-dir", out,
      ])
    let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(names.count == 2)
    let wav = try #require(names.first { $0.hasSuffix(".wav") })
    #expect(names.contains(String(wav.dropLast(4)) + ".abc"))
    let bytes = try #require(FileManager.default.contents(atPath: out + "/" + wav))
    #expect(bytes.count > 44_100, "at least a quarter second of 16-bit stereo audio")
    #expect(Array(bytes.prefix(4)) == Array("RIFF".utf8))
  }

  @Test func sameSeedSameFilesAndNoOverwriteWithoutForce() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try savedModel(in: dir)
    let arguments = ["generate", "--model", model, "--count", "2", "--seed", "3", "--temperature", "0.7"]
    try Support.runStudio(arguments + ["--out-dir", dir + "/a"])
    try Support.runStudio(arguments + ["--out-dir", dir + "/b", "--batch", "1"])
    let a = try abcFiles(dir + "/a")
    let b = try abcFiles(dir + "/b")
    #expect(
      a.map { URL(fileURLWithPath: $0).lastPathComponent } == b.map { URL(fileURLWithPath: $0).lastPathComponent })
    #expect(try a.map(Support.read) == b.map(Support.read))

    // A second run into the same directory picks new names; --force replaces instead.
    try Support.runStudio(arguments + ["--out-dir", dir + "/a"])
    let twice = try abcFiles(dir + "/a")
    #expect(twice.count == 4)
    #expect(twice.contains { $0.hasSuffix("-2.abc") })
    try Support.runStudio(arguments + ["--out-dir", dir + "/a", "--force"])
    #expect(try abcFiles(dir + "/a").count == 4)
  }

  @Test func modelNamesResolveUnderModelsDirectory() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try savedModel(in: dir)
    #expect(try ModelLocator.resolve("tiny", currentDirectory: dir, executablePath: nil) == model)
    #expect(try ModelLocator.resolve(dir + "/models/tiny", currentDirectory: "/", executablePath: nil) == model)
    #expect(try ModelLocator.resolve(model, currentDirectory: "/", executablePath: nil) == model)
    // The package-root fallback: an executable somewhere below a directory with Package.swift.
    try "// swift-tools-version: 6.1\n".write(toFile: dir + "/Package.swift", atomically: true, encoding: .utf8)
    #expect(
      try ModelLocator.resolve("tiny", currentDirectory: "/", executablePath: dir + "/.build/release/studio") == model)
    // The last fallback: the checkout studio was compiled from (a build with --scratch-path elsewhere still finds
    // the shipped models).
    #expect(
      try ModelLocator.resolve("tiny", currentDirectory: "/", executablePath: "/nowhere/studio", sourceCheckout: dir)
        == model)
    #expect(ProjectRoots.sourceCheckout == URL(fileURLWithPath: Support.packageRoot).standardizedFileURL.path)
    #expect(
      try ModelLocator.resolve("irish", currentDirectory: "/", executablePath: nil)
        == Support.packageRoot + "/models/irish/model.safetensors")
    do {
      _ = try ModelLocator.resolve("nonexistent", currentDirectory: dir, executablePath: nil)
      Issue.record("expected NotFound")
    } catch let error as ModelLocator.NotFound {
      #expect(error.description.contains(dir + "/models/nonexistent/model.safetensors"))
      #expect(error.description.contains("studio train --name nonexistent"))
    }
    #expect(throws: ModelLocator.NotFound.self) {
      try ModelLocator.resolve("missing/model.safetensors", currentDirectory: dir, executablePath: nil)
    }
  }

  @Test func invalidSamplesAreRejectedAndTheRunFailsClearly() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // A model that ends every tune at once ("\n" is near certain): nothing but the prime, never a valid tune.
    let symbols = ["\n", "1", "2", ":", "X", "A"]
    let model = try GenerateTestModels.save(
      GenerateTestModels.fixedLogits(symbols: symbols, logits: [5, -9, -9, -9, -9, -9]), in: dir)
    do {
      try Support.runStudio(
        ["generate", "--model", model, "--count", "2", "--seed", "1", "--max-attempts", "3", "--out-dir", dir + "/out"])
      Issue.record("expected the run to fail")
    } catch let failure as StudioFailure {
      #expect(failure.exitCode == 1)
      #expect(failure.message.contains("tune 1: no valid tune in 3 attempts"))
      #expect(failure.message.contains("tune 2: no valid tune in 3 attempts"))
      #expect(failure.message.contains("no bar of music"))
    }
    #expect(((try? abcFiles(dir + "/out")) ?? []).isEmpty)
  }

  @Test func rejectedAttemptsAreCountedAndReported() throws {
    let model = try LanguageModel(checkpoint: GenerateTestModels.memorised, threads: 1)
    // At a high temperature many samples break; every kept tune must still pass, and the counters must add up.
    let settings = GenerationSettings(
      count: 6, sampling: SamplingOptions(temperature: 1.6, topK: 0, topP: 1, maxCharacters: 300), seed: 4,
      maxAttempts: 20, batch: 8)
    var kept: [GeneratedTune] = []
    let (summary, failures) = try TuneGenerator(model: model, settings: settings).run { kept.append($0) }
    #expect(kept.count + failures.count == 6)
    #expect(summary.accepted == kept.count)
    let keptAttempts: Int = kept.map(\.attempts).reduce(0, +)
    let failedAttempts: Int = failures.map(\.attempts).reduce(0, +)
    #expect(summary.samplesJudged == keptAttempts + failedAttempts)
    #expect(summary.samplesJudged > 6, "at temperature 1.6 some samples are rejected")
    #expect(!summary.rejectionKinds.isEmpty)
    #expect(abs(summary.acceptanceRate - Double(summary.accepted) / Double(summary.samplesJudged)) < 1e-12)
    for tune in kept {
      #expect(tune.check.accepted)
      #expect(tune.rejections.count == tune.attempts - 1)
    }
    #expect(kept.map(\.number) == kept.map(\.number).sorted(), "tunes arrive in order")
  }

  @Test func primingFixesKeyMeterAndTitle() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try savedModel(in: dir)
    try Support.runStudio(
      [
        "generate", "--model", model, "--count", "1", "--seed", "2", "--raw", "--key", "D", "--meter", "6/8", "--title",
        "Café Tune", "--out-dir", dir + "/out",
      ])
    let text = try Support.read(dir + "/out/cafe-tune.abc")
    #expect(text.hasPrefix("X:1\nT:Café Tune\nM:6/8\nL:1/8\nK:D Major\n"), "the fixed header as given: \(text)")

    try Support.runStudio(
      [
        "generate", "--model", model, "--count", "1", "--seed", "2", "--max-attempts", "20", "--key", "G", "--title",
        "Café Tune", "--out-dir", dir + "/valid",
      ])
    let valid = try Support.read(dir + "/valid/cafe-tune.abc")
    #expect(valid.hasPrefix("X:1\nT:Café Tune\nM:"), "the written title is the one given: \(valid)")
    #expect(valid.contains("\nL:1/8\nK:G Major\n"))
  }

  @Test func greedyDecodingIgnoresTheSeed() throws {
    let dir = try Support.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try savedModel(in: dir)
    for seed in ["1", "2"] {
      try Support.runStudio(
        [
          "generate", "--model", model, "--count", "1", "--seed", seed, "--temperature", "0", "--raw", "--out-dir",
          dir + "/s" + seed,
        ])
    }
    // Titles come from the model, so the names match too.
    let one = try abcFiles(dir + "/s1").map(Support.read)
    let two = try abcFiles(dir + "/s2").map(Support.read)
    #expect(one == two)
    #expect(one.first?.contains("T:Test") == true, "greedy reproduces a memorised tune: \(one)")
  }

  @Test func badOptionsAreUsageErrors() throws {
    for arguments in [
      ["generate", "--count", "0"], ["generate", "--top-p", "0"], ["generate", "--temperature", "-1"],
      ["generate", "--prime", "X:1", "--key", "G"], ["generate", "--batch", "0"],
    ] {
      #expect(throws: (any Error).self, "\(arguments)") { try Support.runStudio(arguments) }
    }
    #expect(throws: PrimePlan.InvalidOption.self) { _ = try PrimePlan.normalizedKey("H#foo") }
    #expect(throws: PrimePlan.InvalidOption.self) { _ = try PrimePlan.checkedMeter("4/x") }
  }
}
