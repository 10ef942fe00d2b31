//===- expr.c - The symbolic dims' bytecode (see expr.h) ------------------===//
#include "expr.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *symbol_name(const kiln_model_t *m, int64_t k) {
  return k >= 0 && k < m->num_symbols && m->symbols[k].name ? m->symbols[k].name : "?";
}

bool kiln_expr_check(const kiln_model_t *m, int32_t offset) {
  if (!m->exprs || offset < 0)
    return false;
  const int64_t *e = m->exprs + offset;
  int depth = 0;
  for (int i = 0; i < KILN_EXPR_MAX_WORDS; ++i) {
    switch (e[i]) {
    case KILN_EXPR_END:
      return depth == 1;
    case KILN_EXPR_SYM:
    case KILN_EXPR_CONST:
      if (++depth > KILN_EXPR_MAX_DEPTH || i + 1 >= KILN_EXPR_MAX_WORDS ||
          (e[i] == KILN_EXPR_SYM && (e[i + 1] < 0 || e[i + 1] >= m->num_symbols)))
        return false;
      ++i;
      break;
    case KILN_EXPR_ADD:
    case KILN_EXPR_SUB:
    case KILN_EXPR_MUL:
      if (--depth < 1)
        return false;
      break;
    default:
      return false;
    }
  }
  return false;
}

bool kiln_expr_eval(const kiln_model_t *m, int32_t offset, const int64_t *symbols,
                    int64_t *out_value) {
  const int64_t *e = m->exprs + offset;
  int64_t stack[KILN_EXPR_MAX_DEPTH];
  int depth = 0;
  for (int i = 0;; ++i) {
    int64_t a, b, r = 0;
    switch (e[i]) {
    case KILN_EXPR_END:
      *out_value = stack[0];
      return true;
    case KILN_EXPR_CONST:
      stack[depth++] = e[++i];
      continue;
    case KILN_EXPR_SYM:
      stack[depth++] = symbols[e[++i]];
      continue;
    default:
      b = stack[--depth];
      a = stack[--depth];
      if (e[i] == KILN_EXPR_ADD   ? __builtin_add_overflow(a, b, &r)
          : e[i] == KILN_EXPR_SUB ? __builtin_sub_overflow(a, b, &r)
                                  : __builtin_mul_overflow(a, b, &r))
        return false;
      stack[depth++] = r;
    }
  }
}

int32_t kiln_expr_symbol(const kiln_model_t *m, int32_t offset) {
  const int64_t *e = m->exprs + offset;
  return e[0] == KILN_EXPR_SYM && e[2] == KILN_EXPR_END ? (int32_t)e[1] : -1;
}

bool kiln_expr_const_minus_symbol(const kiln_model_t *m, int32_t offset, int64_t *out_c,
                                  int32_t *out_k) {
  const int64_t *e = m->exprs + offset;
  if (e[0] != KILN_EXPR_CONST || e[2] != KILN_EXPR_SYM || e[4] != KILN_EXPR_SUB ||
      e[5] != KILN_EXPR_END)
    return false;
  *out_c = e[1];
  *out_k = (int32_t)e[3];
  return true;
}

// Operator precedence of a text on the stack: atoms bind tightest.
enum { PREC_SUM = 1, PREC_PRODUCT = 2, PREC_ATOM = 3 };
#define TEXT_CAP 160

const char *kiln_expr_text(const kiln_model_t *m, int32_t offset, char *buf, size_t cap) {
  struct {
    char text[TEXT_CAP];
    int prec;
  } stack[KILN_EXPR_MAX_DEPTH];
  const int64_t *e = m->exprs + offset;
  int depth = 0;
  for (int i = 0; e[i] != KILN_EXPR_END; ++i) {
    if (e[i] == KILN_EXPR_CONST || e[i] == KILN_EXPR_SYM) {
      if (e[i] == KILN_EXPR_CONST)
        snprintf(stack[depth].text, TEXT_CAP, "%lld", (long long)e[i + 1]);
      else
        snprintf(stack[depth].text, TEXT_CAP, "%s", symbol_name(m, e[i + 1]));
      stack[depth++].prec = PREC_ATOM;
      ++i;
      continue;
    }
    // a OP b, parenthesising a sum inside a product and on the right of a minus.
    int prec = e[i] == KILN_EXPR_MUL ? PREC_PRODUCT : PREC_SUM;
    const char *op = e[i] == KILN_EXPR_ADD ? " + " : e[i] == KILN_EXPR_SUB ? " - " : "*";
    bool paren_a = stack[depth - 2].prec < prec;
    bool paren_b =
        stack[depth - 1].prec < prec || (e[i] == KILN_EXPR_SUB && stack[depth - 1].prec == prec);
    char joined[TEXT_CAP];
    int n = snprintf(joined, TEXT_CAP, "%s%s%s%s%s%s%s", paren_a ? "(" : "", stack[depth - 2].text,
                     paren_a ? ")" : "", op, paren_b ? "(" : "", stack[depth - 1].text,
                     paren_b ? ")" : "");
    (void)n; // long texts are cut, which only shortens a message
    --depth;
    memcpy(stack[depth - 1].text, joined, TEXT_CAP);
    stack[depth - 1].prec = prec;
  }
  snprintf(buf, cap, "%s", depth == 1 ? stack[0].text : "?");
  return buf;
}

const char *kiln_model_shape_text(const kiln_model_t *m, int32_t t, char *buf, size_t cap) {
  const kiln_abi_tensor_t *tensor = &m->tensors[t];
  size_t used = (size_t)snprintf(buf, cap, "[");
  for (int32_t d = 0; d < tensor->rank && used < cap; ++d) {
    char dim[TEXT_CAP];
    if (m->num_symbols > 0 && tensor->dim_expr[d] >= 0)
      kiln_expr_text(m, tensor->dim_expr[d], dim, sizeof dim);
    else
      snprintf(dim, sizeof dim, "%lld", (long long)tensor->shape[d]);
    used += (size_t)snprintf(buf + used, cap - used, d ? ",%s" : "%s", dim);
  }
  if (used < cap)
    snprintf(buf + used, cap - used, "]");
  return buf;
}

bool kiln_expr_uses_symbol(const kiln_model_t *m, int32_t offset, int32_t k) {
  for (int i = 0; m->exprs[offset + i] != KILN_EXPR_END; ++i) {
    if (m->exprs[offset + i] == KILN_EXPR_SYM && m->exprs[offset + i + 1] == k)
      return true;
    if (m->exprs[offset + i] == KILN_EXPR_SYM || m->exprs[offset + i] == KILN_EXPR_CONST)
      ++i;
  }
  return false;
}

const char *kiln_symbol_values_text(const kiln_model_t *m, int32_t offset, const int64_t *symbols,
                                    char *buf, size_t cap) {
  bool used_sym[256] = {false};
  bool all = offset < 0 || m->num_symbols > 256;
  for (int i = 0; !all && m->exprs[offset + i] != KILN_EXPR_END; ++i) {
    if (m->exprs[offset + i] == KILN_EXPR_SYM)
      used_sym[m->exprs[offset + i + 1]] = true;
    if (m->exprs[offset + i] == KILN_EXPR_SYM || m->exprs[offset + i] == KILN_EXPR_CONST)
      ++i;
  }
  size_t used = 0;
  buf[0] = '\0';
  for (int32_t k = 0; k < m->num_symbols && used < cap; ++k)
    if (all || used_sym[k])
      used += (size_t)snprintf(buf + used, cap - used, "%s%s = %lld", used ? ", " : "",
                               symbol_name(m, k), (long long)symbols[k]);
  return buf;
}

//===----------------------------------------------------------------------===//
// Dim names, built once per model
//===----------------------------------------------------------------------===//

// Keyed by the table's address and a fingerprint of what the names are made
// of: a driver that dlcloses one model and dlopens another (kiln-run,
// kiln-conformance) may get a new table at an old address.
#define MAX_NAMED_MODELS 64
typedef struct {
  const kiln_model_t *model;
  uint64_t fingerprint;
  const char *const **names; // per tensor: rank names, or NULL
} named_model_t;
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static named_model_t named[MAX_NAMED_MODELS];

/// At exit, or when the library this runtime is linked into is unloaded
/// (dlclose: kiln-run loads one build after another), the cached tables go
/// too; otherwise their blocks outlive the only pointers to them.
__attribute__((destructor)) static void free_dim_names(void) {
  pthread_mutex_lock(&names_lock);
  for (int i = 0; i < MAX_NAMED_MODELS; ++i) {
    free((void *)named[i].names);
    named[i] = (named_model_t){0};
  }
  pthread_mutex_unlock(&names_lock);
}

static bool has_symbolic_dim(const kiln_model_t *m, int32_t t) {
  const kiln_abi_tensor_t *tensor = &m->tensors[t];
  for (int32_t d = 0; d < tensor->rank && d < KILN_MAX_RANK; ++d)
    if (tensor->dim_expr[d] >= 0)
      return true;
  return false;
}

static bool named_tensor(const kiln_model_t *m, int32_t t) {
  int32_t kind = m->tensors[t].kind, rank = m->tensors[t].rank;
  return rank >= 0 && rank <= KILN_MAX_RANK &&
         (kind == KILN_TENSOR_INPUT || kind == KILN_TENSOR_OUTPUT) && has_symbolic_dim(m, t);
}

/// One block: the per-tensor table, every named tensor's pointers, then the
/// texts. Only inputs and outputs are named (nothing else is queried).
static const char *const **build_names(const kiln_model_t *m) {
  char text[TEXT_CAP];
  size_t table_bytes = (size_t)m->num_tensors * sizeof(char **), ptr_bytes = 0, text_bytes = 0;
  for (int32_t t = 0; t < m->num_tensors; ++t) {
    if (!named_tensor(m, t))
      continue;
    ptr_bytes += (size_t)m->tensors[t].rank * sizeof(char *);
    for (int32_t d = 0; d < m->tensors[t].rank; ++d)
      if (m->tensors[t].dim_expr[d] >= 0 && kiln_expr_check(m, m->tensors[t].dim_expr[d]))
        text_bytes += strlen(kiln_expr_text(m, m->tensors[t].dim_expr[d], text, sizeof text)) + 1;
  }
  char *block = calloc(1, table_bytes + ptr_bytes + text_bytes);
  if (!block)
    return NULL;
  const char *const **table = (const char *const **)(void *)block;
  const char **ptrs = (const char **)(void *)(block + table_bytes);
  char *texts = block + table_bytes + ptr_bytes;
  for (int32_t t = 0; t < m->num_tensors; ++t) {
    if (!named_tensor(m, t))
      continue;
    table[t] = ptrs;
    for (int32_t d = 0; d < m->tensors[t].rank; ++d, ++ptrs) {
      int32_t e = m->tensors[t].dim_expr[d];
      if (e < 0 || !kiln_expr_check(m, e))
        continue; // a static dim: NULL
      size_t len = strlen(kiln_expr_text(m, e, text, sizeof text)) + 1;
      *ptrs = memcpy(texts, text, len);
      texts += len;
    }
  }
  return table;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; } // FNV-1a

/// A hash of everything build_names reads: symbol names, named dims, their bytecode.
static uint64_t fingerprint(const kiln_model_t *m) {
  uint64_t h = mix(0xcbf29ce484222325ull, (uint64_t)m->num_tensors);
  for (int32_t k = 0; k < m->num_symbols; ++k)
    for (const char *c = m->symbols[k].name; c && *c; ++c)
      h = mix(h, (unsigned char)*c);
  for (int32_t t = 0; t < m->num_tensors; ++t) {
    if (!named_tensor(m, t))
      continue;
    h = mix(mix(h, (uint64_t)t), (uint64_t)m->tensors[t].rank);
    for (int32_t d = 0; d < m->tensors[t].rank; ++d) {
      int32_t e = m->tensors[t].dim_expr[d];
      h = mix(h, (uint64_t)(int64_t)e);
      for (int i = 0; e >= 0 && kiln_expr_check(m, e) && m->exprs[e + i] != KILN_EXPR_END; ++i)
        h = mix(h, (uint64_t)m->exprs[e + i]);
    }
  }
  return h;
}

const char *const *kiln_dim_names(const kiln_model_t *m, int32_t t) {
  if (m->num_symbols <= 0 || !has_symbolic_dim(m, t))
    return NULL;
  const char *const *result = NULL;
  uint64_t print = fingerprint(m);
  pthread_mutex_lock(&names_lock);
  named_model_t *slot = NULL;
  for (int i = 0; i < MAX_NAMED_MODELS && !slot; ++i)
    if (named[i].model == m) {
      if (named[i].fingerprint != print) {
        // Another table at this address: the old one's library is gone.
        free((void *)named[i].names);
        named[i] = (named_model_t){0};
        continue;
      }
      slot = &named[i];
    }
  for (int i = 0; i < MAX_NAMED_MODELS && !slot; ++i)
    if (!named[i].model) {
      const char *const **names = build_names(m);
      if (names) {
        named[i] = (named_model_t){m, print, names};
        slot = &named[i];
      }
      break;
    }
  if (slot)
    result = slot->names[t];
  pthread_mutex_unlock(&names_lock);
  return result;
}
