/*===- symbolic_library_test.c - A symbolic-dims library, end to end -===*
 *
 * sym_model (symbolic_model.mlir, built once by kiln-translate --emit-library) at several
 * (batch, seq), shrinking and growing, against a scalar reference:
 *   z[b,s] = mask[b,s] * sum_c (x[b,s,c] * 2 + seq) * w[c],  w = 1..8
 * plus the model's queries, the resolved output shapes, the typed run of
 * sym_model.h, and the runtime's refusals (seq past the constraint, inputs
 * that disagree on seq, batch 0, a wrong output shape).
 *===----------------------------------------------------------------------===*/
#include "sym_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *what) {
  if (ok)
    ++passed;
  else
    ++failed;
  printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
}

static unsigned lcg = 12345;
static float rnd(void) {
  lcg = lcg * 1103515245u + 12345u;
  return (float)((lcg >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static double reference(const float *x, const float *mask, int64_t seq, int64_t row) {
  double sum = 0;
  for (int c = 0; c < 8; ++c)
    sum += ((double)x[row * 8 + c] * 2 + (double)seq) * (c + 1);
  return mask[row] * sum;
}

/* Runs the model at (batch, seq) through kiln_context_run and checks every element. */
static void run_at(kiln_context_t *ctx, int64_t batch, int64_t seq) {
  char what[160];
  int64_t n = batch * seq;
  float *x = malloc(sizeof(float) * n * 8), *mask = malloc(sizeof(float) * n);
  float *z = malloc(sizeof(float) * n);
  for (int64_t i = 0; i < n * 8; ++i)
    x[i] = rnd();
  for (int64_t i = 0; i < n; ++i) {
    mask[i] = (i % 3) ? 1.0f : 0.5f;
    z[i] = NAN;
  }
  int64_t xs[] = {batch, seq, 8}, ms[] = {batch, seq};
  kiln_tensor_t in[] = {{KILN_DTYPE_FLOAT32, 3, xs, x}, {KILN_DTYPE_FLOAT32, 2, ms, mask}};
  kiln_tensor_t out[] = {{KILN_DTYPE_FLOAT32, 2, ms, z}};
  kiln_status_t st = kiln_context_run(ctx, in, 2, out, 1);
  snprintf(what, sizeof what, "run at batch %lld, seq %lld", (long long)batch, (long long)seq);
  check(st == KILN_OK, what);
  if (st != KILN_OK)
    printf("  %s\n", kiln_context_last_error(ctx));
  int64_t bad = 0;
  double worst = 0;
  for (int64_t r = 0; r < n; ++r) {
    double want = reference(x, mask, seq, r), err = fabs(z[r] - want) / (1 + fabs(want));
    if (!(err <= 1e-5))
      ++bad;
    if (err > worst)
      worst = err;
  }
  snprintf(what, sizeof what, "batch %lld, seq %lld: %lld elements match the reference (worst %.2g)",
           (long long)batch, (long long)seq, (long long)n, worst);
  check(st == KILN_OK && bad == 0, what);
  kiln_tensor_info_t info;
  st = kiln_context_output_info(ctx, 0, &info);
  snprintf(what, sizeof what, "output_info: z is [%lld,%lld]", (long long)batch, (long long)seq);
  check(st == KILN_OK && info.rank == 2 && info.shape[0] == batch && info.shape[1] == seq &&
            info.dim_names && strcmp(info.dim_names[1], "seq") == 0,
        what);
  check(kiln_context_workspace_size(ctx) >= n * 8 * 4, "the arena plan holds an intermediate");
  free(x);
  free(mask);
  free(z);
}

/* A run that must be refused with INVALID_ARGUMENT and a message containing `want`. */
static void refused(kiln_context_t *ctx, const int64_t *xs, const int64_t *ms, const int64_t *zs,
                    const char *want, const char *what) {
  static float buf[3 * 80 * 8];
  kiln_tensor_t in[] = {{KILN_DTYPE_FLOAT32, 3, xs, buf}, {KILN_DTYPE_FLOAT32, 2, ms, buf}};
  kiln_tensor_t out[] = {{KILN_DTYPE_FLOAT32, 2, zs, buf}};
  kiln_status_t st = kiln_context_run(ctx, in, 2, out, 1);
  const char *msg = kiln_context_last_error(ctx);
  check(st == KILN_INVALID_ARGUMENT && strstr(msg, want) != NULL, what);
  printf("  -> %s: %s\n", kiln_status_string(st), msg);
}

int main(void) {
  const kiln_model_t *model = sym_model_model();
  kiln_tensor_info_t info;
  kiln_status_t st = kiln_model_input_info(model, 0, &info);
  check(st == KILN_OK && info.rank == 3 && info.shape[0] == -1 && info.shape[1] == -1 &&
            info.shape[2] == 8 && info.dim_names && strcmp(info.dim_names[0], "batch") == 0 &&
            strcmp(info.dim_names[1], "seq") == 0 && info.dim_names[2] == NULL,
        "input 0 is x [batch,seq,8]");
  check(model->num_symbols == 2 && model->num_constraints == 1 &&
            kiln_model_workspace_size(model) == 0,
        "two symbols, one constraint, no fixed workspace");
  kiln_context_t *ctx = NULL;
  st = kiln_context_create(model, NULL, &ctx);
  check(st == KILN_OK, "context created");
  if (st != KILN_OK) {
    printf("  %s\n", kiln_context_last_error(NULL));
    printf("%d passed, %d failed\n", passed, failed);
    return 1;
  }

  static const int64_t sizes[][2] = {{1, 1}, {3, 7}, {2, 64}, {3, 7}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i)
    run_at(ctx, sizes[i][0], sizes[i][1]);

  {
    /* The typed run of the generated header: the symbols give the shapes. */
    float x[2 * 5 * 8], mask[2 * 5], z[2 * 5];
    for (int i = 0; i < 80; ++i)
      x[i] = rnd();
    for (int i = 0; i < 10; ++i)
      mask[i] = 1.0f;
    st = sym_model_run(ctx, 2, 5, x, mask, z);
    int ok = st == KILN_OK;
    for (int r = 0; r < 10 && ok; ++r)
      ok = fabs(z[r] - reference(x, mask, 5, r)) <= 1e-5 * (1 + fabs(reference(x, mask, 5, r)));
    check(ok, "sym_model_run(ctx, batch 2, seq 5, ...) matches the reference");
  }

  int64_t x65[] = {1, 65, 8}, m65[] = {1, 65};
  refused(ctx, x65, m65, m65, "seq is 65, the model allows at most 64 (a hand-written limit of 64 tokens)",
          "seq 65 is refused by the constraint");
  int64_t x5[] = {2, 5, 8}, m6[] = {2, 6}, z5[] = {2, 5};
  refused(ctx, x5, m6, z5,
          "input 'mask' (#1): dim 1 is 6, the model expects seq = 5 (from input 'x' dim 1)",
          "mask [2,6] against x [2,5,8] is refused");
  run_at(ctx, 0, 5); /* empty tensors: no kernel has anything to compute */
  run_at(ctx, 2, 0);
  int64_t z4[] = {2, 4};
  refused(ctx, x5, z5, z4, "output 'z'", "an output of the wrong shape is refused");
  run_at(ctx, 3, 7); /* still usable after refusals */

  kiln_context_destroy(ctx);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
