import ArgumentParser

// DEVELOPMENT PLACEHOLDER: replaced by the real command. Must not survive to a landed commit.
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "info", abstract: "(in development)")
  func run() throws { throw ValidationError("studio info is not built yet") }
}
