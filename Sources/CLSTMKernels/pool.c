// Thread pool: persistent workers, one job at a time, a generation-counting spin barrier inside jobs.
// Idle workers spin for a short while (jobs in a training step arrive back to back), then sleep.
#include "internal.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct CLSTM_Pool {
  int threads;
  pthread_t *handles;
  // Current job; published by bumping `jobSequence` (release), read after observing it (acquire).
  clstm_job_fn fn;
  void *ctx;
  _Atomic uint64_t jobSequence;
  _Atomic int finished;
  // Barrier.
  _Atomic int arrived;
  _Atomic uint64_t generation;
  // Sleeping.
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  int sleepers;
  int shutdown;
};

typedef struct {
  CLSTM_Pool *pool;
  int tid;
} WorkerStart;

static inline void cpu_relax(void) {
#if CLSTM_X86
  _mm_pause();
#endif
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/// How long an idle worker spins before sleeping.
static const uint64_t kIdleSpinNanoseconds = 300000;

static void *worker_main(void *raw) {
  WorkerStart start = *(WorkerStart *)raw;
  free(raw);
  CLSTM_Pool *p = start.pool;
  uint64_t seen = 0;
  for (;;) {
    uint64_t seq = atomic_load_explicit(&p->jobSequence, memory_order_acquire);
    if (seq == seen) {
      uint64_t began = now_ns();
      unsigned spins = 0;
      while ((seq = atomic_load_explicit(&p->jobSequence, memory_order_acquire)) == seen) {
        cpu_relax();
        if ((++spins & 255) == 0 && now_ns() - began > kIdleSpinNanoseconds) break;
      }
      if (seq == seen) {
        pthread_mutex_lock(&p->mutex);
        p->sleepers += 1;
        while ((seq = atomic_load_explicit(&p->jobSequence, memory_order_acquire)) == seen && !p->shutdown) {
          pthread_cond_wait(&p->wake, &p->mutex);
        }
        p->sleepers -= 1;
        int stop = p->shutdown;
        pthread_mutex_unlock(&p->mutex);
        if (stop) return NULL;
      }
    }
    seen = seq;
    if (p->fn == NULL) return NULL;  // shutdown job
    p->fn(p->ctx, start.tid, p->threads);
    atomic_fetch_add_explicit(&p->finished, 1, memory_order_release);
  }
}

CLSTM_Pool *CLSTM_pool_create(int threads) {
  if (threads < 1) threads = 1;
  if (threads > 64) threads = 64;
  CLSTM_Pool *p = calloc(1, sizeof(CLSTM_Pool));
  if (!p) return NULL;
  p->threads = threads;
  pthread_mutex_init(&p->mutex, NULL);
  pthread_cond_init(&p->wake, NULL);
  atomic_init(&p->jobSequence, 0);
  atomic_init(&p->finished, 0);
  atomic_init(&p->arrived, 0);
  atomic_init(&p->generation, 0);
  p->handles = calloc((size_t)threads, sizeof(pthread_t));
  if (!p->handles) {
    free(p);
    return NULL;
  }
  for (int t = 1; t < threads; ++t) {
    WorkerStart *s = malloc(sizeof(WorkerStart));
    if (!s) {
      p->threads = t;
      CLSTM_pool_destroy(p);
      return NULL;
    }
    s->pool = p;
    s->tid = t;
    if (pthread_create(&p->handles[t], NULL, worker_main, s) != 0) {
      free(s);
      p->threads = t;
      CLSTM_pool_destroy(p);
      return NULL;
    }
  }
  return p;
}

void CLSTM_pool_destroy(CLSTM_Pool *p) {
  if (!p) return;
  pthread_mutex_lock(&p->mutex);
  p->shutdown = 1;
  p->fn = NULL;
  atomic_fetch_add_explicit(&p->jobSequence, 1, memory_order_release);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mutex);
  for (int t = 1; t < p->threads; ++t) pthread_join(p->handles[t], NULL);
  pthread_cond_destroy(&p->wake);
  pthread_mutex_destroy(&p->mutex);
  free(p->handles);
  free(p);
}

int CLSTM_pool_threads(const CLSTM_Pool *p) { return p ? p->threads : 1; }

void clstm_pool_run(CLSTM_Pool *p, clstm_job_fn fn, void *ctx) {
  if (!p || p->threads == 1) {
    fn(ctx, 0, 1);
    return;
  }
  p->fn = fn;
  p->ctx = ctx;
  atomic_store_explicit(&p->finished, 0, memory_order_relaxed);
  pthread_mutex_lock(&p->mutex);
  atomic_fetch_add_explicit(&p->jobSequence, 1, memory_order_release);
  if (p->sleepers > 0) pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mutex);
  fn(ctx, 0, p->threads);
  unsigned spins = 0;
  while (atomic_load_explicit(&p->finished, memory_order_acquire) != p->threads - 1) {
    cpu_relax();
    if (++spins > 4096) sched_yield();
  }
}

void clstm_pool_barrier(CLSTM_Pool *p) {
  if (!p || p->threads == 1) return;
  uint64_t gen = atomic_load_explicit(&p->generation, memory_order_acquire);
  if (atomic_fetch_add_explicit(&p->arrived, 1, memory_order_acq_rel) == p->threads - 1) {
    atomic_store_explicit(&p->arrived, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
    return;
  }
  unsigned spins = 0;
  while (atomic_load_explicit(&p->generation, memory_order_acquire) == gen) {
    cpu_relax();
    // A descheduled partner (busy machine) would otherwise cost a whole time slice of spinning.
    if (++spins > 4096) sched_yield();
  }
}
