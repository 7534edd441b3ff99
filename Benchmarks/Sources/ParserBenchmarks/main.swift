import ABCParser


let args = Array(CommandLine.arguments.dropFirst())
if args.first == "check" {
  CorpusCheck.run(paths: Array(args.dropFirst()))
}
