//===- expr.h - The symbolic dims' bytecode: checks, values and text ------===//
//
// Expressions live in kiln_model_t.exprs as postfix int64 words
// (kiln_abi_expr_op_t). The table has no length for them, so every reader
// stops at END or at KILN_EXPR_MAX_WORDS, and contexts check each expression
// once at creation (kiln_expr_check) before evaluating it per call.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_EXPR_H
#define KILN_RUNTIME_EXPR_H

#include "kiln/model_abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KILN_EXPR_MAX_DEPTH 16
#define KILN_EXPR_MAX_WORDS 1024

/// True when the expression at `offset` is well formed: known opcodes,
/// symbols below m->num_symbols, the stack within [1, KILN_EXPR_MAX_DEPTH]
/// for operands, one value left at END, END within KILN_EXPR_MAX_WORDS.
bool kiln_expr_check(const kiln_model_t *m, int32_t offset);

/// The value of a checked expression at `symbols`; false on int64 overflow.
bool kiln_expr_eval(const kiln_model_t *m, int32_t offset, const int64_t *symbols,
                    int64_t *out_value);

/// k when the expression is exactly symbol k, else -1.
int32_t kiln_expr_symbol(const kiln_model_t *m, int32_t offset);

/// True when the expression is `CONST c, SYM k, SUB` (c - k), setting both.
bool kiln_expr_const_minus_symbol(const kiln_model_t *m, int32_t offset, int64_t *out_c,
                                  int32_t *out_k);

/// True when the expression at `offset` reads symbol k.
bool kiln_expr_uses_symbol(const kiln_model_t *m, int32_t offset, int32_t k);

/// Writes the expression as text ("batch*seq*4", "past + seq") into `buf`.
const char *kiln_expr_text(const kiln_model_t *m, int32_t offset, char *buf, size_t cap);

/// "[batch,seq,4]": tensor `t`'s shape with symbolic dims as text ("[2,3]"
/// for a static tensor, "[]" for a scalar).
const char *kiln_model_shape_text(const kiln_model_t *m, int32_t t, char *buf, size_t cap);

/// "batch = 3, seq = 7": the symbols the expression at `offset` uses, or
/// all of them when offset < 0.
const char *kiln_symbol_values_text(const kiln_model_t *m, int32_t offset, const int64_t *symbols,
                                    char *buf, size_t cap);

/// Per-dim names of tensor `t` for kiln_tensor_info_t.dim_names: NULL when no
/// dim is symbolic. The arrays are built once per model, on first use, and
/// live as long as the process (the model table is static data too); NULL
/// also when that memory cannot be had.
const char *const *kiln_dim_names(const kiln_model_t *m, int32_t t);

#endif
