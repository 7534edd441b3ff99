import ArgumentParser

// DEVELOPMENT PLACEHOLDER: replaced by the real command. Must not survive to a landed commit.
struct CorpusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "corpus", abstract: "(in development)")
  func run() throws { throw ValidationError("studio corpus is not built yet") }
}
