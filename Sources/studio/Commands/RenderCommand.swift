import ArgumentParser

// DEVELOPMENT PLACEHOLDER: replaced by the real command. Must not survive to a landed commit.
struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "render", abstract: "(in development)")
  func run() throws { throw ValidationError("studio render is not built yet") }
}
