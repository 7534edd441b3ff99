// bfloat16 products with float32 accumulation (AVX512_BF16 `vdpbf16ps`: two multiply-adds per lane, twice the FLOP
// rate of float32 FMA). Used by mixed-precision training: master weights, activations kept for the backward pass,
// gate nonlinearities and all sums stay float32; only the operands of the large products are rounded to bfloat16
// (round to nearest even).
//
// Packed bf16 strip layout: for strip s (64 output columns) and k-pair kp, 64 x 2 bf16 values: element (k, c) sits at
// ((kp * 64) + c) * 2 + (k % 2), kp = k / 2. A zmm register of a strip row holds 16 columns x 2 consecutive k.
// A operands (the broadcast side) are row-major bf16 with an even row stride, zero-padded past K.
#include "internal.h"
#include <stdlib.h>

#if CLSTM_X86
#define CLSTM_TBF16 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx512bf16,avx2,fma")))
#endif

int CLSTM_has_bf16(void) {
#if CLSTM_X86
  __builtin_cpu_init();
  return CLSTM_has_avx512() && __builtin_cpu_supports("avx512bf16");
#else
  return 0;
#endif
}

size_t CLSTM_packed_bf16_size(int columns, int k) {
  size_t strips = ((size_t)columns + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH;
  return strips * (((size_t)k + 1) / 2) * 2 * CLSTM_STRIP_WIDTH;
}

#define to_bf16 clstm_to_bf16

static inline float from_bf16(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float x;
  memcpy(&x, &u, 4);
  return x;
}

#if CLSTM_X86
/// 16 floats → 16 bf16 (RNE).
CLSTM_TBF16 CLSTM_INLINE __m256i cvt16(__m512 x) { return (__m256i)_mm512_cvtneps_pbh(x); }

CLSTM_TBF16 void clstm_store_bf16x16(uint16_t *dst, uint32_t mask, const float *x) {
  _mm256_mask_storeu_epi16(dst, (__mmask16)mask, cvt16(_mm512_loadu_ps(x)));
}
#else
void clstm_store_bf16x16(uint16_t *dst, uint32_t mask, const float *x) {
  for (int i = 0; i < 16; ++i)
    if (mask >> i & 1) dst[i] = clstm_to_bf16(x[i]);
}
#endif

// MARK: - Strip product

#if CLSTM_X86
CLSTM_TBF16 CLSTM_INLINE void bf16_rows(const int R, const uint16_t *a, long lda, int kp0, int kp1, const uint16_t *p,
                                        __m512 acc[6][4]) {
  for (int kp = kp0; kp < kp1; ++kp) {
    const uint16_t *pk = p + (long)kp * 2 * CLSTM_STRIP_WIDTH;
    __m512bh w0 = (__m512bh)_mm512_load_si512(pk), w1 = (__m512bh)_mm512_load_si512(pk + 32);
    __m512bh w2 = (__m512bh)_mm512_load_si512(pk + 64), w3 = (__m512bh)_mm512_load_si512(pk + 96);
#pragma clang loop unroll(full)
    for (int r = 0; r < R; ++r) {
      int32_t pair;
      memcpy(&pair, a + r * lda + 2 * kp, 4);
      __m512bh x = (__m512bh)_mm512_set1_epi32(pair);
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], x, w0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], x, w1);
      acc[r][2] = _mm512_dpbf16_ps(acc[r][2], x, w2);
      acc[r][3] = _mm512_dpbf16_ps(acc[r][3], x, w3);
    }
  }
}

#define BF16_R(R)                                                                                               \
  CLSTM_TBF16 static void bf16_block_##R(const uint16_t *a, long lda, int kp0, int kp1, const uint16_t *p, float *c, \
                                         long ldc, int init) {                                                  \
    __m512 acc[6][4];                                                                                           \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; ++r) {                                            \
      for (int j = 0; j < 4; ++j) acc[r][j] = init ? _mm512_setzero_ps() : _mm512_loadu_ps(c + r * ldc + 16 * j); \
    }                                                                                                           \
    bf16_rows(R, a, lda, kp0, kp1, p, acc);                                                                     \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; ++r) {                                            \
      for (int j = 0; j < 4; ++j) _mm512_storeu_ps(c + r * ldc + 16 * j, acc[r][j]);                            \
    }                                                                                                           \
  }
BF16_R(1)
BF16_R(2)
BF16_R(3)
BF16_R(4)
BF16_R(5)
BF16_R(6)

CLSTM_TBF16 static void bf16_block(int rows, const uint16_t *a, long lda, int kp0, int kp1, const uint16_t *p, float *c,
                                   long ldc, int init) {
  switch (rows) {
    case 1: bf16_block_1(a, lda, kp0, kp1, p, c, ldc, init); break;
    case 2: bf16_block_2(a, lda, kp0, kp1, p, c, ldc, init); break;
    case 3: bf16_block_3(a, lda, kp0, kp1, p, c, ldc, init); break;
    case 4: bf16_block_4(a, lda, kp0, kp1, p, c, ldc, init); break;
    case 5: bf16_block_5(a, lda, kp0, kp1, p, c, ldc, init); break;
    default: bf16_block_6(a, lda, kp0, kp1, p, c, ldc, init); break;
  }
}
#endif

/// C[rows x 64] (row stride ldc) = (or +=, when !init) A[rows x K] · P, A bf16 with row stride lda, P one packed bf16
/// strip. `chunked`: k-pairs in chunks shared by all row blocks (few rows, P streamed once); otherwise each row block
/// runs the whole K (many rows, P strip resident in L2).
void clstm_bf16_strip(int rows, const uint16_t *a, long lda, int k, const uint16_t *p, float *c, long ldc, int init,
                      int chunked) {
  const int pairs = (k + 1) / 2;
  const int blocks = clstm_row_blocks(rows);
#if CLSTM_X86
  const int chunk = chunked ? 32 : pairs;
  if (pairs == 0) {
    if (init)
      for (int r = 0; r < rows; ++r) memset(c + r * ldc, 0, CLSTM_STRIP_WIDTH * sizeof(float));
    return;
  }
  for (int kp0 = 0; kp0 < pairs; kp0 += chunk) {
    const int kp1 = kp0 + chunk < pairs ? kp0 + chunk : pairs;
    for (int blk = 0; blk < blocks; ++blk) {
      const int r0 = clstm_block_start(rows, blk), r1 = clstm_block_start(rows, blk + 1);
      bf16_block(r1 - r0, a + (long)r0 * lda, lda, kp0, kp1, p, c + (long)r0 * ldc, ldc, init && kp0 == 0);
    }
  }
#else
  (void)blocks;
  (void)chunked;
  for (int r = 0; r < rows; ++r) {
    float *cr = c + r * ldc;
    if (init) memset(cr, 0, CLSTM_STRIP_WIDTH * sizeof(float));
    for (int kp = 0; kp < pairs; ++kp)
      for (int j = 0; j < CLSTM_STRIP_WIDTH; ++j)
        cr[j] += from_bf16(a[r * lda + 2 * kp]) * from_bf16(p[(kp * 64 + j) * 2]) +
                 from_bf16(a[r * lda + 2 * kp + 1]) * from_bf16(p[(kp * 64 + j) * 2 + 1]);
  }
#endif
}

// MARK: - GEMM

typedef struct {
  int m, n, k;
  const uint16_t *a;
  long lda;
  const uint16_t *p;
  float *c;
  long ldc;
  int accumulate;
} GemmBF16Job;

static void gemm_bf16_job(void *raw, int tid, int threads) {
  const GemmBF16Job *j = raw;
  const int strips = (j->n + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH;
  const long stripSize = (long)((j->k + 1) / 2) * 2 * CLSTM_STRIP_WIDTH;
  float tail[6 * CLSTM_STRIP_WIDTH] __attribute__((aligned(64)));
  // Rows are processed in panels so a panel of A stays in L2 while every strip of this worker passes over it.
  const int panel = 96;
  long s0, s1;
  clstm_split(strips, tid, threads, &s0, &s1);
  for (int m0 = 0; m0 < j->m; m0 += panel) {
    const int mn = j->m - m0 < panel ? j->m - m0 : panel;
    for (long s = s0; s < s1; ++s) {
      const int c0 = (int)s * CLSTM_STRIP_WIDTH;
      const int cn = j->n - c0 < CLSTM_STRIP_WIDTH ? j->n - c0 : CLSTM_STRIP_WIDTH;
      const uint16_t *p = j->p + s * stripSize;
      if (cn == CLSTM_STRIP_WIDTH) {
        clstm_bf16_strip(mn, j->a + (long)m0 * j->lda, j->lda, j->k, p, j->c + (long)m0 * j->ldc + c0, j->ldc,
                         !j->accumulate, 0);
        continue;
      }
      // A partial last strip goes through a scratch tile so nothing is written past column n.
      for (int r0 = 0; r0 < mn; r0 += 6) {
        const int rn = mn - r0 < 6 ? mn - r0 : 6;
        clstm_bf16_strip(rn, j->a + (long)(m0 + r0) * j->lda, j->lda, j->k, p, tail, CLSTM_STRIP_WIDTH, 1, 0);
        for (int r = 0; r < rn; ++r) {
          float *cr = j->c + (long)(m0 + r0 + r) * j->ldc + c0;
          for (int c = 0; c < cn; ++c) cr[c] = (j->accumulate ? cr[c] : 0.0f) + tail[r * CLSTM_STRIP_WIDTH + c];
        }
      }
    }
  }
}

void CLSTM_gemm_bf16(CLSTM_Pool *pool, int m, int n, int k, const uint16_t *a, long lda, const uint16_t *packed,
                     float *c, long ldc, int accumulate) {
  if (m <= 0 || n <= 0) return;
  GemmBF16Job j = {m, n, k, a, lda, packed, c, ldc, accumulate};
  clstm_pool_run(pool, gemm_bf16_job, &j);
}

// MARK: - Packing

typedef struct {
  const float *w;
  long ld;
  int k, n;       // source: rows-mode w is [n x k] (output column c = row c); columns-mode w is [k x n]
  int gates;      // rows mode: output column c of strip s is gate c/16, unit 16 s + c%16 (n = hidden units)
  int strips;
  uint16_t *packed;
} PackBF16Job;

static inline long gate_row(const PackBF16Job *j, int s, int c) { return clstm_strip_source_row(j->gates, j->n, s, c); }

#if CLSTM_X86
/// 16 x 16 transpose of 32-bit lanes (pairs of bf16).
CLSTM_TBF16 CLSTM_INLINE void transpose16i(__m512i r[16]) {
  __m512 f[16];
  for (int i = 0; i < 16; ++i) f[i] = _mm512_castsi512_ps(r[i]);
  clstm_transpose16(f);
  for (int i = 0; i < 16; ++i) r[i] = _mm512_castps_si512(f[i]);
}

/// Rows mode, 16 output columns: source rows src[c] (NULL: zero) → pairs (k, k+1) per column, 16 pairs (32 k) at a
/// time: convert each row's 32 floats to 16 pairs, transpose the 16 x 16 pair matrix, store 16 k-pair rows.
CLSTM_TBF16 static void pack16_rows_bf16(const float *const src[16], int k, uint16_t *dst) {
  int k0 = 0;
  for (; k0 + 32 <= k; k0 += 32) {
    __m512i r[16];
    for (int i = 0; i < 16; ++i) {
      r[i] = src[i] ? (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(src[i] + k0 + 16), _mm512_loadu_ps(src[i] + k0))
                    : _mm512_setzero_si512();
    }
    transpose16i(r);
    for (int j = 0; j < 16; ++j) _mm512_storeu_si512(dst + (long)(k0 / 2 + j) * 2 * CLSTM_STRIP_WIDTH, r[j]);
  }
  for (; k0 < k; ++k0)
    for (int i = 0; i < 16; ++i)
      dst[(long)(k0 / 2) * 2 * CLSTM_STRIP_WIDTH + 2 * i + (k0 & 1)] = src[i] ? to_bf16(src[i][k0]) : 0;
}
#endif

static void pack16_rows_bf16_portable(const float *const src[16], int k, uint16_t *dst) {
  for (int kk = 0; kk < k; ++kk)
    for (int i = 0; i < 16; ++i)
      dst[(long)(kk / 2) * 2 * CLSTM_STRIP_WIDTH + 2 * i + (kk & 1)] = src[i] ? to_bf16(src[i][kk]) : 0;
}

static void pack_rows_bf16_job(void *raw, int tid, int threads) {
  const PackBF16Job *j = raw;
  long lo, hi;
  clstm_split(j->strips, tid, threads, &lo, &hi);
  const long stripSize = (long)((j->k + 1) / 2) * 2 * CLSTM_STRIP_WIDTH;
  for (long s = lo; s < hi; ++s) {
    uint16_t *dst = j->packed + s * stripSize;
    if (j->k & 1) memset(dst + stripSize - 2 * CLSTM_STRIP_WIDTH, 0, 2 * CLSTM_STRIP_WIDTH * sizeof(uint16_t));
    for (int q = 0; q < 4; ++q) {
      const float *src[16];
      for (int c = 0; c < 16; ++c) {
        long row = gate_row(j, (int)s, 16 * q + c);
        src[c] = row < 0 ? NULL : j->w + row * j->ld;
      }
#if CLSTM_X86
      if (clstm_use_bf16()) {
        pack16_rows_bf16(src, j->k, dst + 2 * 16 * q);
        continue;
      }
#endif
      pack16_rows_bf16_portable(src, j->k, dst + 2 * 16 * q);
    }
  }
}

void CLSTM_pack_gates_bf16(CLSTM_Pool *pool, const float *w, int k, long ld, int hidden, uint16_t *packed) {
  PackBF16Job j = {w, ld, k, hidden, 1, (hidden + 15) / 16, packed};
  clstm_pool_run(pool, pack_rows_bf16_job, &j);
}

void CLSTM_pack_rows_bf16(CLSTM_Pool *pool, const float *w, int n, int k, long ld, uint16_t *packed) {
  PackBF16Job j = {w, ld, k, n, 0, (n + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH, packed};
  clstm_pool_run(pool, pack_rows_bf16_job, &j);
}

#if CLSTM_X86
/// One k-pair row of a column strip: 64 columns of rows r0 and r1 (NULL: zero) interleaved as bf16 pairs.
CLSTM_TBF16 static void pair_row_bf16(const float *r0, const float *r1, uint16_t *d) {
  for (int q = 0; q < 4; ++q) {
    __m512i lo16 = _mm512_cvtepu16_epi32(cvt16(_mm512_loadu_ps(r0 + 16 * q)));
    __m512i hi16 = r1 ? _mm512_cvtepu16_epi32(cvt16(_mm512_loadu_ps(r1 + 16 * q))) : _mm512_setzero_si512();
    _mm512_storeu_si512(d + 32 * q, _mm512_or_si512(lo16, _mm512_slli_epi32(hi16, 16)));
  }
}

/// d[0..<n16] = bf16(s[0..<n16]), n16 a multiple of 16.
CLSTM_TBF16 static void convert_run_bf16(const float *s, uint16_t *d, int n16) {
  for (int c = 0; c < n16; c += 16) _mm256_storeu_si256((__m256i *)(d + c), cvt16(_mm512_loadu_ps(s + c)));
}
#endif

static void pack_columns_bf16_job(void *raw, int tid, int threads) {
  const PackBF16Job *j = raw;
  const int pairs = (j->k + 1) / 2;
  const long stripSize = (long)pairs * 2 * CLSTM_STRIP_WIDTH;
  long lo, hi;
  clstm_split(j->strips, tid, threads, &lo, &hi);
#if CLSTM_X86
  const int wide = clstm_use_bf16();
#endif
  for (long s = lo; s < hi; ++s) {
    uint16_t *dst = j->packed + s * stripSize;
    const int c0 = (int)s * CLSTM_STRIP_WIDTH;
    const int cn = j->n - c0 < CLSTM_STRIP_WIDTH ? j->n - c0 : CLSTM_STRIP_WIDTH;
    for (int kp = 0; kp < pairs; ++kp) {
      const float *r0 = j->w + (long)(2 * kp) * j->ld + c0;
      const float *r1 = 2 * kp + 1 < j->k ? r0 + j->ld : NULL;
      uint16_t *d = dst + (long)kp * 2 * CLSTM_STRIP_WIDTH;
#if CLSTM_X86
      if (wide && cn == CLSTM_STRIP_WIDTH) {
        pair_row_bf16(r0, r1, d);
        continue;
      }
#endif
      for (int c = 0; c < CLSTM_STRIP_WIDTH; ++c) {
        d[2 * c] = c < cn ? to_bf16(r0[c]) : 0;
        d[2 * c + 1] = c < cn && r1 ? to_bf16(r1[c]) : 0;
      }
    }
  }
}

void CLSTM_pack_columns_bf16(CLSTM_Pool *pool, const float *w, int k, int n, long ld, uint16_t *packed) {
  PackBF16Job j = {w, ld, k, n, 0, (n + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH, packed};
  clstm_pool_run(pool, pack_columns_bf16_job, &j);
}

// MARK: - Conversions of A operands

typedef struct {
  const float *src;
  long lds;
  int rows, n;
  uint16_t *dst;
  long ldd;
} ConvertJob;

static void convert_job(void *raw, int tid, int threads) {
  const ConvertJob *j = raw;
  long lo, hi;
  clstm_split(j->rows, tid, threads, &lo, &hi);
#if CLSTM_X86
  const int wide = clstm_use_bf16();
#endif
  for (long r = lo; r < hi; ++r) {
    const float *s = j->src + r * j->lds;
    uint16_t *d = j->dst + r * j->ldd;
    int c = 0;
#if CLSTM_X86
    if (wide) {
      c = j->n / 16 * 16;
      convert_run_bf16(s, d, c);
    }
#endif
    for (; c < j->n; ++c) d[c] = to_bf16(s[c]);
    for (; c < j->ldd; ++c) d[c] = 0;
  }
}

void CLSTM_convert_bf16(CLSTM_Pool *pool, const float *src, int rows, int n, long lds, uint16_t *dst, long ldd) {
  ConvertJob j = {src, lds, rows, n, dst, ldd};
  clstm_pool_run(pool, convert_job, &j);
}

#if CLSTM_X86
/// dst[c][r] = bf16(src[r][c]) for a 16 x 16 tile.
CLSTM_TBF16 static void transpose_tile_bf16(const float *src, long lds, int rows, int cols, uint16_t *dst, long ldd) {
  __m512i r[16];
  const __mmask16 m = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
  for (int i = 0; i < 16; ++i)
    r[i] = i < rows ? _mm512_castps_si512(_mm512_maskz_loadu_ps(m, src + i * lds)) : _mm512_setzero_si512();
  transpose16i(r);
  const __mmask16 rm = rows >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << rows) - 1);
  for (int c = 0; c < cols; ++c)
    _mm256_mask_storeu_epi16(dst + c * ldd, rm, cvt16(_mm512_castsi512_ps(r[c])));
}
#endif

typedef struct {
  const float *src;
  long lds;
  int rows, cols;
  uint16_t *dst;
  long ldd;
} TransposeJob;

static void transpose_job(void *raw, int tid, int threads) {
  const TransposeJob *j = raw;
  long lo, hi;
  clstm_split((j->cols + 15) / 16, tid, threads, &lo, &hi);
#if CLSTM_X86
  const int wide = clstm_use_bf16();
#endif
  for (long cb = lo; cb < hi; ++cb) {
    const int c0 = (int)cb * 16, cn = j->cols - c0 < 16 ? j->cols - c0 : 16;
    for (int r0 = 0; r0 < j->rows; r0 += 16) {
      const int rn = j->rows - r0 < 16 ? j->rows - r0 : 16;
#if CLSTM_X86
      if (wide) {
        transpose_tile_bf16(j->src + (long)r0 * j->lds + c0, j->lds, rn, cn, j->dst + (long)c0 * j->ldd + r0, j->ldd);
        continue;
      }
#endif
      for (int c = 0; c < cn; ++c)
        for (int r = 0; r < rn; ++r) j->dst[(long)(c0 + c) * j->ldd + r0 + r] = to_bf16(j->src[(long)(r0 + r) * j->lds + c0 + c]);
    }
    for (int c = 0; c < cn; ++c)
      for (int r = j->rows; r < j->ldd; ++r) j->dst[(long)(c0 + c) * j->ldd + r] = 0;
  }
}

void CLSTM_transpose_bf16(CLSTM_Pool *pool, const float *src, int rows, int cols, long lds, uint16_t *dst, long ldd) {
  TransposeJob j = {src, lds, rows, cols, dst, ldd};
  clstm_pool_run(pool, transpose_job, &j);
}
