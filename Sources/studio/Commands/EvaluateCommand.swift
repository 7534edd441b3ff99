import ArgumentParser

// DEVELOPMENT PLACEHOLDER: replaced by the real command. Must not survive to a landed commit.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "(in development)")
  func run() throws { throw ValidationError("studio evaluate is not built yet") }
}
