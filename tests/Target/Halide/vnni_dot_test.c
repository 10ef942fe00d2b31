/* Runs vnni_dot.mlir's kernels, built by kiln-translate --cpu znver4 (the
 * int8 one through LLVM 19), against a scalar reference: the route must give
 * the exact sums, including the extreme products 255 * -128. Needs a CPU with
 * AVX512-VNNI; elsewhere it says so and skips. Built with -DKILN_AVX_VNNI it
 * runs avxvnni_dot.mlir's kernels (--cpu alderlake: VEX vpdpbusd on ymm) and
 * needs AVX-VNNI instead. */
#include <HalideRuntime.h>
#include "test_buffers.h"
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>

int v_dot(struct halide_buffer_t *a, struct halide_buffer_t *b, struct halide_buffer_t *c);
int v_scale(struct halide_buffer_t *in, struct halide_buffer_t *out);

enum { K = 64, M = 8, N = 32 };

#ifdef KILN_AVX_VNNI
#define FEATURE "AVX-VNNI"
/* CPUID leaf 7 subleaf 1, EAX bit 4. */
static int has_feature(void) {
  unsigned eax, ebx, ecx, edx;
  return __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && ((eax >> 4) & 1);
}
#else
#define FEATURE "AVX512-VNNI"
static int has_feature(void) {
  unsigned eax, ebx, ecx, edx;
  return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && ((ecx >> 11) & 1) && ((ebx >> 16) & 1);
}
#endif

static void dot(void) {
  static uint8_t a[M][K];
  static int8_t b[N][K];
  static int32_t c[M][N];
  unsigned s = 12345;
  for (int m = 0; m < M; ++m)
    for (int k = 0; k < K; ++k)
      a[m][k] = m == 0 ? 255 : (uint8_t)((s = s * 1103515245u + 12345u) >> 16);
  for (int n = 0; n < N; ++n)
    for (int k = 0; k < K; ++k)
      b[n][k] = n == 0 ? -128 : n == 1 ? 127 : (int8_t)((s = s * 1103515245u + 12345u) >> 16);
  halide_dimension_t da[2], db[2], dc[2];
  int ea[2] = {K, M}, eb[2] = {K, N}, ec[2] = {N, M};
  halide_buffer_t ba = typed_buffer(a, halide_type_uint, 8, da, 2, ea);
  halide_buffer_t bb = typed_buffer(b, halide_type_int, 8, db, 2, eb);
  halide_buffer_t bc = typed_buffer(c, halide_type_int, 32, dc, 2, ec);
  check(v_dot(&ba, &bb, &bc) == 0, "v_dot returned nonzero", 0, 0);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      int32_t want = 0;
      for (int k = 0; k < K; ++k)
        want += (int32_t)a[m][k] * (int32_t)b[n][k];
      check(c[m][n] == want, "dot", n, m);
    }
  check(c[0][0] == 64 * 255 * -128, "dot of the extremes", 0, 0);
}

static void scale(void) {
  float in[100], out[100];
  for (int i = 0; i < 100; ++i)
    in[i] = (float)i - 50.0f;
  halide_dimension_t di[1], dout[1];
  int e[1] = {100};
  halide_buffer_t bi = buffer(in, di, 1, e), bo = buffer(out, dout, 1, e);
  check(v_scale(&bi, &bo) == 0, "v_scale returned nonzero", 0, 0);
  for (int i = 0; i < 100; ++i)
    check(out[i] == in[i] * 0.5f, "scale", i, 0);
}

int main(void) {
  if (!has_feature()) {
    printf("vnni_dot: this CPU has no " FEATURE ", not run\n");
    return 0;
  }
  dot();
  scale();
  printf("vnni_dot: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
