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
static inline long row_for(const RowPackJob *j, int s, int c) {
  if (j->gates) {
    int unit = 16 * s + (c & 15);
    return unit < j->n ? (long)(c >> 4) * j->n + unit : -1;
  }
  int row = CLSTM_STRIP_WIDTH * s + c;
  return row < j->n ? row : -1;
}

static void pack_rows_job(void *raw, int tid, int threads) {
  const RowPackJob *j = raw;
  long lo, hi;
  clstm_split(j->strips, tid, threads, &lo, &hi);
  const int k = j->k1 + j->k2;
  for (long s = lo; s < hi; ++s) {
    float *dst = j->packed + s * (long)k * CLSTM_STRIP_WIDTH;
    long rows[CLSTM_STRIP_WIDTH];
    for (int c = 0; c < CLSTM_STRIP_WIDTH; ++c) rows[c] = row_for(j, (int)s, c);
    // 64 x 64 blocks keep both the reads and the transposed writes in L1.
    for (int k0 = 0; k0 < k; k0 += 64) {
      int kn = k - k0 < 64 ? k - k0 : 64;
      for (int c = 0; c < CLSTM_STRIP_WIDTH; ++c) {
        if (rows[c] < 0) {
          for (int kk = 0; kk < kn; ++kk) dst[(long)(k0 + kk) * CLSTM_STRIP_WIDTH + c] = 0.0f;
          continue;
        }
        for (int kk = 0; kk < kn; ++kk) {
          int kx = k0 + kk;
          float v = kx < j->k1 ? j->w1[rows[c] * j->ld1 + kx] : j->w2[rows[c] * j->ld2 + (kx - j->k1)];
          dst[(long)kx * CLSTM_STRIP_WIDTH + c] = v;
        }
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
