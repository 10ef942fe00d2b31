/* Shared by the C tests that call Halide kernels directly: a pass/fail count
 * and dense halide_buffer_t's over caller memory (innermost dim first). */
#ifndef KILN_TESTS_TARGET_HALIDE_TEST_BUFFERS_H
#define KILN_TESTS_TARGET_HALIDE_TEST_BUFFERS_H

#include <HalideRuntime.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *what, int a, int b) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "FAIL: %s at (%d, %d)\n", what, a, b);
  }
}

/* A dense buffer of `code`/`bits` elements; `extents` innermost first. */
static halide_buffer_t typed_buffer(void *data, int code, int bits, halide_dimension_t *dims, int rank,
                                    const int *extents) {
  halide_buffer_t b;
  memset(&b, 0, sizeof b);
  b.host = (uint8_t *)data;
  b.type.code = (halide_type_code_t)code;
  b.type.bits = (uint8_t)bits;
  b.type.lanes = 1;
  b.dimensions = rank;
  b.dim = dims;
  for (int i = 0, stride = 1; i < rank; stride *= extents[i], ++i) {
    dims[i].min = 0;
    dims[i].extent = extents[i];
    dims[i].stride = stride;
    dims[i].flags = 0;
  }
  return b;
}

/* A dense float32 buffer. */
static halide_buffer_t buffer(float *data, halide_dimension_t *dims, int rank, const int *extents) {
  return typed_buffer(data, halide_type_float, 32, dims, rank, extents);
}

#endif
