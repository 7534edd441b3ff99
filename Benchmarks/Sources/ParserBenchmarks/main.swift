import ABCParser

struct DevValidator { func validate(_ f: ABCFile) -> [Diagnostic] { f.allDiagnostics } }

let args = Array(CommandLine.arguments.dropFirst())
if args.first == "check" {
  CorpusCheck.run(paths: Array(args.dropFirst()))
}
