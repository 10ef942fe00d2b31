/*===- compare_test.c - The comparison rule of compare.h, case by case -===*/
#include "compare.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int failures;

static void expect(const char *what, int got, int want) {
  printf("%-52s %s\n", what, got == want ? "ok" : "WRONG");
  failures += got != want;
}

static int f32(float a, float b, double atol, double rtol) {
  kiln_compare_result_t r;
  return kiln_compare(1, &a, &b, 1, atol, rtol, &r);
}

int main(void) {
  expect("NaN against NaN matches", f32(NAN, NAN, 0, 0), 1);
  expect("NaN against 0 differs", f32(NAN, 0, 1e9, 1e9), 0);
  expect("0 against NaN differs", f32(0, NAN, 1e9, 1e9), 0);
  expect("+inf against +inf matches", f32(INFINITY, INFINITY, 0, 0), 1);
  expect("+inf against -inf differs", f32(INFINITY, -INFINITY, 1e9, 1e9), 0);
  expect("+inf against FLT_MAX differs, whatever the tolerance", f32(INFINITY, 3.4e38f, 1e9, 1e9), 0);
  expect("|a-b| = atol + rtol*|b| matches", f32(1.5f, 1.0f, 0.25, 0.25), 1);
  expect("|a-b| just past atol + rtol*|b| differs", f32(1.5f, 1.0f, 0.25, 0.2), 0);
  expect("rtol scales with the reference b, not a", f32(2.0f, 1.0f, 0, 0.6), 0);

  int64_t big[2] = {(int64_t)1 << 60, 7}, bigPlus1[2] = {((int64_t)1 << 60) + 1, 7};
  kiln_compare_result_t r;
  expect("int64 equal only (2^60 vs 2^60+1, huge rtol)", kiln_compare(7, big, bigPlus1, 2, 1e9, 1e9, &r), 0);
  expect("  ... one mismatch, at index 0", r.mismatches == 1 && r.first_bad == 0, 1);
  uint8_t u[3] = {1, 2, 3}, v[3] = {1, 2, 3};
  expect("uint8 equal", kiln_compare(2, u, v, 3, 0, 0, &r), 1);
  uint16_t h1 = 0x3c00, h2 = 0x3c01; /* float16 1.0 and the next value up */
  expect("float16 1.0 against 1.000977 within 1e-3", kiln_compare(10, &h1, &h2, 1, 1e-3, 0, &r), 1);
  expect("float16 1.0 against 1.000977 outside 1e-4", kiln_compare(10, &h1, &h2, 1, 1e-4, 0, &r), 0);
  float a[3] = {0, 1, NAN}, b[3] = {0, 1.5f, 2};
  kiln_compare(1, a, b, 3, 0, 0, &r);
  expect("max_err is infinite where NaN disagrees", isinf(r.max_err), 1);
  expect("first mismatch at index 1, 2 in all", r.first_bad == 1 && r.mismatches == 2, 1);
  expect("an unknown dtype never matches", kiln_compare(8, a, b, 3, 1, 1, &r), 0);
  printf("%s\n", failures ? "FAIL" : "PASS");
  return failures != 0;
}
