import Foundation
import Testing

/// Issue 13: the `studio` binary against each class of hostile input — crashes, destroyed files, hangs, unbounded
/// work, signals, exit codes — with small inputs. Every test checks the exit status and message, and that inputs are
/// untouched and no temporary file is left.
@Suite(.enabled(if: MIDICLITests.built, "needs the studio executable (swift build)"))
struct ReliabilityTests {
  typealias CLI = ReliabilityCLI

  // MARK: - 1, 10, 11, 13: absurd requests are refused with the limit named, before any allocation

  @Test(arguments: [
    (["generate", "--count", "1000000000"], "--count must be between 1 and 100000"),
    (["evaluate", "--samples", "1000000000"], "--samples must be between 1 and 100000"),
    (["bench", "lstm", "--preset", "small", "--batched-sample", "100000000"], "--batched-sample must be between 1 and 256"),
    (["train", "--threads", "1000", "--corpus", "x.abc"], "--threads must be between 1 and 64"),
    (["bench", "lstm", "--preset", "small", "--threads", "65"], "--threads must be between 1 and 64"),
    (["generate", "--threads", "65"], "--threads must be between 1 and 64"),
    (["generate", "--max-chars", "1000000000000000000"], "--max-chars must be between 1 and 100000"),
    (["generate", "--max-attempts", "1000000000"], "--max-attempts must be between 1 and 1000"),
    (["corpus", "merge", "x.abc", "-o", "y.abc", "--weights", "1e9"], "between 0 and 1000"),
  ])
  func absurdRequestsAreRefusedWithTheLimit(arguments: [String], message: String) throws {
    let scratch = try CLI.Scratch()
    let run = try CLI.run(arguments, in: scratch, timeout: 20, memoryLimitMB: 2048)
    #expect(run.status == 2, "\(arguments): \(run.stderr)")
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }

  @Test func trainWeightsAboveTheLimitAreAUsageError() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    let run = try CLI.run(["train", "--corpus", "a.abc", "--weights", "1000000000", "--name", "w"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("between 0 and 1000"))
    #expect(!scratch.exists("runs/w"))
  }

  @Test func mergeRefusesAnOutputLargerThanTheLimitBeforeWriting() throws {
    let scratch = try CLI.Scratch()
    // 2 KiB of tunes × 1000 copies stays below 2 GiB; a 4 MiB corpus × 1000 does not.
    let tune = CLI.oneTune + String(repeating: "GABc d2B2|", count: 400) + "\n"
    try scratch.write((1...1000).map { tune.replacingOccurrences(of: "X:1", with: "X:\($0)") }.joined(separator: "\n"), to: "big.abc")
    let run = try CLI.run(["corpus", "merge", "big.abc", "-o", "out.abc", "--weights", "1000"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("GiB"), "\(run.stderr)")
    #expect(!scratch.exists("out.abc"))
    #expect(scratch.temporaryFiles().isEmpty)
  }

  // MARK: - 4, 5: an output that is an input, a device, a FIFO, a symlink

  @Test func convertRefusesToOverwriteItsInput() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    let run = try CLI.run(["convert", "a.abc", "-o", "a.abc"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("is the input"))
    #expect(try String(contentsOfFile: scratch.file("a.abc"), encoding: .utf8) == CLI.oneTune)
  }

  @Test func importRefusesToOverwriteItsInputEvenThroughALink() throws {
    let scratch = try CLI.Scratch()
    let midi = CLI.midi()
    try scratch.write(midi, to: "s.mid")
    try FileManager.default.createSymbolicLink(atPath: scratch.file("link.abc"), withDestinationPath: "s.mid")
    for output in ["s.mid", "link.abc"] {
      let run = try CLI.run(["import", "s.mid", "-o", output], in: scratch)
      #expect(run.status == 2, "\(output)")
      #expect(run.stderr.contains("is the input"))
    }
    #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.file("s.mid")))) == midi)
  }

  @Test func aCharacterDeviceIsWrittenThroughNotReplaced() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    let run = try CLI.run(["convert", "a.abc", "-o", "/dev/null"], in: scratch)
    #expect(run.status == 0, "\(run.stderr)")
    var info = stat()
    #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
  }

  @Test func aDanglingSymlinkIsFollowedNotReplaced() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    try FileManager.default.createSymbolicLink(atPath: scratch.file("out.mid"), withDestinationPath: "target.mid")
    let run = try CLI.run(["convert", "a.abc", "-o", "out.mid"], in: scratch)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.file("out.mid")) == "target.mid")
    #expect(scratch.exists("target.mid"))
  }

  @Test func aFIFONobodyReadsIsAnErrorNotAHangOrAReplacement() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    try scratch.fifo("out.mid")
    let run = try CLI.run(["convert", "a.abc", "-o", "out.mid"], in: scratch, timeout: 10)
    #expect(run.status == 2)
    #expect(run.stderr.contains("no process is reading the FIFO"))
    var info = stat()
    #expect(lstat(scratch.file("out.mid"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    #expect(scratch.temporaryFiles().isEmpty)
  }

  @Test func aDirectoryOrAFileInThePathIsRefusedWithTheReason() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    try FileManager.default.createDirectory(atPath: scratch.file("dir.mid"), withIntermediateDirectories: true)
    let intoDirectory = try CLI.run(["convert", "a.abc", "-o", "dir.mid"], in: scratch)
    #expect(intoDirectory.status == 2)
    #expect(intoDirectory.stderr.contains("it is a directory"))
    let underFile = try CLI.run(["render", "a.abc", "-o", "a.abc/x.wav"], in: scratch)
    #expect(underFile.status == 2)
    #expect(underFile.stderr.contains("a.abc is a file, not a directory"), "\(underFile.stderr)")
  }

  // MARK: - 7, 21: one bad tune fails on its own, with its source position

  @Test func oneAbsurdTuneDoesNotStopABatchConvert() throws {
    let scratch = try CLI.Scratch()
    let text = CLI.oneTune + "\nX:2\nT:Bad\nM:4/4\nL:1/8\nK:C\nA99999999|\n\nX:3\nT:Good\nM:4/4\nL:1/8\nK:C\ncdef gabc'|\n"
    try scratch.write(text, to: "b.abc")
    let run = try CLI.run(["convert", "b.abc", "--out-dir", "midi"], in: scratch)
    #expect(run.status == 1)
    #expect(scratch.exists("midi/b_1.mid") && scratch.exists("midi/b_3.mid") && !scratch.exists("midi/b_2.mid"))
    #expect(run.stdout.contains("1 tune failed"))
    #expect(run.stderr.contains("b.abc:13:1: error[abc.length.absurd]"), "\(run.stderr)")
    let validate = try CLI.run(["validate", "b.abc"], in: scratch)
    #expect(validate.status == 1)
    #expect(validate.stdout.contains("b.abc:13:1: error[abc.length.absurd]"))
  }

  // MARK: - 8, 23: FIFOs and other non-regular inputs never block

  @Test(arguments: [
    ["validate", "f.abc"], ["info", "f.mid"], ["import", "f.mid", "-o", "o.abc"], ["convert", "f.abc", "-o", "o.mid"],
    ["render", "f.mid", "-o", "o.wav"], ["play", "f.mid", "--port", "128:0"], ["corpus", "stats", "f.abc"],
    ["corpus", "clean", "f.abc", "-o", "o.abc"], ["train", "--corpus", "f.abc", "--name", "fifo"],
    ["generate", "--model", "f.safetensors", "--count", "1"], ["evaluate", "--model", "m.safetensors", "--corpus", "f.abc"],
    ["validate", "a.abc", "--config", "f.yaml"],
  ])
  func aFIFOInputIsRefusedAtOnce(arguments: [String]) throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    for name in ["f.abc", "f.mid", "f.safetensors", "f.yaml"] { try scratch.fifo(name) }
    let run = try CLI.run(arguments, in: scratch, config: !arguments.contains("--config"), timeout: 15)
    #expect(run.status == 2, "\(arguments): \(run.output)")
    #expect(run.stderr.contains("FIFO") || run.stderr.contains("not a regular file"), "\(arguments): \(run.stderr)")
    #expect(!run.stderr.contains("permission denied"))
  }

  @Test func aSoundFontFIFOIsRefused() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.midi(), to: "a.mid")
    try scratch.fifo("font.sf2")
    let run = try CLI.run(["render", "a.mid", "-o", "a.wav", "--soundfont", "font.sf2"], in: scratch, timeout: 15)
    #expect(run.status == 2)
    #expect(run.stderr.contains("FIFO"))
  }

  @Test func directoriesSkipFIFOsWithAWarning() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "d/a.abc")
    try scratch.fifo("d/x.abc")
    let validate = try CLI.run(["validate", "d"], in: scratch, timeout: 15)
    #expect(validate.status == 0, "\(validate.output)")
    #expect(validate.stderr.contains("d/x.abc: skipped: it is a FIFO"))
    #expect(validate.stdout.contains("checked 1 tune in 1 file"))
    let stats = try CLI.run(["corpus", "stats", "d"], in: scratch, timeout: 15)
    #expect(stats.status == 0, "\(stats.output)")
  }

  // MARK: - 9: render length cap

  @Test(.enabled(if: ReliabilityCLI.soundFont != nil, "needs a General MIDI SoundFont"))
  func renderRefusesMusicLongerThanTheLimitBeforeRendering() throws {
    let scratch = try CLI.Scratch()
    // Eight notes of 2^28 - 1 ticks at 120 BPM: about 620 hours.
    try scratch.write(CLI.midi(noteTicks: 0x0FFF_FFFF), to: "long.mid")
    let run = try CLI.run(
      ["render", "long.mid", "-o", "long.wav", "--max-seconds", "5", "--soundfont", CLI.soundFont!], in: scratch,
      timeout: 30, memoryLimitMB: 4096)
    #expect(run.status == 1)
    #expect(run.stderr.contains("longer than the render limit of 0:05"), "\(run.stderr)")
    #expect(run.stderr.contains("--max-seconds"))
    #expect(scratch.listing() == ["config.yaml", "long.mid"])
  }

  @Test func maxSecondsIsAConfigKeyWithARange() throws {
    let scratch = try CLI.Scratch()
    try scratch.write("render:\n  max_seconds: 0\n", to: "config.yaml")
    try scratch.write(CLI.midi(), to: "a.mid")
    let run = try CLI.run(["render", "a.mid", "-o", "a.wav"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("max_seconds"))
  }

  // MARK: - 17–20, 22, 25, 27: the same cause exits the same way, with a reason

  @Test(arguments: [
    ["train", "--corpus", "missing.abc", "--name", "m"], ["bench", "lstm", "--preset", "small", "--corpus", "missing.abc"],
    ["evaluate", "--corpus", "missing.abc"], ["corpus", "stats", "missing.abc"],
  ])
  func aMissingCorpusIsAnIOError(arguments: [String]) throws {
    let scratch = try CLI.Scratch()
    let run = try CLI.run(arguments, in: scratch)
    #expect(run.status == 2, "\(arguments): \(run.output)")
    #expect(run.stderr.contains("missing.abc"))
  }

  @Test(arguments: [
    ["validate", "a.abc"], ["info", "a.mid"], ["ports"], ["play", "a.mid", "--port", "128:0"], ["corpus", "stats", "a.abc"],
    ["corpus", "merge", "a.abc", "-o", "m.abc"], ["corpus", "split", "a.abc"], ["corpus", "clean", "a.abc", "-o", "c.abc"],
  ])
  func aMissingConfigIsAnErrorEverywhere(arguments: [String]) throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    try scratch.write(CLI.midi(), to: "a.mid")
    let run = try CLI.run(arguments + ["--config", "nope.yaml"], in: scratch, config: false)
    #expect(run.status == 2, "\(arguments): \(run.output)")
    #expect(run.stderr.contains("nope.yaml"))
  }

  @Test func anEmptyDirectoryIsNotSilentSuccess() throws {
    let scratch = try CLI.Scratch()
    try FileManager.default.createDirectory(atPath: scratch.file("empty"), withIntermediateDirectories: true)
    let validate = try CLI.run(["validate", "empty"], in: scratch)
    #expect(validate.status == 2)
    #expect(validate.stderr.contains("no .abc files"))
    let render = try CLI.run(["render", "empty", "--out-dir", "o"], in: scratch)
    #expect(render.status == 2)
    #expect(render.stderr.contains("nothing to render"))
  }

  @Test(.enabled(if: ReliabilityCLI.soundFont != nil, "needs a General MIDI SoundFont"))
  func renderSearchesDirectoriesRecursively() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.midi(noteTicks: 60), to: "in/sub/a.mid")
    let run = try CLI.run(["render", "in", "--out-dir", "o", "--soundfont", CLI.soundFont!], in: scratch)
    #expect(run.status == 0, "\(run.output)")
    #expect(scratch.exists("o/a.wav"))
  }

  @Test func sameCausesGiveSameStatuses() throws {
    let scratch = try CLI.Scratch()
    try scratch.write("", to: "empty.abc")
    let one = try CLI.run(["convert", "empty.abc", "-o", "x.mid"], in: scratch)
    let many = try CLI.run(["convert", "empty.abc", "--out-dir", "o"], in: scratch)
    #expect(one.status == 1 && many.status == 1, "\(one.status) \(many.status)")
    try scratch.write("not a midi file at all", to: "junk.mid")
    let info = try CLI.run(["info", "junk.mid"], in: scratch)
    let importRun = try CLI.run(["import", "junk.mid", "-o", "j.abc"], in: scratch)
    #expect(info.status == 1 && importRun.status == 1, "\(info.status) \(importRun.status)")
  }

  @Test func importOfADamagedTempoIsNotAnInternalError() throws {
    let scratch = try CLI.Scratch()
    for tempo in [0, 1] {
      try scratch.write(CLI.midi(tempo: tempo), to: "t\(tempo).mid")
      let run = try CLI.run(["import", "t\(tempo).mid", "-o", "t\(tempo).abc"], in: scratch)
      #expect(run.status == 0, "\(run.output)")
      #expect(!run.stderr.contains("please report"))
      let validate = try CLI.run(["validate", "t\(tempo).abc", "--only", "errors"], in: scratch)
      #expect(validate.status == 0, "\(validate.output)")
    }
  }

  @Test func cleanOfADirectorySaysWhy() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "d/a.abc")
    let run = try CLI.run(["corpus", "clean", "d", "-o", "x.abc"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("it is a directory"))
  }

  @Test func fetchChecksTheOutputBeforeDownloading() throws {
    let scratch = try CLI.Scratch()
    try scratch.write("x", to: "afile")
    let run = try CLI.run(["corpus", "fetch", "irish", "-o", "afile/sub"], in: scratch, timeout: 20)
    #expect(run.status == 2)
    #expect(run.stderr.contains("afile is a file"), "\(run.stderr)")
    #expect(!run.stderr.contains("downloading"))
  }

  // MARK: - 26: resume

  @Test func aFailedResumeLeavesNoRunDirectory() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    let run = try CLI.run(["train", "--corpus", "a.abc", "--name", "ghost", "--resume"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("does not exist"))
    #expect(!scratch.exists("runs/ghost"))
  }

  @Test func aMissingTrainerStateIsNamed() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.oneTune, to: "a.abc")
    try scratch.write("x", to: "runs/half/checkpoint.safetensors")
    let run = try CLI.run(["train", "--corpus", "a.abc", "--name", "half", "--resume"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("trainer-state.safetensors is missing"), "\(run.stderr)")
  }

  @Test func aNameWithANewlineIsRefused() throws {
    let scratch = try CLI.Scratch()
    let run = try CLI.run(["train", "--corpus", "a.abc", "--name", "a\nb"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("control characters"))
  }

  // MARK: - 6: one run directory, one trainer

  @Test func aLockedRunDirectoryIsRefused() throws {
    let scratch = try CLI.Scratch()
    try scratch.write(CLI.tunes(12), to: "a.abc")
    try FileManager.default.createDirectory(atPath: scratch.file("runs/mix"), withIntermediateDirectories: true)
    let fd = open(scratch.file("runs/mix/.lock"), O_RDWR | O_CREAT, 0o644)
    #expect(fd >= 0)
    defer { close(fd) }
    #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
    let run = try CLI.run(["train", "--corpus", "a.abc", "--name", "mix", "--steps", "1"], in: scratch)
    #expect(run.status == 2)
    #expect(run.stderr.contains("in use by another"), "\(run.stderr)")
    #expect(!scratch.exists("runs/mix/metrics.jsonl"))
  }

  // MARK: - 15: signals remove temporary files

  @Test(
    .enabled(if: ReliabilityCLI.soundFont != nil, "needs a General MIDI SoundFont"),
    arguments: [SIGINT, SIGTERM, SIGHUP])
  func aSignalDuringRenderLeavesNoTemporaryFile(signal: Int32) throws {
    let scratch = try CLI.Scratch()
    // 53 minutes of music: the render is still running when the signal comes.
    try scratch.write(CLI.midi(noteTicks: 480 * 800), to: "long.mid")
    let (process, out, err) = try CLI.start(
      ["render", "long.mid", "-o", "long.wav", "--soundfont", CLI.soundFont!], in: scratch)
    let started = CLI.wait(timeout: 30) { !scratch.temporaryFiles().isEmpty }
    #expect(started, "no temporary file appeared")
    kill(process.processIdentifier, signal)
    let run = CLI.finish(process, out, err, timeout: 30, what: "render")
    #expect(run.status == 128 + signal, "\(run.output)")
    #expect(scratch.listing() == ["config.yaml", "long.mid"])
  }
}

/// Issue 13, memory: 2, 12 — a huge tune and a file of many tunes within small memory limits.
@Suite(.enabled(if: MIDICLITests.built, "needs the studio executable (swift build)"))
struct ReliabilityMemoryTests {
  typealias CLI = ReliabilityCLI

  /// A 3 MB single line of notes (the 10 MB line took 2–5 GB): refused as a too-large tune within 500 MB
  /// of address space, by validate, convert and corpus clean.
  @Test(arguments: [
    ["validate", "huge.abc"], ["convert", "huge.abc", "-o", "huge.mid"], ["corpus", "clean", "huge.abc", "-o", "c.abc"],
  ])
  func aHugeTuneIsRefusedWithinASmallMemoryLimit(arguments: [String]) throws {
    let scratch = try CLI.Scratch()
    try scratch.write("X:1\nT:Huge\nM:4/4\nL:1/8\nK:C\n" + String(repeating: "ABcd|", count: 600_000) + "\n", to: "huge.abc")
    let run = try CLI.run(arguments, in: scratch, timeout: 120, memoryLimitMB: 500)
    #expect(run.status == 1, "\(arguments): \(run.status) \(run.stderr.prefix(500))")
    #expect(run.output.contains("abc.tune.too-large") || run.output.contains("more than the limit of 1048576 bytes"))
    #expect(scratch.listing() == ["config.yaml", "huge.abc"])
  }
}

/// Issue 13, 24: NaN weights are found when a model is loaded, and the tensor is named.
@Suite(.enabled(if: MIDICLITests.built, "needs the studio executable (swift build)"))
struct ReliabilityWeightsTests {
  typealias CLI = ReliabilityCLI

  @Test(arguments: [["generate", "--model", "m.safetensors", "--count", "1", "--raw"], ["evaluate", "--model", "m.safetensors"]])
  func nanWeightsAreRefusedByTensorName(arguments: [String]) throws {
    let scratch = try CLI.Scratch()
    let symbols = ["X", ":", "1", "\n", "K", "C", "A", "|"]
    let checkpoint = try GenerateTestModels.fixedLogits(
      symbols: symbols, logits: symbols.indices.map { $0 == 2 ? Float.nan : 0 })
    try checkpoint.write(to: scratch.file("m.safetensors"), dtype: .f32)
    let run = try CLI.run(arguments, in: scratch)
    #expect(run.status == 2, "\(run.output)")
    #expect(run.stderr.contains("tensor fc.bias holds nan at index 2"), "\(run.stderr)")
    #expect(!run.output.contains("temperature"))
  }
}
