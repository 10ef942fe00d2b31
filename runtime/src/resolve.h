//===- resolve.h - Sizes of a model with symbolic dims, per call ----------===//
//
// For a model with symbols (kiln_model_t.num_symbols > 0): binds each symbol
// from its input dim, checks every input dim and constraint against them, and
// when they differ from the last call's, evaluates every tensor's shape,
// re-plans the arena (plan.h, the compiler's algorithm) and rebinds buffers.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_RESOLVE_H
#define KILN_RUNTIME_RESOLVE_H

#include "context.h"

/// Checks the symbolic parts of a table (symbols, expressions, constraints,
/// liveness); a message in the orphan slot and FAILED_PRECONDITION if bad.
kiln_status_t kiln_check_symbolic_model(const kiln_model_t *m);

/// Allocates a new context's symbolic state (ctx->planned etc.); false when
/// out of memory.
bool kiln_resolve_init(kiln_context_t *ctx);
void kiln_resolve_free(kiln_context_t *ctx);

/// Binds the symbols from `inputs` (whose count, dtypes, ranks and shape
/// pointers are already checked), checks the input dims and constraints, and
/// re-plans if the symbols changed. On failure the context stays usable.
kiln_status_t kiln_resolve_symbols(kiln_context_t *ctx, const kiln_tensor_t *inputs);

/// Re-plans so far (a test hook: equal sizes must not re-plan).
int64_t kiln_context_plan_count(const kiln_context_t *ctx);

#endif
