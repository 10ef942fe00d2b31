//===- context.h - A context's state, shared by the runtime's files -------===//
//
// Private to runtime/src: runtime.c creates, checks and runs contexts;
// resolve.c binds the symbols of a model with symbolic dims and re-plans;
// context.c holds the helpers both call (declared here). The files call one
// way only: runtime.c -> resolve.c -> context.c, names.c, expr.c, memory.c
// and the planner (plan.c, a library of its own shared with kiln-compile).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_CONTEXT_H
#define KILN_RUNTIME_CONTEXT_H

#include "kiln/runtime.h"

#include <HalideRuntime.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KILN_ERROR_CAPACITY 1024
#define KILN_ARENA_ALIGNMENT 64

struct kiln_context_s {
  const kiln_model_t *model;
  const uint8_t *weights; // model->weights or its shared huge-page copy (memory.h)
  uint8_t *arena;
  size_t arena_bytes;
  halide_buffer_t *buffers; // one per tensor, indexed by tensor id
  halide_dimension_t *dims; // KILN_MAX_RANK per tensor
  void **args;              // scratch argument array for the widest step
  // Every tensor's shape and bytes as this context sees them: the table's for
  // a static model, the last resolved ones for a symbolic model.
  int64_t *shapes; // KILN_MAX_RANK per tensor
  int64_t *nbytes;

  // Symbolic models only (model->num_symbols > 0).
  bool resolved;        // shapes, buffers and arena match `symbols`
  int64_t *symbols;     // values of the last resolve
  int64_t *pending;     // values being resolved
  int32_t *symbol_args; // `symbols` as int32: what a step argument -1 - k points at
  int64_t workspace;    // arena bytes of the current plan
  int64_t plan_count;   // re-plans so far (kiln_context_plan_count)
  int32_t num_planned;  // intermediates, in table order:
  int32_t *planned;     // their tensor ids,
  int64_t *plan_sizes;  // bytes,
  int32_t *plan_defs, *plan_last, *plan_reuse; // liveness and reuse (plan indices),
  int64_t *plan_offsets;                       // and planned offsets
  void *plan_scratch;

  char last_error[KILN_ERROR_CAPACITY];
};

/// Formats a message into the context's last error (or the thread's orphan
/// slot when `ctx` is NULL) and returns `status`.
kiln_status_t kiln_fail(kiln_context_t *ctx, kiln_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/// Empties the thread's orphan slot (a context was created).
void kiln_clear_orphan_error(void);

static inline const char *kiln_tensor_name(const kiln_abi_tensor_t *t) {
  return t->name ? t->name : "?";
}

/// Sets buffer `t`'s Halide dims from ctx->shapes: innermost first, dense.
void kiln_set_buffer_dims(kiln_context_t *ctx, int32_t t);

#endif
