// LSTM layer time loops. Workers own disjoint hidden units, so each computes the gates, cell and output of its
// units without sharing; one barrier per step publishes h_t (forward) or dz_t (backward) to everybody.
#include "internal.h"
#include <stdlib.h>

#define ALIGN64 __attribute__((aligned(64)))

// MARK: - Forward epilogues: gate activations, cell and output for one row and 16 units.

typedef struct {
  const CLSTM_LayerForward *a;
  int t, b, u, n;  // step, batch row, first unit, valid units (≤ 16)
  const float *acc;  // 64 accumulated recurrent products: i, f, g, o for the 16 units
} ForwardCell;

static void forward_cell_portable(const ForwardCell *x) {
  const CLSTM_LayerForward *a = x->a;
  const int H = a->hidden, B = a->batch;
  const long row = (long)x->t * B + x->b;
  const float *xr = a->xproj + (a->xindex ? (long)a->xindex[row] : row) * a->ldx;
  float *cell = a->cell + (long)x->b * H;
  float *hout = a->hs + ((long)(x->t + 1) * B + x->b) * H;
  const float *bias = a->bias;
  for (int j = 0; j < x->n; ++j) {
    int u = x->u + j;
    float i = clstm_sigmoidf(x->acc[j] + xr[u] + (bias ? bias[u] : 0.0f));
    float f = clstm_sigmoidf(x->acc[16 + j] + xr[H + u] + (bias ? bias[H + u] : 0.0f));
    float g = tanhf(x->acc[32 + j] + xr[2 * H + u] + (bias ? bias[2 * H + u] : 0.0f));
    float o = clstm_sigmoidf(x->acc[48 + j] + xr[3 * H + u] + (bias ? bias[3 * H + u] : 0.0f));
    float c = f * cell[u] + i * g;
    cell[u] = c;
    hout[u] = o * tanhf(c);
    if (a->hsBF16) a->hsBF16[((long)(x->t + 1) * B + x->b) * a->ldhb + u] = clstm_to_bf16(hout[u]);
    if (a->cells) a->cells[row * H + u] = c;
    if (a->gates) {
      float *gr = a->gates + row * 4 * H;
      gr[u] = i;
      gr[H + u] = f;
      gr[2 * H + u] = g;
      gr[3 * H + u] = o;
    }
  }
}

#if CLSTM_X86
CLSTM_T512 static void forward_cell_avx512(const ForwardCell *x) {
  const CLSTM_LayerForward *a = x->a;
  const int H = a->hidden, B = a->batch, u = x->u;
  const long row = (long)x->t * B + x->b;
  const __mmask16 m = x->n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << x->n) - 1);
  const float *xr = a->xproj + (a->xindex ? (long)a->xindex[row] : row) * a->ldx;
  float *cell = a->cell + (long)x->b * H + u;
  float *hout = a->hs + ((long)(x->t + 1) * B + x->b) * H + u;
  __m512 zi = _mm512_add_ps(_mm512_load_ps(x->acc), _mm512_maskz_loadu_ps(m, xr + u));
  __m512 zf = _mm512_add_ps(_mm512_load_ps(x->acc + 16), _mm512_maskz_loadu_ps(m, xr + H + u));
  __m512 zg = _mm512_add_ps(_mm512_load_ps(x->acc + 32), _mm512_maskz_loadu_ps(m, xr + 2 * H + u));
  __m512 zo = _mm512_add_ps(_mm512_load_ps(x->acc + 48), _mm512_maskz_loadu_ps(m, xr + 3 * H + u));
  if (a->bias) {
    const float *bias = a->bias + u;
    zi = _mm512_add_ps(zi, _mm512_maskz_loadu_ps(m, bias));
    zf = _mm512_add_ps(zf, _mm512_maskz_loadu_ps(m, bias + H));
    zg = _mm512_add_ps(zg, _mm512_maskz_loadu_ps(m, bias + 2 * H));
    zo = _mm512_add_ps(zo, _mm512_maskz_loadu_ps(m, bias + 3 * H));
  }
  __m512 i = clstm_sigmoid512(zi), f = clstm_sigmoid512(zf), g = clstm_tanh512(zg), o = clstm_sigmoid512(zo);
  __m512 c = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, cell), _mm512_mul_ps(i, g));
  _mm512_mask_storeu_ps(cell, m, c);
  __m512 h = _mm512_mul_ps(o, clstm_tanh512(c));
  _mm512_mask_storeu_ps(hout, m, h);
  if (a->hsBF16) {
    float hv[16] __attribute__((aligned(64)));
    _mm512_store_ps(hv, h);
    clstm_store_bf16x16(a->hsBF16 + ((long)(x->t + 1) * B + x->b) * a->ldhb + u, m, hv);
  }
  if (a->cells) _mm512_mask_storeu_ps(a->cells + row * H + u, m, c);
  if (a->gates) {
    float *gr = a->gates + row * 4 * H + u;
    _mm512_mask_storeu_ps(gr, m, i);
    _mm512_mask_storeu_ps(gr + H, m, f);
    _mm512_mask_storeu_ps(gr + 2 * H, m, g);
    _mm512_mask_storeu_ps(gr + 3 * H, m, o);
  }
}
#endif

typedef struct {
  CLSTM_Pool *pool;
  const CLSTM_LayerForward *a;
  float *scratch;  // per worker: [B x 64] accumulators
  long scratchStride;
} ForwardJob;

/// Per-worker accumulator rows for a batch of `batch` rows: `threads` blocks of [batch x 64] floats, 64-byte
/// aligned. Allocated once per job (never inside the time loop); NULL on allocation failure.
static float *alloc_scratch(int threads, int batch, long *stride) {
  *stride = (long)batch * CLSTM_STRIP_WIDTH;
  return aligned_alloc(64, (size_t)threads * (size_t)*stride * sizeof(float));
}

/// Step t of one layer for this worker's units (no barrier).
static void forward_step(const CLSTM_LayerForward *a, int t, int tid, int threads, float *acc) {
  const int H = a->hidden, B = a->batch;
  const int K = a->inputSize + H;
  const int strips = (H + 15) / 16;
  long s0, s1;
  clstm_split(strips, tid, threads, &s0, &s1);
#if CLSTM_X86
  const int wide = clstm_use_avx512();
#endif
  const float *hprev = a->hs + (long)t * B * H;
  for (long s = s0; s < s1; ++s) {
    const float *p = a->packed + s * (long)K * CLSTM_STRIP_WIDTH;
    const int u = (int)s * 16;
    const int n = H - u < 16 ? H - u : 16;
    if (a->packedBF16) {
      const long stripSize = (long)((H + 1) / 2) * 2 * CLSTM_STRIP_WIDTH;
      clstm_bf16_strip(B, a->hsBF16 + (long)t * B * a->ldhb, a->ldhb, H, a->packedBF16 + s * stripSize, acc,
                       CLSTM_STRIP_WIDTH, 1, 1);
    } else if (a->inputSize > 0) {
      clstm_strip_product_all(B, a->input + (long)t * B * a->ldin, a->ldin, a->inputSize, hprev, H, H, p, acc);
    } else {
      clstm_strip_product_all(B, hprev, H, H, NULL, 0, 0, p, acc);
    }
    for (int r = 0; r < B; ++r) {
      ForwardCell x = {a, t, r, u, n, acc + (long)r * CLSTM_STRIP_WIDTH};
#if CLSTM_X86
      if (wide) {
        forward_cell_avx512(&x);
        continue;
      }
#endif
      forward_cell_portable(&x);
    }
  }
}

static void forward_job(void *raw, int tid, int threads) {
  const ForwardJob *job = raw;
  float *acc = job->scratch + (long)tid * job->scratchStride;
  for (int t = 0; t < job->a->steps; ++t) {
    forward_step(job->a, t, tid, threads, acc);
    clstm_pool_barrier(job->pool);
  }
}

int CLSTM_layer_forward(CLSTM_Pool *pool, const CLSTM_LayerForward *args) {
  ForwardJob job = {pool, args, NULL, 0};
  job.scratch = alloc_scratch(CLSTM_pool_threads(pool), args->batch, &job.scratchStride);
  if (!job.scratch) return -1;
  clstm_pool_run(pool, forward_job, &job);
  free(job.scratch);
  return 0;
}

// MARK: - Backward

typedef struct {
  const CLSTM_LayerBackward *a;
  int t, b, u, n;
  const float *acc;  // recurrent gradient dz_{t+1} · W_hh for these 16 units, or NULL at the last step
} BackwardCell;

static void backward_cell_portable(const BackwardCell *x) {
  const CLSTM_LayerBackward *a = x->a;
  const int H = a->hidden, B = a->batch;
  const long row = (long)x->t * B + x->b;
  const float *gr = a->gates + row * 4 * H;
  const float *cprev = x->t > 0 ? a->cells + (row - B) * H : a->cell0 + (long)x->b * H;
  float *dc = a->dcell + (long)x->b * H;
  float *dz = a->dz + row * 4 * H;
  for (int j = 0; j < x->n; ++j) {
    int u = x->u + j;
    float dh = a->dh[row * H + u] + (x->acc ? x->acc[j] : 0.0f);
    float i = gr[u], f = gr[H + u], g = gr[2 * H + u], o = gr[3 * H + u];
    float tc = tanhf(a->cells[row * H + u]);
    float dcs = dc[u] + dh * o * (1.0f - tc * tc);
    dz[u] = dcs * g * i * (1.0f - i);
    dz[H + u] = dcs * cprev[u] * f * (1.0f - f);
    dz[2 * H + u] = dcs * i * (1.0f - g * g);
    dz[3 * H + u] = dh * tc * o * (1.0f - o);
    dc[u] = dcs * f;
    for (int gate = 0; gate < 4; ++gate) {
      if (a->dzBF16) a->dzBF16[row * 4 * H + gate * H + u] = clstm_to_bf16(dz[gate * H + u]);
      if (a->dbias) a->dbias[gate * H + u] += dz[gate * H + u];
      if (a->dtable) a->dtable[(long)a->tokens[row] * 4 * H + gate * H + u] += dz[gate * H + u];
    }
  }
}

#if CLSTM_X86
CLSTM_T512 static void backward_cell_avx512(const BackwardCell *x) {
  const CLSTM_LayerBackward *a = x->a;
  const int H = a->hidden, B = a->batch, u = x->u;
  const long row = (long)x->t * B + x->b;
  const __mmask16 m = x->n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << x->n) - 1);
  const float *gr = a->gates + row * 4 * H + u;
  const float *cprev = (x->t > 0 ? a->cells + (row - B) * H : a->cell0 + (long)x->b * H) + u;
  float *dc = a->dcell + (long)x->b * H + u;
  float *dz = a->dz + row * 4 * H + u;
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 dh = _mm512_maskz_loadu_ps(m, a->dh + row * H + u);
  if (x->acc) dh = _mm512_add_ps(dh, _mm512_loadu_ps(x->acc));
  __m512 i = _mm512_maskz_loadu_ps(m, gr), f = _mm512_maskz_loadu_ps(m, gr + H);
  __m512 g = _mm512_maskz_loadu_ps(m, gr + 2 * H), o = _mm512_maskz_loadu_ps(m, gr + 3 * H);
  __m512 tc = clstm_tanh512(_mm512_maskz_loadu_ps(m, a->cells + row * H + u));
  __m512 dcs = _mm512_fmadd_ps(_mm512_mul_ps(dh, o), _mm512_fnmadd_ps(tc, tc, one), _mm512_maskz_loadu_ps(m, dc));
  __m512 dzs[4];
  dzs[0] = _mm512_mul_ps(_mm512_mul_ps(dcs, g), _mm512_mul_ps(i, _mm512_sub_ps(one, i)));
  dzs[1] = _mm512_mul_ps(_mm512_mul_ps(dcs, _mm512_maskz_loadu_ps(m, cprev)), _mm512_mul_ps(f, _mm512_sub_ps(one, f)));
  dzs[2] = _mm512_mul_ps(_mm512_mul_ps(dcs, i), _mm512_fnmadd_ps(g, g, one));
  dzs[3] = _mm512_mul_ps(_mm512_mul_ps(dh, tc), _mm512_mul_ps(o, _mm512_sub_ps(one, o)));
  _mm512_mask_storeu_ps(dc, m, _mm512_mul_ps(dcs, f));
  float *db = a->dbias ? a->dbias + u : NULL;
  float *dt = a->dtable ? a->dtable + (long)a->tokens[row] * 4 * H + u : NULL;
  for (int gate = 0; gate < 4; ++gate) {
    _mm512_mask_storeu_ps(dz + gate * H, m, dzs[gate]);
    if (a->dzBF16) {
      float v[16] __attribute__((aligned(64)));
      _mm512_store_ps(v, dzs[gate]);
      clstm_store_bf16x16(a->dzBF16 + row * 4 * H + gate * H + u, m, v);
    }
    if (db) _mm512_mask_storeu_ps(db + gate * H, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, db + gate * H), dzs[gate]));
    if (dt) _mm512_mask_storeu_ps(dt + gate * H, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, dt + gate * H), dzs[gate]));
  }
}
#endif

typedef struct {
  CLSTM_Pool *pool;
  const CLSTM_LayerBackward *a;
  float *scratch;
  long scratchStride;
} BackwardJob;

static void backward_job(void *raw, int tid, int threads) {
  const BackwardJob *job = raw;
  const CLSTM_LayerBackward *a = job->a;
  const int H = a->hidden, B = a->batch, K = 4 * H;
  const int strips = (H + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH;
  long s0, s1;
  clstm_split(strips, tid, threads, &s0, &s1);
  float *acc = job->scratch + (long)tid * job->scratchStride;
#if CLSTM_X86
  const int wide = clstm_use_avx512();
#endif
  const int u0 = (int)s0 * CLSTM_STRIP_WIDTH;
  const int u1 = (int)s1 * CLSTM_STRIP_WIDTH < H ? (int)s1 * CLSTM_STRIP_WIDTH : H;
  if (u1 > u0) {
    const size_t width = (size_t)(u1 - u0) * sizeof(float);
    for (int b = 0; b < B; ++b) memset(a->dcell + (long)b * H + u0, 0, width);
    for (int gate = 0; gate < 4; ++gate) {
      if (a->dbias) memset(a->dbias + gate * H + u0, 0, width);
      for (int v = 0; a->dtable && v < a->vocab; ++v) memset(a->dtable + (long)v * 4 * H + gate * H + u0, 0, width);
    }
  }
  for (int t = a->steps - 1; t >= 0; --t) {
    const int last = t == a->steps - 1;
    for (long s = s0; s < s1; ++s) {
      if (!last && a->packedTBF16) {
        const long stripSize = (long)(K / 2) * 2 * CLSTM_STRIP_WIDTH;
        clstm_bf16_strip(B, a->dzBF16 + (long)(t + 1) * B * K, K, K, a->packedTBF16 + s * stripSize, acc,
                         CLSTM_STRIP_WIDTH, 1, 1);
      } else if (!last) {
        const float *p = a->packedT + s * (long)K * CLSTM_STRIP_WIDTH;
        clstm_strip_product_all(B, a->dz + (long)(t + 1) * B * K, K, K, NULL, 0, 0, p, acc);
      }
      for (int r = 0; r < B; ++r) {
        for (int q = 0; q < 4; ++q) {
          const int u = (int)s * CLSTM_STRIP_WIDTH + 16 * q;
          if (u >= H) break;
          BackwardCell x = {a, t, r, u, H - u < 16 ? H - u : 16,
                            last ? NULL : acc + (long)r * CLSTM_STRIP_WIDTH + 16 * q};
#if CLSTM_X86
          if (wide) {
            backward_cell_avx512(&x);
            continue;
          }
#endif
          backward_cell_portable(&x);
        }
      }
    }
    clstm_pool_barrier(job->pool);
  }
}

int CLSTM_layer_backward(CLSTM_Pool *pool, const CLSTM_LayerBackward *args) {
  BackwardJob job = {pool, args, NULL, 0};
  job.scratch = alloc_scratch(CLSTM_pool_threads(pool), args->batch, &job.scratchStride);
  if (!job.scratch) return -1;
  clstm_pool_run(pool, backward_job, &job);
  free(job.scratch);
  return 0;
}

// MARK: - Dense (sampling output layer)

typedef struct {
  int batch, n, k;
  const float *x;
  long ldx;
  const float *packed, *bias;
  float *out;
  long ldo;
} DenseJob;

static void dense_strips(const DenseJob *j, int tid, int threads) {
  const int strips = (j->n + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH;
  const int blocks = clstm_row_blocks(j->batch);
  long s0, s1;
  clstm_split(strips, tid, threads, &s0, &s1);
  float acc[6 * CLSTM_STRIP_WIDTH] ALIGN64;
  for (long s = s0; s < s1; ++s) {
    const float *p = j->packed + s * (long)j->k * CLSTM_STRIP_WIDTH;
    const int c0 = (int)s * CLSTM_STRIP_WIDTH;
    const int cn = j->n - c0 < CLSTM_STRIP_WIDTH ? j->n - c0 : CLSTM_STRIP_WIDTH;
    for (int blk = 0; blk < blocks; ++blk) {
      const int r0 = clstm_block_start(j->batch, blk), r1 = clstm_block_start(j->batch, blk + 1);
      clstm_strip_product(r1 - r0, j->x + (long)r0 * j->ldx, j->ldx, j->k, NULL, 0, 0, p, acc);
      for (int r = r0; r < r1; ++r) {
        float *o = j->out + (long)r * j->ldo + c0;
        const float *ar = acc + (r - r0) * CLSTM_STRIP_WIDTH;
        for (int c = 0; c < cn; ++c) o[c] = ar[c] + (j->bias ? j->bias[c0 + c] : 0.0f);
      }
    }
  }
}

static void dense_job(void *raw, int tid, int threads) { dense_strips(raw, tid, threads); }

void CLSTM_dense_forward(CLSTM_Pool *pool, int batch, int n, int k, const float *x, long ldx, const float *packed,
                         const float *bias, float *out, long ldo) {
  DenseJob j = {batch, n, k, x, ldx, packed, bias, out, ldo};
  clstm_pool_run(pool, dense_job, &j);
}

// MARK: - One sampling step: every layer, then the output layer, in one job

typedef struct {
  CLSTM_Pool *pool;
  const CLSTM_LayerForward *layers;
  int count;
  DenseJob dense;
  float *scratch;
  long scratchStride;
} ChainJob;

static void chain_job(void *raw, int tid, int threads) {
  const ChainJob *job = raw;
  float *acc = job->scratch + (long)tid * job->scratchStride;
  for (int l = 0; l < job->count; ++l) {
    forward_step(&job->layers[l], 0, tid, threads, acc);
    clstm_pool_barrier(job->pool);
  }
  dense_strips(&job->dense, tid, threads);
}

void CLSTM_forward_chain(CLSTM_Pool *pool, const CLSTM_LayerForward *layers, int count, int n, const float *packed,
                         const float *bias, float *out, long ldo, float *scratch) {
  const CLSTM_LayerForward *top = &layers[count - 1];
  ChainJob job = {pool, layers, count,
                  {top->batch, n, top->hidden, top->hs + (long)top->batch * top->hidden, top->hidden, packed, bias,
                   out, ldo},
                  scratch, (long)top->batch * CLSTM_STRIP_WIDTH};
  clstm_pool_run(pool, chain_job, &job);
}
