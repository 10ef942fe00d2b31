//===- pool.c - Kiln's thread pool for Halide's parallel loops ------------===//
//
// One loop at a time (the `job`), its indices cut into one contiguous share
// per thread: each thread claims its own share's indices from the front,
// then takes what is left of the others' from their backs (atomic 64-bit
// [lo, hi) ranges). So each thread walks consecutive indices: a sparse
// kernel's tasks stream consecutive table entries, and threads taking every
// other task broke those streams (GPT-2 decode 90% sparse, 2 threads:
// 0.75-0.78 of the time one shared counter took). A worker joins a loop
// under the lock, while the loop is open; the caller, once every index is
// claimed, closes it under the lock and waits until the workers that joined
// have left, so no worker touches a
// loop (or its closure, on the caller's stack) after the caller returns.
// Idle workers spin on the loop counter `gen` for KILN_POOL_SPIN_US, then
// sleep on a condition variable; the caller wakes sleepers only. The
// workers are joined when the library unloads (kiln-run dlcloses a model's
// shared object), so none runs code that is no longer mapped.
//
//===----------------------------------------------------------------------===//
#define _DEFAULT_SOURCE // clock_gettime, sysconf

#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 255

typedef struct {
  halide_task_t f;
  void *user_context;
  uint8_t *closure;
  int base;                // the loop's min: claims count from 0
  int shares;              // one per thread, the caller's first
  struct {
    _Alignas(64) _Atomic uint64_t range; // unclaimed indices [low 32 bits, high 32 bits)
  } share[MAX_WORKERS + 1];
  atomic_int error;        // the first nonzero task result
  atomic_int participants; // workers inside the loop
  bool open;               // workers may join (under pool.lock)
} job_t;

static struct {
  pthread_mutex_t lock; // job.open, job's fields while it is published, sleepers, workers
  pthread_cond_t wake;
  atomic_flag busy;  // a loop is running (one caller at a time)
  atomic_uint gen;   // loops published so far
  atomic_int threads; // per loop, the caller included
  int workers;       // started
  int sleepers;
  bool shutdown;     // the library unloads: workers return
  job_t job;
  pthread_t ids[MAX_WORKERS];
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, ATOMIC_FLAG_INIT, 0, 0, 0, 0, false, {0}, {0}};

static _Thread_local bool in_task; // this thread runs a task: nested loops run inline

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int default_threads(void) {
  const char *env = getenv("HL_NUM_THREADS");
  if (!env)
    env = getenv("HL_NUMTHREADS");
  long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1)
    n = 1;
  return n > MAX_WORKERS + 1 ? MAX_WORKERS + 1 : (int)n;
}

void kiln_pool_set_threads(int n) {
  atomic_store(&pool.threads, n > 0 ? (n > MAX_WORKERS + 1 ? MAX_WORKERS + 1 : n) : default_threads());
}

int kiln_pool_threads(void) {
  int n = atomic_load(&pool.threads);
  return n > 0 ? n : default_threads();
}

// Takes an index from the front or the back of `r`, or returns -1.
static int64_t take(_Atomic uint64_t *r, bool front) {
  uint64_t v = atomic_load_explicit(r, memory_order_relaxed);
  for (;;) {
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
    if (lo >= hi)
      return -1;
    uint64_t next = front ? ((uint64_t)hi << 32) | (lo + 1) : ((uint64_t)(hi - 1) << 32) | lo;
    if (atomic_compare_exchange_weak(r, &v, next))
      return front ? lo : hi - 1;
  }
}

// The next index for participant `p` (0: the caller): its own share's next,
// else the last of another's, or -1 when every index is claimed.
static int64_t claim(job_t *job, int p) {
  int n = job->shares;
  if (p < n) {
    int64_t k = take(&job->share[p].range, true);
    if (k >= 0)
      return k;
  }
  for (int j = 1; j <= n; ++j) {
    int64_t k = take(&job->share[(p + j) % n].range, false);
    if (k >= 0)
      return k;
  }
  return -1;
}

// Claims and runs indices until none is left.
static void run_indices(job_t *job, int p) {
  in_task = true;
  for (int64_t k; (k = claim(job, p)) >= 0;) {
    int i = (int)(job->base + k);
    int rc = job->f(job->user_context, i, job->closure);
    if (rc != 0) {
      int zero = 0;
      atomic_compare_exchange_strong(&job->error, &zero, rc);
    }
  }
  in_task = false;
}

static void *worker_main(void *arg) {
  int id = (int)(intptr_t)arg; // 0-based among the workers
  unsigned seen = atomic_load(&pool.gen);
  for (;;) {
    // Spin for the next loop, then sleep until one is published.
    int64_t until = now_us() + KILN_POOL_SPIN_US;
    for (int spins = 0; atomic_load_explicit(&pool.gen, memory_order_acquire) == seen; ++spins) {
      relax();
      if ((spins & 255) == 255 && now_us() > until) {
        pthread_mutex_lock(&pool.lock);
        ++pool.sleepers;
        while (atomic_load(&pool.gen) == seen && !pool.shutdown)
          pthread_cond_wait(&pool.wake, &pool.lock);
        --pool.sleepers;
        pthread_mutex_unlock(&pool.lock);
        break;
      }
    }
    pthread_mutex_lock(&pool.lock);
    if (pool.shutdown) {
      pthread_mutex_unlock(&pool.lock);
      return NULL;
    }
    seen = atomic_load(&pool.gen);
    bool join = pool.job.open && id + 1 < atomic_load(&pool.threads);
    if (join)
      atomic_fetch_add(&pool.job.participants, 1);
    pthread_mutex_unlock(&pool.lock);
    if (join) {
      run_indices(&pool.job, id + 1);
      atomic_fetch_sub_explicit(&pool.job.participants, 1, memory_order_release);
    }
  }
  return NULL;
}

static int run_inline(void *user_context, halide_task_t f, int min, int extent, uint8_t *closure) {
  bool nested = in_task;
  in_task = true;
  int rc = 0;
  for (int i = min; i < min + extent && rc == 0; ++i)
    rc = f(user_context, i, closure);
  in_task = nested;
  return rc;
}

// A forked child has none of its parent's workers, and no loop running.
static void forget_workers(void) {
  pthread_mutex_init(&pool.lock, NULL);
  pthread_cond_init(&pool.wake, NULL);
  atomic_flag_clear(&pool.busy);
  pool.workers = 0;
  pool.sleepers = 0;
}

static void register_fork_handler(void) { pthread_atfork(NULL, NULL, forget_workers); }

int kiln_pool_do_par_for(void *user_context, halide_task_t f, int min, int extent, uint8_t *closure) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, register_fork_handler);
  int threads = kiln_pool_threads();
  if (extent <= 0)
    return 0;
  if (extent == 1 || threads == 1 || in_task || atomic_flag_test_and_set(&pool.busy))
    return run_inline(user_context, f, min, extent, closure);

  pthread_mutex_lock(&pool.lock);
  // Start the workers this loop can use that are not there yet; a worker
  // that fails to start only leaves more indices to the others.
  int want = (threads - 1 < extent - 1 ? threads - 1 : extent - 1);
  while (pool.workers < want) {
    if (pthread_create(&pool.ids[pool.workers], NULL, worker_main, (void *)(intptr_t)pool.workers) != 0)
      break;
    ++pool.workers;
  }
  job_t *job = &pool.job;
  job->f = f;
  job->user_context = user_context;
  job->closure = closure;
  job->base = min;
  int n = threads < extent ? threads : extent;
  job->shares = n;
  for (int i = 0; i < n; ++i) {
    uint64_t lo = (uint64_t)extent * i / n, hi = (uint64_t)extent * (i + 1) / n;
    atomic_store(&job->share[i].range, hi << 32 | lo);
  }
  atomic_store(&job->error, 0);
  job->open = true;
  atomic_fetch_add_explicit(&pool.gen, 1, memory_order_release);
  if (pool.sleepers > 0)
    pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);

  run_indices(job, 0);

  // Every index is claimed: no worker may join any more; wait for those in it.
  pthread_mutex_lock(&pool.lock);
  job->open = false;
  pthread_mutex_unlock(&pool.lock);
  while (atomic_load_explicit(&job->participants, memory_order_acquire) > 0)
    relax();
  int rc = atomic_load(&job->error);
  atomic_flag_clear(&pool.busy);
  return rc;
}

// At unload (or exit): wake every worker, let it return, and join it.
__attribute__((destructor)) static void pool_shutdown(void) {
  pthread_mutex_lock(&pool.lock);
  pool.shutdown = true;
  atomic_fetch_add(&pool.gen, 1);
  pthread_cond_broadcast(&pool.wake);
  int n = pool.workers;
  pthread_mutex_unlock(&pool.lock);
  for (int i = 0; i < n; ++i)
    pthread_join(pool.ids[i], NULL);
}
