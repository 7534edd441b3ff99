// Internal declarations shared by the CLSTMKernels sources.
#ifndef CLSTM_INTERNAL_H
#define CLSTM_INTERNAL_H

#include "CLSTMKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CLSTM_X86 1
#define CLSTM_T512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#else
#define CLSTM_X86 0
#endif

#define CLSTM_INLINE static inline __attribute__((always_inline))

/// A job body: runs on every worker with its id in [0, threads).
typedef void (*clstm_job_fn)(void *ctx, int tid, int threads);

/// Runs `fn` on all workers (the caller is worker 0) and returns when all have finished.
void clstm_pool_run(CLSTM_Pool *pool, clstm_job_fn fn, void *ctx);
/// Spin barrier for all workers of the running job.
void clstm_pool_barrier(CLSTM_Pool *pool);

/// Worker `tid`'s share [lo, hi) of n items.
CLSTM_INLINE void clstm_split(long n, int tid, int threads, long *lo, long *hi) {
  *lo = n * tid / threads;
  *hi = n * (tid + 1) / threads;
}

/// Whether the AVX-512 paths are in use (CPU support and not forced off).
int clstm_use_avx512(void);

/// C[R x 64] = A1[R x k1] · P[0..k1) + A2[R x k2] · P[k1..k1+k2); P is one packed strip ([k1+k2] x 64).
/// A rows are at stride lda1/lda2. R in 1...6.
void clstm_strip_product(int rows, const float *a1, long lda1, int k1, const float *a2, long lda2, int k2,
                         const float *p, float *c);

/// C[rows x 64] = the same product for any number of rows (row blocks of ≤ 6 share each k-chunk of the strip).
void clstm_strip_product_all(int rows, const float *a1, long lda1, int k1, const float *a2, long lda2, int k2,
                             const float *p, float *c);

/// Whether the bfloat16 kernels run (AVX512_BF16 present and portable kernels not forced).
int clstm_use_bf16(void);

/// C[rows x 64] (row stride ldc) = (init) or += A · P for one packed bf16 strip; see bf16.c.
void clstm_bf16_strip(int rows, const uint16_t *a, long lda, int k, const uint16_t *p, float *c, long ldc, int init,
                      int chunked);

/// float → bfloat16, round to nearest even.
static inline uint16_t clstm_to_bf16(float x) {
  uint32_t u;
  memcpy(&u, &x, 4);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x40);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}

/// Stores bf16(x[i]) to dst[i] for the lanes in `mask` (AVX512_BF16 path).
void clstm_store_bf16x16(uint16_t *dst, uint32_t mask, const float *x);

/// Rows per block (1...6) for a batch of `batch` rows: near-equal blocks of at most 6.
CLSTM_INLINE int clstm_row_blocks(int batch) { return (batch + 5) / 6; }
CLSTM_INLINE int clstm_block_start(int batch, int block) { return (int)((long)batch * block / clstm_row_blocks(batch)); }

// Scalar reference activations (portable path).
CLSTM_INLINE float clstm_sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

/// Source row of output column c of packed strip s, or -1 for zero padding. `gates`: column c of strip s is gate
/// c/16 of hidden unit 16 s + c%16 (n = hidden units, gate rows n apart); otherwise column c is row 64 s + c of n.
CLSTM_INLINE long clstm_strip_source_row(int gates, int n, int s, int c) {
  if (gates) {
    int unit = 16 * s + (c & 15);
    return unit < n ? (long)(c >> 4) * n + unit : -1;
  }
  int row = CLSTM_STRIP_WIDTH * s + c;
  return row < n ? row : -1;
}

#if CLSTM_X86
// Vector exp: Cephes expf polynomial after reduction by ln 2; about 1 ulp on [-87, 88].
CLSTM_T512 CLSTM_INLINE __m512 clstm_exp512(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}
CLSTM_T512 CLSTM_INLINE __m512 clstm_sigmoid512(__m512 x) {
  __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, clstm_exp512(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}
/// tanh(x) = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}): accurate in relative terms near 0 as well.
CLSTM_T512 CLSTM_INLINE __m512 clstm_tanh512(__m512 x) {
  __m512 ax = _mm512_abs_ps(x);
  __m512 e = clstm_exp512(_mm512_mul_ps(ax, _mm512_set1_ps(-2.0f)));
  __m512 one = _mm512_set1_ps(1.0f);
  // For small |x|, 1 - e loses bits: use the series x - x³/3 + 2x⁵/15 below 0.0625.
  __m512 t = _mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e));
  __m512 x2 = _mm512_mul_ps(ax, ax);
  __m512 s = _mm512_fmadd_ps(x2, _mm512_set1_ps(2.0f / 15.0f), _mm512_set1_ps(-1.0f / 3.0f));
  s = _mm512_fmadd_ps(_mm512_mul_ps(s, x2), ax, ax);
  __mmask16 small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.0625f), _CMP_LT_OQ);
  t = _mm512_mask_blend_ps(small, t, s);
  // copy the sign of x
  return _mm512_or_ps(t, _mm512_and_ps(x, _mm512_set1_ps(-0.0f)));
}

/// Transposes 16 registers of 16 lanes in place: r[j] lane i ← r[i] lane j (32-bit lanes of any type).
CLSTM_T512 CLSTM_INLINE void clstm_transpose16(__m512 r[16]) {
  __m512 t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {
    u[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int j = 0; j < 4; ++j) {
    __m512 v0 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88), v1 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xdd);
    __m512 v2 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88), v3 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xdd);
    r[j] = _mm512_shuffle_f32x4(v0, v2, 0x88);
    r[j + 8] = _mm512_shuffle_f32x4(v0, v2, 0xdd);
    r[j + 4] = _mm512_shuffle_f32x4(v1, v3, 0x88);
    r[j + 12] = _mm512_shuffle_f32x4(v1, v3, 0xdd);
  }
}
#endif

#endif
