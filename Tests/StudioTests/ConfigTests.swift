import Foundation
import Testing

@testable import studio

@Suite struct ConfigTests {
  /// The package root, found from this file's path.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func shippedConfigLoadsAndMatchesBuiltInDefaults() throws {
    let config = try StudioConfig(contentsOf: Self.root.appendingPathComponent("config.yaml").path)
    let defaults = StudioConfig()
    #expect(config.model.hidden == defaults.model.hidden)
    #expect(config.training.learningRate == defaults.training.learningRate)
    #expect(config.training.timeBudget == nil)
    #expect(config.generation.seed == nil)
    #expect(config.render.bits == "16")
    #expect(config.data.corpora == ["../shared/corpora/irish.abc"])
  }

  @Test func valuesOverrideDefaults() throws {
    let config = try StudioConfig(
      text: "model:\n  hidden: 512\ntraining:\n  time_budget: 10m\n  schedule: step\n", path: "c.yaml")
    #expect(config.model.hidden == 512)
    #expect(config.training.timeBudget == "10m")
    #expect(config.training.schedule == "step")
  }

  @Test(arguments: [
    ("training:\n  learnig_rate: 0.1\n", "training.learnig_rate", 2),
    ("model:\n  hidden: big\n", "model.hidden", 2),
    ("trainig:\n  steps: 3\n", "trainig", 1),
    ("training:\n  schedule: wobbly\n", "training.schedule", 2),
    ("model:\n  layers: 0\n", "model.layers", 2),
    ("render:\n  reverb: maybe\n", "render.reverb", 2),
    ("data:\n  corpora: {a: 1}\n", "data.corpora", 2),
  ])
  func badKeysAndTypesNameTheKeyAndFile(text: String, key: String, line: Int) {
    do {
      _ = try StudioConfig(text: text, path: "my.yaml")
      Issue.record("expected an error for \(key)")
    } catch let error as ConfigError {
      #expect(error.key == key)
      #expect(error.line == line)
      #expect(error.description.hasPrefix("my.yaml:\(line)"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func invalidYAMLIsAnError() {
    #expect(throws: ConfigError.self) { _ = try StudioConfig(text: "model: [unclosed\n", path: "x.yaml") }
  }
}
