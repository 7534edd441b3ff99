import ArgumentParser
import Foundation
import LSTM

/// `studio corpus …`: look at, combine, split, clean and download training corpora.
struct CorpusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "corpus",
    abstract: "Inspect, merge, split, clean and download ABC training corpora.",
    discussion: """
      Tunes are read the way the model sees them: a tune starts at each line beginning with X: and runs to the \
      next; line ends become LF, tabs spaces, trailing spaces are dropped. Files written by merge, split and clean \
      hold the tunes separated by one empty line.
      """,
    subcommands: [Stats.self, Form.self, CopyModelCommand.self, Merge.self, Split.self, Clean.self, Fetch.self])

  struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Count tunes, characters, vocabulary, keys, meters and tune lengths.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("ABC files or directories (searched recursively for *.abc).", valueName: "path"))
    var paths: [String]
    @Option(help: "Output format: text or json.") var format: ReportFormat = .text

    func run() throws {
      _ = try global.loadConfig()
      let stats = CorpusStatistics(corpus: try TuneCorpus.loadForCLI(paths: paths))
      print(format == .json ? try GenerationJSON.pretty(stats) : stats.text(limit: global.verbose ? 1000 : 12))
    }
  }

  struct Form: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure a corpus's form (bars per part, parts per tune, meters) for structure-aware sampling.",
      discussion: """
        Reads every tune with the same reader the sampler uses and writes the shares studio generate steers toward:         the bar count of first parts, how often a part keeps the previous part's length, parts per tune, and header         meters. studio train writes this file as form.json beside each model it exports; rebuild one with         studio corpus form ../shared/corpora/irish.abc ../shared/corpora/nottingham -o models/irish/form.json
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("ABC files or directories (searched recursively for *.abc).", valueName: "path"))
    var paths: [String]
    @Option(name: .shortAndLong, help: ArgumentHelp("Write the profile to this .json file.", valueName: "path"))
    var output: String?

    func run() throws {
      let corpus = try TuneCorpus.load(paths: paths)
      let profile = FormProfile.measure(corpus.tunes)
      let data = try profile.jsonData()
      if let output {
        try AtomicWriter.write(Array(data), to: output)
        FileHandle.standardError.write(
          Data("form of \(profile.tunes) tunes (\(profile.skipped) skipped) written to \(output)\n".utf8))
      } else {
        FileHandle.standardOutput.write(data)
      }
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge corpora into one file, optionally weighted and deduplicated.",
      discussion: """
        A weight repeats a corpus's tunes: corpus i with n tunes and weight w gives round(w·n) copies (every tune \
        ⌊w⌋ times, the rest drawn at random without replacement, seeded) — the rule `studio train` uses for \
        data.weights. Example: studio corpus merge irish.abc pop/ -o mix.abc --weights 2,1 --dedupe
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Corpora to merge (files or directories), in order.", valueName: "path"))
    var paths: [String]
    @Option(name: .shortAndLong, help: ArgumentHelp("Output .abc file.", valueName: "path")) var output: String
    @Option(help: ArgumentHelp("Weight per corpus, 0…1000, comma-separated (default: 1 each).", valueName: "w1,w2,…"))
    var weights: String?
    @Flag(help: "Drop tunes that repeat an earlier tune (X: line and spacing ignored).") var dedupe = false
    @Flag(help: "Renumber X: fields 1, 2, 3, … in output order.") var renumber = false
    @Flag(help: "Interleave the corpora in a seeded random order instead of one after the other.") var shuffle = false
    @Option(help: "Seed for fractional weights and --shuffle.") var seed: UInt64 = 0

    func validate() throws {
      guard !paths.isEmpty else { throw ValidationError("give at least one corpus to merge") }
      if let weights {
        let values = try Self.parseWeights(weights)
        guard values.count == paths.count else {
          throw ValidationError("--weights has \(values.count) values for \(paths.count) corpora; give one per corpus")
        }
      }
    }

    static func parseWeights(_ text: String) throws -> [Double] {
      try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
        let trimmed = part.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), Limits.weight.contains(value) else {
          throw ValidationError(
            "--weights: '\(trimmed)' is not a number between 0 and \(Int(Limits.weight.upperBound)) (example: --weights 2,1)")
        }
        return value
      }
    }

    func run() throws {
      _ = try global.loadConfig()
      try AtomicWriter.checkOutput(output, inputs: paths)
      let sources = try paths.map { try TuneCorpus.loadForCLI(paths: [$0]).tunes }
      let weights = try weights.map(Self.parseWeights) ?? paths.map { _ in 1 }
      // The size is known before anything is copied: refuse a merge that would write more than the limit.
      let estimated = zip(sources, weights).reduce(0.0) { total, pair in
        total + pair.1 * Double(pair.0.reduce(0) { $0 + $1.utf8.count + 2 })
      }
      guard estimated <= Double(Limits.mergedBytes) else {
        throw StudioFailure(
          "the weights would make \(output) about \(String(format: "%.1f", estimated / 1_073_741_824)) GiB; "
            + "the limit is \(Limits.mergedBytes >> 30) GiB (lower --weights)")
      }
      let merged = CorpusTools.merge(
        sources, weights: weights, dedupe: dedupe, renumber: renumber, shuffle: shuffle, seed: seed)
      guard !merged.tunes.isEmpty else { throw StudioFailure("the weights leave no tunes to write") }
      try AtomicWriter.write(CorpusTools.fileText(merged.tunes), to: output)
      for (index, path) in paths.enumerated() {
        let dropped =
          merged.duplicatesDropped[index] > 0 ? ", \(merged.duplicatesDropped[index]) duplicates dropped" : ""
        print(
          "\(path): \(sources[index].count) tunes, weight \(weights[index]) → \(merged.copies[index]) copies\(dropped)")
      }
      print("wrote \(output): \(merged.tunes.count) tunes")
    }
  }

  struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Split a corpus into training and validation files (by whole tune).",
      discussion: """
        Writes <stem>.train.abc and <stem>.val.abc next to PATH (or in --out-dir). Split each corpus before merging \
        with weights above 1: copies of one tune would otherwise land on both sides.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The corpus (file or directory).", valueName: "path")) var path: String
    @Option(help: ArgumentHelp("Share of tunes held out for validation (0…1).", valueName: "fraction"))
    var val: Double = 0.1
    @Option(help: "Seed of the random choice.") var seed: UInt64 = 42
    @Option(
      help:
        "random (seeded, --val of the tunes) or every-tenth (tune i held out when i % 10 == 9, as training's default).")
    var method: SplitChoice = .random
    @Option(name: .customLong("out-dir"), help: ArgumentHelp("Directory for the two files.", valueName: "dir"))
    var outputDirectory: String?
    @Flag(help: "Replace existing output files.") var force = false

    enum SplitChoice: String, ExpressibleByArgument, CaseIterable {
      case random
      case everyTenth = "every-tenth"
    }

    func validate() throws {
      guard val.isFinite, (0...1).contains(val) else {
        throw ValidationError("--val must be between 0 and 1, got \(val)")
      }
    }

    func run() throws {
      _ = try global.loadConfig()
      if let outputDirectory { try AtomicWriter.checkOutputDirectory(outputDirectory) }
      let corpus = try TuneCorpus.loadForCLI(paths: [path])
      let split = DatasetSplit.split(
        corpus.tunes, validationFraction: val, seed: seed, method: method == .random ? .seededRandom : .everyTenth)
      let url = URL(fileURLWithPath: path)
      let stem =
        url.pathExtension.lowercased() == "abc" ? url.deletingPathExtension().lastPathComponent : url.lastPathComponent
      let directory = outputDirectory ?? url.deletingLastPathComponent().path
      let trainPath = directory + "/" + stem + ".train.abc"
      let validationPath = directory + "/" + stem + ".val.abc"
      for target in [trainPath, validationPath] where !force && FileManager.default.fileExists(atPath: target) {
        throw StudioFailure("\(target) already exists; pass --force to replace it or --out-dir to write elsewhere")
      }
      try AtomicWriter.write(CorpusTools.fileText(split.train), to: trainPath)
      try AtomicWriter.write(CorpusTools.fileText(split.validation), to: validationPath)
      print("wrote \(trainPath): \(split.train.count) tunes")
      print("wrote \(validationPath): \(split.validation.count) tunes")
    }
  }

  struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Drop tunes with validator errors and normalise whitespace.",
      discussion: "Warnings are kept. Every dropped tune is listed with its first error (line in the input file).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The .abc file to clean.", valueName: "path")) var path: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Output .abc file.", valueName: "path")) var output: String

    func run() throws {
      _ = try global.loadConfig()
      try AtomicWriter.checkOutput(output, inputs: [path])
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw StudioFailure("cannot read \(path): it is a directory; corpus clean takes one .abc file")
      }
      _ = try TuneCorpus.loadForCLI(paths: [path])  // existence, UTF-8 and "has tunes", with clear messages
      let data = try InputFile.read(path)
      let result = CorpusTools.clean(text: String(decoding: data, as: UTF8.self), path: path)
      for dropped in result.dropped {
        let name = [dropped.referenceNumber.map { "X:\($0)" }, dropped.title.map { "\"\($0)\"" }]
          .compactMap { $0 }.joined(separator: " ")
        let more = dropped.errorCount > 1 ? " (+\(dropped.errorCount - 1) more errors)" : ""
        print("dropped tune \(dropped.index + 1) \(name): \(dropped.firstError)\(more)")
      }
      guard !result.kept.isEmpty else {
        throw StudioFailure("every tune of \(path) has validator errors; nothing written", exitCode: 1)
      }
      try AtomicWriter.write(CorpusTools.fileText(result.kept), to: output)
      print("wrote \(output): kept \(result.kept.count) tunes, dropped \(result.dropped.count)")
    }
  }

  struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Download a public corpus and verify its SHA-256 (same as scripts/fetch-corpus.sh).",
      discussion:
        "irish: mitdeeplearning/data/irish.abc from the PyPI sdist mitdeeplearning==0.7.5 (MIT licence), via pip.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Corpus name: irish.") var name: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Directory to write <name>.abc into.", valueName: "dir"))
    var output: String = "corpora"

    func run() throws {
      do {
        let path = try CorpusFetcher.fetch(name, into: output) { printError("fetch: \($0)") }
        print("wrote \(path)")
      } catch let error as CorpusFetcher.FetchError {
        if case .digestMismatch = error { throw StudioFailure(error.description, exitCode: 1) }
        throw StudioFailure(error.description)
      }
    }
  }
}
