/* Calls the kernels of symbolic_kernels.mlir at many sizes from one build and
 * compares every element with a scalar reference: extents that are Halide
 * params must be right at 1, at sizes that no split divides, and at sizes
 * larger than the last call's. */
#include <HalideRuntime.h>
#include "test_buffers.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sym_rowsum(struct halide_buffer_t *in0, int32_t s0, int32_t s1, struct halide_buffer_t *out);
int sym_keysum(struct halide_buffer_t *in0, struct halide_buffer_t *in1, int32_t s1,
               struct halide_buffer_t *out);

static void rowsum(int s0, int s1) {
  int rows = s0 * s1;
  float *in = malloc(sizeof(float) * 37 * rows), *out = malloc(sizeof(float) * rows);
  for (int i = 0; i < 37 * rows; ++i)
    in[i] = (float)((i * 7) % 13) - 6.0f;
  halide_dimension_t di[2], dout[1];
  int ei[2] = {37, rows}, eo[1] = {rows};
  halide_buffer_t bi = buffer(in, di, 2, ei), bo = buffer(out, dout, 1, eo);
  int rc = sym_rowsum(&bi, s0, s1, &bo);
  int ok = rc == 0;
  for (int r = 0; ok && r < rows; ++r) {
    float want = (float)s1;
    for (int k = 0; k < 37; ++k)
      want += in[r * 37 + k];
    ok = fabsf(out[r] - want) <= 1e-4f * (1.0f + fabsf(want));
  }
  check(ok, "rowsum", s0, s1);
  free(in);
  free(out);
}

static void keysum(int keys) {
  float *a = malloc(sizeof(float) * 5 * keys), *b = malloc(sizeof(float) * keys * 3), out[15];
  for (int i = 0; i < 5 * keys; ++i)
    a[i] = (float)(i % 5) + 0.25f * (float)(i % 3);
  for (int i = 0; i < 3 * keys; ++i)
    b[i] = (float)((i * 5) % 7) - 3.0f;
  halide_dimension_t da[2], db[2], dout[2];
  int ea[2] = {5, keys}, eb[2] = {keys, 3}, eo[2] = {5, 3};
  halide_buffer_t ba = buffer(a, da, 2, ea), bb = buffer(b, db, 2, eb), bo = buffer(out, dout, 2, eo);
  int rc = sym_keysum(&ba, &bb, keys, &bo);
  int ok = rc == 0;
  for (int r = 0; ok && r < 3; ++r)
    for (int c = 0; ok && c < 5; ++c) {
      float want = 0;
      for (int k = 0; k < keys; ++k)
        want += a[k * 5 + c] * b[r * keys + k];
      ok = fabsf(out[r * 5 + c] - want) <= 1e-4f * (1.0f + fabsf(want));
    }
  check(ok, "keysum", keys, 0);
  free(a);
  free(b);
}

/* A buffer that contradicts the params: Halide's own check refuses it. */
static void mismatch(void) {
  float in[37 * 6], out[6];
  halide_dimension_t di[2], dout[1];
  int ei[2] = {37, 6}, eo[1] = {6};
  halide_buffer_t bi = buffer(in, di, 2, ei), bo = buffer(out, dout, 1, eo);
  check(sym_rowsum(&bi, 2, 4, &bo) != 0, "rowsum refuses 6 rows for s0*s1 = 8", 2, 4);
}

/* Halide reports its errors here; the mismatch case expects one. */
void halide_error(void *user_context, const char *msg) { (void)user_context; (void)msg; }

int main(void) {
  static const int sizes[][2] = {{1, 1}, {1, 7}, {3, 7}, {2, 64}, {1, 1}, {5, 3}, {3, 1}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i)
    rowsum(sizes[i][0], sizes[i][1]);
  static const int keys[] = {1, 37, 64, 2, 513};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; ++i)
    keysum(keys[i]);
  mismatch();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
