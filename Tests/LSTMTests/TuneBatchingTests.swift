import Foundation
import Testing

@testable import LSTM

/// Whole-tune batching (`training.batching: tunes`): windows, masks, resets at tune boundaries, epochs, resume.
@Suite struct TuneBatchingTests {
  /// Three tunes of different lengths as one `"\n\n"`-joined stream.
  static func threeTunes() -> (data: TrainingData, tunes: [String]) {
    let tunes = ["X:1\nK:D\nAB|", "X:2\nK:G\nGABc dedB|", "X:3\nK:A\nc|"]
    let stream = tunes.joined(separator: "\n\n")
    let vocabulary = Vocabulary(tunes: tunes)
    let data = TrainingData(
      vocabulary: vocabulary, trainTokens: try! vocabulary.encode(stream),
      validationSequences: [try! vocabulary.encode(tunes[0] + "\n\n")])
    return (data, tunes)
  }

  /// Reads `steps` windows of one row and returns, per window, the fed text, the target text ("·" for masked
  /// positions) and whether the row was reset.
  static func windows(
    _ data: TrainingData, batch: Int, steps: Int, count: Int, seed: UInt64 = 3
  ) -> [[(fed: String, targets: String, reset: Bool)]] {
    let newline = data.vocabulary.id(of: "\n")!
    var batcher = TuneBatcher(seed: seed, batch: batch, steps: steps, tunes: data.tuneRanges(), newline: newline)
    let h = LSTMHyperparameters(vocabularySize: data.vocabulary.count, embeddingSize: 2, hiddenSize: 2, layers: 1)
    let ws = Workspace(hyperparameters: h, batch: batch, steps: steps, training: true)
    var rows = [[(fed: String, targets: String, reset: Bool)]](repeating: [], count: batch)
    for _ in 0..<count {
      let (reset, scored) = data.trainTokens.withUnsafeBufferPointer { batcher.next(from: $0, into: ws) }
      var scoredHere = 0
      for b in 0..<batch {
        var fed = ""
        var targets = ""
        for t in 0..<steps {
          let target = ws.targets.base[t * batch + b]
          if target < 0 {
            targets += "·"
            #expect(ws.tokens.base[t * batch + b] == 0, "padding feeds token 0")
          } else {
            scoredHere += 1
            fed.unicodeScalars.append(data.vocabulary.scalar(for: ws.tokens.base[t * batch + b])!)
            targets.unicodeScalars.append(data.vocabulary.scalar(for: target)!)
          }
        }
        rows[b].append((fed, targets, reset.contains(b)))
      }
      #expect(scored == scoredHere, "the scored count is the number of unmasked targets")
    }
    return rows
  }

  /// A row reads whole tunes window by window: each tune + "\n\n" is cut into windows of T, the last padded and
  /// masked; the row is reset exactly when a new tune starts; every tune appears once per epoch.
  @Test func rowsReadWholeTunesWithMasksAndResets() {
    let (data, tunes) = Self.threeTunes()
    let rows = Self.windows(data, batch: 1, steps: 8, count: 12)
    let row = rows[0]
    // Reassemble: the fed text of consecutive windows plus the last target gives back each tune + "\n\n".
    var sequences: [String] = []
    var current = ""
    var lastTarget = ""
    for (i, window) in row.enumerated() {
      if window.reset {
        if i > 0 { sequences.append(current + lastTarget) }
        current = ""
      } else {
        #expect(i > 0, "the first window resets")
      }
      current += window.fed
      lastTarget = window.targets.replacingOccurrences(of: "·", with: "").last.map(String.init) ?? ""
      // Targets are the fed text shifted by one; masked positions only at the end of a tune's last window.
      let trimmed = window.targets.replacingOccurrences(of: "·", with: "")
      #expect(window.targets.hasSuffix(String(repeating: "·", count: window.targets.count - trimmed.count)))
    }
    #expect(sequences.count >= 3)
    let expected = Set(tunes.map { $0 + "\n\n" })
    // The first epoch visits every tune exactly once.
    #expect(Set(sequences.prefix(3)) == expected, "\(sequences)")
    #expect(sequences.allSatisfy(expected.contains))
    // "X:2\nK:G\nGABc dedB|\n\n" has 20 characters: 19 predictions in 3 windows of 8, the last with 5 masked.
    let long = tunes[1] + "\n\n"
    #expect(long.count == 20)
    let start = row.firstIndex { $0.reset && $0.fed.hasPrefix("X:2") }!
    #expect(row[start].fed.count == 8 && !row[start + 1].reset && !row[start + 2].reset)
    #expect(row[start + 2].targets.filter { $0 == "·" }.count == 5)
    #expect(row[start + 3].reset)
  }

  /// Rows draw the next tune of a shared order; the order is a function of seed and epoch only.
  @Test func epochOrdersAreSeededPermutations() {
    let a = TuneBatcher.order(seed: 9, epoch: 0, count: 50)
    #expect(Set(a) == Set((0..<50).map { Int32($0) }))
    #expect(a == TuneBatcher.order(seed: 9, epoch: 0, count: 50))
    #expect(a != TuneBatcher.order(seed: 9, epoch: 1, count: 50))
    #expect(a != TuneBatcher.order(seed: 10, epoch: 0, count: 50))
  }

  /// The encoded state restores a batcher that continues identically (the resume path).
  @Test func encodedStateRestores() {
    let (data, _) = Self.threeTunes()
    let newline = data.vocabulary.id(of: "\n")!
    let h = LSTMHyperparameters(vocabularySize: data.vocabulary.count, embeddingSize: 2, hiddenSize: 2, layers: 1)
    let ws = Workspace(hyperparameters: h, batch: 2, steps: 5, training: true)
    var a = TuneBatcher(seed: 1, batch: 2, steps: 5, tunes: data.tuneRanges(), newline: newline)
    for _ in 0..<7 { _ = data.trainTokens.withUnsafeBufferPointer { a.next(from: $0, into: ws) } }
    var b = TuneBatcher(seed: 1, batch: 2, steps: 5, tunes: data.tuneRanges(), newline: newline)
    let restored = b.restore(a.encoded)
    #expect(restored)
    var c = b
    let refused = c.restore([1, 2, 3])
    #expect(!refused, "a state for another batch size is refused")
    for _ in 0..<9 {
      let x = data.trainTokens.withUnsafeBufferPointer { a.next(from: $0, into: ws) }
      let fedA = Array(UnsafeBufferPointer(start: ws.tokens.base, count: 10))
      let y = data.trainTokens.withUnsafeBufferPointer { b.next(from: $0, into: ws) }
      let fedB = Array(UnsafeBufferPointer(start: ws.tokens.base, count: 10))
      #expect(x.reset == y.reset && x.scored == y.scored && fedA == fedB)
    }
  }

  /// Without tune ranges (a bare stream), tunes are found at "\n\n".
  @Test func bareStreamsSplitAtBlankLines() {
    let (data, tunes) = Self.threeTunes()
    let ranges = data.tuneRanges()
    #expect(ranges.count == 3)
    let text = ranges.map { r in
      String(String.UnicodeScalarView(data.trainTokens[r].map { data.vocabulary.scalar(for: $0)! }))
    }
    #expect(text == tunes)
  }

  /// The loss of a step averages over scored positions only: padding changes neither loss nor gradient.
  /// A padded window gives the same loss and gradients as the unpadded part alone, against the reference model.
  @Test func paddedPositionsDoNotTrain() throws {
    var rng = SplitMix64(seed: 4)
    let h = LSTMHyperparameters(vocabularySize: 6, embeddingSize: 3, hiddenSize: 7, layers: 2)
    let parameters = try LSTMParameters(hyperparameters: h, initializingWith: &rng)
    let batch = 2
    let steps = 6
    var tokens = (0..<(batch * steps)).map { _ in Int32(rng.nextIndex(below: 6)) }
    var targets = (0..<(batch * steps)).map { _ in Int32(rng.nextIndex(below: 6)) }
    // Row 1 ends after 2 steps: its later positions are padding (input 0, target −1), as TuneBatcher writes them.
    for t in 2..<steps {
      tokens[t * batch + 1] = 0
      targets[t * batch + 1] = -1
    }
    let scored = targets.filter { $0 >= 0 }.count
    let engine = try LSTMEngine(parameters: parameters, threads: 1)
    let ws = Workspace(hyperparameters: h, batch: batch, steps: steps, training: true)
    for i in tokens.indices {
      ws.tokens.base[i] = tokens[i]
      ws.targets.base[i] = targets[i]
    }
    ws.resetState()
    try engine.forward(ws, steps: steps)
    let (sum, count) = engine.loss(ws, steps: steps, scale: 1 / Float(scored))
    try engine.backward(ws)
    #expect(count == scored)
    let reference = ReferenceLSTM(parameters)
    let refLoss = reference.loss(tokens: tokens, targets: targets, batch: batch)
    #expect(abs(sum / Double(count) - refLoss) < 1e-5)
    // Finite differences of the reference's mean over scored positions match the engine's gradients.
    var perturbed = reference
    let eps = 1e-4
    for i in stride(from: 0, to: parameters.values.count, by: 17) {
      let saved = perturbed.p[i]
      perturbed.p[i] = saved + eps
      let up = perturbed.loss(tokens: tokens, targets: targets, batch: batch)
      perturbed.p[i] = saved - eps
      let down = perturbed.loss(tokens: tokens, targets: targets, batch: batch)
      perturbed.p[i] = saved
      let numeric = (up - down) / (2 * eps)
      let analytic = Double(engine.gradients.base[i])
      #expect(abs(analytic - numeric) <= 3e-5 + 2e-3 * abs(numeric), "parameter \(i): \(analytic) vs \(numeric)")
    }
  }

  /// Training in tunes mode learns, and a run split in two by a checkpoint resumes bit for bit.
  @Test func tunesModeTrainsAndResumesExactly() throws {
    let data = tinyData()
    var options = TrainingOptions()
    options.batching = .tunes
    options.batchSize = 3
    options.sequenceLength = 7
    options.maxSteps = 16
    options.learningRate = 1e-2
    options.schedule = .cosine(warmup: 3, total: 16, minimum: 1e-3)
    options.evaluateEvery = 5
    options.checkpointEvery = 0
    options.seed = 21
    let parameters = tinyModel(data.vocabulary, hidden: 16, layers: 2, dropout: 0.1)
    let straight = try Trainer(parameters: parameters, data: data, options: options)
    let first = try straight.trainStep().loss
    for _ in 1..<options.maxSteps { _ = try straight.trainStep() }
    #expect(straight.paddingShare > 0, "tinyData's tunes do not divide into windows of 7")

    let reference = try Trainer(parameters: parameters, data: data, options: options)
    _ = try reference.train()
    let directory = makeTemporaryDirectory("tunes-resume")
    defer { removeDirectory(directory) }
    let run = TrainingRun(directory: directory)
    try run.prepare()
    var firstLeg = options
    firstLeg.maxSteps = 11
    _ = try Trainer(parameters: parameters, data: data, options: firstLeg).train(run: run)
    let (checkpoint, state) = try run.loadForResume()
    #expect(state.cursors.count == 2 + 2 * options.batchSize)
    #expect(state.carriedHidden.count == 2)
    let resumed = try Trainer(resuming: checkpoint, state: state, data: data, options: options)
    _ = try resumed.train(run: run)
    #expect(resumed.parameters.values == reference.parameters.values, "weights after resume differ")
    #expect(first > 1.5)

    // A windows-mode state cannot resume a tunes-mode run.
    var windows = options
    windows.batching = .windows
    windows.carryState = false
    #expect(throws: TrainingError.self) {
      _ = try Trainer(resuming: checkpoint, state: state, data: data, options: windows)
    }
  }
}
