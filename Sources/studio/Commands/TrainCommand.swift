import ArgumentParser

// DEVELOPMENT PLACEHOLDER: replaced by the real command. Must not survive to a landed commit.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "train", abstract: "(in development)")
  func run() throws { throw ValidationError("studio train is not built yet") }
}
