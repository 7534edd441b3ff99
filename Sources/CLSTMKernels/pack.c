// Packing weight matrices into strips of 64 output columns, laid out [k][64] so the strip product streams them.
#include "internal.h"

size_t CLSTM_packed_size(int columns, int k) {
  size_t strips = ((size_t)columns + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH;
  return strips * (size_t)k * CLSTM_STRIP_WIDTH;
}

typedef struct {
  const float *w1, *w2;
  int k1, k2;
  long ld1, ld2;
  int n;       // valid output columns (rows of w), or hidden units for gates
  int gates;   // 1: column c of strip s is gate c/16, unit 16 s + c%16
  int strips;
  float *packed;
} RowPackJob;

/// Source row for output column c of strip s, or -1 for zero padding.
static inline long row_for(const RowPackJob *j, int s, int c) { return clstm_strip_source_row(j->gates, j->n, s, c); }

#if CLSTM_X86
/// Packs 16 output columns (source rows `src[c]`, NULL for padding) over k in [0, k) of one segment into
/// dst[k][16] (row stride 64), 16 × 16 tiles at a time.
CLSTM_T512 static void pack16_avx512(const float *const src[16], int k, float *dst) {
  int k0 = 0;
  for (; k0 + 16 <= k; k0 += 16) {
    __m512 r[16];
    for (int i = 0; i < 16; ++i) r[i] = src[i] ? _mm512_loadu_ps(src[i] + k0) : _mm512_setzero_ps();
    clstm_transpose16(r);
    for (int j = 0; j < 16; ++j) _mm512_store_ps(dst + (long)(k0 + j) * CLSTM_STRIP_WIDTH, r[j]);
  }
  for (; k0 < k; ++k0)
    for (int i = 0; i < 16; ++i) dst[(long)k0 * CLSTM_STRIP_WIDTH + i] = src[i] ? src[i][k0] : 0.0f;
}
#endif

static void pack16_portable(const float *const src[16], int k, float *dst) {
  for (int k0 = 0; k0 < k; k0 += 64) {
    int kn = k - k0 < 64 ? k - k0 : 64;
    for (int i = 0; i < 16; ++i)
      for (int kk = 0; kk < kn; ++kk)
        dst[(long)(k0 + kk) * CLSTM_STRIP_WIDTH + i] = src[i] ? src[i][k0 + kk] : 0.0f;
  }
}

static void pack_rows_job(void *raw, int tid, int threads) {
  const RowPackJob *j = raw;
  long lo, hi;
  clstm_split(j->strips, tid, threads, &lo, &hi);
  const int k = j->k1 + j->k2;
#if CLSTM_X86
  const int wide = clstm_use_avx512();
#endif
  for (long s = lo; s < hi; ++s) {
    float *dst = j->packed + s * (long)k * CLSTM_STRIP_WIDTH;
    for (int q = 0; q < 4; ++q) {
      for (int segment = 0; segment < 2; ++segment) {
        const float *w = segment == 0 ? j->w1 : j->w2;
        const long ld = segment == 0 ? j->ld1 : j->ld2;
        const int kn = segment == 0 ? j->k1 : j->k2;
        if (kn == 0) continue;
        const float *src[16];
        for (int c = 0; c < 16; ++c) {
          long row = row_for(j, (int)s, 16 * q + c);
          src[c] = row < 0 ? NULL : w + row * ld;
        }
        float *d = dst + (segment == 0 ? 0 : (long)j->k1 * CLSTM_STRIP_WIDTH) + 16 * q;
#if CLSTM_X86
        if (wide) {
          pack16_avx512(src, kn, d);
          continue;
        }
#endif
        pack16_portable(src, kn, d);
      }
    }
  }
}

void CLSTM_pack_gates(CLSTM_Pool *pool, const float *w1, int k1, long ld1, const float *w2, int k2, long ld2,
                      int hidden, float *packed) {
  RowPackJob j = {w1, w2, k1, w2 ? k2 : 0, ld1, ld2, hidden, 1, (hidden + 15) / 16, packed};
  clstm_pool_run(pool, pack_rows_job, &j);
}

void CLSTM_pack_rows(CLSTM_Pool *pool, const float *w, int n, int k, long ld, float *packed) {
  RowPackJob j = {w, NULL, k, 0, ld, 0, n, 0, (n + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH, packed};
  clstm_pool_run(pool, pack_rows_job, &j);
}

typedef struct {
  const float *w;
  int k, n;
  long ld;
  float *packed;
} ColumnPackJob;

static void pack_columns_job(void *raw, int tid, int threads) {
  const ColumnPackJob *j = raw;
  int strips = (j->n + CLSTM_STRIP_WIDTH - 1) / CLSTM_STRIP_WIDTH;
  long lo, hi;
  clstm_split(strips, tid, threads, &lo, &hi);
  for (long s = lo; s < hi; ++s) {
    float *dst = j->packed + s * (long)j->k * CLSTM_STRIP_WIDTH;
    int c0 = (int)s * CLSTM_STRIP_WIDTH;
    int cn = j->n - c0 < CLSTM_STRIP_WIDTH ? j->n - c0 : CLSTM_STRIP_WIDTH;
    for (int kk = 0; kk < j->k; ++kk) {
      float *d = dst + (long)kk * CLSTM_STRIP_WIDTH;
      memcpy(d, j->w + kk * j->ld + c0, (size_t)cn * sizeof(float));
      for (int c = cn; c < CLSTM_STRIP_WIDTH; ++c) d[c] = 0.0f;
    }
  }
}

void CLSTM_pack_columns(CLSTM_Pool *pool, const float *w, int k, int n, long ld, float *packed) {
  ColumnPackJob j = {w, k, n, ld, packed};
  clstm_pool_run(pool, pack_columns_job, &j);
}
