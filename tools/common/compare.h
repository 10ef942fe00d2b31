/*===- compare.h - The one rule for comparing outputs with a reference -===*
 *
 * kiln-run, kiln-conformance and the model driver (kiln-model-driver, which
 * the e2e checkers and the benchmark run) compare with this, so the rule is
 * the same everywhere (docs/cli.md):
 *   - float and float16: NaN matches NaN only; an infinity matches only the
 *     same infinity; otherwise |a - b| <= atol + rtol * |b|, b the reference;
 *   - integers and bool: equal, whatever the tolerance.
 * C, so that the C driver links it without C++ or LLVM.
 *===----------------------------------------------------------------------===*/
#ifndef KILN_TOOLS_COMMON_COMPARE_H
#define KILN_TOOLS_COMMON_COMPARE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_compare_result {
  size_t mismatches; /* elements outside the rule */
  size_t first_bad;  /* flat index of the first one */
  double max_err;    /* largest |a - b|; infinite where NaN or infinities disagree */
  double first_got, first_want;
} kiln_compare_result_t;

/* 1 for the float dtypes (FLOAT, FLOAT16), 0 for the rest. */
int kiln_compare_is_float(int dtype);
/* Bytes per element of the dtypes compared here (ONNX codes); 0 otherwise. */
size_t kiln_compare_element_size(int dtype);
/* Element i as a double. */
double kiln_compare_element(int dtype, const void *data, size_t i);
/* Compares n elements of `got` with the reference `want`, both of `dtype`.
   Returns 1 when every element matches, 0 otherwise or for a dtype it does
   not know (r->mismatches is then n). */
int kiln_compare(int dtype, const void *got, const void *want, size_t n, double atol, double rtol,
                 kiln_compare_result_t *r);

/* The cosine similarity of `got` and `want` (n elements of a float dtype,
   taken as vectors), for quantized builds checked against f32 references:
   NaN when either holds a NaN or an infinity, or when one is all zeros and
   the other is not (two zero vectors: 1). */
double kiln_compare_cosine(int dtype, const void *got, const void *want, size_t n);

#ifdef __cplusplus
}
#endif

#endif
