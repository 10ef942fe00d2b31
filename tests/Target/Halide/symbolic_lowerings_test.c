/* Runs the kernels convert-kernel-to-halide made of symbolic_lowerings.mlir,
 * built once, at several (s0, s1) sizes, against scalar references: the
 * padding-mask index (kernel.index_expr), a gather into s0*s1 rows, a layer
 * norm over s1 rows, a concat whose second input starts at s0 (also empty,
 * s0 = 0: a KV cache's past on the first call), and a softmax, a mean and a
 * sum over s1 (reductions whose extent is a param; the sum also over s1 = 0). */
#include <HalideRuntime.h>
#include "test_buffers.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct halide_buffer_t buf_t;
int lw_k0_index_expr_i64(int32_t s0, int32_t s1, buf_t *out);
int lw_k1_gather_i1(buf_t *mask, buf_t *idx, int32_t s0, int32_t s1, buf_t *out);
int lw_k2_layer_norm_f32(buf_t *x, buf_t *scale, buf_t *bias, int32_t s1, buf_t *out);
int lw_k3_concat_f32(buf_t *a, buf_t *b, int32_t s0, buf_t *out);
int lw_k4_softmax_f32(buf_t *x, int32_t s1, buf_t *out);
int lw_k5_reduce_f32(buf_t *x, int32_t s1, buf_t *out);
int lw_k6_reduce_f32(buf_t *x, int32_t s1, buf_t *out);

static void run(int s0, int s1) {
  int n = s0 * s1;
  /* k0: idx[b][k] = k + b * s1 */
  int64_t *idx = malloc(sizeof(int64_t) * n);
  halide_dimension_t d0[2];
  int e0[2] = {s1, s0};
  buf_t bidx = typed_buffer(idx, halide_type_int, 64, d0, 2, e0);
  int ok = lw_k0_index_expr_i64(s0, s1, &bidx) == 0;
  for (int i = 0; ok && i < n; ++i)
    ok = idx[i] == i;
  check(ok, "index_expr", s0, s1);

  /* k1: out[b][k][0] = mask[idx[b][k]][0] */
  uint8_t *mask = malloc(n), *g = malloc(n);
  for (int i = 0; i < n; ++i)
    mask[i] = (uint8_t)((i * 5 + 1) % 3 == 0);
  halide_dimension_t dm[2], dg[3];
  int em[2] = {1, n}, eg[3] = {1, s1, s0};
  buf_t bm = typed_buffer(mask, halide_type_uint, 8, dm, 2, em), bg = typed_buffer(g, halide_type_uint, 8, dg, 3, eg);
  bidx = typed_buffer(idx, halide_type_int, 64, d0, 2, e0);
  ok = lw_k1_gather_i1(&bm, &bidx, s0, s1, &bg) == 0;
  for (int i = 0; ok && i < n; ++i)
    ok = (g[i] != 0) == (mask[i] != 0);
  check(ok, "gather", s0, s1);

  /* k2: layer norm of s1 rows of 32 */
  float *x = malloc(sizeof(float) * 32 * s1), *y = malloc(sizeof(float) * 32 * s1), sc[32], bi[32];
  for (int i = 0; i < 32 * s1; ++i)
    x[i] = (float)((i * 37) % 101) / 10.0f - 5.0f;
  for (int j = 0; j < 32; ++j) {
    sc[j] = 0.5f + (float)j / 32.0f;
    bi[j] = (float)(j % 5) - 2.0f;
  }
  halide_dimension_t dx[2], dy[2], ds[1], db[1];
  int ex[2] = {32, s1}, e32[1] = {32};
  buf_t bx = buffer(x, dx, 2, ex), by = buffer(y, dy, 2, ex);
  buf_t bs = buffer(sc, ds, 1, e32), bb = buffer(bi, db, 1, e32);
  ok = lw_k2_layer_norm_f32(&bx, &bs, &bb, s1, &by) == 0;
  for (int r = 0; ok && r < s1; ++r) {
    double mean = 0, var = 0;
    for (int j = 0; j < 32; ++j)
      mean += x[r * 32 + j] / 32.0;
    for (int j = 0; j < 32; ++j)
      var += (x[r * 32 + j] - mean) * (x[r * 32 + j] - mean) / 32.0;
    for (int j = 0; ok && j < 32; ++j) {
      double want = (x[r * 32 + j] - mean) / sqrt(var + 1e-5) * sc[j] + bi[j];
      ok = fabs(y[r * 32 + j] - want) <= 1e-4 * (1 + fabs(want));
    }
  }
  check(ok, "layer_norm", s0, s1);

  /* k3: concat [s0,4] and [2,4] on axis 0 */
  float *a = malloc(sizeof(float) * 4 * s0), b2[8], *c = malloc(sizeof(float) * 4 * (s0 + 2));
  for (int i = 0; i < 4 * s0; ++i)
    a[i] = (float)i;
  for (int i = 0; i < 8; ++i)
    b2[i] = -1.0f - (float)i;
  halide_dimension_t da[2], db2[2], dc[2];
  int ea[2] = {4, s0}, eb[2] = {4, 2}, ec[2] = {4, s0 + 2};
  buf_t ba = buffer(a, da, 2, ea), bb2 = buffer(b2, db2, 2, eb);
  buf_t bc = buffer(c, dc, 2, ec);
  ok = lw_k3_concat_f32(&ba, &bb2, s0, &bc) == 0;
  for (int i = 0; ok && i < 4 * (s0 + 2); ++i)
    ok = c[i] == (i < 4 * s0 ? a[i] : b2[i - 4 * s0]);
  check(ok, "concat", s0, s1);

  /* k4: softmax of [2, s1] over s1 */
  float *t = malloc(sizeof(float) * 2 * s1), *sm = malloc(sizeof(float) * 2 * s1);
  for (int i = 0; i < 2 * s1; ++i)
    t[i] = (float)((i * 13) % 17) / 4.0f - 2.0f;
  halide_dimension_t dt[2], dsm[2];
  int et[2] = {s1, 2};
  buf_t bt = buffer(t, dt, 2, et), bsm = buffer(sm, dsm, 2, et);
  ok = lw_k4_softmax_f32(&bt, s1, &bsm) == 0;
  for (int r = 0; ok && r < 2; ++r) {
    double mx = -1e30, sum = 0;
    for (int j = 0; j < s1; ++j)
      mx = fmax(mx, t[r * s1 + j]);
    for (int j = 0; j < s1; ++j)
      sum += exp(t[r * s1 + j] - mx);
    for (int j = 0; ok && j < s1; ++j)
      ok = fabs(sm[r * s1 + j] - exp(t[r * s1 + j] - mx) / sum) <= 1e-5;
  }
  check(ok, "softmax", s0, s1);

  /* k5: mean of [s1, 3] over s1 */
  float *u = malloc(sizeof(float) * 3 * s1), mean[3];
  for (int i = 0; i < 3 * s1; ++i)
    u[i] = (float)(i % 7) - 1.5f;
  halide_dimension_t du[2], dmean[1];
  int eu[2] = {3, s1}, e3[1] = {3};
  buf_t bu = buffer(u, du, 2, eu), bmean = buffer(mean, dmean, 1, e3);
  ok = lw_k5_reduce_f32(&bu, s1, &bmean) == 0;
  for (int col = 0; ok && col < 3; ++col) {
    double want = 0;
    for (int r = 0; r < s1; ++r)
      want += u[r * 3 + col] / s1;
    ok = fabs(mean[col] - want) <= 1e-5;
  }
  check(ok, "reduce mean", s0, s1);

  free(idx), free(mask), free(g), free(x), free(y), free(a), free(c), free(t), free(sm), free(u);
}

/* k3 with s0 = 0: the first input is empty (extent 0, a host pointer that
 * must never be read); the output is the second input. Before its read was
 * guarded, Halide refused the call ("accessed at -1"). */
static void run_empty_concat(void) {
  float never[1] = {NAN}, b2[8], c[8];
  for (int i = 0; i < 8; ++i)
    b2[i] = 1.0f + (float)i, c[i] = -7.0f;
  halide_dimension_t da[2], db2[2], dc[2];
  int ea[2] = {4, 0}, eb[2] = {4, 2};
  buf_t ba = buffer(never, da, 2, ea), bb2 = buffer(b2, db2, 2, eb), bc = buffer(c, dc, 2, eb);
  int ok = lw_k3_concat_f32(&ba, &bb2, 0, &bc) == 0;
  for (int i = 0; ok && i < 8; ++i)
    ok = c[i] == b2[i];
  check(ok, "concat of an empty input", 0, 0);
}

/* k6: sum of [s1, 3] over s1, at s1 = 7 and at s1 = 0 (an empty rdom: the
 * ONNX identity, 0, with nothing read). */
static void run_sum(int s1) {
  float u[21], sum[3] = {-7.0f, -7.0f, -7.0f};
  for (int i = 0; i < 21; ++i)
    u[i] = (float)(i % 5) - 1.0f;
  halide_dimension_t du[2], dsum[1];
  int eu[2] = {3, s1}, e3[1] = {3};
  buf_t bu = buffer(u, du, 2, eu), bsum = buffer(sum, dsum, 1, e3);
  int ok = lw_k6_reduce_f32(&bu, s1, &bsum) == 0;
  for (int col = 0; ok && col < 3; ++col) {
    double want = 0;
    for (int r = 0; r < s1; ++r)
      want += u[r * 3 + col];
    ok = fabs(sum[col] - want) <= 1e-5;
  }
  check(ok, "reduce sum", 0, s1);
}

int main(void) {
  static const int sizes[][2] = {{1, 1}, {3, 7}, {2, 64}, {1, 5}, {4, 1}, {3, 7}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i)
    run(sizes[i][0], sizes[i][1]);
  run_empty_concat();
  run_sum(7);
  run_sum(0);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
