// GEMMs split across the pool, and the element-wise kernels of a training step.
#include "internal.h"
#include <cblas.h>

// MARK: - sgemm

typedef struct {
  int transA, transB, m, n, k;
  float alpha, beta;
  const float *a, *b;
  long lda, ldb, ldc;
  float *c;
} GemmJob;

static void gemm_job(void *raw, int tid, int threads) {
  const GemmJob *j = raw;
  int i0 = 0, i1 = j->m, j0 = 0, j1 = j->n;
  // Split the larger output dimension into 16-aligned shares.
  if (j->m >= j->n) {
    long blocks = (j->m + 15) / 16, lo, hi;
    clstm_split(blocks, tid, threads, &lo, &hi);
    i0 = (int)(lo * 16);
    i1 = (int)(hi * 16) < j->m ? (int)(hi * 16) : j->m;
  } else {
    long blocks = (j->n + 15) / 16, lo, hi;
    clstm_split(blocks, tid, threads, &lo, &hi);
    j0 = (int)(lo * 16);
    j1 = (int)(hi * 16) < j->n ? (int)(hi * 16) : j->n;
  }
  if (i1 <= i0 || j1 <= j0) return;
  const float *a = j->transA ? j->a + i0 : j->a + (long)i0 * j->lda;
  const float *b = j->transB ? j->b + (long)j0 * j->ldb : j->b + j0;
  cblas_sgemm(CblasRowMajor, j->transA ? CblasTrans : CblasNoTrans, j->transB ? CblasTrans : CblasNoTrans, i1 - i0,
              j1 - j0, j->k, j->alpha, a, (blasint)j->lda, b, (blasint)j->ldb, j->beta, j->c + (long)i0 * j->ldc + j0,
              (blasint)j->ldc);
}

void CLSTM_sgemm(CLSTM_Pool *pool, int transA, int transB, int m, int n, int k, float alpha, const float *a, long lda,
                 const float *b, long ldb, float beta, float *c, long ldc) {
  if (m <= 0 || n <= 0) return;
  GemmJob j = {transA, transB, m, n, k, alpha, beta, a, b, lda, ldb, ldc, c};
  // Small products are not worth waking the other workers.
  if ((double)m * n * k < 2.0e5) {
    gemm_job(&j, 0, 1);
    return;
  }
  clstm_pool_run(pool, gemm_job, &j);
}

// MARK: - Row fill

typedef struct {
  float *out;
  int rows, n;
  long ld;
  const float *bias, *bias2;
} FillJob;

static void fill_job(void *raw, int tid, int threads) {
  const FillJob *j = raw;
  long lo, hi;
  clstm_split(j->rows, tid, threads, &lo, &hi);
  if (hi <= lo) return;
  float *first = j->out + lo * j->ld;
  for (int c = 0; c < j->n; ++c) first[c] = j->bias[c] + (j->bias2 ? j->bias2[c] : 0.0f);
  for (long r = lo + 1; r < hi; ++r) memcpy(j->out + r * j->ld, first, (size_t)j->n * sizeof(float));
}

void CLSTM_fill_rows(CLSTM_Pool *pool, float *out, int rows, int n, long ld, const float *bias, const float *bias2) {
  FillJob j = {out, rows, n, ld, bias, bias2};
  clstm_pool_run(pool, fill_job, &j);
}

// MARK: - Softmax cross-entropy

typedef struct {
  float *logits;
  int rows, vocab;
  const int32_t *targets;
  float scale;
  double loss[64];
  long count[64];
} XentJob;

static double xent_row_portable(float *x, int v, int target, float scale) {
  float mx = x[0];
  for (int c = 1; c < v; ++c) mx = x[c] > mx ? x[c] : mx;
  double sum = 0;
  for (int c = 0; c < v; ++c) {
    x[c] = expf(x[c] - mx);
    sum += x[c];
  }
  double loss = log(sum) - log((double)x[target]);
  float inv = (float)(scale / sum);
  for (int c = 0; c < v; ++c) x[c] *= inv;
  x[target] -= scale;
  return loss;
}

#if CLSTM_X86
CLSTM_T512 static double xent_row_avx512(float *x, int v, int target, float scale) {
  const float picked = x[target];
  __m512 mx = _mm512_set1_ps(-INFINITY);
  for (int c = 0; c < v; c += 16) {
    __mmask16 m = v - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (v - c)) - 1);
    mx = _mm512_mask_max_ps(mx, m, mx, _mm512_maskz_loadu_ps(m, x + c));
  }
  const float maxv = _mm512_reduce_max_ps(mx);
  __m512 vmax = _mm512_set1_ps(maxv), sum = _mm512_setzero_ps();
  for (int c = 0; c < v; c += 16) {
    __mmask16 m = v - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (v - c)) - 1);
    __m512 e = _mm512_maskz_mov_ps(m, clstm_exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + c), vmax)));
    _mm512_mask_storeu_ps(x + c, m, e);
    sum = _mm512_add_ps(sum, e);
  }
  const double total = (double)_mm512_reduce_add_ps(sum);
  const __m512 inv = _mm512_set1_ps((float)(scale / total));
  for (int c = 0; c < v; c += 16) {
    __mmask16 m = v - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (v - c)) - 1);
    _mm512_mask_storeu_ps(x + c, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + c), inv));
  }
  x[target] -= scale;
  return log(total) + (double)maxv - (double)picked;
}
#endif

static void xent_job(void *raw, int tid, int threads) {
  XentJob *j = raw;
  long lo, hi;
  clstm_split(j->rows, tid, threads, &lo, &hi);
  double loss = 0;
  long count = 0;
#if CLSTM_X86
  const int wide = clstm_use_avx512();
#endif
  for (long r = lo; r < hi; ++r) {
    float *x = j->logits + r * j->vocab;
    int target = j->targets[r];
    if (target < 0 || target >= j->vocab) {
      memset(x, 0, (size_t)j->vocab * sizeof(float));
      continue;
    }
#if CLSTM_X86
    if (wide) {
      loss += xent_row_avx512(x, j->vocab, target, j->scale);
      ++count;
      continue;
    }
#endif
    loss += xent_row_portable(x, j->vocab, target, j->scale);
    ++count;
  }
  j->loss[tid] = loss;
  j->count[tid] = count;
}

void CLSTM_softmax_xent(CLSTM_Pool *pool, float *logits, int rows, int vocab, const int32_t *targets, float scale,
                        double *lossSum, long *count) {
  XentJob j;
  j.logits = logits;
  j.rows = rows;
  j.vocab = vocab;
  j.targets = targets;
  j.scale = scale;
  for (int i = 0; i < 64; ++i) {
    j.loss[i] = 0;
    j.count[i] = 0;
  }
  clstm_pool_run(pool, xent_job, &j);
  double l = 0;
  long n = 0;
  for (int i = 0; i < 64; ++i) {
    l += j.loss[i];
    n += j.count[i];
  }
  *lossSum = l;
  *count = n;
}

// MARK: - Column sums

typedef struct {
  const float *x;
  int rows, n, accumulate;
  long ld;
  float *out;
} ColumnJob;

static void column_sums_job(void *raw, int tid, int threads) {
  const ColumnJob *j = raw;
  long lo, hi;
  clstm_split((j->n + 15) / 16, tid, threads, &lo, &hi);
  int c0 = (int)lo * 16, c1 = (int)hi * 16 < j->n ? (int)hi * 16 : j->n;
  if (c1 <= c0) return;
  if (!j->accumulate) memset(j->out + c0, 0, (size_t)(c1 - c0) * sizeof(float));
  for (int r = 0; r < j->rows; ++r) {
    const float *xr = j->x + r * j->ld;
    for (int c = c0; c < c1; ++c) j->out[c] += xr[c];
  }
}

void CLSTM_column_sums(CLSTM_Pool *pool, const float *x, int rows, int n, long ld, float *out, int accumulate) {
  ColumnJob j = {x, rows, n, accumulate, ld, out};
  clstm_pool_run(pool, column_sums_job, &j);
}

// MARK: - Dropout

typedef struct {
  float *mask;
  const float *x;
  float *out;
  long n;
  float p;
  uint64_t key;
} VectorJob;

static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void dropout_job(void *raw, int tid, int threads) {
  const VectorJob *j = raw;
  long lo, hi;
  clstm_split(j->n, tid, threads, &lo, &hi);
  const float keep = 1.0f / (1.0f - j->p);
  const uint64_t k = mix64(j->key);
  for (long i = lo; i < hi; ++i) {
    uint64_t z = mix64(k + (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull);
    float u = (float)(z >> 40) * (1.0f / 16777216.0f);
    j->mask[i] = u < j->p ? 0.0f : keep;
  }
}

void CLSTM_dropout_mask(CLSTM_Pool *pool, float *mask, long n, float p, uint64_t key) {
  VectorJob j = {mask, NULL, NULL, n, p, key};
  clstm_pool_run(pool, dropout_job, &j);
}

static void multiply_job(void *raw, int tid, int threads) {
  const VectorJob *j = raw;
  long lo, hi;
  clstm_split(j->n, tid, threads, &lo, &hi);
  for (long i = lo; i < hi; ++i) j->out[i] = j->x[i] * j->mask[i];
}

void CLSTM_multiply(CLSTM_Pool *pool, const float *x, const float *mask, float *out, long n) {
  VectorJob j = {(float *)mask, x, out, n, 0, 0};
  clstm_pool_run(pool, multiply_job, &j);
}

// MARK: - Norm and Adam

typedef struct {
  const float *x;
  long n;
  double partial[64];
} SumSquaresJob;

static void sum_squares_job(void *raw, int tid, int threads) {
  SumSquaresJob *j = raw;
  long lo, hi;
  clstm_split(j->n, tid, threads, &lo, &hi);
  // Float partial sums over blocks of 1024, accumulated in double.
  double total = 0;
  for (long b = lo; b < hi; b += 1024) {
    long e = b + 1024 < hi ? b + 1024 : hi;
    float s = 0;
    for (long i = b; i < e; ++i) s += j->x[i] * j->x[i];
    total += s;
  }
  j->partial[tid] = total;
}

double CLSTM_sum_squares(CLSTM_Pool *pool, const float *x, long n) {
  SumSquaresJob j;
  j.x = x;
  j.n = n;
  for (int i = 0; i < 64; ++i) j.partial[i] = 0;
  clstm_pool_run(pool, sum_squares_job, &j);
  double s = 0;
  for (int i = 0; i < 64; ++i) s += j.partial[i];
  return s;
}

typedef struct {
  float *param, *m, *v;
  const float *grad;
  long n;
  float lr, beta1, beta2, eps, decay, gradScale, stepSize, bc2sqrt;
} AdamJob;

static void adam_job(void *raw, int tid, int threads) {
  const AdamJob *j = raw;
  long lo, hi;
  clstm_split(j->n, tid, threads, &lo, &hi);
  const float shrink = 1.0f - j->lr * j->decay;
  for (long i = lo; i < hi; ++i) {
    float g = j->grad[i] * j->gradScale;
    float m = j->m[i] + (1.0f - j->beta1) * (g - j->m[i]);
    float v = j->v[i] * j->beta2 + (1.0f - j->beta2) * g * g;
    j->m[i] = m;
    j->v[i] = v;
    float p = j->decay > 0 ? j->param[i] * shrink : j->param[i];
    j->param[i] = p - j->stepSize * m / (sqrtf(v) / j->bc2sqrt + j->eps);
  }
}

void CLSTM_adam(CLSTM_Pool *pool, float *param, const float *grad, float *m, float *v, long n, float lr, float beta1,
                float beta2, float eps, float decay, float gradScale, long step) {
  double bc1 = 1.0 - pow((double)beta1, (double)step);
  double bc2 = 1.0 - pow((double)beta2, (double)step);
  AdamJob j = {param, m, v, grad, n, lr, beta1, beta2, eps, decay, gradScale, (float)(lr / bc1), (float)sqrt(bc2)};
  clstm_pool_run(pool, adam_job, &j);
}

// MARK: - Activations (tests)

#if CLSTM_X86
CLSTM_T512 static void activation_avx512(int kind, const float *x, float *out, long n) {
  for (long i = 0; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
    __m512 v = _mm512_maskz_loadu_ps(m, x + i);
    __m512 r = kind == 0 ? clstm_sigmoid512(v) : kind == 1 ? clstm_tanh512(v) : clstm_exp512(v);
    _mm512_mask_storeu_ps(out + i, m, r);
  }
}
#endif

void CLSTM_activation(int kind, const float *x, float *out, long n) {
#if CLSTM_X86
  if (clstm_use_avx512()) {
    activation_avx512(kind, x, out, n);
    return;
  }
#endif
  for (long i = 0; i < n; ++i) out[i] = kind == 0 ? clstm_sigmoidf(x[i]) : kind == 1 ? tanhf(x[i]) : expf(x[i]);
}
