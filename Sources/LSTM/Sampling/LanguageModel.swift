internal import CLSTMKernels
import Foundation

/// A trained model ready for inference: weights packed once for the per-token GEMV chain, plus its vocabulary.
///
/// Sampling runs one step at a time for a batch of sequences: layer 0 gathers its input projection from the
/// `[V × 4H]` table by token id and multiplies `h · W_hhᵀ` through the packed strip kernel; higher layers multiply
/// `[x, h] · [W_ih, W_hh]ᵀ` in one pass; the output layer is one more packed product. The weights stay packed and hot,
/// and nothing is allocated per token. Not `Sendable`: one owner at a time.
public final class LanguageModel {
  public let vocabulary: Vocabulary
  public let hyperparameters: LSTMHyperparameters
  /// The checkpoint's metadata (step, validation bits/char, …).
  public let checkpointStep: Int?
  public let validationBPC: Double?
  let pool: ComputePool
  let table: FloatBuffer
  /// Per layer: packed `W_hh` (layer 0) or `[W_ih | W_hh]` (above), and the summed biases `b_ih + b_hh`.
  let packed: [FloatBuffer]
  let bias: [FloatBuffer]
  let packedOutput: FloatBuffer
  let outputBias: FloatBuffer

  /// Packs the weights of `checkpoint` (a few milliseconds even for large models).
  /// - Parameter threads: workers for the per-token products (2 splits large layers across two cores).
  /// - Throws: `SamplingError.compute` when the worker threads cannot start.
  public init(checkpoint: Checkpoint, threads: Int = 2) throws(SamplingError) {
    let p = checkpoint.parameters
    let h = p.hyperparameters
    let H = h.hiddenSize
    let G = 4 * H
    let V = h.vocabularySize
    let E = h.embeddingSize
    vocabulary = checkpoint.vocabulary
    hyperparameters = h
    checkpointStep = checkpoint.step
    validationBPC = checkpoint.validationBPC
    do {
      pool = try ComputePool(threads: threads)
    } catch {
      throw .compute(error)
    }
    let weights = FloatBuffer(p.values)
    let layout = p.layout
    table = FloatBuffer(count: V * G)
    packed = (0..<h.layers).map { l in FloatBuffer(count: CLSTM_packed_size(Int32(G), Int32(l == 0 ? H : 2 * H))) }
    bias = (0..<h.layers).map { l in
      FloatBuffer((0..<G).map { p.values[layout.biasIH(l) + $0] + p.values[layout.biasHH(l) + $0] })
    }
    packedOutput = FloatBuffer(count: CLSTM_packed_size(Int32(V), Int32(H)))
    outputBias = FloatBuffer(Array(p.values[layout.fcBias..<(layout.fcBias + V)]))
    let w = weights.base
    pool.withRaw { raw in
      CLSTM_fill_rows(raw, table.base, Int32(V), Int32(G), G, bias[0].base, nil)
      CLSTM_sgemm(
        raw, 0, 1, Int32(V), Int32(G), Int32(E), 1, w + layout.embedding, E, w + layout.weightIH(0), E, 1,
        table.base, G)
      for l in 0..<h.layers {
        if l == 0 {
          CLSTM_pack_gates(raw, w + layout.weightHH(0), Int32(H), H, nil, 0, 0, Int32(H), packed[0].base)
        } else {
          CLSTM_pack_gates(
            raw, w + layout.weightIH(l), Int32(H), H, w + layout.weightHH(l), Int32(H), H, Int32(H),
            packed[l].base)
        }
      }
      CLSTM_pack_rows(raw, w + layout.fcWeight, Int32(V), Int32(H), H, packedOutput.base)
    }
  }

  /// Loads a checkpoint file and packs it.
  /// - Throws: `CheckpointError` for the file, or `SamplingError` wrapped as `any Error`.
  public convenience init(contentsOf path: String, threads: Int = 2) throws {
    try self.init(checkpoint: Checkpoint.read(path: path), threads: threads)
  }

  /// Bytes held by the packed weights.
  public var memoryBytes: Int {
    4
      * (table.count + packed.reduce(0) { $0 + $1.count } + bias.reduce(0) { $0 + $1.count } + packedOutput.count
        + outputBias.count)
  }

  /// A sampler running `batch` sequences in parallel (one batched product per layer and step).
  public func makeSampler(batch: Int = 1) -> Sampler { Sampler(model: self, batch: max(1, batch)) }

  /// The logits after every character of `text` (from a zero state), `[text.count][V]`: position `i` predicts
  /// character `i + 1`. For checking against another implementation.
  /// - Throws: `SamplingError.unknownCharacter`.
  public func logits(for text: String) throws(SamplingError) -> [[Float]] {
    let ids: [Int32]
    do { ids = try vocabulary.encode(text) } catch { throw .unknownCharacter(error) }
    let sampler = makeSampler(batch: 1)
    var rows: [[Float]] = []
    for id in ids {
      try sampler.feed([id])
      rows.append(sampler.logits(row: 0))
    }
    return rows
  }
}
