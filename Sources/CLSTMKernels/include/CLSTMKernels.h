// CLSTMKernels: the hot loops of studio's LSTM (packed recurrent product, fused gate activations, time loops,
// thread pool with a spin barrier, and the element-wise training kernels). Swift code in the LSTM target drives them;
// no C type crosses the LSTM module's public API.
//
// Conventions: matrices are row-major float32. "Time-major" buffers hold row (t * B + b) for step t, batch row b.
// Gate blocks follow PyTorch's nn.LSTM order i, f, g, o: a [.. x 4H] row holds i in [0, H), f in [H, 2H), ...
#ifndef CLSTM_KERNELS_H
#define CLSTM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Width of one packed strip: 64 output columns (4 AVX-512 registers).
#define CLSTM_STRIP_WIDTH 64

// MARK: - Thread pool

/// A fixed set of worker threads (the caller is worker 0) that run one job at a time and meet at a spin barrier
/// inside jobs. Idle workers spin briefly, then sleep on a condition variable.
typedef struct CLSTM_Pool CLSTM_Pool;

/// Creates a pool with `threads` workers in all (1 = run everything on the caller). Returns NULL on failure.
CLSTM_Pool *CLSTM_pool_create(int threads);
void CLSTM_pool_destroy(CLSTM_Pool *pool);
int CLSTM_pool_threads(const CLSTM_Pool *pool);

/// 1 when the AVX-512 kernels run on this CPU (CPUID and OS state), else 0 (portable C kernels).
int CLSTM_has_avx512(void);
/// Forces the portable kernels (1) or restores automatic choice (0). For tests.
void CLSTM_force_portable(int on);

// MARK: - Packing

/// Floats needed for a packed matrix with `columns` output columns and inner dimension `k`.
size_t CLSTM_packed_size(int columns, int k);

/// Packs the gate matrices of one LSTM layer for the fused forward step: output column block s holds units
/// [16s, 16s+16) of the four gates (i, f, g, o). `w1` is [4H x k1] (row stride ld1), `w2` is [4H x k2] (may be NULL
/// with k2 = 0); the packed inner dimension is k1 + k2 (w1's columns first). Units beyond H are zero.
void CLSTM_pack_gates(CLSTM_Pool *pool, const float *w1, int k1, long ld1, const float *w2, int k2, long ld2, int hidden,
                      float *packed);

/// Packs `w` [n x k] (row stride ld) so that the strip product computes x · wᵀ: output column j is row j of `w`.
void CLSTM_pack_rows(CLSTM_Pool *pool, const float *w, int n, int k, long ld, float *packed);

/// Packs `w` [k x n] (row stride ld) so that the strip product computes x · w: output column j is column j of `w`.
void CLSTM_pack_columns(CLSTM_Pool *pool, const float *w, int k, int n, long ld, float *packed);

// MARK: - LSTM layer time loops

/// Forward pass of one LSTM layer over T steps for B sequences (in parallel over hidden units).
typedef struct {
  int steps, batch, hidden;
  /// Input projection incl. both biases, [.. x 4H]: row for (t, b) is xproj + index * ldx where index is
  /// xindex[t * B + b] (layer 0: a token id into the [V x 4H] table) or t * B + b when xindex is NULL.
  const float *xproj;
  const int32_t *xindex;
  long ldx;
  /// Optional [4H] bias added to every row's input projection (NULL when xproj already includes it).
  const float *bias;
  /// Optional extra input multiplied inside the step (sampling: the layer below's new h): row (t, b) at
  /// input + (t * B + b) * ldin, `inputSize` wide. The packed matrix then has inputSize + H rows, input first.
  const float *input;
  int inputSize;
  long ldin;
  /// Packed gates (CLSTM_pack_gates) with inner dimension inputSize + H.
  const float *packed;
  /// [(T+1) x B x H]: block 0 holds h_0 on entry; blocks 1...T receive h_1...h_T.
  float *hs;
  /// [B x H]: c_0 on entry, c_T on exit.
  float *cell;
  /// Optional [T x B x 4H] gate activations (i, f, g, o after their nonlinearity) and [T x B x H] cell states,
  /// kept for the backward pass; NULL in inference.
  float *gates;
  float *cells;
  /// Mixed precision (optional, no `input`): W_hh packed by CLSTM_pack_gates_bf16, and a bf16 copy of `hs`
  /// [(T+1) x B x ldhb] (block 0 filled by the caller, even ldhb ≥ H, zero padding) that the step multiplies and the
  /// step's outputs are also written to.
  const uint16_t *packedBF16;
  uint16_t *hsBF16;
  long ldhb;
} CLSTM_LayerForward;

/// Returns 0, or -1 when the per-worker scratch cannot be allocated (nothing computed).
int CLSTM_layer_forward(CLSTM_Pool *pool, const CLSTM_LayerForward *args);

/// Backward pass of one LSTM layer through its T steps (truncated: no gradient flows into h_0 or c_0).
typedef struct {
  int steps, batch, hidden;
  const float *gates;   // [T x B x 4H] from the forward pass
  const float *cells;   // [T x B x H] from the forward pass
  const float *cell0;   // [B x H] c_0
  const float *dh;      // [T x B x H] loss gradient w.r.t. h_t arriving from above (output layer or next layer)
  const float *packedT; // CLSTM_pack_columns of W_hh [4H x H] (output columns are hidden units, k = 4H)
  float *dz;            // [T x B x 4H] out: gradient w.r.t. the gate pre-activations
  float *dcell;         // [B x H] scratch
  float *dbias;         // optional [4H] out: Σ over rows of dz (the gradient of b_ih and of b_hh)
  /// Optional: dtable[V x 4H] out = Σ over rows with token v of dz (layer 0's input table gradient); `tokens`
  /// [T x B] gives each row's token id, `vocab` the table's rows.
  float *dtable;
  const int32_t *tokens;
  int vocab;
  /// Mixed precision (optional): W_hh packed by CLSTM_pack_columns_bf16 (k = 4H), and a bf16 copy of dz
  /// [T x B x 4H] that the step multiplies and also receives every dz row.
  const uint16_t *packedTBF16;
  uint16_t *dzBF16;
} CLSTM_LayerBackward;

/// Returns 0, or -1 when the per-worker scratch cannot be allocated (nothing computed).
int CLSTM_layer_backward(CLSTM_Pool *pool, const CLSTM_LayerBackward *args);

/// out[B x N] = x[B x K] · packedᵀ + bias (bias may be NULL); packed by CLSTM_pack_rows. For sampling.
void CLSTM_dense_forward(CLSTM_Pool *pool, int batch, int n, int k, const float *x, long ldx, const float *packed,
                         const float *bias, float *out, long ldo);

/// One step (T = 1) of `count` stacked layers followed by the output layer, in a single job: for sampling.
/// `layers[l]` are complete one-step descriptions (layer l + 1 reads layer l's new h as `input`); then
/// out[B x n] = h_top · packedᵀ + bias with `packed` from CLSTM_pack_rows. `scratch` holds
/// CLSTM_pool_threads(pool) x B x 64 floats, 64-byte aligned (allocated once by the caller).
void CLSTM_forward_chain(CLSTM_Pool *pool, const CLSTM_LayerForward *layers, int count, int n, const float *packed,
                         const float *bias, float *out, long ldo, float *scratch);

// MARK: - BLAS split across the pool

/// C = alpha · op(A) · op(B) + beta · C, split across the pool's workers (each runs a single-threaded
/// cblas_sgemm on its share). trans flags: 0 = no transpose, 1 = transpose. Wraps `cblas_sgemm`.
void CLSTM_sgemm(CLSTM_Pool *pool, int transA, int transB, int m, int n, int k, float alpha, const float *a, long lda,
                 const float *b, long ldb, float beta, float *c, long ldc);

// MARK: - Element-wise training kernels

/// Copies `bias` [n] into every row of out [rows x n] (row stride ld), adding `bias2` when non-NULL.
void CLSTM_fill_rows(CLSTM_Pool *pool, float *out, int rows, int n, long ld, const float *bias, const float *bias2);

/// Softmax cross-entropy over rows of logits [rows x V]; rows whose target is negative are ignored.
/// Replaces logits by scale · (softmax - onehot) (0 on ignored rows). Returns the summed loss (nats) in *lossSum
/// and the number of scored rows in *count.
void CLSTM_softmax_xent(CLSTM_Pool *pool, float *logits, int rows, int vocab, const int32_t *targets, float scale,
                        double *lossSum, long *count);

/// out[n] = Σ_rows x[rows x n] (or += when accumulate).
void CLSTM_column_sums(CLSTM_Pool *pool, const float *x, int rows, int n, long ld, float *out, int accumulate);

/// mask[i] = 0 with probability p, else 1/(1-p); counter-based: depends only on (key, i).
void CLSTM_dropout_mask(CLSTM_Pool *pool, float *mask, long n, float p, uint64_t key);
/// out[i] = x[i] · mask[i] (out may equal x).
void CLSTM_multiply(CLSTM_Pool *pool, const float *x, const float *mask, float *out, long n);

/// Σ x[i]² in double precision.
double CLSTM_sum_squares(CLSTM_Pool *pool, const float *x, long n);

/// One Adam step (bias correction on; decoupled weight decay as torch.optim.AdamW when decay > 0) over n
/// parameters: g = gradScale · grad; m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²;
/// p ← p (1 - lr · decay) - (lr / (1-β1^t)) · m / (sqrt(v) / sqrt(1-β2^t) + eps).
void CLSTM_adam(CLSTM_Pool *pool, float *param, const float *grad, float *m, float *v, long n, float lr, float beta1,
                float beta2, float eps, float decay, float gradScale, long step);

// MARK: - Mixed precision (bfloat16 operands, float32 accumulation)

/// 1 when the AVX512_BF16 kernels run on this CPU.
int CLSTM_has_bf16(void);

/// uint16 elements of a bf16-packed matrix with `columns` output columns and inner dimension `k`.
size_t CLSTM_packed_bf16_size(int columns, int k);

/// bf16 counterparts of CLSTM_pack_gates (one segment), CLSTM_pack_rows and CLSTM_pack_columns, from float32.
void CLSTM_pack_gates_bf16(CLSTM_Pool *pool, const float *w, int k, long ld, int hidden, uint16_t *packed);
void CLSTM_pack_rows_bf16(CLSTM_Pool *pool, const float *w, int n, int k, long ld, uint16_t *packed);
void CLSTM_pack_columns_bf16(CLSTM_Pool *pool, const float *w, int k, int n, long ld, uint16_t *packed);

/// C[m x n] = (or += when accumulate) A[m x k] · P: A bf16 row-major (row stride lda, even, zero-padded past k),
/// P packed bf16 for n output columns. Split across the pool by strips.
void CLSTM_gemm_bf16(CLSTM_Pool *pool, int m, int n, int k, const uint16_t *a, long lda, const uint16_t *packed,
                     float *c, long ldc, int accumulate);

/// dst[rows x ldd] = bf16(src[rows x n]) (zero past n).
void CLSTM_convert_bf16(CLSTM_Pool *pool, const float *src, int rows, int n, long lds, uint16_t *dst, long ldd);

/// dst[cols x ldd] = bf16(srcᵀ), src [rows x cols] (zero past rows).
void CLSTM_transpose_bf16(CLSTM_Pool *pool, const float *src, int rows, int cols, long lds, uint16_t *dst, long ldd);

/// Vectorised activations for tests: out = sigmoid(x) (kind 0), tanh(x) (kind 1), exp(x) (kind 2).
void CLSTM_activation(int kind, const float *x, float *out, long n);

#ifdef __cplusplus
}
#endif
#endif
