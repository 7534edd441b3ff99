// The strip product: C[R x 64] = A · P for one packed strip, R ≤ 6 rows. This is the per-step recurrent
// product (h · W_hhᵀ forward, dz · W_hh backward) and the sampling GEMV chain.
#include "internal.h"
#include <stdatomic.h>

static _Atomic int forcePortable = 0;

int CLSTM_has_avx512(void) {
#if CLSTM_X86
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}

void CLSTM_force_portable(int on) { atomic_store(&forcePortable, on ? 1 : 0); }

int clstm_use_bf16(void) {
  static _Atomic int cached = -1;  // every thread computes the same value, so racing first calls agree
  int value = atomic_load_explicit(&cached, memory_order_relaxed);
  if (value < 0) {
    value = CLSTM_has_bf16();
    atomic_store_explicit(&cached, value, memory_order_relaxed);
  }
  return value && !atomic_load_explicit(&forcePortable, memory_order_relaxed);
}

int clstm_use_avx512(void) {
  static _Atomic int cached = -1;  // every thread computes the same value, so racing first calls agree
  int value = atomic_load_explicit(&cached, memory_order_relaxed);
  if (value < 0) {
    value = CLSTM_has_avx512();
    atomic_store_explicit(&cached, value, memory_order_relaxed);
  }
  return value && !atomic_load_explicit(&forcePortable, memory_order_relaxed);
}

// MARK: - Portable

static void strip_portable(int rows, const float *a1, long lda1, int k1, const float *a2, long lda2, int k2,
                           const float *p, float *c) {
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < CLSTM_STRIP_WIDTH; ++j) c[r * CLSTM_STRIP_WIDTH + j] = 0.0f;
  for (int k = 0; k < k1; ++k) {
    const float *pk = p + (long)k * CLSTM_STRIP_WIDTH;
    for (int r = 0; r < rows; ++r) {
      float a = a1[r * lda1 + k];
      float *cr = c + r * CLSTM_STRIP_WIDTH;
      for (int j = 0; j < CLSTM_STRIP_WIDTH; ++j) cr[j] += a * pk[j];
    }
  }
  p += (long)k1 * CLSTM_STRIP_WIDTH;
  for (int k = 0; k < k2; ++k) {
    const float *pk = p + (long)k * CLSTM_STRIP_WIDTH;
    for (int r = 0; r < rows; ++r) {
      float a = a2[r * lda2 + k];
      float *cr = c + r * CLSTM_STRIP_WIDTH;
      for (int j = 0; j < CLSTM_STRIP_WIDTH; ++j) cr[j] += a * pk[j];
    }
  }
}

#if CLSTM_X86
// MARK: - AVX-512

/// R rows x 4 registers of accumulators; R is a compile-time constant at every call site (the loops unroll and the
/// accumulators live in registers: 24 for R = 6, plus 4 for the strip row and 1 broadcast).
CLSTM_T512 CLSTM_INLINE void strip_rows512(const int R, const float *a, long lda, int k, const float *p,
                                           __m512 acc[6][4]) {
  for (int kk = 0; kk < k; ++kk) {
    const float *pk = p + (long)kk * CLSTM_STRIP_WIDTH;
    __m512 w0 = _mm512_load_ps(pk), w1 = _mm512_load_ps(pk + 16);
    __m512 w2 = _mm512_load_ps(pk + 32), w3 = _mm512_load_ps(pk + 48);
#pragma clang loop unroll(full)
    for (int r = 0; r < R; ++r) {
      __m512 x = _mm512_set1_ps(a[r * lda + kk]);
      acc[r][0] = _mm512_fmadd_ps(x, w0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, w1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(x, w2, acc[r][2]);
      acc[r][3] = _mm512_fmadd_ps(x, w3, acc[r][3]);
    }
  }
}

/// R rows of one k-chunk, accumulating into C (initialised to zero when `init`).
#define STRIP_ACC_R(R)                                                                                        \
  CLSTM_T512 static void strip512acc_##R(const float *a, long lda, int k, const float *p, float *c, int init) { \
    __m512 acc[6][4];                                                                                         \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; ++r) {                                          \
      for (int j = 0; j < 4; ++j) acc[r][j] = init ? _mm512_setzero_ps() : _mm512_load_ps(c + r * 64 + 16 * j); \
    }                                                                                                         \
    strip_rows512(R, a, lda, k, p, acc);                                                                      \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; ++r) {                                          \
      for (int j = 0; j < 4; ++j) _mm512_store_ps(c + r * 64 + 16 * j, acc[r][j]);                           \
    }                                                                                                         \
  }
STRIP_ACC_R(1)
STRIP_ACC_R(2)
STRIP_ACC_R(3)
STRIP_ACC_R(4)
STRIP_ACC_R(5)
STRIP_ACC_R(6)

CLSTM_T512 static void strip512acc(int rows, const float *a, long lda, int k, const float *p, float *c, int init) {
  switch (rows) {
    case 1: strip512acc_1(a, lda, k, p, c, init); break;
    case 2: strip512acc_2(a, lda, k, p, c, init); break;
    case 3: strip512acc_3(a, lda, k, p, c, init); break;
    case 4: strip512acc_4(a, lda, k, p, c, init); break;
    case 5: strip512acc_5(a, lda, k, p, c, init); break;
    default: strip512acc_6(a, lda, k, p, c, init); break;
  }
}

#define STRIP_R(R)                                                                                            \
  CLSTM_T512 static void strip512_##R(const float *a1, long lda1, int k1, const float *a2, long lda2, int k2, \
                                      const float *p, float *c) {                                             \
    __m512 acc[6][4];                                                                                         \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; ++r) {                                          \
      acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = _mm512_setzero_ps();                                    \
    }                                                                                                         \
    strip_rows512(R, a1, lda1, k1, p, acc);                                                                   \
    if (k2 > 0) strip_rows512(R, a2, lda2, k2, p + (long)k1 * CLSTM_STRIP_WIDTH, acc);                        \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; ++r) {                                          \
      _mm512_store_ps(c + r * 64, acc[r][0]);                                                                 \
      _mm512_store_ps(c + r * 64 + 16, acc[r][1]);                                                            \
      _mm512_store_ps(c + r * 64 + 32, acc[r][2]);                                                            \
      _mm512_store_ps(c + r * 64 + 48, acc[r][3]);                                                            \
    }                                                                                                         \
  }
STRIP_R(2)
STRIP_R(3)
STRIP_R(4)
STRIP_R(5)
STRIP_R(6)

/// One row (a GEMV strip): two independent accumulator sets over even and odd k hide the FMA latency.
CLSTM_T512 static void strip1_segment(const float *a, int k, const float *p, __m512 s[8]) {
  int kk = 0;
  for (; kk + 1 < k; kk += 2) {
    const float *pk = p + (long)kk * CLSTM_STRIP_WIDTH;
    __m512 x0 = _mm512_set1_ps(a[kk]), x1 = _mm512_set1_ps(a[kk + 1]);
    s[0] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk), s[0]);
    s[1] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk + 16), s[1]);
    s[2] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk + 32), s[2]);
    s[3] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk + 48), s[3]);
    s[4] = _mm512_fmadd_ps(x1, _mm512_load_ps(pk + 64), s[4]);
    s[5] = _mm512_fmadd_ps(x1, _mm512_load_ps(pk + 80), s[5]);
    s[6] = _mm512_fmadd_ps(x1, _mm512_load_ps(pk + 96), s[6]);
    s[7] = _mm512_fmadd_ps(x1, _mm512_load_ps(pk + 112), s[7]);
  }
  if (kk < k) {
    const float *pk = p + (long)kk * CLSTM_STRIP_WIDTH;
    __m512 x0 = _mm512_set1_ps(a[kk]);
    s[0] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk), s[0]);
    s[1] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk + 16), s[1]);
    s[2] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk + 32), s[2]);
    s[3] = _mm512_fmadd_ps(x0, _mm512_load_ps(pk + 48), s[3]);
  }
}

CLSTM_T512 static void strip512_1(const float *a1, long lda1, int k1, const float *a2, long lda2, int k2,
                                  const float *p, float *c) {
  (void)lda1;
  (void)lda2;
  __m512 s[8];
  for (int i = 0; i < 8; ++i) s[i] = _mm512_setzero_ps();
  strip1_segment(a1, k1, p, s);
  if (k2 > 0) strip1_segment(a2, k2, p + (long)k1 * CLSTM_STRIP_WIDTH, s);
  _mm512_store_ps(c, _mm512_add_ps(s[0], s[4]));
  _mm512_store_ps(c + 16, _mm512_add_ps(s[1], s[5]));
  _mm512_store_ps(c + 32, _mm512_add_ps(s[2], s[6]));
  _mm512_store_ps(c + 48, _mm512_add_ps(s[3], s[7]));
}
#endif

void clstm_strip_product(int rows, const float *a1, long lda1, int k1, const float *a2, long lda2, int k2,
                         const float *p, float *c) {
#if CLSTM_X86
  if (clstm_use_avx512()) {
    switch (rows) {
      case 1: strip512_1(a1, lda1, k1, a2, lda2, k2, p, c); return;
      case 2: strip512_2(a1, lda1, k1, a2, lda2, k2, p, c); return;
      case 3: strip512_3(a1, lda1, k1, a2, lda2, k2, p, c); return;
      case 4: strip512_4(a1, lda1, k1, a2, lda2, k2, p, c); return;
      case 5: strip512_5(a1, lda1, k1, a2, lda2, k2, p, c); return;
      case 6: strip512_6(a1, lda1, k1, a2, lda2, k2, p, c); return;
      default: break;
    }
  }
#endif
  strip_portable(rows, a1, lda1, k1, a2, lda2, k2, p, c);
}

/// Rows of the k-chunk interleave: the strip is streamed once per chunk of `kChunk` k values and reused from L1 by
/// every row block, instead of once per row block.
enum { kChunk = 128 };

void clstm_strip_product_all(int rows, const float *a1, long lda1, int k1, const float *a2, long lda2, int k2,
                             const float *p, float *c) {
  const int blocks = clstm_row_blocks(rows);
  if (blocks == 1) {
    clstm_strip_product(rows, a1, lda1, k1, a2, lda2, k2, p, c);
    return;
  }
#if CLSTM_X86
  if (clstm_use_avx512()) {
    int first = 1;
    for (int segment = 0; segment < 2; ++segment) {
      const float *a = segment == 0 ? a1 : a2;
      const long lda = segment == 0 ? lda1 : lda2;
      const int k = segment == 0 ? k1 : k2;
      const float *ps = segment == 0 ? p : p + (long)k1 * CLSTM_STRIP_WIDTH;
      for (int k0 = 0; k0 < k; k0 += kChunk) {
        const int kn = k - k0 < kChunk ? k - k0 : kChunk;
        for (int blk = 0; blk < blocks; ++blk) {
          const int r0 = clstm_block_start(rows, blk), r1 = clstm_block_start(rows, blk + 1);
          strip512acc(r1 - r0, a + (long)r0 * lda + k0, lda, kn, ps + (long)k0 * CLSTM_STRIP_WIDTH,
                      c + (long)r0 * CLSTM_STRIP_WIDTH, first);
        }
        first = 0;
      }
    }
    if (first) memset(c, 0, (size_t)rows * CLSTM_STRIP_WIDTH * sizeof(float));
    return;
  }
#endif
  for (int blk = 0; blk < blocks; ++blk) {
    const int r0 = clstm_block_start(rows, blk), r1 = clstm_block_start(rows, blk + 1);
    clstm_strip_product(r1 - r0, a1 + (long)r0 * lda1, lda1, k1, a2 ? a2 + (long)r0 * lda2 : NULL, lda2, k2, p,
                        c + (long)r0 * CLSTM_STRIP_WIDTH);
  }
}
