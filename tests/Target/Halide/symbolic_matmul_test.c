/* Calls the symbolic matmuls of symbolic_matmul.mlir (lowered by
 * convert-kernel-to-halide) at many row and batch counts from one build and
 * compares every element with a scalar reference: the guarded row tile must
 * be right at 1 row, at counts that MR = 4 does not divide, and at counts
 * larger than the last call's. */
#include <HalideRuntime.h>
#include "test_buffers.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mm_k0_matmul_f32(struct halide_buffer_t *in0, struct halide_buffer_t *in1, struct halide_buffer_t *in2,
                     int32_t s0, int32_t s1, struct halide_buffer_t *out);
int mm_k1_matmul_f32(struct halide_buffer_t *in0, struct halide_buffer_t *in1, struct halide_buffer_t *in2,
                     int32_t s0, int32_t s1, struct halide_buffer_t *out);

/* Values on a 1/8 grid keep every product and partial sum exact. */
static float value(int i, int mul, int mod) { return (float)((i * mul) % mod - mod / 2) * 0.125f; }

static int near(float got, float want) { return fabsf(got - want) <= 1e-4f * (1.0f + fabsf(want)); }

enum { K0 = 128, N0 = 384, NR0 = 48, K1 = 64, N1 = 40 };

/* out[b, m, n] = sum_k A[b, m, k] * W[k, n] + bias[n], W passed as
 * kiln-pack-weights' panels P[n / NR][k][n % NR]. */
static void packed(int batch, int seq) {
  int rows = batch * seq;
  float *a = malloc(sizeof(float) * rows * K0), *w = malloc(sizeof(float) * K0 * N0);
  float *p = malloc(sizeof(float) * K0 * N0), *bias = malloc(sizeof(float) * N0);
  float *out = malloc(sizeof(float) * rows * N0);
  for (int i = 0; i < rows * K0; ++i)
    a[i] = value(i, 7, 13);
  for (int i = 0; i < K0 * N0; ++i)
    w[i] = value(i, 5, 11);
  for (int n = 0; n < N0; ++n)
    bias[n] = value(n, 3, 7);
  for (int k = 0; k < K0; ++k)
    for (int n = 0; n < N0; ++n)
      p[((n / NR0) * K0 + k) * NR0 + n % NR0] = w[k * N0 + n];
  halide_dimension_t da[3], dp[3], db[1], dout[3];
  int ea[3] = {K0, seq, batch}, ep[3] = {NR0, K0, N0 / NR0}, eb[1] = {N0}, eo[3] = {N0, seq, batch};
  halide_buffer_t ba = buffer(a, da, 3, ea), bp = buffer(p, dp, 3, ep), bb = buffer(bias, db, 1, eb),
                  bo = buffer(out, dout, 3, eo);
  int ok = mm_k0_matmul_f32(&ba, &bp, &bb, batch, seq, &bo) == 0;
  for (int r = 0; ok && r < rows; ++r)
    for (int n = 0; ok && n < N0; ++n) {
      float want = 0;
      for (int k = 0; k < K0; ++k)
        want += a[r * K0 + k] * w[k * N0 + n];
      want += bias[n];
      ok = near(out[r * N0 + n], want);
    }
  check(ok, "packed matmul + bias epilogue (batch, seq)", batch, seq);
  free(a), free(w), free(p), free(bias), free(out);
}

/* out[r, n] = 0.5 * sum_k A[r, k] * W[k, n] + bias[n] over rows = s0 * s1. */
static void plain(int s0, int s1) {
  int rows = s0 * s1;
  float *a = malloc(sizeof(float) * rows * K1), *w = malloc(sizeof(float) * K1 * N1);
  float *bias = malloc(sizeof(float) * N1), *out = malloc(sizeof(float) * rows * N1);
  for (int i = 0; i < rows * K1; ++i)
    a[i] = value(i, 3, 17);
  for (int i = 0; i < K1 * N1; ++i)
    w[i] = value(i, 11, 9);
  for (int n = 0; n < N1; ++n)
    bias[n] = value(n, 5, 3);
  halide_dimension_t da[2], dw[2], db[1], dout[2];
  int ea[2] = {K1, rows}, ew[2] = {N1, K1}, eb[1] = {N1}, eo[2] = {N1, rows};
  halide_buffer_t ba = buffer(a, da, 2, ea), bw = buffer(w, dw, 2, ew), bb = buffer(bias, db, 1, eb),
                  bo = buffer(out, dout, 2, eo);
  int ok = mm_k1_matmul_f32(&ba, &bw, &bb, s0, s1, &bo) == 0;
  for (int r = 0; ok && r < rows; ++r)
    for (int n = 0; ok && n < N1; ++n) {
      float want = 0;
      for (int k = 0; k < K1; ++k)
        want += a[r * K1 + k] * w[k * N1 + n];
      want = 0.5f * want + bias[n];
      ok = near(out[r * N1 + n], want);
    }
  check(ok, "plain matmul + bias (s0, s1)", s0, s1);
  free(a), free(w), free(bias), free(out);
}

/* A buffer that contradicts the params: Halide's own check refuses it. */
static void mismatch(void) {
  float a[6 * K1], w[K1 * N1], bias[N1], out[6 * N1];
  halide_dimension_t da[2], dw[2], db[1], dout[2];
  int ea[2] = {K1, 6}, ew[2] = {N1, K1}, eb[1] = {N1}, eo[2] = {N1, 6};
  halide_buffer_t ba = buffer(a, da, 2, ea), bw = buffer(w, dw, 2, ew), bb = buffer(bias, db, 1, eb),
                  bo = buffer(out, dout, 2, eo);
  check(mm_k1_matmul_f32(&ba, &bw, &bb, 2, 4, &bo) != 0, "plain refuses 6 rows for s0*s1 = 8", 2, 4);
}

/* Halide reports its errors here; only the mismatch case expects one. */
static int expectError;
void halide_error(void *user_context, const char *msg) {
  (void)user_context;
  if (!expectError)
    fprintf(stderr, "halide: %s", msg);
}

int main(void) {
  /* Rows 1, 5, 7, 64 (decode, odd tails, a full prompt), then batches, then
   * smaller again after larger. */
  static const int sizes[][2] = {{1, 1}, {1, 5}, {1, 7}, {1, 64}, {3, 5}, {2, 7}, {4, 64}, {1, 1}, {2, 1}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
    packed(sizes[i][0], sizes[i][1]);
    plain(sizes[i][0], sizes[i][1]);
  }
  expectError = 1;
  mismatch();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
