/*===- driver.c - A generic driver for any compiled Kiln model -===*
 *
 * Used by the end-to-end tests (tests/e2e/check_model.py, check_shapes.py)
 * and the benchmark (bench/bench.py). This file is the library
 * kiln_model_driver; a driver for one model is main.c compiled with
 * -DKILN_MODEL_FN=NAME_model and linked with it and the model
 * (kiln_add_model_driver in KilnModelDriver.cmake), or by hand:
 *   cc -O2 -I. -Iruntime/include -DKILN_MODEL_FN=NAME_model tools/kiln-model-driver/{main,driver}.c \
 *      tools/common/compare.c build/lib/libkiln_runtime.a DIR/libNAME.a -lpthread -ldl -lm
 * Usage:
 *   run_model --info                              list inputs and outputs (symbolic dims
 *                                                 by name: [batch,seq])
 *   run_model [--threads N] IN0.bin ... -o DIR    run once, write DIR/K.bin
 *   run_model [--threads N] IN0.bin ... --repeat R  also time R runs (min, median)
 *   run_model IN0.bin ... --compare-with DIR [--compare-with DIR2] [--atol A --rtol R]
 *                                                 run once and compare output K with
 *                                                 DIR/K.bin (the reference) by the shared
 *                                                 rule (tools/common/compare.h; default
 *                                                 1e-4 + 1e-3*|b|); one line per output,
 *                                                 exit status 1 on any mismatch
 *   run_model [IN0.bin ...] --bad-shape           expect a rejected input shape
 *                                                 (zeros when no files are given)
 *   run_model [IN0.bin ...] --bad-index           expect a rejected token id (input 0's
 *                                                 first element set to 1000000)
 *   run_model [IN0.bin ...] --threads-check N [--rounds R]
 *                                                 N contexts of the model, each on a
 *                                                 pthread of its own, created and run
 *                                                 concurrently R times (default 20); every
 *                                                 output byte must equal a single-threaded
 *                                                 reference run's (random inputs when no
 *                                                 files are given)
 *   run_model [IN0.bin ...] --negative-ids         input 0 indexes a table of N rows: an
 *                                                 id of -k must give the bytes of N-k
 *                                                 (-1/N-1, -N/0), -N-1 and N are refused
 *   run_model [--threads N] IN0.bin ... --serve   answer commands on stdin:
 *     (start)    -> "ready <create_ms> <baseline_rss_kb>"
 *     "run K"    -> "ms t1 ... tK"   K calls of kiln_context_run, each timed alone
 *     "out DIR"  -> "ok"             the last call's outputs as DIR/<index>.bin
 *     "compare DIR" -> "ok|mismatch output 0 max|a-b| E bad N; ..."  the last call's outputs
 *                                    against DIR/<index>.bin (--atol, --rtol)
 *     "size SPEC IN0.bin ..." -> "ok workspace <bytes>"  (symbolic dims) new inputs
 *                                    at the sizes SPEC gives (batch=3,seq=7), on the
 *                                    same context: the runtime re-plans if they changed
 *     "quit"     -> "maxrss <kb>"    peak resident set of this process (VmHWM)
 *     a failure  -> "error <message>", exit status 1
 * --threads N calls kiln_context_set_num_threads (Halide's pool; 0 = its default,
 * HL_NUM_THREADS or all cores). Raw files are dense row-major little-endian.
 * A model with symbolic dims needs --dims batch=3,seq=7 (every symbol): input
 * files are then read at those sizes, or, when none are given, the inputs are
 * random (floats in [-1,1), integers in [0, min(index_bound, 10)), bools 0/1);
 * outputs take the shapes the runtime resolves.
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L /* pthread barriers, strtok_r, clock_gettime under -std=c11 */

#include "tools/kiln-model-driver/driver.h"

#include "tools/common/compare.h"
#include <kiln/runtime.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Elements of a tensor; 0 for a shape the runtime refuses anyway (a negative
   dim, more than 2^31-1 elements: sizes from --dims may be anything). */
static size_t numel(const kiln_tensor_info_t *t) {
  int64_t n = 1;
  for (int i = 0; i < t->rank; ++i) {
    if (t->shape[i] < 0 || (t->shape[i] > 0 && n > INT32_MAX / t->shape[i])) return 0;
    n *= t->shape[i];
  }
  return (size_t)n;
}

/* Symbol values from --dims. */
static int64_t symbol_values[64];
static int symbol_given[64];

/* "batch=3,seq=7" into symbol_values; 0 on success. */
static int parse_dims(const kiln_model_t *m, const char *text) {
  if (m->num_symbols <= 0 || m->num_symbols > 64) {
    printf("error --dims: the model has %s\n", m->num_symbols <= 0 ? "no symbolic dims" : "too many symbols");
    return 1;
  }
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", text);
  for (char *item = strtok(buf, ","); item; item = strtok(NULL, ",")) {
    char *eq = strchr(item, '='), *end = NULL;
    if (!eq) { printf("error --dims: '%s' is not NAME=N\n", item); return 1; }
    *eq = 0;
    long long v = strtoll(eq + 1, &end, 10);
    int k = 0;
    while (k < m->num_symbols && strcmp(m->symbols[k].name ? m->symbols[k].name : "", item)) ++k;
    if (k == m->num_symbols) { printf("error --dims: the model has no symbol '%s'\n", item); return 1; }
    if (end == eq + 1 || *end) { printf("error --dims: '%s' is not a number\n", eq + 1); return 1; }
    symbol_values[k] = v, symbol_given[k] = 1; /* any value: the runtime refuses the wrong ones with its message */
  }
  for (int k = 0; k < m->num_symbols; ++k)
    if (!symbol_given[k]) { printf("error --dims: no value for '%s'\n", m->symbols[k].name); return 1; }
  return 0;
}

/* The value of the table's expression at `offset` (postfix, model_abi.h) at
   symbol_values; 0 when malformed or overflowing (the context checked it at
   creation; this only sizes the inputs). */
static int64_t eval_expr(const kiln_model_t *m, int32_t offset) {
  int64_t stack[16];
  int depth = 0;
  for (const int64_t *e = m->exprs + offset; e < m->exprs + offset + 1024; ++e) {
    int64_t a, b, r;
    switch (*e) {
    case KILN_EXPR_END: return depth == 1 ? stack[0] : 0;
    case KILN_EXPR_CONST:
    case KILN_EXPR_SYM:
      if (depth == 16 || (*e == KILN_EXPR_SYM && (e[1] < 0 || e[1] >= m->num_symbols))) return 0;
      stack[depth++] = *e == KILN_EXPR_CONST ? e[1] : symbol_values[e[1]];
      ++e;
      break;
    case KILN_EXPR_ADD:
    case KILN_EXPR_SUB:
    case KILN_EXPR_MUL:
      if (depth < 2) return 0;
      b = stack[--depth], a = stack[depth - 1];
      if (*e == KILN_EXPR_ADD ? __builtin_add_overflow(a, b, &r)
          : *e == KILN_EXPR_SUB ? __builtin_sub_overflow(a, b, &r)
                                : __builtin_mul_overflow(a, b, &r))
        return 0;
      stack[depth - 1] = r;
      break;
    default: return 0;
    }
  }
  return 0;
}

/* Input `k`'s info, its symbolic dims evaluated at --dims into `shape`. */
static void input_info(const kiln_model_t *m, int k, kiln_tensor_info_t *t, int64_t *shape) {
  kiln_model_input_info(m, k, t);
  if (m->num_symbols <= 0) return;
  const kiln_abi_tensor_t *abi = &m->tensors[m->inputs[k]];
  for (int d = 0; d < t->rank; ++d)
    shape[d] = abi->dim_expr[d] >= 0 ? eval_expr(m, abi->dim_expr[d]) : t->shape[d];
  t->shape = shape;
}

/* Deterministic random data for an input of `n` elements. */
static void *random_data(const kiln_tensor_info_t *t, int64_t index_bound, size_t n) {
  size_t size = kiln_dtype_size(t->dtype);
  uint8_t *p = calloc(n + 1, size);
  if (!p) {
    printf("error cannot allocate %zu elements of %s\n", n, t->name);
    exit(2);
  }
  uint64_t limit = index_bound > 0 && index_bound < 10 ? (uint64_t)index_bound : 10;
  static uint64_t state = 88172645463325252ull;
  for (size_t i = 0; i < n; ++i) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    switch (t->dtype) {
    case KILN_DTYPE_FLOAT32: ((float *)p)[i] = (float)(state >> 40) / (float)(1 << 23) - 1.0f; break;
    case KILN_DTYPE_INT64: ((int64_t *)p)[i] = (int64_t)(state % limit); break;
    case KILN_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)(state % limit); break;
    case KILN_DTYPE_BOOL: p[i] = state & 1; break;
    default: p[i * size] = (uint8_t)(state % limit); break; /* small and non-negative */
    }
  }
  return p;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* A field of /proc/self/status in KiB: VmHWM is the peak resident set, VmRSS the
 * current one. Not getrusage's ru_maxrss: Linux carries that across fork and exec, so a
 * child of a big parent (bench.py) would report the parent's peak. */
static long status_kb(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  size_t n = strlen(field);
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, field, n) && line[n] == ':') {
      kb = atol(line + n + 1);
      break;
    }
  if (f) fclose(f);
  return kb;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void *read_file(const char *path, size_t bytes) {
  FILE *f = fopen(path, "rb");
  void *p = calloc(1, bytes ? bytes : 1);
  if (!f || !p || fread(p, 1, bytes, f) != bytes) {
    printf("error cannot read %zu bytes from %s\n", bytes, path);
    exit(2);
  }
  fclose(f);
  return p;
}

static int write_outputs(const kiln_model_t *model, kiln_tensor_t *out, int nout, const char *dir) {
  mkdir(dir, 0777);
  for (int i = 0; i < nout; ++i) {
    kiln_tensor_info_t t;
    kiln_model_output_info(model, i, &t);
    t.shape = out[i].shape; /* the resolved shape, for a model with symbolic dims */
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.bin", dir, i);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(out[i].data, kiln_dtype_size(t.dtype), numel(&t), f) != numel(&t)) {
      printf("error cannot write %s\n", path);
      return 1;
    }
    fclose(f);
  }
  return 0;
}

/* Tolerances of --compare-with and "compare". */
static double compare_atol = 1e-4, compare_rtol = 1e-3;

/* Output i against DIR/i.bin for every output, by the shared rule: one
   "output K 'NAME' vs DIR: max|a-b| = E  ok|FAIL" line each on stdout, or, with
   `oneline`, one reply line for the server. Returns the number of outputs that
   differ, or -1 when a file is missing or has the wrong size. */
static int compare_outputs(const kiln_model_t *model, kiln_tensor_t *out, int nout, const char *dir, int oneline) {
  const char *label = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
  char reply[4096] = "";
  size_t used = 0;
  int bad = 0;
  for (int i = 0; i < nout; ++i) {
    kiln_tensor_info_t t;
    kiln_model_output_info(model, i, &t);
    t.shape = out[i].shape; /* the resolved shape, for a model with symbolic dims */
    size_t n = numel(&t), bytes = n * kiln_dtype_size(t.dtype);
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.bin", dir, i);
    struct stat st;
    if (stat(path, &st) != 0 || (size_t)st.st_size != bytes) {
      printf("%serror %s: %s, expected %zu bytes (output %d '%s')\n", oneline ? "" : "  ", path,
             stat(path, &st) ? "cannot read it" : "wrong size", bytes, i, t.name);
      return -1;
    }
    void *want = read_file(path, bytes);
    kiln_compare_result_t r;
    int ok = kiln_compare(t.dtype, out[i].data, want, n, compare_atol, compare_rtol, &r);
    free(want);
    bad += !ok;
    if (oneline)
      used += (size_t)snprintf(reply + used, used < sizeof reply ? sizeof reply - used : 0,
                               "%soutput %d max|a-b| %.2e bad %zu", i ? "; " : "", i, r.max_err, r.mismatches);
    else
      printf("output %d '%s' vs %s: max|a-b| = %.3g  %s\n", i, t.name, label, r.max_err, ok ? "ok" : "FAIL");
    if (!ok && !oneline)
      printf("  first mismatch at flat index %zu: got %.9g, expected %.9g (%zu of %zu differ)\n", r.first_bad,
             r.first_got, r.first_want, r.mismatches, n);
  }
  if (oneline)
    printf("%s %s\n", bad ? "mismatch" : "ok", reply);
  return bad;
}

/* The server loop: see the file header. */
/* "size SPEC IN0.bin ...": the inputs at other sizes, outputs sized to match. */
static int resize(const kiln_model_t *model, kiln_context_t *ctx, char *args, kiln_tensor_t *in, int nin,
                  kiln_tensor_t *out, int nout, int64_t *shapes) {
  char *save = NULL; /* parse_dims has its own strtok */
  char *spec = strtok_r(args, " ", &save);
  if (model->num_symbols <= 0 || !spec || parse_dims(model, spec)) {
    printf("error size: needs a model with symbolic dims and NAME=N,...\n");
    return 1;
  }
  for (int k = 0; k < nin; ++k) {
    char *path = strtok_r(NULL, " ", &save);
    if (!path) {
      printf("error size: expected %d input files\n", nin);
      return 1;
    }
    kiln_tensor_info_t t;
    input_info(model, k, &t, &shapes[(size_t)k * KILN_MAX_RANK]);
    free(in[k].data);
    in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape, read_file(path, numel(&t) * kiln_dtype_size(t.dtype))};
  }
  if (kiln_context_resolve(ctx, in, nin) != KILN_OK) {
    printf("error %s\n", kiln_context_last_error(ctx));
    return 1;
  }
  for (int i = 0; i < nout; ++i) {
    kiln_tensor_info_t t;
    if (kiln_context_output_info(ctx, i, &t) != KILN_OK) {
      printf("error %s\n", kiln_context_last_error(ctx));
      return 1;
    }
    int64_t *shape = &shapes[(size_t)(nin + i) * KILN_MAX_RANK];
    memcpy(shape, t.shape, sizeof(int64_t) * (size_t)t.rank);
    free(out[i].data);
    out[i] = (kiln_tensor_t){t.dtype, t.rank, shape, calloc(numel(&t) + 1, kiln_dtype_size(t.dtype))};
  }
  printf("ok workspace %lld\n", (long long)kiln_context_workspace_size(ctx));
  return 0;
}

static int serve(const kiln_model_t *model, kiln_context_t *ctx, kiln_tensor_t *in, int nin,
                 kiln_tensor_t *out, int nout, int64_t *shapes) {
  char line[4352];
  int have_run = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!strncmp(line, "size ", 5)) {
      if (resize(model, ctx, line + 5, in, nin, out, nout, shapes))
        return 1;
      have_run = 0;
    } else if (!strncmp(line, "run ", 4)) {
      int n = atoi(line + 4);
      double *ms = calloc(n > 0 ? n : 1, sizeof(double));
      for (int r = 0; r < n; ++r) {
        double t0 = now_ms();
        kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
        ms[r] = now_ms() - t0;
        if (s != KILN_OK) {
          printf("error run failed (%s): %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
          return 1;
        }
      }
      have_run = 1;
      printf("ms");
      for (int r = 0; r < n; ++r) printf(" %.4f", ms[r]);
      printf("\n");
      free(ms);
    } else if (!strncmp(line, "out ", 4)) {
      if (!have_run) { printf("error out before any run\n"); return 1; }
      if (write_outputs(model, out, nout, line + 4)) return 1;
      printf("ok\n");
    } else if (!strncmp(line, "compare ", 8)) {
      if (!have_run) { printf("error compare before any run\n"); return 1; }
      if (compare_outputs(model, out, nout, line + 8, 1) < 0) return 1;
    } else if (!strcmp(line, "quit")) {
      printf("maxrss %ld\n", status_kb("VmHWM"));
      return 0;
    } else {
      printf("error unknown command '%s'\n", line);
      return 1;
    }
    fflush(stdout);
  }
  return 0;
}

/* --threads-check: the contexts of one model share only its weights (read
   only) and Halide's process-wide thread pool, so N contexts on N threads must
   each give exactly the bytes one context gives alone. */
typedef struct {
  const kiln_model_t *model;
  const kiln_tensor_t *in;
  int nin, nout, rounds;
  void *const *want; /* the reference outputs */
  const size_t *want_bytes;
  pthread_barrier_t *start;
  int index;
  long mismatched_runs, failed_runs; /* results */
  char first[512];
} check_job_t;

static void *check_thread(void *arg) {
  check_job_t *job = arg;
  kiln_context_t *ctx = NULL;
  kiln_tensor_t out[64];
  int64_t shapes[64][KILN_MAX_RANK];
  int nalloc = 0;
  /* Every thread creates its context at the same moment (the weights are
     copied once per model, under a lock), then runs at the same moment. */
  pthread_barrier_wait(job->start);
  kiln_status_t s = kiln_context_create(job->model, NULL, &ctx);
  if (s == KILN_OK && job->model->num_symbols > 0) s = kiln_context_resolve(ctx, job->in, job->nin);
  for (int i = 0; i < job->nout && s == KILN_OK; ++i) {
    kiln_tensor_info_t t;
    s = kiln_context_output_info(ctx, i, &t);
    if (s != KILN_OK) break;
    memcpy(shapes[i], t.shape, sizeof(int64_t) * (size_t)t.rank);
    out[i] = (kiln_tensor_t){t.dtype, t.rank, shapes[i], malloc(job->want_bytes[i] + 1)};
    nalloc = i + 1;
    if (!out[i].data) s = KILN_RESOURCE_EXHAUSTED;
  }
  if (s != KILN_OK) {
    snprintf(job->first, sizeof job->first, "thread %d: setup failed (%s): %s", job->index,
             kiln_status_string(s), ctx ? kiln_context_last_error(ctx) : kiln_context_last_error(NULL));
    job->failed_runs = job->rounds;
  }
  pthread_barrier_wait(job->start);
  for (int r = 0; r < job->rounds && s == KILN_OK; ++r) {
    for (int i = 0; i < job->nout; ++i) /* stale bytes must not pass for results */
      memset(out[i].data, (r + job->index) & 1 ? 0xa5 : 0x5a, job->want_bytes[i]);
    kiln_status_t rs = kiln_context_run(ctx, job->in, job->nin, out, job->nout);
    if (rs != KILN_OK) {
      if (!job->failed_runs++ && !job->first[0])
        snprintf(job->first, sizeof job->first, "thread %d run %d failed (%s): %s", job->index, r,
                 kiln_status_string(rs), kiln_context_last_error(ctx));
      continue;
    }
    int bad = 0;
    for (int i = 0; i < job->nout; ++i) {
      if (!memcmp(out[i].data, job->want[i], job->want_bytes[i])) continue;
      size_t b = 0;
      while (((const uint8_t *)out[i].data)[b] == ((const uint8_t *)job->want[i])[b]) ++b;
      if (!bad++ && !job->first[0])
        snprintf(job->first, sizeof job->first,
                 "thread %d run %d: output %d differs first at byte %zu of %zu", job->index, r, i,
                 b, job->want_bytes[i]);
    }
    job->mismatched_runs += bad > 0;
  }
  for (int i = 0; i < nalloc; ++i) free(out[i].data);
  kiln_context_destroy(ctx);
  return NULL;
}

static int threads_check(const kiln_model_t *model, kiln_context_t *ctx, const kiln_tensor_t *in,
                         int nin, kiln_tensor_t *out, int nout, int nthreads, int rounds) {
  if (nthreads < 1 || nthreads > 256 || rounds < 1 || nout > 64) {
    printf("error --threads-check: 1 to 256 threads, at least 1 round, at most 64 outputs\n");
    return 2;
  }
  /* The reference: one context, nothing else running. */
  kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
  if (s != KILN_OK) {
    printf("error reference run failed (%s): %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
    return 1;
  }
  void *want[64];
  size_t want_bytes[64], total = 0;
  for (int i = 0; i < nout; ++i) {
    kiln_tensor_info_t t;
    kiln_context_output_info(ctx, i, &t);
    want_bytes[i] = numel(&t) * kiln_dtype_size(t.dtype);
    want[i] = out[i].data;
    total += want_bytes[i];
  }
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)nthreads);
  check_job_t *jobs = calloc((size_t)nthreads, sizeof *jobs);
  pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
  double t0 = now_ms();
  for (int t = 0; t < nthreads; ++t) {
    jobs[t] = (check_job_t){model, in, nin, nout, rounds, want, want_bytes, &start, t, 0, 0, ""};
    if (pthread_create(&threads[t], NULL, check_thread, &jobs[t]) != 0) {
      printf("error cannot start thread %d\n", t);
      exit(1); /* the others wait at the barrier forever */
    }
  }
  long mismatched = 0, failed = 0;
  const char *first = NULL;
  for (int t = 0; t < nthreads; ++t) {
    pthread_join(threads[t], NULL);
    mismatched += jobs[t].mismatched_runs;
    failed += jobs[t].failed_runs;
    if (!first && jobs[t].first[0]) first = jobs[t].first;
  }
  pthread_barrier_destroy(&start);
  printf("threads-check: %d contexts on %d threads x %d runs, %zu output bytes each, %.0f ms: ",
         nthreads, nthreads, rounds, total, now_ms() - t0);
  int rc = mismatched || failed;
  if (rc)
    printf("FAIL: %ld runs differ from the single-threaded reference, %ld failed; %s\n", mismatched,
           failed, first ? first : "");
  else
    printf("every output bit-identical to the single-threaded reference\n");
  free(jobs);
  free(threads);
  return rc;
}

/* --negative-ids: ONNX Gather counts negative indices from the end. */
static int negative_ids(const kiln_model_t *model, kiln_context_t *ctx, kiln_tensor_t *in, int nin,
                        kiln_tensor_t *out, int nout) {
  int64_t n = model->tensors[model->inputs[0]].index_bound;
  kiln_tensor_info_t info;
  kiln_context_output_info(ctx, 0, &info);
  size_t bytes = numel(&info) * kiln_dtype_size(info.dtype), ids = 1;
  for (int d = 0; d < in[0].rank; ++d) ids *= (size_t)in[0].shape[d];
  if (n <= 0 || (in[0].dtype != KILN_DTYPE_INT64 && in[0].dtype != KILN_DTYPE_INT32) || nout < 1) {
    printf("error --negative-ids: input 0 indexes no table of known size\n");
    return 2;
  }
  uint8_t *a = malloc(bytes + 1), *last = malloc(bytes + 1);
  int rc = 0;
  /* Element 0 and the last element, each as k and as k - N. */
  const int64_t pairs[2][2] = {{n - 1, -1}, {0, -n}};
  const size_t at[2] = {0, ids - 1};
  for (int p = 0; p < 2; ++p)
    for (int e = 0; e < 2; ++e) {
      int64_t saved = in[0].dtype == KILN_DTYPE_INT64 ? ((int64_t *)in[0].data)[at[e]] : ((int32_t *)in[0].data)[at[e]];
      kiln_status_t s[2];
      for (int v = 0; v < 2; ++v) {
        if (in[0].dtype == KILN_DTYPE_INT64) ((int64_t *)in[0].data)[at[e]] = pairs[p][v];
        else ((int32_t *)in[0].data)[at[e]] = (int32_t)pairs[p][v];
        memset(out[0].data, v ? 0xa5 : 0x5a, bytes);
        s[v] = kiln_context_run(ctx, in, nin, out, nout);
        if (!v) memcpy(a, out[0].data, bytes);
      }
      int same = s[0] == KILN_OK && s[1] == KILN_OK && !memcmp(a, out[0].data, bytes);
      printf("negative-ids: element %zu = %lld and %lld: %s\n", at[e], (long long)pairs[p][1],
             (long long)pairs[p][0], same ? "the same output bytes" : "DIFFERENT");
      /* The element must matter: N-1 and 0 give different outputs (element 0). */
      if (e == 0 && p == 0) memcpy(last, a, bytes);
      if (e == 0 && p == 1) {
        int differs = memcmp(last, a, bytes) != 0;
        printf("negative-ids: element 0 = %lld and 0 differ: %s\n", (long long)(n - 1), differs ? "yes" : "NO");
        rc |= !differs;
      }
      if (s[0] != KILN_OK || s[1] != KILN_OK)
        printf("  run failed: %s\n", kiln_context_last_error(ctx));
      rc |= !same;
      if (in[0].dtype == KILN_DTYPE_INT64) ((int64_t *)in[0].data)[at[e]] = saved;
      else ((int32_t *)in[0].data)[at[e]] = (int32_t)saved;
    }
  /* One past either end: refused before any kernel. */
  const int64_t past[2] = {-n - 1, n};
  for (int v = 0; v < 2; ++v) {
    size_t e = at[v];
    int64_t saved = in[0].dtype == KILN_DTYPE_INT64 ? ((int64_t *)in[0].data)[e] : ((int32_t *)in[0].data)[e];
    if (in[0].dtype == KILN_DTYPE_INT64) ((int64_t *)in[0].data)[e] = past[v];
    else ((int32_t *)in[0].data)[e] = (int32_t)past[v];
    kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
    printf("negative-ids: element %zu = %lld: status %s: %s\n", e, (long long)past[v],
           kiln_status_string(s), kiln_context_last_error(ctx));
    rc |= s != KILN_OUT_OF_RANGE;
    if (in[0].dtype == KILN_DTYPE_INT64) ((int64_t *)in[0].data)[e] = saved;
    else ((int32_t *)in[0].data)[e] = (int32_t)saved;
  }
  free(a);
  free(last);
  return rc;
}

int kiln_model_driver_main(const kiln_model_t *model, int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int nin = kiln_model_input_count(model), nout = kiln_model_output_count(model);
  if (argc > 1 && !strcmp(argv[1], "--info")) {
    for (int i = 0; i < nin + nout; ++i) {
      kiln_tensor_info_t t;
      if (i < nin) kiln_model_input_info(model, i, &t);
      else kiln_model_output_info(model, i - nin, &t);
      printf("%s %d: %s %s [", i < nin ? "input" : "output", i < nin ? i : i - nin, t.name,
             kiln_dtype_name(t.dtype));
      for (int d = 0; d < t.rank; ++d) {
        if (t.dim_names && t.dim_names[d]) printf("%s%s", d ? "," : "", t.dim_names[d]);
        else printf("%s%lld", d ? "," : "", (long long)t.shape[d]);
      }
      printf("]\n");
    }
    for (int k = 0; k < model->num_symbols; ++k)
      printf("symbol %s: input %d dim %d\n", model->symbols[k].name, model->symbols[k].input,
             model->symbols[k].dim);
    printf("target: %s\n", model->target);
    if (model->num_symbols > 0)
      printf("workspace: planned per size at run time\n");
    else
      printf("workspace: %lld bytes\n", (long long)kiln_model_workspace_size(model));
    return 0;
  }
  const char *outdir = NULL, *compare_dirs[8];
  int ncompare = 0;
  int k = 0, repeat = 0, threads = 0, server = 0, bad_shape = 0, bad_index = 0;
  int check_threads = 0, rounds = 20, check_negative = 0;
  int64_t wrong[KILN_MAX_RANK];
  kiln_tensor_t *in = calloc(nin + 1, sizeof(kiln_tensor_t));
  kiln_tensor_t *out = calloc(nout + 1, sizeof(kiln_tensor_t));
  int64_t *shapes = calloc((size_t)(nin + nout + 1) * KILN_MAX_RANK, sizeof(int64_t));
  int have_dims = 0;
  for (int a = 1; a + 1 < argc; ++a)
    if (!strcmp(argv[a], "--dims")) {
      if (parse_dims(model, argv[a + 1])) return 2;
      have_dims = 1;
    }
  if (model->num_symbols > 0 && !have_dims) {
    printf("error the model has symbolic dims:");
    for (int k = 0; k < model->num_symbols; ++k) printf(" %s", model->symbols[k].name);
    printf("; give their sizes with --dims NAME=N,...\n");
    return 2;
  }
  for (int a = 1; a < argc; ++a) {
    if (!strcmp(argv[a], "--dims")) { ++a; continue; }
    if (!strcmp(argv[a], "-o") && a + 1 < argc) { outdir = argv[++a]; continue; }
    if (!strcmp(argv[a], "--repeat") && a + 1 < argc) { repeat = atoi(argv[++a]); continue; }
    if (!strcmp(argv[a], "--threads") && a + 1 < argc) { threads = atoi(argv[++a]); continue; }
    if (!strcmp(argv[a], "--serve")) { server = 1; continue; }
    if (!strcmp(argv[a], "--bad-shape")) { bad_shape = 1; continue; }
    if (!strcmp(argv[a], "--bad-index")) { bad_index = 1; continue; }
    if (!strcmp(argv[a], "--threads-check") && a + 1 < argc) { check_threads = atoi(argv[++a]); continue; }
    if (!strcmp(argv[a], "--rounds") && a + 1 < argc) { rounds = atoi(argv[++a]); continue; }
    if (!strcmp(argv[a], "--negative-ids")) { check_negative = 1; continue; }
    if (!strcmp(argv[a], "--compare-with") && a + 1 < argc) {
      if (ncompare == 8) { printf("error at most 8 --compare-with folders\n"); return 2; }
      compare_dirs[ncompare++] = argv[++a];
      continue;
    }
    if ((!strcmp(argv[a], "--atol") || !strcmp(argv[a], "--rtol")) && a + 1 < argc) {
      char *end = NULL;
      double v = strtod(argv[a + 1], &end);
      if (end == argv[a + 1] || *end || !(v >= 0)) { printf("error %s expects a number >= 0\n", argv[a]); return 2; }
      *(argv[a][2] == 'a' ? &compare_atol : &compare_rtol) = v;
      ++a;
      continue;
    }
    if (k >= nin) { printf("error too many inputs\n"); return 2; }
    kiln_tensor_info_t t;
    input_info(model, k, &t, &shapes[(size_t)k * KILN_MAX_RANK]);
    in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape,
                            read_file(argv[a], numel(&t) * kiln_dtype_size(t.dtype))};
    ++k;
  }
  for (; (bad_shape || bad_index) && k < nin; ++k) { /* --bad-shape needs no data files: zeros will do */
    kiln_tensor_info_t t;
    input_info(model, k, &t, &shapes[(size_t)k * KILN_MAX_RANK]);
    in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape, calloc(numel(&t) + 1, kiln_dtype_size(t.dtype))};
  }
  if ((have_dims || check_threads || check_negative) && k == 0) /* no files: random inputs */
    for (; k < nin; ++k) {
      kiln_tensor_info_t t;
      input_info(model, k, &t, &shapes[(size_t)k * KILN_MAX_RANK]);
      in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape,
                              random_data(&t, model->tensors[model->inputs[k]].index_bound, numel(&t))};
    }
  if (k != nin) { printf("error expected %d inputs, got %d\n", nin, k); return 2; }
  for (int i = 0; i < nout && model->num_symbols == 0; ++i) {
    kiln_tensor_info_t t;
    kiln_model_output_info(model, i, &t);
    out[i] = (kiln_tensor_t){t.dtype, t.rank, t.shape, calloc(numel(&t) + 1, kiln_dtype_size(t.dtype))};
  }
  long baseline_kb = status_kb("VmRSS");
  double t0 = now_ms();
  kiln_context_t *ctx = NULL;
  kiln_context_options_t options = {threads};
  if (kiln_context_create(model, &options, &ctx) != KILN_OK ||
      kiln_context_set_num_threads(ctx, threads) != KILN_OK) {
    printf("error %s\n", ctx ? kiln_context_last_error(ctx) : kiln_context_last_error(NULL));
    return 1;
  }
  double create_ms = now_ms() - t0;
  /* With symbolic dims, outputs take the shapes the inputs resolve to (--bad-shape:
     the run is refused before any output is looked at). */
  if (model->num_symbols > 0 && !bad_shape && kiln_context_resolve(ctx, in, nin) != KILN_OK) {
    printf("error %s\n", kiln_context_last_error(ctx));
    return 1;
  }
  for (int i = 0; i < nout && model->num_symbols > 0; ++i) {
    kiln_tensor_info_t t;
    kiln_model_output_info(model, i, &t);
    size_t n = 0;
    if (!bad_shape && kiln_context_output_info(ctx, i, &t) == KILN_OK) {
      int64_t *shape = &shapes[(size_t)(nin + i) * KILN_MAX_RANK];
      memcpy(shape, t.shape, sizeof(int64_t) * (size_t)t.rank);
      t.shape = shape;
      n = numel(&t);
    }
    out[i] = (kiln_tensor_t){t.dtype, t.rank, t.shape, calloc(n + 1, kiln_dtype_size(t.dtype))};
  }
  int rc = 0;
  if (bad_index) {
    /* A token id past any vocabulary: the runtime must refuse it. */
    if (in[0].dtype == KILN_DTYPE_INT64) ((int64_t *)in[0].data)[0] = 1000000;
    else if (in[0].dtype == KILN_DTYPE_INT32) ((int32_t *)in[0].data)[0] = 1000000;
    kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
    printf("status %s: %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
    rc = s == KILN_OUT_OF_RANGE ? 0 : 1;
  } else if (bad_shape) {
    /* One more row in the first input's first dim: the runtime must refuse it. */
    memcpy(wrong, in[0].shape, sizeof(int64_t) * in[0].rank);
    wrong[0] += 1;
    in[0].shape = wrong;
    kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
    printf("status %s: %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
    rc = s == KILN_INVALID_ARGUMENT ? 0 : 1;
  } else if (check_threads) {
    rc = threads_check(model, ctx, in, nin, out, nout, check_threads, rounds);
  } else if (check_negative) {
    rc = negative_ids(model, ctx, in, nin, out, nout);
  } else if (server) {
    printf("ready %.3f %ld\n", create_ms, baseline_kb);
    rc = serve(model, ctx, in, nin, out, nout, shapes);
  } else {
    kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
    if (s != KILN_OK) {
      printf("error run failed (%s): %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
      return 1;
    }
    if (outdir && write_outputs(model, out, nout, outdir)) return 1;
    for (int c = 0; c < ncompare; ++c) {
      int bad = compare_outputs(model, out, nout, compare_dirs[c], 0);
      if (bad < 0) return 1;
      rc |= bad > 0;
    }
    if (repeat > 0) {
      double *ms = calloc(repeat, sizeof(double));
      for (int r = 0; r < repeat; ++r) {
        double t1 = now_ms();
        kiln_context_run(ctx, in, nin, out, nout);
        ms[r] = now_ms() - t1;
      }
      qsort(ms, repeat, sizeof(double), cmp_double);
      printf("timing: %d runs, %d threads: min %.3f ms, median %.3f ms\n", repeat, threads, ms[0],
             ms[repeat / 2]);
      free(ms);
    }
    printf("ok: %d outputs, peak rss %ld KiB\n", nout, status_kb("VmHWM"));
  }
  kiln_context_destroy(ctx);
  /* All freed, so that a leak check (scripts/test-sanitized.sh) reports only Kiln's. */
  for (int k = 0; k < nin; ++k) free(in[k].data);
  for (int i = 0; i < nout; ++i) free(out[i].data);
  free(in);
  free(out);
  free(shapes);
  return rc;
}
