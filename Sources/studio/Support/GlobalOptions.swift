import ArgumentParser
import Foundation

/// Flags every command shares.
struct GlobalOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Settings file. Default: ./config.yaml when it exists, else built-in defaults.", valueName: "path"))
  var config: String?

  @Flag(name: .shortAndLong, help: "Print more detail.")
  var verbose = false

  /// Loads the settings: `--config` (must exist), else `./config.yaml` when present, else defaults.
  func loadConfig() throws -> StudioConfig {
    if let config {
      guard FileManager.default.fileExists(atPath: config) else {
        throw StudioFailure("config file \(config) does not exist (pass --config PATH to an existing file)")
      }
      return try StudioConfig(contentsOf: config)
    }
    if FileManager.default.fileExists(atPath: "config.yaml") {
      return try StudioConfig(contentsOf: "config.yaml")
    }
    return StudioConfig()
  }
}
