import ArgumentParser

/// `--format` of the generation, evaluation and corpus commands.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case text
  case json
}
