import ArgumentParser

/// The `studio` command line: ABC music notation in, music out.
@main
struct Studio: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "studio",
    abstract: "A MIDI-producing music workstation: ABC notation in; MIDI, audio and new tunes out.",
    discussion: """
      Typical session:
        studio generate --model irish --count 4 --midi --wav --out-dir out/
        studio validate tunes.abc
        studio convert tunes.abc --out-dir midi/
        studio render tune.abc -o tune.wav
        studio train --corpus ../shared/corpora/irish.abc --name my-irish --time-budget 10m

      Settings come from config.yaml (see --config); every flag overrides it.
      Exit status: 0 success, 1 problems found in the input (e.g. validation errors), 2 usage or I/O error.
      """,
    version: StudioVersion.string,
    subcommands: [
      ValidateCommand.self,
      ConvertCommand.self,
      ImportCommand.self,
      InfoCommand.self,
      RenderCommand.self,
      PortsCommand.self,
      PlayCommand.self,
      RecordCommand.self,
      TrainCommand.self,
      GenerateCommand.self,
      EvaluateCommand.self,
      CorpusCommand.self,
      BenchCommand.self,
    ]
  )

  /// Entry point: studio's exit-status convention instead of ArgumentParser's default.
  static func main() {
    OpenBLASLauncher.reexecIfBeneficial(arguments: CommandLine.arguments)
    runMain()
  }
}

enum StudioVersion {
  static let string = "0.1.0"
}
