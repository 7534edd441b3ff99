import ArgumentParser

// DEVELOPMENT PLACEHOLDER: replaced by the real command. Must not survive to a landed commit.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "convert", abstract: "(in development)")
  func run() throws { throw ValidationError("studio convert is not built yet") }
}
