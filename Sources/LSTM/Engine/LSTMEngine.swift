internal import CLSTMKernels

/// Forward and backward passes of the whole model over a `Workspace`, on flat parameter and gradient buffers.
///
/// The schedule keeps the per-step work to the recurrent product: layer 0's input projection is a `[V × 4H]` table
/// (`Emb · W_ih0ᵀ + b_ih0 + b_hh0`, rebuilt once per update) gathered by token id; the input projection of higher
/// layers is one GEMM over all `T·B` rows; the time loop (C, `CLSTM_layer_forward`) runs `h · W_hhᵀ` through a
/// packed AVX-512 strip kernel with the gate activations fused. Backward mirrors it: the time loop computes only
/// `dz_{t+1} · W_hh` and the gate gradients; `dW_hh = dzᵀ · H_prev`, `dW_ih = dzᵀ · X` and `dX = dz · W_ih` are single
/// GEMMs over the window afterwards. The time loop also sums the bias gradient and, for layer 0, scatters `dz` into
/// the table's gradient, from which `dW_ih0` and `dEmb` follow by two small GEMMs.
final class LSTMEngine {
  let hyperparameters: LSTMHyperparameters
  let layout: ParameterLayout
  let precision: ComputePrecision
  let pool: ComputePool
  /// Parameters and gradients, `layout.totalCount` each.
  let parameters: FloatBuffer
  let gradients: FloatBuffer
  /// Layer-0 input table `[V × 4H]` and per layer `b_ih + b_hh` `[4H]` (added in the time loop above layer 0).
  let table: FloatBuffer
  let biasSum: [FloatBuffer]
  /// Packed float32 `W_hh` per layer: forward gate strips, and column strips for `dz · W_hh`.
  let packedForward: [FloatBuffer]
  let packedBackward: [FloatBuffer]
  /// Mixed precision: bfloat16 packs of `W_hh` (forward, backward) and of `W_ih` above layer 0 (rows for
  /// `X · W_ihᵀ`, columns for `dz · W_ih`).
  let packedForwardBF16: [UInt16Buffer]
  let packedBackwardBF16: [UInt16Buffer]
  let packedInputBF16: [UInt16Buffer]
  let packedInputTransposedBF16: [UInt16Buffer]
  /// Each derived weight is valid while its version equals `parameterVersion`.
  private var parameterVersion = 0
  private var tableVersion = -1
  private var forwardVersion = -1
  private var backwardVersion = -1
  private var bf16Version = -1

  /// - Throws: `ComputeError` when the worker threads cannot start or bfloat16 is requested on a CPU without it.
  init(parameters: LSTMParameters, threads: Int, precision: ComputePrecision = .float32) throws(ComputeError) {
    let h = parameters.hyperparameters
    if precision == .mixedBFloat16, !KernelSelection.hasBF16 { throw .bfloat16Unavailable }
    self.hyperparameters = h
    self.layout = parameters.layout
    self.precision = precision
    self.pool = try ComputePool(threads: threads)
    self.parameters = FloatBuffer(parameters.values)
    self.gradients = FloatBuffer(count: parameters.values.count)
    let H = h.hiddenSize
    let G = 4 * H
    table = FloatBuffer(count: h.vocabularySize * G)
    biasSum = (0..<h.layers).map { _ in FloatBuffer(count: G) }
    packedForward = (0..<h.layers).map { _ in FloatBuffer(count: CLSTM_packed_size(Int32(G), Int32(H))) }
    packedBackward = (0..<h.layers).map { _ in FloatBuffer(count: CLSTM_packed_size(Int32(H), Int32(G))) }
    let mixed = precision == .mixedBFloat16
    func halves(_ count: Int) -> [UInt16Buffer] { (0..<h.layers).map { _ in UInt16Buffer(count: mixed ? count : 0) } }
    packedForwardBF16 = halves(CLSTM_packed_bf16_size(Int32(G), Int32(H)))
    packedBackwardBF16 = halves(CLSTM_packed_bf16_size(Int32(H), Int32(G)))
    packedInputBF16 = halves(h.layers > 1 ? CLSTM_packed_bf16_size(Int32(G), Int32(H)) : 0)
    packedInputTransposedBF16 = halves(h.layers > 1 ? CLSTM_packed_bf16_size(Int32(H), Int32(G)) : 0)
  }

  /// The current parameters as a value.
  var parameterValues: LSTMParameters { LSTMParameters(validated: hyperparameters, values: parameters.array) }

  /// Marks derived weights stale; call after every update of `parameters`.
  func parametersChanged() { parameterVersion &+= 1 }

  // MARK: - Derived weights

  /// Rebuilds the layer-0 table and the summed biases if the parameters changed.
  private func prepareTable() {
    guard tableVersion != parameterVersion else { return }
    let h = hyperparameters
    let G = 4 * h.hiddenSize
    let V = h.vocabularySize
    let E = h.embeddingSize
    let p = parameters.base
    pool.withRaw { raw in
      CLSTM_fill_rows(raw, table.base, Int32(V), Int32(G), G, p + layout.biasIH(0), p + layout.biasHH(0))
      CLSTM_sgemm(
        raw, 0, 1, Int32(V), Int32(G), Int32(E), 1, p + layout.embedding, E, p + layout.weightIH(0), E, 1,
        table.base, G)
    }
    for l in 0..<h.layers {
      for i in 0..<G { biasSum[l].base[i] = p[layout.biasIH(l) + i] + p[layout.biasHH(l) + i] }
    }
    tableVersion = parameterVersion
  }

  /// Rebuilds the float32 forward packs (training in float32, and every evaluation).
  private func prepareFloat32Forward() {
    prepareTable()
    guard forwardVersion != parameterVersion else { return }
    let H = hyperparameters.hiddenSize
    pool.withRaw { raw in
      for l in 0..<hyperparameters.layers {
        CLSTM_pack_gates(
          raw, parameters.base + layout.weightHH(l), Int32(H), H, nil, 0, 0, Int32(H), packedForward[l].base)
      }
    }
    forwardVersion = parameterVersion
  }

  private func prepareFloat32Backward() {
    guard backwardVersion != parameterVersion else { return }
    let H = hyperparameters.hiddenSize
    pool.withRaw { raw in
      for l in 0..<hyperparameters.layers {
        CLSTM_pack_columns(raw, parameters.base + layout.weightHH(l), Int32(4 * H), Int32(H), H, packedBackward[l].base)
      }
    }
    backwardVersion = parameterVersion
  }

  /// Rebuilds every bfloat16 pack (mixed-precision training), once per update.
  private func prepareBF16() {
    prepareTable()
    guard bf16Version != parameterVersion else { return }
    let H = hyperparameters.hiddenSize
    let G = 4 * H
    let p = parameters.base
    pool.withRaw { raw in
      for l in 0..<hyperparameters.layers {
        CLSTM_pack_gates_bf16(raw, p + layout.weightHH(l), Int32(H), H, Int32(H), packedForwardBF16[l].base)
        CLSTM_pack_columns_bf16(raw, p + layout.weightHH(l), Int32(G), Int32(H), H, packedBackwardBF16[l].base)
        if l > 0 {
          CLSTM_pack_rows_bf16(raw, p + layout.weightIH(l), Int32(G), Int32(H), H, packedInputBF16[l].base)
          CLSTM_pack_columns_bf16(
            raw, p + layout.weightIH(l), Int32(G), Int32(H), H, packedInputTransposedBF16[l].base)
        }
      }
    }
    bf16Version = parameterVersion
  }

  // MARK: - Passes

  /// Output of layer `l` as the next layer (or the output layer) sees it: after dropout when training with it.
  private func layerOutput(_ ws: Workspace, _ l: Int) -> UnsafeMutablePointer<Float> {
    ws.dropped.isEmpty ? ws.hs[l].base + ws.batch * hyperparameters.hiddenSize : ws.dropped[l].base
  }

  /// Runs the model over the first `steps` steps of `ws.tokens`, from the state in `ws` (left there at the end),
  /// and writes logits. Training workspaces keep activations for `backward` and draw dropout masks from
  /// `dropoutKey`.
  func forward(_ ws: Workspace, steps: Int, dropoutKey: UInt64 = 0) throws(ComputeError) {
    let mixed = ws.mixedPrecision
    if mixed { prepareBF16() } else { prepareFloat32Forward() }
    let h = hyperparameters
    let H = h.hiddenSize
    let G = 4 * H
    let V = h.vocabularySize
    let B = ws.batch
    let rows = steps * B
    let p = parameters.base
    try pool.withRaw { raw throws(ComputeError) in
      for l in 0..<h.layers {
        var xbase = UnsafePointer(table.base)
        var xindex: UnsafePointer<Int32>? = UnsafePointer(ws.tokens.base)
        if l > 0 {
          // X · W_ihᵀ for all rows; the biases are added inside the time loop.
          if mixed {
            var x = ws.hsBF16[l - 1].base + B * ws.ldhb
            if !ws.dropped.isEmpty {
              CLSTM_convert_bf16(raw, ws.dropped[l - 1].base, Int32(rows), Int32(H), H, ws.inputBF16.base, ws.ldhb)
              x = ws.inputBF16.base
            }
            CLSTM_gemm_bf16(
              raw, Int32(rows), Int32(G), Int32(H), x, ws.ldhb, packedInputBF16[l].base, ws.xproj.base, G, 0)
          } else {
            CLSTM_sgemm(
              raw, 0, 1, Int32(rows), Int32(G), Int32(H), 1, layerOutput(ws, l - 1), H, p + layout.weightIH(l), H, 0,
              ws.xproj.base, G)
          }
          xbase = UnsafePointer(ws.xproj.base)
          xindex = nil
        }
        if ws.training { ws.cell0[l].base.update(from: ws.cell[l].base, count: B * H) }
        if mixed { CLSTM_convert_bf16(raw, ws.hs[l].base, Int32(B), Int32(H), H, ws.hsBF16[l].base, ws.ldhb) }
        var args = CLSTM_LayerForward(
          steps: Int32(steps), batch: Int32(B), hidden: Int32(H), xproj: xbase, xindex: xindex, ldx: G,
          bias: l > 0 ? biasSum[l].base : nil, input: nil, inputSize: 0, ldin: 0, packed: packedForward[l].base,
          hs: ws.hs[l].base, cell: ws.cell[l].base, gates: ws.training ? ws.gates[l].base : nil,
          cells: ws.training ? ws.cells[l].base : nil, packedBF16: mixed ? packedForwardBF16[l].base : nil,
          hsBF16: mixed ? ws.hsBF16[l].base : nil, ldhb: ws.ldhb)
        guard CLSTM_layer_forward(raw, &args) == 0 else { throw .outOfMemory(bytes: pool.threads * B * 256) }
        if !ws.dropped.isEmpty {
          let key = dropoutKey &+ UInt64(l + 1) &* 0xD1B5_4A32_D192_ED03
          CLSTM_dropout_mask(raw, ws.masks[l].base, rows * H, Float(h.dropout), key)
          CLSTM_multiply(raw, ws.hs[l].base + B * H, ws.masks[l].base, ws.dropped[l].base, rows * H)
        }
      }
      CLSTM_fill_rows(raw, ws.logits.base, Int32(rows), Int32(V), V, p + layout.fcBias, nil)
      CLSTM_sgemm(
        raw, 0, 1, Int32(rows), Int32(V), Int32(H), 1, layerOutput(ws, h.layers - 1), H, p + layout.fcWeight, H, 1,
        ws.logits.base, V)
    }
  }

  /// Cross-entropy of the logits of the first `steps` steps against `ws.targets` (negative targets skipped);
  /// replaces the logits by `scale · (softmax − onehot)`. Returns the summed loss in nats and the scored count.
  func loss(_ ws: Workspace, steps: Int, scale: Float) -> (sum: Double, count: Int) {
    var sum = 0.0
    var count = 0
    pool.withRaw { raw in
      CLSTM_softmax_xent(
        raw, ws.logits.base, Int32(steps * ws.batch), Int32(hyperparameters.vocabularySize),
        ws.targets.base, scale, &sum, &count)
    }
    return (sum, count)
  }

  /// Gradients of the loss whose logit gradients `loss` left in `ws.logits`, written (not accumulated) to
  /// `gradients`. Truncated BPTT: no gradient flows into the window's initial state.
  func backward(_ ws: Workspace) throws(ComputeError) {
    precondition(ws.training, "backward needs a training workspace")
    let mixed = ws.mixedPrecision
    if !mixed { prepareFloat32Backward() }
    let h = hyperparameters
    let H = h.hiddenSize
    let G = 4 * H
    let V = h.vocabularySize
    let E = h.embeddingSize
    let B = ws.batch
    let T = ws.steps
    let rows = T * B
    let p = parameters.base
    let g = gradients.base
    try pool.withRaw { raw throws(ComputeError) in
      let top = layerOutput(ws, h.layers - 1)
      // Output layer: dfc = dlogitsᵀ · top, dfc_b = Σ dlogits, dtop = dlogits · fc.
      CLSTM_sgemm(raw, 1, 0, Int32(V), Int32(H), Int32(rows), 1, ws.logits.base, V, top, H, 0, g + layout.fcWeight, H)
      CLSTM_column_sums(raw, ws.logits.base, Int32(rows), Int32(V), V, g + layout.fcBias, 0)
      CLSTM_sgemm(
        raw, 0, 0, Int32(rows), Int32(H), Int32(V), 1, ws.logits.base, V, p + layout.fcWeight, H, 0, ws.dh.base, H)
      for l in stride(from: h.layers - 1, through: 0, by: -1) {
        if !ws.masks.isEmpty { CLSTM_multiply(raw, ws.dh.base, ws.masks[l].base, ws.dh.base, rows * H) }
        // The time loop also sums dz into the bias gradient and, for layer 0, scatters it into the table's.
        var args = CLSTM_LayerBackward(
          steps: Int32(T), batch: Int32(B), hidden: Int32(H), gates: ws.gates[l].base, cells: ws.cells[l].base,
          cell0: ws.cell0[l].base, dh: ws.dh.base, packedT: packedBackward[l].base, dz: ws.dz.base,
          dcell: ws.dcell.base, dbias: g + layout.biasIH(l), dtable: l == 0 ? ws.dtable.base : nil,
          tokens: ws.tokens.base, vocab: Int32(V), packedTBF16: mixed ? packedBackwardBF16[l].base : nil,
          dzBF16: mixed ? ws.dzBF16.base : nil)
        guard CLSTM_layer_backward(raw, &args) == 0 else { throw .outOfMemory(bytes: pool.threads * B * 256) }
        (g + layout.biasHH(l)).update(from: g + layout.biasIH(l), count: G)
        let x = l > 0 ? layerOutput(ws, l - 1) : nil
        if mixed {
          // dW_hh = dzᵀ · [h_0 … h_{T-1}] and dW_ih = dzᵀ · X with bfloat16 operands; dX = dz · W_ih likewise.
          CLSTM_transpose_bf16(raw, ws.dz.base, Int32(rows), Int32(G), G, ws.dzT.base, ws.rowsPadded)
          let operand = ws.weightGradientOperand.base
          CLSTM_pack_columns_bf16(raw, ws.hs[l].base, Int32(rows), Int32(H), H, operand)
          CLSTM_gemm_bf16(
            raw, Int32(G), Int32(H), Int32(rows), ws.dzT.base, ws.rowsPadded, operand,
            g + layout.weightHH(l), H, 0)
          if let x {
            CLSTM_pack_columns_bf16(raw, x, Int32(rows), Int32(H), H, operand)
            CLSTM_gemm_bf16(
              raw, Int32(G), Int32(H), Int32(rows), ws.dzT.base, ws.rowsPadded, operand,
              g + layout.weightIH(l), H, 0)
            CLSTM_gemm_bf16(
              raw, Int32(rows), Int32(H), Int32(G), ws.dzBF16.base, G,
              packedInputTransposedBF16[l].base, ws.dh.base, H, 0)
          }
        } else {
          // dW_hh = dzᵀ · [h_0 … h_{T-1}].
          CLSTM_sgemm(
            raw, 1, 0, Int32(G), Int32(H), Int32(rows), 1, ws.dz.base, G, ws.hs[l].base, H, 0, g + layout.weightHH(l),
            H)
          if let x {
            CLSTM_sgemm(
              raw, 1, 0, Int32(G), Int32(H), Int32(rows), 1, ws.dz.base, G, x, H, 0, g + layout.weightIH(l), H)
            CLSTM_sgemm(
              raw, 0, 0, Int32(rows), Int32(H), Int32(G), 1, ws.dz.base, G, p + layout.weightIH(l), H, 0, ws.dh.base,
              H)
          }
        }
        if l == 0 {
          // Layer 0 reads the table: dW_ih0 = dtableᵀ · Emb; dEmb = dtable · W_ih0.
          CLSTM_sgemm(
            raw, 1, 0, Int32(G), Int32(E), Int32(V), 1, ws.dtable.base, G, p + layout.embedding, E, 0,
            g + layout.weightIH(0), E)
          CLSTM_sgemm(
            raw, 0, 0, Int32(V), Int32(E), Int32(G), 1, ws.dtable.base, G, p + layout.weightIH(0), E, 0,
            g + layout.embedding, E)
        }
      }
    }
  }

  /// Σ g² over all gradients (double precision).
  func gradientSquaredNorm() -> Double {
    pool.withRaw { raw in CLSTM_sum_squares(raw, gradients.base, gradients.count) }
  }
}
