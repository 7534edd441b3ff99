import Foundation
import LSTM

/// Fits a model's copy model (`CopyModel`) on its training tunes: `studio train` does it after exporting a model,
/// `studio corpus copy-model` for a model already trained.
enum CopyModelFitting {
  /// Characters scored by default: enough for every match length to have thousands of observations, about a minute
  /// on one core for a 2 × 256 model.
  static let defaultCharacterBudget = 300_000

  /// Fits on evenly spaced `tunes` (the training ones, never the held-out) up to `characterBudget` characters.
  static func fit(
    model: LanguageModel, tunes: [String], characterBudget: Int = defaultCharacterBudget,
    minimumMatch: Int = CopyModel.defaultMinimumMatch
  ) throws -> CopyModel {
    let chosen = evenlySpaced(tunes, characterBudget: characterBudget)
    let observations = try ModelEvaluator.copyObservations(model: model, tunes: chosen, minimumMatch: minimumMatch)
    return CopyModel.fit(observations, minimumMatch: minimumMatch)
  }

  /// Tunes taken at an even stride so their characters add up to about `characterBudget` (all when they fit).
  static func evenlySpaced(_ tunes: [String], characterBudget: Int) -> [String] {
    let total = tunes.reduce(0) { $0 + $1.unicodeScalars.count }
    guard total > characterBudget, !tunes.isEmpty else { return tunes }
    let stride = Double(total) / Double(max(1, characterBudget))
    var chosen: [String] = []
    var position = 0.0
    while Int(position) < tunes.count {
      chosen.append(tunes[Int(position)])
      position += stride
    }
    return chosen
  }

  /// A one-line summary: λ at a few match lengths.
  static func summary(_ copy: CopyModel) -> String {
    let shown = [copy.minimumMatch, 8, 12, 16, 24, 32, copy.weights.count - 1].filter { $0 < copy.weights.count }
    let weights = Array(Set(shown)).sorted().map { "\($0): \(String(format: "%.2f", copy.weights[$0]))" }
    return "copy model fitted on \(copy.fittedCharacters) matched characters; λ by match length \(weights.joined(separator: ", "))"
  }
}
