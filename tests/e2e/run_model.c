/*===- run_model.c - A generic driver for any compiled Kiln model -===*
 *
 * Built once per model with -DKILN_MODEL_FN=<name>_model and linked against
 * that model's library. Usage:
 *   run_model --info                       list inputs and outputs
 *   run_model IN0.bin ... -o OUTDIR        run on raw inputs, write OUTDIR/K.bin
 *   run_model IN0.bin ... --bad-shape      expect a rejected input shape
 *   run_model IN0.bin ... --repeat N       also time N runs (min and median)
 * Raw files are dense row-major little-endian, as the header lists them.
 *===----------------------------------------------------------------------===*/
#include <kiln/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void *read_file(const char *path, size_t bytes) {
  FILE *f = fopen(path, "rb");
  void *p = calloc(1, bytes ? bytes : 1);
  if (!f || fread(p, 1, bytes, f) != bytes) {
    fprintf(stderr, "run_model: cannot read %zu bytes from %s\n", bytes, path);
    exit(2);
  }
  fclose(f);
  return p;
}

int main(int argc, char **argv) {
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
    return 0;
  }
  const char *outdir = NULL;
  int bad_shape = 0, k = 0, repeat = 0;
  kiln_tensor_t *in = calloc(nin + 1, sizeof(kiln_tensor_t));
  kiln_tensor_t *out = calloc(nout + 1, sizeof(kiln_tensor_t));
  int64_t wrong[KILN_MAX_RANK];
  for (int a = 1; a < argc; ++a) {
    if (!strcmp(argv[a], "-o") && a + 1 < argc) { outdir = argv[++a]; continue; }
    if (!strcmp(argv[a], "--bad-shape")) { bad_shape = 1; continue; }
    if (!strcmp(argv[a], "--repeat") && a + 1 < argc) { repeat = atoi(argv[++a]); continue; }
    if (k >= nin) { fprintf(stderr, "run_model: too many inputs\n"); return 2; }
    kiln_tensor_info_t t;
    kiln_model_input_info(model, k, &t);
    in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape,
                            read_file(argv[a], numel(&t) * kiln_dtype_size(t.dtype))};
    ++k;
  }
  for (; bad_shape && k < nin; ++k) { /* --bad-shape needs no data files: zeros will do */
    kiln_tensor_info_t t;
    kiln_model_input_info(model, k, &t);
    in[k] = (kiln_tensor_t){t.dtype, t.rank, t.shape, calloc(numel(&t) + 1, kiln_dtype_size(t.dtype))};
  }
  if (k != nin) { fprintf(stderr, "run_model: expected %d inputs, got %d\n", nin, k); return 2; }
  for (int i = 0; i < nout; ++i) {
    kiln_tensor_info_t t;
    kiln_model_output_info(model, i, &t);
    out[i] = (kiln_tensor_t){t.dtype, t.rank, t.shape, calloc(numel(&t) + 1, kiln_dtype_size(t.dtype))};
  }
  kiln_context_t *ctx = NULL;
  if (kiln_context_create(model, NULL, &ctx) != KILN_OK) {
    fprintf(stderr, "run_model: %s\n", kiln_context_last_error(NULL));
    return 1;
  }
  if (bad_shape) {
    /* One more row in the first input's first dim: the runtime must refuse it. */
    memcpy(wrong, in[0].shape, sizeof(int64_t) * in[0].rank);
    wrong[0] += 1;
    in[0].shape = wrong;
    kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
    printf("status %s: %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
    kiln_context_destroy(ctx);
    return s == KILN_INVALID_ARGUMENT ? 0 : 1;
  }
  kiln_status_t s = kiln_context_run(ctx, in, nin, out, nout);
  if (s != KILN_OK) {
    fprintf(stderr, "run_model: run failed (%s): %s\n", kiln_status_string(s), kiln_context_last_error(ctx));
    return 1;
  }
  for (int i = 0; i < nout && outdir; ++i) {
    kiln_tensor_info_t t;
    kiln_model_output_info(model, i, &t);
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.bin", outdir, i);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(out[i].data, kiln_dtype_size(t.dtype), numel(&t), f) != numel(&t)) {
      fprintf(stderr, "run_model: cannot write %s\n", path);
      return 1;
    }
    fclose(f);
  }
  if (repeat > 0) {
    double *ms = calloc(repeat, sizeof(double));
    for (int r = 0; r < repeat; ++r) {
      double t0 = now_ms();
      kiln_context_run(ctx, in, nin, out, nout);
      ms[r] = now_ms() - t0;
    }
    qsort(ms, repeat, sizeof(double), cmp_double);
    printf("timing: %d runs: min %.3f ms, median %.3f ms\n", repeat, ms[0], ms[repeat / 2]);
    free(ms);
  }
  kiln_context_destroy(ctx);
  printf("ok: %d outputs\n", nout);
  return 0;
}
