/*===- compare.c - The one rule for comparing outputs with a reference -===*/
#include "compare.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* ONNX TensorProto codes, as kiln_dtype_t. */
enum { FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10 };

int kiln_compare_is_float(int dtype) { return dtype == FLOAT || dtype == FLOAT16; }

size_t kiln_compare_element_size(int dtype) {
  switch (dtype) {
  case FLOAT: case INT32: return 4;
  case INT64: return 8;
  case UINT8: case INT8: case BOOL: return 1;
  case FLOAT16: return 2;
  default: return 0;
  }
}

static double half_to_double(uint16_t h) {
  int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
  return h & 0x8000 ? -v : v;
}

double kiln_compare_element(int dtype, const void *data, size_t i) {
  const char *p = (const char *)data + i * kiln_compare_element_size(dtype);
  switch (dtype) {
  case FLOAT: { float f; memcpy(&f, p, 4); return f; }
  case FLOAT16: { uint16_t h; memcpy(&h, p, 2); return half_to_double(h); }
  case INT32: { int32_t v; memcpy(&v, p, 4); return v; }
  case INT64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
  case UINT8: case BOOL: return *(const uint8_t *)p;
  case INT8: return *(const int8_t *)p;
  default: return NAN;
  }
}

/* Integers exactly: int64 beyond 2^53 is not a double. */
static int int_equal(int dtype, const void *a, const void *b, size_t i) {
  size_t es = kiln_compare_element_size(dtype);
  return !memcmp((const char *)a + i * es, (const char *)b + i * es, es);
}

int kiln_compare(int dtype, const void *got, const void *want, size_t n, double atol, double rtol,
                 kiln_compare_result_t *r) {
  memset(r, 0, sizeof *r);
  if (!kiln_compare_element_size(dtype)) {
    r->mismatches = n;
    r->max_err = INFINITY;
    return 0;
  }
  int fp = kiln_compare_is_float(dtype);
  for (size_t i = 0; i < n; ++i) {
    double x = kiln_compare_element(dtype, got, i), y = kiln_compare_element(dtype, want, i), err;
    int ok;
    if (!fp) {
      ok = int_equal(dtype, got, want, i);
      err = ok ? 0 : fabs(x - y);
    } else if (isnan(x) || isnan(y)) {
      ok = isnan(x) && isnan(y);
      err = ok ? 0 : INFINITY;
    } else if (x == y) { /* equal infinities too */
      ok = 1;
      err = 0;
    } else if (isinf(x) || isinf(y)) {
      ok = 0;
      err = INFINITY;
    } else {
      err = fabs(x - y);
      ok = err <= atol + rtol * fabs(y);
    }
    if (err > r->max_err) r->max_err = err;
    if (!ok && r->mismatches++ == 0) {
      r->first_bad = i;
      r->first_got = x;
      r->first_want = y;
    }
  }
  return r->mismatches == 0;
}

double kiln_compare_cosine(int dtype, const void *got, const void *want, size_t n) {
  double dot = 0, gg = 0, ww = 0;
  for (size_t i = 0; i < n; ++i) {
    double x = kiln_compare_element(dtype, got, i), y = kiln_compare_element(dtype, want, i);
    if (!isfinite(x) || !isfinite(y)) return NAN;
    dot += x * y;
    gg += x * x;
    ww += y * y;
  }
  if (gg == 0 && ww == 0) return 1;
  if (gg == 0 || ww == 0) return NAN;
  return dot / (sqrt(gg) * sqrt(ww));
}
