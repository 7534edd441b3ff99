import ABCParser
import Foundation

// ParserBenchmarks: parse+validate throughput over the three corpora, single core and all cores, next to the time
// abc2midi takes to convert the same files (run per file into a temporary directory).
//
//   swift run -c release --package-path Benchmarks ParserBenchmarks [--corpora DIR] [--repeat N] [--skip-abc2midi]
//   swift run -c release --package-path Benchmarks ParserBenchmarks check PATH...   (round-trip + diagnostic report)
//   swift run -c release --package-path Benchmarks ParserBenchmarks fuzz [--iterations N] [--seed S]   (scripts/fuzz-parser.sh)

let args = Array(CommandLine.arguments.dropFirst())
if args.first == "check" {
  CorpusCheck.run(paths: Array(args.dropFirst()))
} else if args.first == "fuzz" {
  Fuzz.run(arguments: Array(args.dropFirst()))
} else {
  var options = Harness.Options()
  var k = 0
  while k < args.count {
    switch args[k] {
    case "--corpora" where k + 1 < args.count:
      options.corpora = args[k + 1]
      k += 1
    case "--repeat" where k + 1 < args.count:
      options.repeats = max(1, Int(args[k + 1]) ?? 3)
      k += 1
    case "--only" where k + 1 < args.count:
      options.only = args[k + 1]
      k += 1
    case "--skip-abc2midi":
      options.runABC2MIDI = false
    default:
      FileHandle.standardError.write(Data("unknown argument \(args[k])\n".utf8))
      exit(2)
    }
    k += 1
  }
  Harness(options: options).run()
}
