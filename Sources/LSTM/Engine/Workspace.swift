internal import CLSTMKernels

/// Activation buffers for one shape of work: `B` sequences × `T` steps. Training workspaces also keep what the
/// backward pass needs (gate activations, cell states, dropout masks, gradient scratch); inference workspaces keep
/// only the running state and one chunk of outputs. Allocated once, reused for every window: nothing is allocated
/// inside the time loop. Time-major throughout: row `t * B + b`.
final class Workspace {
  let batch: Int
  let steps: Int
  let training: Bool
  /// Input token ids and targets, `[T × B]`; a negative target is not scored.
  let tokens: Int32Buffer
  let targets: Int32Buffer
  /// Per layer `[(T+1) × B × H]`: block 0 is the initial state h_0, blocks 1...T the outputs.
  let hs: [FloatBuffer]
  /// Per layer `[B × H]`: the running cell state (c_0 before a forward pass, c_T after).
  let cell: [FloatBuffer]
  /// Training only, per layer: c_0 of the current window `[B × H]`, gate activations `[T × B × 4H]`,
  /// cell states `[T × B × H]`, dropout masks and dropped outputs `[T × B × H]` (when dropout > 0).
  let cell0: [FloatBuffer]
  let gates: [FloatBuffer]
  let cells: [FloatBuffer]
  let masks: [FloatBuffer]
  let dropped: [FloatBuffer]
  /// Input projection of layers above the first, `[T × B × 4H]` (empty when L = 1).
  let xproj: FloatBuffer
  /// `[T × B × V]`: logits, then (after the loss) their gradient.
  let logits: FloatBuffer
  /// Training scratch: `dz [T × B × 4H]`, `dh [T × B × H]`, `dcell [B × H]`, `dtable [V × 4H]`.
  let dz: FloatBuffer
  let dh: FloatBuffer
  let dcell: FloatBuffer
  let dtable: FloatBuffer
  /// Mixed precision only (training): bfloat16 copies the products read. `hsBF16` per layer
  /// `[(T+1) × B × ldhb]`, `inputBF16` the dropped input of a layer above the first `[T·B × ldhb]`, `dzBF16`
  /// `[T·B × 4H]`, `dzT` (dz transposed) `[4H × rowsPadded]`, `weightGradientOperand` a packed `[T·B × H]` operand.
  let mixedPrecision: Bool
  let ldhb: Int
  let rowsPadded: Int
  let hsBF16: [UInt16Buffer]
  let inputBF16: UInt16Buffer
  let dzBF16: UInt16Buffer
  let dzT: UInt16Buffer
  let weightGradientOperand: UInt16Buffer

  init(hyperparameters h: LSTMHyperparameters, batch: Int, steps: Int, training: Bool, mixedPrecision: Bool = false) {
    self.batch = batch
    self.steps = steps
    self.training = training
    let rows = batch * steps
    let H = h.hiddenSize
    let G = 4 * h.hiddenSize
    let L = h.layers
    let dropout = training && h.dropout > 0
    tokens = Int32Buffer(count: rows)
    targets = Int32Buffer(count: rows)
    hs = (0..<L).map { _ in FloatBuffer(count: (steps + 1) * batch * H) }
    cell = (0..<L).map { _ in FloatBuffer(count: batch * H) }
    cell0 = training ? (0..<L).map { _ in FloatBuffer(count: batch * H) } : []
    gates = training ? (0..<L).map { _ in FloatBuffer(count: rows * G) } : []
    cells = training ? (0..<L).map { _ in FloatBuffer(count: rows * H) } : []
    masks = dropout ? (0..<L).map { _ in FloatBuffer(count: rows * H) } : []
    dropped = dropout ? (0..<L).map { _ in FloatBuffer(count: rows * H) } : []
    xproj = FloatBuffer(count: L > 1 ? rows * G : 0)
    logits = FloatBuffer(count: rows * h.vocabularySize)
    dz = FloatBuffer(count: training ? rows * G : 0)
    dh = FloatBuffer(count: training ? rows * H : 0)
    dcell = FloatBuffer(count: training ? batch * H : 0)
    dtable = FloatBuffer(count: training ? h.vocabularySize * G : 0)
    let mixed = training && mixedPrecision
    self.mixedPrecision = mixed
    let ldhb = (H + 1) / 2 * 2
    self.ldhb = ldhb
    rowsPadded = (rows + 1) / 2 * 2
    hsBF16 = mixed ? (0..<L).map { _ in UInt16Buffer(count: (steps + 1) * batch * ldhb) } : []
    inputBF16 = UInt16Buffer(count: mixed && dropout && L > 1 ? rows * ldhb : 0)
    dzBF16 = UInt16Buffer(count: mixed ? rows * G : 0)
    dzT = UInt16Buffer(count: mixed ? G * rowsPadded : 0)
    weightGradientOperand = UInt16Buffer(count: mixed ? CLSTM_packed_bf16_size(Int32(H), Int32(rows)) : 0)
  }

  /// Bytes held by the buffers.
  var byteCount: Int {
    var floats = logits.count + xproj.count + dz.count + dh.count + dcell.count + dtable.count
    for list in [hs, cell, cell0, gates, cells, masks, dropped] { floats += list.reduce(0) { $0 + $1.count } }
    let halves =
      hsBF16.reduce(0) { $0 + $1.count } + inputBF16.count + dzBF16.count + dzT.count
      + weightGradientOperand.count
    return 4 * (floats + tokens.count + targets.count) + 2 * halves
  }

  /// Zeroes the initial state (h_0 and c_0) of every layer.
  func resetState() {
    let width = hs.isEmpty ? 0 : cell[0].count
    for l in hs.indices {
      hs[l].base.update(repeating: 0, count: width)
      cell[l].zero()
    }
  }

  /// Zeroes the initial state of one sequence (batch row `b`).
  func resetState(row b: Int) {
    for l in hs.indices {
      let H = cell[l].count / batch
      (hs[l].base + b * H).update(repeating: 0, count: H)
      (cell[l].base + b * H).update(repeating: 0, count: H)
    }
  }

  /// Makes the final state of the last `steps`-step pass the initial state of the next (c is already in `cell`).
  func carryState(steps: Int) {
    for l in hs.indices {
      let block = cell[l].count
      hs[l].base.update(from: hs[l].base + steps * block, count: block)
    }
  }
}
