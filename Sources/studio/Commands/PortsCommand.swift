import ArgumentParser

// DEVELOPMENT PLACEHOLDER: replaced by the real command. Must not survive to a landed commit.
struct PortsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ports", abstract: "(in development)")
  func run() throws { throw ValidationError("studio ports is not built yet") }
}
