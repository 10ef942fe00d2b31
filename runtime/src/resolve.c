//===- resolve.c - Sizes of a model with symbolic dims (see resolve.h) ----===//
//
// Order of checks, before any kernel: symbols from their binder dims (each at
// least 0: a KV cache's past is empty on the first call; a kernel that cannot
// take an empty dim records a constraint), every input dim against its
// expression, the constraints; then,
// only when the symbols changed, every tensor's shape (extents and element
// counts must fit Halide's int32), the arena plan, growth (never shrinking)
// and, on CUDA, freeing every device buffer whose size may have changed.
//
//===----------------------------------------------------------------------===//
#include "resolve.h"
#include "expr.h"
#include "memory.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT 256

static const char *symbol_name(const kiln_model_t *m, int32_t k) {
  return m->symbols[k].name ? m->symbols[k].name : "?";
}

//===----------------------------------------------------------------------===//
// Table checks
//===----------------------------------------------------------------------===//

kiln_status_t kiln_check_symbolic_model(const kiln_model_t *m) {
  const char *model = m->name ? m->name : "?";
#define BAD(...) return kiln_fail(NULL, KILN_FAILED_PRECONDITION, __VA_ARGS__)
  if (m->num_symbols < 0 || m->num_constraints < 0 ||
      (m->num_symbols > 0 && (!m->symbols || !m->exprs)) ||
      (m->num_constraints > 0 && (!m->constraints || !m->exprs)))
    BAD("model '%s': malformed symbol or constraint list", model);
  if (m->num_symbols == 0)
    return m->num_constraints == 0 ? KILN_OK
                                   : kiln_fail(NULL, KILN_FAILED_PRECONDITION,
                                               "model '%s': constraints without symbols", model);
  for (int32_t i = 0; i < m->num_tensors; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[i];
    for (int32_t d = 0; d < t->rank; ++d) {
      int32_t e = t->dim_expr[d];
      if (e < -1 || (e >= 0 && !kiln_expr_check(m, e)))
        BAD("model '%s': tensor '%s' (#%d) dim %d has a malformed expression (%d)", model,
            kiln_tensor_name(t), i, d, e);
      if (e >= 0 && (t->shape[d] != -1 || t->kind == KILN_TENSOR_WEIGHT))
        BAD("model '%s': tensor '%s' (#%d) dim %d is symbolic but %s", model, kiln_tensor_name(t),
            i, d, t->kind == KILN_TENSOR_WEIGHT ? "a weight" : "its shape entry is not -1");
    }
    if (t->kind != KILN_TENSOR_INTERMEDIATE)
      continue;
    if (t->def_step < 0 || t->def_step >= m->num_steps || t->last_step < t->def_step ||
        t->last_step >= m->num_steps ||
        (t->reuse != -1 && (t->reuse < 0 || t->reuse >= m->num_tensors ||
                            m->tensors[t->reuse].kind != KILN_TENSOR_INTERMEDIATE)))
      BAD("model '%s': intermediate '%s' (#%d) has malformed liveness (steps %d..%d, reuse %d)",
          model, kiln_tensor_name(t), i, t->def_step, t->last_step, t->reuse);
  }
  for (int32_t k = 0; k < m->num_symbols; ++k) {
    const kiln_abi_symbol_t *s = &m->symbols[k];
    const kiln_abi_tensor_t *in =
        s->input >= 0 && s->input < m->num_inputs ? &m->tensors[m->inputs[s->input]] : NULL;
    if (!in || s->dim < 0 || s->dim >= in->rank || in->dim_expr[s->dim] < 0 ||
        kiln_expr_symbol(m, in->dim_expr[s->dim]) != k)
      BAD("model '%s': symbol '%s' (#%d) is not bound to an input dim that is exactly it", model,
          symbol_name(m, k), k);
  }
  for (int32_t c = 0; c < m->num_constraints; ++c) {
    const kiln_abi_constraint_t *con = &m->constraints[c];
    if ((con->kind != 0 && con->kind != 1) || !kiln_expr_check(m, con->expr))
      BAD("model '%s': constraint #%d is malformed", model, c);
  }
#undef BAD
  return KILN_OK;
}

//===----------------------------------------------------------------------===//
// Per-context state
//===----------------------------------------------------------------------===//

bool kiln_resolve_init(kiln_context_t *ctx) {
  const kiln_model_t *m = ctx->model;
  if (m->num_symbols <= 0)
    return true;
  int32_t n = 0;
  for (int32_t i = 0; i < m->num_tensors; ++i)
    n += m->tensors[i].kind == KILN_TENSOR_INTERMEDIATE;
  size_t slots = n > 0 ? (size_t)n : 1, syms = (size_t)m->num_symbols;
  ctx->symbols = calloc(syms, sizeof *ctx->symbols);
  ctx->pending = calloc(syms, sizeof *ctx->pending);
  ctx->symbol_args = calloc(syms, sizeof *ctx->symbol_args);
  ctx->planned = calloc(slots, sizeof *ctx->planned);
  ctx->plan_sizes = calloc(slots, sizeof *ctx->plan_sizes);
  ctx->plan_defs = calloc(slots, sizeof *ctx->plan_defs);
  ctx->plan_last = calloc(slots, sizeof *ctx->plan_last);
  ctx->plan_reuse = calloc(slots, sizeof *ctx->plan_reuse);
  ctx->plan_offsets = calloc(slots, sizeof *ctx->plan_offsets);
  ctx->plan_scratch = malloc(kiln_plan_arena_scratch_size(n));
  if (!ctx->symbols || !ctx->pending || !ctx->symbol_args || !ctx->planned || !ctx->plan_sizes ||
      !ctx->plan_defs || !ctx->plan_last || !ctx->plan_reuse || !ctx->plan_offsets ||
      !ctx->plan_scratch)
    return false;
  // Liveness is fixed; only the sizes change from call to call.
  ctx->num_planned = n;
  for (int32_t i = 0, j = 0; i < m->num_tensors; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[i];
    if (t->kind != KILN_TENSOR_INTERMEDIATE)
      continue;
    ctx->planned[j] = i;
    ctx->plan_defs[j] = t->def_step;
    ctx->plan_last[j] = t->last_step;
    ctx->plan_reuse[j] = -1;
    for (int32_t r = 0; r < j && t->reuse >= 0; ++r)
      if (ctx->planned[r] == t->reuse)
        ctx->plan_reuse[j] = r;
    ++j;
  }
  return true;
}

void kiln_resolve_free(kiln_context_t *ctx) {
  free(ctx->symbols);
  free(ctx->pending);
  free(ctx->symbol_args);
  free(ctx->planned);
  free(ctx->plan_sizes);
  free(ctx->plan_defs);
  free(ctx->plan_last);
  free(ctx->plan_reuse);
  free(ctx->plan_offsets);
  free(ctx->plan_scratch);
}

int64_t kiln_context_plan_count(const kiln_context_t *ctx) { return ctx ? ctx->plan_count : 0; }

//===----------------------------------------------------------------------===//
// Binding and checking
//===----------------------------------------------------------------------===//

static kiln_status_t bind_symbols(kiln_context_t *ctx, const kiln_tensor_t *inputs, int64_t *v) {
  const kiln_model_t *m = ctx->model;
  for (int32_t k = 0; k < m->num_symbols; ++k) {
    const kiln_abi_symbol_t *s = &m->symbols[k];
    int64_t value = inputs[s->input].shape[s->dim];
    const char *input = kiln_tensor_name(&m->tensors[m->inputs[s->input]]);
    // Halide's CUDA runtime aborts on an empty device allocation (and sizes
    // a buffer with a zero extent from its strides), so a GPU build keeps
    // every symbol at least 1 until that path is guarded and tested.
    if (value == 0 && m->uses_cuda)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "input '%s' (#%d): dim %d is 0; '%s' must be at least 1 on CUDA (empty "
                       "device buffers are not supported yet: build this size for the host, or "
                       "with --shape %s=0)",
                       input, (int)s->input, (int)s->dim, symbol_name(m, k), symbol_name(m, k));
    if (value < 0)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "input '%s' (#%d): dim %d is %lld; '%s' must be at least 0", input,
                       (int)s->input, (int)s->dim, (long long)value, symbol_name(m, k));
    if (value > INT32_MAX)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "input '%s' (#%d): dim %d is %lld; '%s' must be at most %d", input,
                       (int)s->input, (int)s->dim, (long long)value, symbol_name(m, k), INT32_MAX);
    v[k] = value;
  }
  return KILN_OK;
}

static kiln_status_t check_input_dims(kiln_context_t *ctx, const kiln_tensor_t *inputs,
                                      const int64_t *v) {
  const kiln_model_t *m = ctx->model;
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[m->inputs[i]];
    for (int32_t d = 0; d < t->rank; ++d) {
      int64_t got = inputs[i].shape[d], want = t->shape[d];
      int32_t e = t->dim_expr[d];
      char shape[TEXT], expr[TEXT], from[TEXT] = "";
      if (e >= 0 && !kiln_expr_eval(m, e, v, &want))
        return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                         "input '%s' (#%d): dim %d = %s overflows int64 at %s", kiln_tensor_name(t),
                         (int)i, (int)d, kiln_expr_text(m, e, expr, sizeof expr),
                         kiln_symbol_values_text(m, e, v, from, sizeof from));
      if (got == want)
        continue;
      kiln_model_shape_text(m, m->inputs[i], shape, sizeof shape);
      if (e < 0)
        return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                         "input '%s' (#%d): dim %d is %lld, the model expects %lld (shape %s)",
                         kiln_tensor_name(t), (int)i, (int)d, (long long)got, (long long)want,
                         shape);
      int32_t k = kiln_expr_symbol(m, e);
      if (k >= 0)
        snprintf(from, sizeof from, " (from input '%s' dim %d)",
                 kiln_tensor_name(&m->tensors[m->inputs[m->symbols[k].input]]),
                 (int)m->symbols[k].dim);
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "input '%s' (#%d): dim %d is %lld, the model expects %s = %lld%s (shape %s)",
                       kiln_tensor_name(t), (int)i, (int)d, (long long)got,
                       kiln_expr_text(m, e, expr, sizeof expr), (long long)want, from, shape);
    }
  }
  return KILN_OK;
}

static kiln_status_t check_constraints(kiln_context_t *ctx, const int64_t *v) {
  const kiln_model_t *m = ctx->model;
  for (int32_t c = 0; c < m->num_constraints; ++c) {
    const kiln_abi_constraint_t *con = &m->constraints[c];
    const char *what = con->what ? con->what : "no origin recorded";
    char expr[TEXT], values[TEXT];
    int64_t value = 0;
    bool ok = kiln_expr_eval(m, con->expr, v, &value);
    if (ok && (con->kind == 0 ? value >= 0 : value == 0))
      continue;
    kiln_symbol_values_text(m, con->expr, v, values, sizeof values);
    int64_t bound;
    int32_t k;
    // An empty dim that some kernel cannot take (an attention over no keys,
    // a max over nothing): name the input dim that made it empty.
    for (k = 0; ok && k < m->num_symbols; ++k)
      if (v[k] == 0 && kiln_expr_uses_symbol(m, con->expr, k))
        return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                         "input '%s' (#%d): dim %d is 0; '%s' = 0 is refused: %s (at %s)",
                         kiln_tensor_name(&m->tensors[m->inputs[m->symbols[k].input]]),
                         (int)m->symbols[k].input, (int)m->symbols[k].dim, symbol_name(m, k), what,
                         values);
    // The common case, `bound - s >= 0` (a slice of a constant), in words.
    if (ok && con->kind == 0 && kiln_expr_const_minus_symbol(m, con->expr, &bound, &k))
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT, "%s is %lld, the model allows at most %lld (%s)",
                       symbol_name(m, k), (long long)v[k], (long long)bound, what);
    kiln_expr_text(m, con->expr, expr, sizeof expr);
    if (!ok)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "at %s, the model's constraint %s %s 0 overflows int64 (%s)", values, expr,
                       con->kind == 0 ? ">=" : "==", what);
    return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                     "at %s, the model requires %s %s 0, but it is %lld (%s)", values, expr,
                     con->kind == 0 ? ">=" : "==", (long long)value, what);
  }
  return KILN_OK;
}

//===----------------------------------------------------------------------===//
// Re-planning
//===----------------------------------------------------------------------===//

/// Every tensor's shape and bytes at `v` into ctx->shapes / ctx->nbytes.
static kiln_status_t evaluate_shapes(kiln_context_t *ctx, const int64_t *v) {
  const kiln_model_t *m = ctx->model;
  for (int32_t i = 0; i < m->num_tensors; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[i];
    // span: the strides' product, which counts a zero dim as 1 (kiln_set_buffer_dims).
    int64_t *shape = &ctx->shapes[(size_t)i * KILN_MAX_RANK], elements = 1, span = 1;
    char expr[TEXT], values[TEXT];
    for (int32_t d = 0; d < t->rank; ++d) {
      int32_t e = t->dim_expr[d];
      int64_t extent = t->shape[d];
      if (e >= 0 && (!kiln_expr_eval(m, e, v, &extent) || extent < 0 || extent > INT32_MAX))
        return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                         "at %s, tensor '%s' (#%d) dim %d = %s is outside [0, 2^31-1] (Halide "
                         "indexes in int32)",
                         kiln_symbol_values_text(m, -1, v, values, sizeof values),
                         kiln_tensor_name(t), (int)i, (int)d,
                         kiln_expr_text(m, e, expr, sizeof expr));
      shape[d] = extent;
      elements *= extent; // both <= 2^31-1: no int64 overflow
      span *= extent > 0 ? extent : 1;
      if (span > INT32_MAX)
        return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                         "at %s, tensor '%s' (#%d) has more than 2^31-1 elements (Halide indexes "
                         "in int32)",
                         kiln_symbol_values_text(m, -1, v, values, sizeof values),
                         kiln_tensor_name(t), (int)i);
    }
    ctx->nbytes[i] = elements * (int64_t)kiln_dtype_size((kiln_dtype_t)t->dtype);
  }
  return KILN_OK;
}

/// Halide never regrows a device allocation: a buffer whose size may change
/// gives its device memory back, and the next kernel allocates anew.
static kiln_status_t free_device_buffers(kiln_context_t *ctx) {
  const kiln_model_t *m = ctx->model;
  for (int32_t i = 0; i < m->num_tensors; ++i) {
    halide_buffer_t *buf = &ctx->buffers[i];
    if (m->tensors[i].kind == KILN_TENSOR_WEIGHT || buf->device == 0)
      continue;
    int rc = halide_device_free(NULL, buf);
    if (rc != 0)
      return kiln_fail(ctx, KILN_INTERNAL,
                       "freeing the device buffer of '%s' (#%d) to resize it failed (Halide error "
                       "%d)",
                       kiln_tensor_name(&m->tensors[i]), (int)i, rc);
    buf->flags &= ~(uint64_t)halide_buffer_flag_device_dirty;
  }
  return KILN_OK;
}

static kiln_status_t replan(kiln_context_t *ctx, const int64_t *v) {
  const kiln_model_t *m = ctx->model;
  kiln_status_t status = evaluate_shapes(ctx, v);
  if (status == KILN_OK && m->uses_cuda)
    status = free_device_buffers(ctx);
  if (status != KILN_OK)
    return status;
  for (int32_t i = 0; i < m->num_tensors; ++i)
    kiln_set_buffer_dims(ctx, i);

  for (int32_t j = 0; j < ctx->num_planned; ++j)
    ctx->plan_sizes[j] = ctx->nbytes[ctx->planned[j]];
  int64_t arena = 0;
  if (kiln_plan_arena(ctx->num_planned, ctx->plan_sizes, ctx->plan_defs, ctx->plan_last,
                      ctx->plan_reuse, ctx->plan_scratch, ctx->plan_offsets, &arena) != 0 ||
      arena > (int64_t)(SIZE_MAX / 2))
    return kiln_fail(ctx, KILN_RESOURCE_EXHAUSTED, "the arena plan overflows");
  // As at creation: never empty, so no intermediate's host is NULL.
  size_t bytes = ((size_t)arena + KILN_ARENA_ALIGNMENT) & ~(size_t)(KILN_ARENA_ALIGNMENT - 1);
  if (bytes > ctx->arena_bytes) {
    uint8_t *grown = kiln_large_alloc(bytes);
    if (!grown)
      return kiln_fail(ctx, KILN_RESOURCE_EXHAUSTED,
                       "could not grow the arena of model '%s' to %lld bytes",
                       m->name ? m->name : "?", (long long)arena);
    kiln_large_free(ctx->arena, ctx->arena_bytes);
    ctx->arena = grown;
    ctx->arena_bytes = bytes;
  }
  for (int32_t j = 0; j < ctx->num_planned; ++j)
    ctx->buffers[ctx->planned[j]].host = ctx->arena + ctx->plan_offsets[j];
  ctx->workspace = arena;
  ++ctx->plan_count;
  return KILN_OK;
}

kiln_status_t kiln_resolve_symbols(kiln_context_t *ctx, const kiln_tensor_t *inputs) {
  const kiln_model_t *m = ctx->model;
  int64_t *v = ctx->pending;
  kiln_status_t status = bind_symbols(ctx, inputs, v);
  if (status == KILN_OK)
    status = check_input_dims(ctx, inputs, v);
  if (status == KILN_OK)
    status = check_constraints(ctx, v);
  if (status != KILN_OK)
    return status;
  size_t bytes = (size_t)m->num_symbols * sizeof *v;
  if (ctx->resolved && memcmp(v, ctx->symbols, bytes) == 0)
    return KILN_OK;
  // Until the new plan is complete the buffers match neither size.
  ctx->resolved = false;
  status = replan(ctx, v);
  if (status != KILN_OK)
    return status;
  memcpy(ctx->symbols, v, bytes);
  for (int32_t k = 0; k < m->num_symbols; ++k)
    ctx->symbol_args[k] = (int32_t)v[k];
  ctx->resolved = true;
  return KILN_OK;
}
