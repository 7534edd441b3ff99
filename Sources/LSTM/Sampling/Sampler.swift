internal import CLSTMKernels
import Foundation

/// A generated continuation.
public struct GeneratedText: Sendable, Equatable {
  /// The characters generated after the prompt (the prompt itself is not included).
  public var text: String
  /// Whether the stop condition ended it (otherwise the character limit did).
  public var stopped: Bool
}

/// Runs a `LanguageModel` step by step for a batch of sequences, keeping their LSTM state between calls.
/// All buffers are allocated once, when the sampler is made.
public final class Sampler {
  public let model: LanguageModel
  public let batch: Int
  /// Per layer `[2 × B × H]`: block 0 is the current h, block 1 receives the next.
  private let hidden: [FloatBuffer]
  private let cell: [FloatBuffer]
  private let tokens: Int32Buffer
  /// All zeros: every row of a layer above the first reads the same bias row.
  private let zeroIndex: Int32Buffer
  private let logitBuffer: FloatBuffer
  /// One-step descriptions of every layer (pointers into the buffers above), built once.
  private var layerSteps: [CLSTM_LayerForward] = []
  /// Kernel accumulators: threads × B × 64 floats.
  private let scratch: FloatBuffer

  init(model: LanguageModel, batch: Int) {
    self.model = model
    self.batch = batch
    let h = model.hyperparameters
    hidden = (0..<h.layers).map { _ in FloatBuffer(count: 2 * batch * h.hiddenSize) }
    cell = (0..<h.layers).map { _ in FloatBuffer(count: batch * h.hiddenSize) }
    tokens = Int32Buffer(count: batch)
    zeroIndex = Int32Buffer(count: batch)
    logitBuffer = FloatBuffer(count: batch * h.vocabularySize)
    scratch = FloatBuffer(count: model.pool.threads * batch * 64)
    let H = h.hiddenSize
    let G = 4 * H
    for l in 0..<h.layers {
      // Layer 0 gathers its input projection from the table by token; the layers above multiply the new h of the
      // layer below inside the step and read one bias row (every row index 0).
      let xproj: UnsafePointer<Float> = l == 0 ? UnsafePointer(model.table.base) : UnsafePointer(model.bias[l].base)
      let xindex: UnsafePointer<Int32> = l == 0 ? UnsafePointer(tokens.base) : UnsafePointer(zeroIndex.base)
      let input: UnsafePointer<Float>? = l == 0 ? nil : UnsafePointer(hidden[l - 1].base + batch * H)
      let inputSize: Int32 = l == 0 ? 0 : Int32(H)
      layerSteps.append(
        CLSTM_LayerForward(
          steps: 1, batch: Int32(batch), hidden: Int32(H), xproj: xproj, xindex: xindex, ldx: G, bias: nil,
          input: input, inputSize: inputSize, ldin: H, packed: model.packed[l].base, hs: hidden[l].base,
          cell: cell[l].base, gates: nil, cells: nil, packedBF16: nil, hsBF16: nil, ldhb: 0))
    }
  }

  /// Zeroes the state of every sequence.
  public func reset() {
    for l in hidden.indices {
      hidden[l].zero()
      cell[l].zero()
    }
  }

  /// Advances every sequence by one token, leaving the next-token logits in `logits(row:)`.
  /// - Throws: `SamplingError.invalidTokens` unless `ids` holds one id in `0..<V` per sequence.
  public func feed(_ ids: [Int32]) throws(SamplingError) {
    let V = model.hyperparameters.vocabularySize
    guard ids.count == batch, ids.allSatisfy({ $0 >= 0 && Int($0) < V }) else {
      throw .invalidTokens(count: ids.count, batch: batch, vocabularySize: V)
    }
    for b in 0..<batch { tokens.base[b] = ids[b] }
    step()
  }

  private func step() {
    let h = model.hyperparameters
    let H = h.hiddenSize
    let B = batch
    let count = Int32(layerSteps.count)
    model.pool.withRaw { raw in
      layerSteps.withUnsafeBufferPointer { steps in
        CLSTM_forward_chain(
          raw, steps.baseAddress, count, Int32(h.vocabularySize), model.packedOutput.base,
          model.outputBias.base, logitBuffer.base, h.vocabularySize, scratch.base)
      }
    }
    // The new state becomes the current one.
    for l in 0..<h.layers { hidden[l].base.update(from: hidden[l].base + B * H, count: B * H) }
  }

  /// The next-token logits of sequence `row` (`0..<batch`) after the last `feed`.
  public func logits(row: Int) -> [Float] {
    let V = model.hyperparameters.vocabularySize
    return Array(UnsafeBufferPointer(start: logitBuffer.base + row * V, count: V))
  }

  /// Generates a continuation of `prompt` for each of the `batch` sequences.
  ///
  /// The state is reset, every sequence is primed with the prompt (an empty prompt primes with `"\n\n"`, the
  /// separator the model saw between tunes), then characters are drawn until `shouldStop(sequence, text)` returns
  /// true for the text generated so far (checked after every character), or `maxCharacters` is reached.
  /// - Throws: `SamplingError` for invalid options or a prompt character outside the vocabulary.
  public func generate(
    prompt: String, options: SamplingOptions, using generator: inout some RandomNumberGenerator,
    shouldStop: (_ sequence: Int, _ text: String) -> Bool = { _, _ in false }
  ) throws(SamplingError) -> [GeneratedText] {
    try options.validate()
    var chooser = TokenChooser(options: options)
    let ids: [Int32]
    do { ids = try model.vocabulary.encode(prompt.isEmpty ? "\n\n" : prompt) } catch { throw .unknownCharacter(error) }
    reset()
    for id in ids {
      for b in 0..<batch { tokens.base[b] = id }
      step()
    }
    var results = [GeneratedText](repeating: GeneratedText(text: "", stopped: false), count: batch)
    var active = [Bool](repeating: true, count: batch)
    var remaining = batch
    var produced = 0
    while remaining > 0, produced < options.maxCharacters {
      for b in 0..<batch {
        let id = active[b] ? choose(row: b, chooser: &chooser, using: &generator) : 0
        tokens.base[b] = id
        guard active[b] else { continue }
        results[b].text.unicodeScalars.append(model.vocabulary.scalar(for: id) ?? "\u{FFFD}")
        if shouldStop(b, results[b].text) {
          results[b].stopped = true
          active[b] = false
          remaining -= 1
        }
      }
      produced += 1
      if remaining > 0, produced < options.maxCharacters { step() }
    }
    return results
  }

  /// Draws the next token of sequence `row` from its logits.
  private func choose(row: Int, chooser: inout TokenChooser, using generator: inout some RandomNumberGenerator)
    -> Int32
  {
    let V = model.hyperparameters.vocabularySize
    return chooser.choose(from: UnsafeBufferPointer(start: logitBuffer.base + row * V, count: V), using: &generator)
  }
}
