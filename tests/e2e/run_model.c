/*===- run_model.c - A generic driver for any compiled Kiln model -===*
 *
 * Used by the end-to-end tests (tests/e2e/check_model.py) and the benchmark
 * (bench/bench.py). Built once per model:
 *   cc -O2 -Iruntime/include -DKILN_MODEL_FN=NAME_model tests/e2e/run_model.c \
 *      build/lib/libkiln_runtime.a DIR/libNAME.a -lpthread -ldl -lm
 * Usage:
 *   run_model --info                              list inputs and outputs
 *   run_model [--threads N] IN0.bin ... -o DIR    run once, write DIR/K.bin
 *   run_model [--threads N] IN0.bin ... --repeat R  also time R runs (min, median)
 *   run_model [IN0.bin ...] --bad-shape           expect a rejected input shape
 *                                                 (zeros when no files are given)
 *   run_model [IN0.bin ...] --bad-index           expect a rejected token id (input 0's
 *                                                 first element set to 1000000)
 *   run_model [--threads N] IN0.bin ... --serve   answer commands on stdin:
 *     (start)    -> "ready <create_ms> <baseline_rss_kb>"
 *     "run K"    -> "ms t1 ... tK"   K calls of kiln_context_run, each timed alone
 *     "out DIR"  -> "ok"             the last call's outputs as DIR/<index>.bin
 *     "quit"     -> "maxrss <kb>"    peak resident set of this process (VmHWM)
 *     a failure  -> "error <message>", exit status 1
 * --threads N calls kiln_context_set_num_threads (Halide's pool; 0 = its default,
 * HL_NUM_THREADS or all cores). Raw files are dense row-major little-endian.
 *===----------------------------------------------------------------------===*/
#include <kiln/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const kiln_model_t *KILN_MODEL_FN(void);

static size_t numel(const kiln_tensor_info_t *t) {
  size_t n = 1;
  for (int i = 0; i < t->rank; ++i)
    n *= (size_t)t->shape[i];
  return n;
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
  if (!f || fread(p, 1, bytes, f) != bytes) {
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

/* The server loop: see the file header. */
static int serve(const kiln_model_t *model, kiln_context_t *ctx, kiln_tensor_t *in, int nin,
                 kiln_tensor_t *out, int nout) {
  char line[4352];
  int have_run = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!strncmp(line, "run ", 4)) {
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

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const kiln_model_t *model = KILN_MODEL_FN();
  int nin = kiln_model_input_count(model), nout = kiln_model_output_count(model);
  if (argc > 1 && !strcmp(argv[1], "--info")) {
    for (int i = 0; i < nin + nout; ++i) {
      kiln_tensor_info_t t;
      if (i < nin) kiln_model_input_info(model, i, &t);
      else kiln_model_output_info(model, i - nin, &t);
      printf("%s %d: %s %s [", i < nin ? "input" : "output", i < nin ? i : i - nin, t.name,
             kiln_dtype_name(t.dtype));
      for (int d = 0; d < t.rank; ++d) printf("%s%lld", d ? "," : "", (long long)t.shape[d]);
      printf("]\n");
    }
    printf("target: %s\n", model->target);
    printf("workspace: %lld bytes\n", (long long)kiln_model_workspace_size(model));
    return 0;
  }
  const char *outdir = NULL;
  int k = 0, repeat = 0, threads = 0, server = 0, bad_shape = 0, bad_index = 0;
  int64_t wrong[KILN_MAX_RANK];
  kiln_tensor_t *in = calloc(nin + 1, sizeof(kiln_tensor_t));
  kiln_tensor_t *out = calloc(nout + 1, sizeof(kiln_tensor_t));
  for (int a = 1; a < argc; ++a) {
    if (!strcmp(argv[a], "-o") && a + 1 < argc) { outdir = argv[++a]; continue; }
    if (!strcmp(argv[a], "--repeat") && a + 1 < argc) { repeat = atoi(argv[++a]); continue; }
    if (!strcmp(argv[a], "--threads") && a + 1 < argc) { threads = atoi(argv[++a]); continue; }
    if (!strcmp(argv[a], "--serve")) { server = 1; continue; }
    if (!strcmp(argv[a], "--bad-shape")) { bad_shape = 1; continue; }
    if (!strcmp(argv[a], "--bad-index")) { bad_index = 1; continue; }
    if (k >= nin) { printf("error too many inputs\n"); return 2; }
    kiln_tensor_info_t t;
    kiln_model_input_info(model, k, &t);
    in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape,
                            read_file(argv[a], numel(&t) * kiln_dtype_size(t.dtype))};
    ++k;
  }
  for (; (bad_shape || bad_index) && k < nin; ++k) { /* --bad-shape needs no data files: zeros will do */
    kiln_tensor_info_t t;
    kiln_model_input_info(model, k, &t);
    in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape, calloc(numel(&t) + 1, kiln_dtype_size(t.dtype))};
  }
  if (k != nin) { printf("error expected %d inputs, got %d\n", nin, k); return 2; }
  for (int i = 0; i < nout; ++i) {
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
  } else if (server) {
    printf("ready %.3f %ld\n", create_ms, baseline_kb);
    rc = serve(model, ctx, in, nin, out, nout);
  } else {
    kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
    if (s != KILN_OK) {
      printf("error run failed (%s): %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
      return 1;
    }
    if (outdir && write_outputs(model, out, nout, outdir)) return 1;
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
  return rc;
}
