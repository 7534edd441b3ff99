import Foundation
import XCTest

@testable import LSTM

final class CopyModelTests: XCTestCase {
  private func track(_ text: [Int32], minimumMatch: Int = 3) -> [CopyTracker.Prediction?] {
    var tracker = CopyTracker(minimumMatch: minimumMatch)
    var predictions: [CopyTracker.Prediction?] = []
    for token in text {
      tracker.append(token)
      predictions.append(tracker.prediction)
    }
    return predictions
  }

  func testPredictsWhatFollowedTheLastOccurrenceOnceTheMinimumMatchIsReached() {
    // 1 2 3 4 5 | 1 2 3 → predicts 4, then 5 as the match grows.
    let predictions = track([1, 2, 3, 4, 5, 1, 2, 3, 4, 5])
    XCTAssertNil(predictions[6])  // "1 2" matched: below the minimum
    XCTAssertEqual(predictions[7], .init(token: 4, length: 3))
    XCTAssertEqual(predictions[8], .init(token: 5, length: 4))
    XCTAssertEqual(predictions[9], .init(token: 1, length: 5))  // the first 1 2 3 4 5 was followed by 1
  }

  func testAMismatchEndsTheMatchAndTheMostRecentOccurrenceWins() {
    // a b c X … a b c Y … a b c → predicts Y (most recent), not X.
    let predictions = track([1, 2, 3, 9, 1, 2, 3, 8, 1, 2, 3])
    XCTAssertEqual(predictions[10]?.token, 8)
    // After "1 2 3 8" the second time, the match on "1 2 3" predicted 9 and 8 came: no prediction at index 7.
    XCTAssertNil(predictions[7])
  }

  func testNoPredictionFromAMatchWithAShortPeriod() {
    // "1 1 1 1 1 1 …" matches itself one character back: a loop, not a repeat of earlier music.
    let run = track(Array(repeating: 1, count: 12), minimumMatch: 3)
    XCTAssertTrue(run.allSatisfy { $0 == nil })
    // A period of 3 (below the minimum match of 4) neither; a period of 4 does.
    XCTAssertNil(track([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], minimumMatch: 4).last!)
    XCTAssertEqual(track([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3], minimumMatch: 4).last!?.token, 4)
  }

  func testResetForgetsTheHistory() {
    var tracker = CopyTracker(minimumMatch: 2)
    for t: Int32 in [1, 2, 3, 1, 2] { tracker.append(t) }
    XCTAssertEqual(tracker.prediction?.token, 3)
    tracker.reset()
    for t: Int32 in [1, 2] { tracker.append(t) }
    XCTAssertNil(tracker.prediction)
  }

  func testMixIsTheMixtureOfTheTwoDistributions() {
    let copy = CopyModel(minimumMatch: 2, weights: [0, 0, 0.25, 0.5])
    let logits: [Float] = [0, log(3), 0]  // p = 0.2, 0.6, 0.2
    var mixed = logits
    copy.mix(&mixed, prediction: .init(token: 2, length: 7))  // λ = 0.5 (last weight for longer matches)
    let p = mixed.map { exp(Double($0)) }
    XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-6)
    XCTAssertEqual(p[0], 0.5 * 0.2, accuracy: 1e-6)
    XCTAssertEqual(p[1], 0.5 * 0.6, accuracy: 1e-6)
    XCTAssertEqual(p[2], 0.5 * 0.2 + 0.5, accuracy: 1e-6)
    var unchanged = logits
    copy.mix(&unchanged, prediction: .init(token: 2, length: 1))  // below the minimum match
    XCTAssertEqual(unchanged, logits)
  }

  func testFitFindsTheMaximumLikelihoodWeight() {
    // The copy prediction is right 3 times in 4 where the LSTM gave the right character 0.1: the fitted λ is the
    // maximum of the log-likelihood, checked against a fine grid.
    let observations =
      Array(repeating: CopyModel.Observation(probability: 0.1, predictedRight: true, length: 6), count: 3)
      + [CopyModel.Observation(probability: 0.1, predictedRight: false, length: 6)]
    let fitted = CopyModel.fit(observations, minimumMatch: 5, maximumLength: 8)
    func likelihood(_ lambda: Double) -> Double {
      observations.reduce(0) { $0 + log((1 - lambda) * $1.probability + lambda * ($1.predictedRight ? 1 : 0)) }
    }
    let grid = stride(from: 0.0, through: 0.999, by: 0.001).max { likelihood($0) < likelihood($1) }!
    XCTAssertEqual(fitted.weights[6], grid, accuracy: 0.002)
    XCTAssertEqual(fitted.weights[7], 0)  // no observations
    XCTAssertEqual(fitted.weight(length: 4), 0)
    // A copy prediction that is never right gets no weight.
    let wrong = CopyModel.fit(
      [CopyModel.Observation(probability: 0.5, predictedRight: false, length: 5)], minimumMatch: 5, maximumLength: 8)
    XCTAssertEqual(wrong.weights[5], 0)
  }

  func testJSONRoundTrip() throws {
    let copy = CopyModel(minimumMatch: 5, weights: [0, 0, 0, 0, 0, 0.2, 0.4], fittedCharacters: 12)
    let path = NSTemporaryDirectory() + "copy-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try copy.jsonData().write(to: URL(fileURLWithPath: path))
    XCTAssertEqual(try CopyModel.load(from: path), copy)
  }
}
