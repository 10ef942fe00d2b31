//===- context.c - What runtime.c and resolve.c share about a context -----===//
//
// The error text (a context's last error, or the thread's orphan slot when
// there is no context) and a buffer's Halide dims. Kept apart from runtime.c
// so that resolve.c depends on this file and runtime.c on both, never back.
//
//===----------------------------------------------------------------------===//
#include "context.h"

#include <stdarg.h>
#include <stdio.h>

// Failures with no context to hold their message: kiln_context_create
// failing, a NULL context.
static _Thread_local char orphan_error[KILN_ERROR_CAPACITY];

kiln_status_t kiln_fail(kiln_context_t *ctx, kiln_status_t status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx ? ctx->last_error : orphan_error, KILN_ERROR_CAPACITY, fmt, ap);
  va_end(ap);
  return status;
}

void kiln_clear_orphan_error(void) { orphan_error[0] = '\0'; }

const char *kiln_context_last_error(const kiln_context_t *ctx) {
  if (ctx)
    return ctx->last_error;
  return orphan_error[0] ? orphan_error : "null context";
}

void kiln_set_buffer_dims(kiln_context_t *ctx, int32_t t) {
  halide_buffer_t *buf = &ctx->buffers[t];
  const int64_t *shape = &ctx->shapes[(size_t)t * KILN_MAX_RANK];
  // Halide's dim 0 is the innermost (last ONNX) axis; the layout is dense.
  int32_t stride = 1, rank = buf->dimensions;
  for (int32_t d = 0; d < rank; ++d) {
    int32_t extent = (int32_t)shape[rank - 1 - d];
    buf->dim[d].min = 0;
    buf->dim[d].extent = extent;
    buf->dim[d].stride = stride;
    stride *= extent > 0 ? extent : 1; // as the compiler lays out zero-size dims
  }
}
