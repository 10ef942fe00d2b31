//===- runtime.c - Kiln's thin C runtime: contexts, checks and runs -------===//
//
// Interprets the kiln_model_t table a compiled model emits: a context owns one
// halide_buffer_t per tensor (weights point into the model's weights, copied
// once into huge pages (memory.h), intermediates into a 64-byte aligned arena,
// inputs and outputs are bound to the caller's memory for the duration of a
// run) and calls the Halide `_argv` kernels in order. Models with symbolic
// dims are sized per call by resolve.c before any kernel runs.
//
// The halide_* functions used here are not defined in this library: they come
// from the single Halide runtime inside the model's archive, so applications
// link libkiln_runtime.a before libNAME.a.
//
// Errors: a failure that has a context records its text in the context; one
// that has none (kiln_context_create failing, a NULL context) records it in a
// per-thread slot that kiln_context_last_error(NULL) returns (context.c).
// Nothing here allocates on an error path, prints, or aborts.
//
// A context is not thread-safe: run it from one thread at a time.
//
//===----------------------------------------------------------------------===//

#define _POSIX_C_SOURCE 200809L // posix_memalign under -std=c11

#include "context.h"
#include "expr.h"
#include "memory.h"
#include "pool.h"
#include "resolve.h"

#include <HalideRuntime.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//===----------------------------------------------------------------------===//
// Halide's error messages
//===----------------------------------------------------------------------===//

// Halide's error handler is process-global and, for `_argv` entry points,
// called with a NULL user_context, so messages are routed by thread. One
// failure can raise many messages (a missing libcuda gives one per driver
// function, then the cause), so the first and the latest are kept. A kernel's
// parallel tasks can also fail on a Halide worker thread: the latest message
// from any thread is kept globally as a fallback, stamped with a sequence
// number so a run only picks up a message raised after its step started.
#define KILN_HALIDE_MESSAGE_CAPACITY 480
typedef struct halide_messages_s {
  int count;
  char first[KILN_HALIDE_MESSAGE_CAPACITY];
  char last[KILN_HALIDE_MESSAGE_CAPACITY];
} halide_messages_t;
static _Thread_local halide_messages_t thread_messages;
static char global_message[KILN_HALIDE_MESSAGE_CAPACITY];
static unsigned long global_message_seq;
static atomic_flag global_message_lock = ATOMIC_FLAG_INIT;

static void lock_global(void) {
  while (atomic_flag_test_and_set_explicit(&global_message_lock, memory_order_acquire)) {
  }
}
static void unlock_global(void) {
  atomic_flag_clear_explicit(&global_message_lock, memory_order_release);
}

/// Copies `msg` without the trailing newline Halide messages usually have.
static void copy_message(char dst[KILN_HALIDE_MESSAGE_CAPACITY], const char *msg) {
  size_t len = strlen(msg);
  while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
    --len;
  if (len > KILN_HALIDE_MESSAGE_CAPACITY - 1)
    len = KILN_HALIDE_MESSAGE_CAPACITY - 1;
  memcpy(dst, msg, len);
  dst[len] = '\0';
}

static void capture_halide_error(void *user_context, const char *msg) {
  (void)user_context;
  if (!msg)
    return;
  halide_messages_t *tm = &thread_messages;
  copy_message(tm->count++ ? tm->last : tm->first, msg);
  lock_global();
  copy_message(global_message, msg);
  ++global_message_seq;
  unlock_global();
}

/// Forgets this thread's messages; returns the global sequence number.
static unsigned long reset_halide_messages(void) {
  thread_messages.count = 0;
  lock_global();
  unsigned long seq = global_message_seq;
  unlock_global();
  return seq;
}

/// Writes the Halide messages raised since `seq0` into `dst` ("" if none).
static void take_halide_messages(char *dst, size_t cap, unsigned long seq0) {
  const halide_messages_t *tm = &thread_messages;
  int n = 0; // truncation is fine; reading n keeps -Wformat-truncation quiet
  if (tm->count == 1)
    n = snprintf(dst, cap, "%s", tm->first);
  else if (tm->count == 2)
    n = snprintf(dst, cap, "%s; %s", tm->first, tm->last);
  else if (tm->count > 2)
    n = snprintf(dst, cap, "%s; ... (%d more); %s", tm->first, tm->count - 2, tm->last);
  if (tm->count > 0 && n >= 0)
    return;
  lock_global();
  snprintf(dst, cap, "%s", global_message_seq != seq0 ? global_message : "");
  unlock_global();
}

/// "[2,16]", "[]" for a scalar. 8 dims of 20 digits fit in 256 bytes.
static const char *format_shape(char buf[256], int32_t rank, const int64_t *shape) {
  size_t used = 0;
  buf[used++] = '[';
  for (int32_t d = 0; d < rank && used < 230; ++d)
    used += (size_t)snprintf(buf + used, 256 - used, d ? ",%lld" : "%lld", (long long)shape[d]);
  snprintf(buf + used, 256 - used, "]");
  return buf;
}

static const char *dtype_text(char buf[32], int32_t dtype) {
  size_t size = kiln_dtype_size((kiln_dtype_t)dtype);
  if (size)
    return kiln_dtype_name((kiln_dtype_t)dtype);
  snprintf(buf, 32, "unknown (%d)", (int)dtype);
  return buf;
}

static struct halide_type_t halide_type_of(int32_t dtype) {
  struct halide_type_t type = {0, 0, 1};
  switch ((kiln_dtype_t)dtype) {
  case KILN_DTYPE_FLOAT32: type.code = halide_type_float; type.bits = 32; break;
  case KILN_DTYPE_FLOAT16: type.code = halide_type_float; type.bits = 16; break;
  case KILN_DTYPE_INT64: type.code = halide_type_int; type.bits = 64; break;
  case KILN_DTYPE_INT32: type.code = halide_type_int; type.bits = 32; break;
  case KILN_DTYPE_INT8: type.code = halide_type_int; type.bits = 8; break;
  case KILN_DTYPE_INT16: type.code = halide_type_int; type.bits = 16; break;
  case KILN_DTYPE_UINT8: type.code = halide_type_uint; type.bits = 8; break;
  case KILN_DTYPE_BOOL: type.code = halide_type_uint; type.bits = 8; break;
  }
  return type;
}

//===----------------------------------------------------------------------===//
// Model queries
//===----------------------------------------------------------------------===//

// Nothing past abi_version may be read from a table of another ABI version.
static bool model_usable(const kiln_model_t *model) {
  return model && model->abi_version == KILN_MODEL_ABI_VERSION;
}

int32_t kiln_model_input_count(const kiln_model_t *model) {
  return model_usable(model) ? model->num_inputs : 0;
}

int32_t kiln_model_output_count(const kiln_model_t *model) {
  return model_usable(model) ? model->num_outputs : 0;
}

static kiln_status_t io_info(const kiln_model_t *model, int32_t index, int32_t count,
                             const int32_t *ids, kiln_tensor_info_t *out_info) {
  if (!model || !out_info)
    return KILN_INVALID_ARGUMENT;
  if (!model_usable(model))
    return KILN_FAILED_PRECONDITION;
  if (index < 0 || index >= count)
    return KILN_OUT_OF_RANGE;
  const kiln_abi_tensor_t *t = &model->tensors[ids[index]];
  out_info->name = t->name;
  out_info->dtype = (kiln_dtype_t)t->dtype;
  out_info->rank = t->rank;
  out_info->shape = t->shape;
  out_info->dim_names = kiln_dim_names(model, ids[index]);
  return KILN_OK;
}

kiln_status_t kiln_model_input_info(const kiln_model_t *model, int32_t index,
                                    kiln_tensor_info_t *out_info) {
  return io_info(model, index, model_usable(model) ? model->num_inputs : 0,
                 model_usable(model) ? model->inputs : NULL, out_info);
}

kiln_status_t kiln_model_output_info(const kiln_model_t *model, int32_t index,
                                     kiln_tensor_info_t *out_info) {
  return io_info(model, index, model_usable(model) ? model->num_outputs : 0,
                 model_usable(model) ? model->outputs : NULL, out_info);
}

int64_t kiln_model_workspace_size(const kiln_model_t *model) {
  return model_usable(model) && model->num_symbols == 0 ? model->arena_size : 0;
}

//===----------------------------------------------------------------------===//
// Context creation
//===----------------------------------------------------------------------===//

/// Checks the table before any buffer is built from it: a generator bug here
/// would otherwise become an out-of-bounds access inside a kernel.
static kiln_status_t check_model(const kiln_model_t *m) {
  const char *model = m->name ? m->name : "?";
#define BAD(...) return kiln_fail(NULL, KILN_FAILED_PRECONDITION, __VA_ARGS__)
  if (m->num_tensors < 0 || (m->num_tensors > 0 && !m->tensors) || m->weights_size < 0 ||
      m->arena_size < 0 || m->num_symbols < 0)
    BAD("model '%s': malformed table (tensors or sizes)", model);
  bool symbolic = m->num_symbols > 0;
  for (int32_t i = 0; i < m->num_tensors; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[i];
    if (t->rank < 0 || t->rank > KILN_MAX_RANK)
      BAD("model '%s': tensor '%s' (#%d) has rank %d, outside [0,%d]", model, kiln_tensor_name(t),
          i, t->rank, KILN_MAX_RANK);
    if (!kiln_dtype_size((kiln_dtype_t)t->dtype))
      BAD("model '%s': tensor '%s' (#%d) has unknown dtype %d", model, kiln_tensor_name(t), i,
          t->dtype);
    // Halide extents and strides are int32: the whole tensor must index in 31 bits.
    // Symbolic dims are checked per call (resolve.c).
    // The strides count a zero dim as 1 (kiln_set_buffer_dims), so their
    // product `span` is bounded, not only the element count.
    int64_t elements = 1, span = 1;
    bool sized = true;
    for (int32_t d = 0; d < t->rank; ++d) {
      if (symbolic && t->dim_expr[d] >= 0) {
        sized = false;
        continue;
      }
      if (t->shape[d] < 0 || t->shape[d] > INT32_MAX)
        BAD("model '%s': tensor '%s' (#%d) has dim %d of %lld", model, kiln_tensor_name(t), i, d,
            (long long)t->shape[d]);
      elements *= t->shape[d];
      span *= t->shape[d] > 0 ? t->shape[d] : 1;
      if (span > INT32_MAX)
        BAD("model '%s': tensor '%s' (#%d) has more than 2^31-1 elements", model,
            kiln_tensor_name(t), i);
    }
    int64_t bytes = elements * (int64_t)kiln_dtype_size((kiln_dtype_t)t->dtype);
    switch (t->kind) {
    case KILN_TENSOR_INPUT:
    case KILN_TENSOR_OUTPUT:
      // kiln_context_run accepts NULL data for a tensor of 0 bytes by this count.
      if (sized && t->nbytes != bytes)
        BAD("model '%s': tensor '%s' (#%d) declares %lld bytes, its shape has %lld", model,
            kiln_tensor_name(t), i, (long long)t->nbytes, (long long)bytes);
      break;
    case KILN_TENSOR_WEIGHT:
      if (t->offset < 0 || bytes > m->weights_size - t->offset || (bytes > 0 && !m->weights))
        BAD("model '%s': weight '%s' (#%d) [%lld, +%lld) lies outside the %lld bytes of weights",
            model, kiln_tensor_name(t), i, (long long)t->offset, (long long)bytes,
            (long long)m->weights_size);
      break;
    case KILN_TENSOR_INTERMEDIATE:
      if (!symbolic && sized && (t->offset < 0 || bytes > m->arena_size - t->offset))
        BAD("model '%s': intermediate '%s' (#%d) [%lld, +%lld) lies outside the %lld-byte arena",
            model, kiln_tensor_name(t), i, (long long)t->offset, (long long)bytes,
            (long long)m->arena_size);
      break;
    default:
      BAD("model '%s': tensor '%s' (#%d) has unknown kind %d", model, kiln_tensor_name(t), i,
          t->kind);
    }
  }
  for (int io = 0; io < 2; ++io) {
    int32_t count = io ? m->num_outputs : m->num_inputs;
    const int32_t *ids = io ? m->outputs : m->inputs;
    int32_t kind = io ? KILN_TENSOR_OUTPUT : KILN_TENSOR_INPUT;
    if (count < 0 || (count > 0 && !ids))
      BAD("model '%s': malformed %s list", model, io ? "output" : "input");
    for (int32_t i = 0; i < count; ++i)
      if (ids[i] < 0 || ids[i] >= m->num_tensors || m->tensors[ids[i]].kind != kind)
        BAD("model '%s': %s #%d names tensor %d, not an %s tensor", model, io ? "output" : "input",
            i, ids[i], io ? "output" : "input");
  }
  // Every input and output tensor is bound by exactly one entry of its list:
  // one left out would reach a kernel with a NULL host (to Halide, a bounds
  // query that computes nothing), one listed twice would take two tensors.
  for (int32_t t = 0; t < m->num_tensors; ++t) {
    int32_t kind = m->tensors[t].kind, listed = 0;
    if (kind != KILN_TENSOR_INPUT && kind != KILN_TENSOR_OUTPUT)
      continue;
    bool in = kind == KILN_TENSOR_INPUT;
    for (int32_t i = 0; i < (in ? m->num_inputs : m->num_outputs); ++i)
      listed += (in ? m->inputs : m->outputs)[i] == t;
    if (listed != 1)
      BAD("model '%s': %s tensor '%s' (#%d) is listed %d times among the %ss, not once", model,
          in ? "input" : "output", kiln_tensor_name(&m->tensors[t]), t, listed,
          in ? "input" : "output");
  }
  if (m->num_steps < 0 || (m->num_steps > 0 && !m->steps))
    BAD("model '%s': malformed step list", model);
  for (int32_t s = 0; s < m->num_steps; ++s) {
    const kiln_abi_step_t *step = &m->steps[s];
    const char *name = step->name ? step->name : "?";
    if (!step->fn || step->num_args < 0 || (step->num_args > 0 && !step->args))
      BAD("model '%s': step %d ('%s') is malformed", model, s, name);
    for (int32_t a = 0; a < step->num_args; ++a)
      if (step->args[a] < -m->num_symbols || step->args[a] >= m->num_tensors)
        BAD("model '%s': step %d ('%s') argument %d names tensor %d, out of range", model, s, name,
            a, step->args[a]);
  }
#undef BAD
  return kiln_check_symbolic_model(m);
}

kiln_status_t kiln_context_create(const kiln_model_t *model, const kiln_context_options_t *options,
                                  kiln_context_t **out_context) {
  if (out_context)
    *out_context = NULL;
  if (!model || !out_context)
    return kiln_fail(NULL, KILN_INVALID_ARGUMENT, "kiln_context_create: %s is NULL",
                     model ? "out_context" : "model");
  if (model->abi_version != KILN_MODEL_ABI_VERSION)
    return kiln_fail(NULL, KILN_FAILED_PRECONDITION,
                     "model ABI version is %u, this runtime expects %u: rebuild the model with the "
                     "matching kiln-compile",
                     (unsigned)model->abi_version, (unsigned)KILN_MODEL_ABI_VERSION);
  if (options && options->num_threads < 0)
    return kiln_fail(NULL, KILN_INVALID_ARGUMENT,
                     "kiln_context_create: num_threads is %d, must be >= 0",
                     (int)options->num_threads);
  kiln_status_t status = check_model(model);
  if (status != KILN_OK)
    return status;

  int32_t max_args = 1;
  for (int32_t s = 0; s < model->num_steps; ++s)
    if (model->steps[s].num_args > max_args)
      max_args = model->steps[s].num_args;
  size_t num_tensors = model->num_tensors > 0 ? (size_t)model->num_tensors : 1;
  // Always allocate a non-empty arena: a Halide buffer with a NULL host and no
  // device is a bounds query, and the pipeline would silently compute nothing.
  size_t arena_bytes = ((size_t)model->arena_size + KILN_ARENA_ALIGNMENT) &
                       ~(size_t)(KILN_ARENA_ALIGNMENT - 1);

  kiln_context_t *ctx = calloc(1, sizeof *ctx);
  if (!ctx)
    return kiln_fail(NULL, KILN_RESOURCE_EXHAUSTED, "could not allocate a context");
  ctx->model = model;
  ctx->buffers = calloc(num_tensors, sizeof *ctx->buffers);
  ctx->dims = calloc(num_tensors * KILN_MAX_RANK, sizeof *ctx->dims);
  ctx->args = calloc((size_t)max_args, sizeof *ctx->args);
  ctx->shapes = calloc(num_tensors * KILN_MAX_RANK, sizeof *ctx->shapes);
  ctx->nbytes = calloc(num_tensors, sizeof *ctx->nbytes);
  ctx->arena_bytes = arena_bytes;
  bool parts = ctx->buffers && ctx->dims && ctx->args && ctx->shapes && ctx->nbytes &&
               kiln_resolve_init(ctx);
  ctx->arena = parts ? kiln_large_alloc(arena_bytes) : NULL;
  if (!ctx->arena) {
    kiln_context_destroy(ctx);
    return kiln_fail(NULL, KILN_RESOURCE_EXHAUSTED,
                     "could not allocate the context of model '%s' (arena of %lld bytes)",
                     model->name ? model->name : "?", (long long)model->arena_size);
  }
  ctx->weights = kiln_weights_acquire(model);

  // Same reason as the arena: zero-sized weights still get a non-NULL host.
  static _Alignas(KILN_ARENA_ALIGNMENT) uint8_t empty_weights[KILN_ARENA_ALIGNMENT];
  bool symbolic = model->num_symbols > 0;
  for (int32_t i = 0; i < model->num_tensors; ++i) {
    const kiln_abi_tensor_t *t = &model->tensors[i];
    halide_buffer_t *buf = &ctx->buffers[i];
    buf->type = halide_type_of(t->dtype);
    buf->dimensions = t->rank;
    buf->dim = &ctx->dims[(size_t)i * KILN_MAX_RANK];
    // Symbolic dims stay 0 until the first resolve sizes them.
    bool sized = true;
    for (int32_t d = 0; d < t->rank; ++d) {
      bool known = !symbolic || t->dim_expr[d] < 0;
      ctx->shapes[(size_t)i * KILN_MAX_RANK + d] = known ? t->shape[d] : 0;
      sized = sized && known;
    }
    ctx->nbytes[i] = sized ? t->nbytes : 0;
    kiln_set_buffer_dims(ctx, i);
    if (t->kind == KILN_TENSOR_WEIGHT) {
      // Halide never writes a pipeline input; the uintptr_t cast drops the
      // const that halide_buffer_t::host cannot express (-Wcast-qual clean).
      buf->host = ctx->weights ? (uint8_t *)(uintptr_t)(ctx->weights + t->offset)
                                 : empty_weights;
      // Dirty on the host, so a GPU kernel uploads each weight once per context.
      buf->flags = halide_buffer_flag_host_dirty;
    } else if (t->kind == KILN_TENSOR_INTERMEDIATE) {
      // A symbolic model's offsets come from its first resolve.
      buf->host = ctx->arena + (symbolic ? 0 : t->offset);
    }
  }

  if (options && options->num_threads > 0) {
    halide_set_num_threads(options->num_threads);
    kiln_pool_set_threads(options->num_threads);
  }
  // Halide's parallel loops run on Kiln's pool (pool.h), whose workers stay
  // awake between the kernels of a call.
  halide_set_custom_do_par_for(kiln_pool_do_par_for);
  kiln_clear_orphan_error();
  *out_context = ctx;
  return KILN_OK;
}

void kiln_context_destroy(kiln_context_t *ctx) {
  if (!ctx)
    return;
  if (ctx->buffers && ctx->model) {
    for (int32_t i = 0; i < ctx->model->num_tensors; ++i) {
      halide_buffer_t *buf = &ctx->buffers[i];
      int32_t kind = ctx->model->tensors[i].kind;
      if (kind == KILN_TENSOR_INPUT || kind == KILN_TENSOR_OUTPUT)
        buf->host = NULL; // the caller's memory may be gone by now
      if (buf->device != 0)
        halide_device_free(NULL, buf);
    }
  }
  kiln_large_free(ctx->arena, ctx->arena_bytes);
  if (ctx->weights)
    kiln_weights_release(ctx->model, ctx->weights);
  kiln_resolve_free(ctx);
  free(ctx->nbytes);
  free(ctx->shapes);
  free(ctx->args);
  free(ctx->dims);
  free(ctx->buffers);
  free(ctx);
}

kiln_status_t kiln_context_set_num_threads(kiln_context_t *ctx, int32_t num_threads) {
  if (!ctx)
    return kiln_fail(NULL, KILN_INVALID_ARGUMENT, "kiln_context_set_num_threads: null context");
  if (num_threads < 0)
    return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                     "num_threads is %d, must be >= 0 (0: Halide's default)", (int)num_threads);
  // Halide's thread pool is process-wide: this affects every context.
  halide_set_num_threads(num_threads);
  kiln_pool_set_threads(num_threads);
  return KILN_OK;
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

/// How much of a tensor check_io checks: a symbolic model's inputs are first
/// checked down to their ranks, then resolved (resolve.c), then checked fully.
typedef enum { CHECK_RANKS, CHECK_DIMS, CHECK_ALL } check_depth_t;

/// "[2,16]", or for a symbolic model "[batch,seq]", and for its outputs
/// (sized by this call's inputs) "[batch,seq] = [2,16]".
static const char *expected_shape(const kiln_context_t *ctx, int32_t id, char buf[256]) {
  const kiln_model_t *m = ctx->model;
  kiln_model_shape_text(m, id, buf, 256);
  if (m->num_symbols > 0 && ctx->resolved && m->tensors[id].kind == KILN_TENSOR_OUTPUT) {
    char resolved[256];
    format_shape(resolved, m->tensors[id].rank, &ctx->shapes[(size_t)id * KILN_MAX_RANK]);
    size_t used = strlen(buf), len = strlen(resolved);
    if (used + 3 + len < 256) { // else the symbolic text alone
      memcpy(buf + used, " = ", 3);
      memcpy(buf + used + 3, resolved, len + 1);
    }
  }
  return buf;
}

/// Checks the caller's inputs or outputs against the model (its resolved
/// shapes), naming the tensor and what is wrong on the first mismatch.
static kiln_status_t check_io(kiln_context_t *ctx, const char *what, const kiln_tensor_t *given,
                              int32_t num_given, int32_t num_model, const int32_t *ids,
                              check_depth_t depth) {
  const kiln_model_t *m = ctx->model;
  if (num_given != num_model) {
    char names[512] = "";
    for (int32_t i = 0; i < num_model && strlen(names) < sizeof names - 1; ++i)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s'%s'", i ? ", " : "",
               kiln_tensor_name(&m->tensors[ids[i]]));
    return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                     "num_%ss is %d, the model '%s' expects %d %s(s): %s", what, (int)num_given,
                     m->name ? m->name : "?", (int)num_model, what, names);
  }
  if (num_given > 0 && !given)
    return kiln_fail(ctx, KILN_INVALID_ARGUMENT, "%ss is NULL but num_%ss is %d", what, what,
                     (int)num_given);
  for (int32_t i = 0; i < num_given; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[ids[i]];
    const kiln_tensor_t *g = &given[i];
    const int64_t *want = &ctx->shapes[(size_t)ids[i] * KILN_MAX_RANK];
    char shape[256], want_type[32], got[32];
    if ((int32_t)g->dtype != t->dtype)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "%s '%s' (#%d): dtype is %s, the model expects %s", what,
                       kiln_tensor_name(t), (int)i, dtype_text(got, (int32_t)g->dtype),
                       dtype_text(want_type, t->dtype));
    if (g->rank != t->rank)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "%s '%s' (#%d): rank is %d, the model expects %d (shape %s)", what,
                       kiln_tensor_name(t), (int)i, (int)g->rank, (int)t->rank,
                       expected_shape(ctx, ids[i], shape));
    if (t->rank > 0 && !g->shape)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "%s '%s' (#%d): shape is NULL, the model expects %s", what,
                       kiln_tensor_name(t), (int)i, expected_shape(ctx, ids[i], shape));
    if (depth == CHECK_RANKS)
      continue;
    for (int32_t d = 0; d < t->rank; ++d)
      if (g->shape[d] != want[d])
        return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                         "%s '%s' (#%d): dim %d is %lld, the model expects %lld (shape %s)", what,
                         kiln_tensor_name(t), (int)i, (int)d, (long long)g->shape[d],
                         (long long)want[d], expected_shape(ctx, ids[i], shape));
    if (depth == CHECK_ALL && !g->data && ctx->nbytes[ids[i]] > 0)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT, "%s '%s' (#%d): data is NULL", what,
                       kiln_tensor_name(t), (int)i);
    // Halide assumes a host pointer aligned to its element size (and so does
    // check_indices): anything less is undefined behaviour, a fault off x86.
    // Zero-byte tensors are never read.
    size_t align = kiln_dtype_size((kiln_dtype_t)t->dtype);
    if (depth == CHECK_ALL && g->data && ctx->nbytes[ids[i]] > 0 && (uintptr_t)g->data % align != 0)
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "%s '%s' (#%d): data %p is not aligned to %zu bytes (its %s elements)",
                       what, kiln_tensor_name(t), (int)i, g->data, align,
                       dtype_text(want_type, t->dtype));
  }
  return KILN_OK;
}

/// Outputs may not share a byte with an input or another output: kernels run
/// one after another and inside each Halide tiles freely, so an output written
/// early would change what a later kernel (or a later tile) reads. Called once
/// the shapes are checked, so ctx->nbytes are the caller's sizes.
static kiln_status_t check_overlaps(kiln_context_t *ctx, const kiln_tensor_t *inputs,
                                    int32_t num_inputs, const kiln_tensor_t *outputs,
                                    int32_t num_outputs) {
  const kiln_model_t *m = ctx->model;
  for (int32_t o = 0; o < num_outputs; ++o) {
    uintptr_t lo = (uintptr_t)outputs[o].data;
    int64_t bytes = ctx->nbytes[m->outputs[o]];
    if (!outputs[o].data || bytes <= 0)
      continue;
    uintptr_t hi = lo + (uintptr_t)bytes;
    // Inputs first, then the outputs before this one (each pair once).
    for (int32_t j = 0; j < num_inputs + o; ++j) {
      bool is_input = j < num_inputs;
      const kiln_tensor_t *other = is_input ? &inputs[j] : &outputs[j - num_inputs];
      int32_t id = is_input ? m->inputs[j] : m->outputs[j - num_inputs];
      uintptr_t other_lo = (uintptr_t)other->data;
      int64_t other_bytes = ctx->nbytes[id];
      if (!other->data || other_bytes <= 0 || other_lo >= hi ||
          lo >= other_lo + (uintptr_t)other_bytes)
        continue;
      return kiln_fail(ctx, KILN_INVALID_ARGUMENT,
                       "output '%s' (#%d) overlaps %s '%s' (#%d) in memory: outputs must not "
                       "share memory with an input or another output (no in-place runs)",
                       kiln_tensor_name(&m->tensors[m->outputs[o]]), (int)o,
                       is_input ? "input" : "output", kiln_tensor_name(&m->tensors[id]),
                       (int)(is_input ? j : j - num_inputs));
    }
  }
  return KILN_OK;
}

/// Checks the inputs and, for a symbolic model, sizes everything from them:
/// what kiln_context_resolve and kiln_context_run share.
static kiln_status_t resolve_inputs(kiln_context_t *ctx, const kiln_tensor_t *inputs,
                                    int32_t num_inputs, check_depth_t depth) {
  const kiln_model_t *m = ctx->model;
  if (m->num_symbols == 0)
    return check_io(ctx, "input", inputs, num_inputs, m->num_inputs, m->inputs, depth);
  kiln_status_t status =
      check_io(ctx, "input", inputs, num_inputs, m->num_inputs, m->inputs, CHECK_RANKS);
  if (status == KILN_OK)
    status = kiln_resolve_symbols(ctx, inputs);
  if (status == KILN_OK)
    status = check_io(ctx, "input", inputs, num_inputs, m->num_inputs, m->inputs, depth);
  return status;
}

/// Token ids and other gather indices taken from inputs: the kernels clamp them
/// (they never read outside a table), but an id outside [-bound, bound) is a
/// caller's bug, reported here instead of answered wrongly.
static kiln_status_t check_indices(kiln_context_t *ctx, const kiln_tensor_t *given, int32_t num) {
  const kiln_model_t *m = ctx->model;
  for (int32_t i = 0; i < num; ++i) {
    const kiln_abi_tensor_t *t = &m->tensors[m->inputs[i]];
    if (t->index_bound <= 0 || !given[i].data)
      continue;
    int64_t n = 1; // the resolved shape: checked against the caller's
    for (int32_t d = 0; d < t->rank; ++d)
      n *= ctx->shapes[(size_t)m->inputs[i] * KILN_MAX_RANK + d];
    for (int64_t e = 0; e < n; ++e) {
      int64_t v = t->dtype == KILN_DTYPE_INT64 ? ((const int64_t *)given[i].data)[e]
                  : t->dtype == KILN_DTYPE_INT32 ? ((const int32_t *)given[i].data)[e]
                                                 : 0;
      if (v < -t->index_bound || v >= t->index_bound)
        return kiln_fail(
            ctx, KILN_OUT_OF_RANGE,
            "input '%s' (#%d): element %lld is %lld, outside [%lld, %lld): it indexes a "
            "table of %lld rows",
            kiln_tensor_name(t), (int)i, (long long)e, (long long)v, (long long)-t->index_bound,
            (long long)t->index_bound, (long long)t->index_bound);
    }
  }
  return KILN_OK;
}

/// Halide's CUDA runtime reports a missing driver, library or device with
/// these phrases (Halide 14 src/runtime/cuda.cpp).
static bool looks_like_cuda_missing(const char *msg) {
  static const char *const phrases[] = {
      "Could not find cuda system libraries", "CUDA API not found", "cuInit failed", "cuGetDeviceCount failed",
      "No devices available", "CUDA_ERROR_NO_DEVICE", "CUDA_ERROR_INSUFFICIENT_DRIVER",
      "CUDA_ERROR_NOT_INITIALIZED"};
  for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; ++i)
    if (strstr(msg, phrases[i]))
      return true;
  return false;
}

/// Records a failure reported by Halide (code `rc`) while doing `doing`.
static kiln_status_t halide_failure(kiln_context_t *ctx, const char *doing, int rc,
                                    unsigned long seq0) {
  char msg[KILN_ERROR_CAPACITY];
  take_halide_messages(msg, sizeof msg, seq0);
  kiln_status_t status = ctx->model->uses_cuda && looks_like_cuda_missing(msg) ? KILN_UNAVAILABLE
                                                                              : KILN_INTERNAL;
  if (msg[0])
    return kiln_fail(ctx, status, "%s failed: %s", doing, msg);
  return kiln_fail(ctx, status, "%s failed: Halide error code %d (no message)", doing, rc);
}

/// Host pointer for zero-element tensors given as NULL: Halide reads a buffer
/// with neither host nor device as a bounds query and would compute nothing.
static _Alignas(KILN_ARENA_ALIGNMENT) uint8_t zero_size_host[KILN_ARENA_ALIGNMENT];

kiln_status_t kiln_context_run(kiln_context_t *ctx, const kiln_tensor_t *inputs,
                               int32_t num_inputs, kiln_tensor_t *outputs, int32_t num_outputs) {
  if (!ctx)
    return kiln_fail(NULL, KILN_INVALID_ARGUMENT, "kiln_context_run: null context");
  const kiln_model_t *m = ctx->model;
  kiln_status_t status = resolve_inputs(ctx, inputs, num_inputs, CHECK_ALL);
  if (status == KILN_OK)
    status = check_io(ctx, "output", outputs, num_outputs, m->num_outputs, m->outputs, CHECK_ALL);
  if (status == KILN_OK)
    status = check_overlaps(ctx, inputs, num_inputs, outputs, num_outputs);
  if (status == KILN_OK)
    status = check_indices(ctx, inputs, num_inputs);
  if (status != KILN_OK)
    return status;

  // Bind the caller's memory. Flags are reset, not merged: inputs are fresh on
  // the host, and an output left device-dirty by a failed run is rewritten.
  for (int32_t i = 0; i < num_inputs; ++i) {
    halide_buffer_t *buf = &ctx->buffers[m->inputs[i]];
    buf->host = inputs[i].data ? inputs[i].data : zero_size_host;
    buf->flags = halide_buffer_flag_host_dirty;
  }
  for (int32_t i = 0; i < num_outputs; ++i) {
    halide_buffer_t *buf = &ctx->buffers[m->outputs[i]];
    buf->host = outputs[i].data ? outputs[i].data : zero_size_host;
    buf->flags = 0;
  }

  // Reinstalled on every run (another component may have replaced it); not
  // restored afterwards, as restoring a process-global races with other runs.
  // Halide's setter is a plain store: contexts running on other threads would
  // race on it, so the store is serialised (it is the same value every time).
  lock_global();
  halide_set_error_handler(capture_halide_error);
  unlock_global();
  char doing[256];
  for (int32_t s = 0; s < m->num_steps && status == KILN_OK; ++s) {
    const kiln_abi_step_t *step = &m->steps[s];
    // An empty output of a symbolic model (a dim at 0: a KV cache's past on
    // the first call) has nothing to compute; its inputs may be empty too,
    // and a kernel's clamped reads of an empty buffer would fail Halide's
    // checks. (Static models drop empty operands at compile time.)
    int32_t out = step->num_args > 0 ? step->args[step->num_args - 1] : -1;
    if (m->num_symbols > 0 && out >= 0 && ctx->nbytes[out] == 0)
      continue;
    for (int32_t a = 0; a < step->num_args; ++a) {
      int32_t id = step->args[a];
      // -1 - k: symbol k as a scalar, which Halide's _argv takes by pointer.
      ctx->args[a] = id >= 0 ? (void *)&ctx->buffers[id] : (void *)&ctx->symbol_args[-1 - id];
    }
    unsigned long seq0 = reset_halide_messages();
    int rc = step->fn(ctx->args);
    if (rc != 0) {
      snprintf(doing, sizeof doing, "kernel '%s' (step %d)", step->name ? step->name : "?", (int)s);
      status = halide_failure(ctx, doing, rc, seq0);
    }
  }
  if (m->uses_cuda) {
    for (int32_t i = 0; i < num_outputs && status == KILN_OK; ++i) {
      unsigned long seq0 = reset_halide_messages();
      int rc = halide_copy_to_host(NULL, &ctx->buffers[m->outputs[i]]);
      if (rc != 0) {
        snprintf(doing, sizeof doing, "copying output '%s' (#%d) to the host",
                 kiln_tensor_name(&m->tensors[m->outputs[i]]), (int)i);
        status = halide_failure(ctx, doing, rc, seq0);
      }
    }
  } else {
    // Drop the caller's pointers. On CUDA they stay until the next run rebinds
    // them: Halide keeps the device allocation attached to the buffer.
    for (int32_t i = 0; i < num_inputs; ++i)
      ctx->buffers[m->inputs[i]].host = NULL;
    for (int32_t i = 0; i < num_outputs; ++i)
      ctx->buffers[m->outputs[i]].host = NULL;
  }
  if (status == KILN_OK)
    ctx->last_error[0] = '\0';
  return status;
}

//===----------------------------------------------------------------------===//
// Sizes
//===----------------------------------------------------------------------===//

kiln_status_t kiln_context_resolve(kiln_context_t *ctx, const kiln_tensor_t *inputs,
                                   int32_t num_inputs) {
  if (!ctx)
    return kiln_fail(NULL, KILN_INVALID_ARGUMENT, "kiln_context_resolve: null context");
  kiln_status_t status = resolve_inputs(ctx, inputs, num_inputs, CHECK_DIMS);
  if (status == KILN_OK)
    ctx->last_error[0] = '\0';
  return status;
}

kiln_status_t kiln_context_output_info(kiln_context_t *ctx, int32_t index,
                                       kiln_tensor_info_t *out_info) {
  if (!ctx || !out_info)
    return kiln_fail(ctx, KILN_INVALID_ARGUMENT, "kiln_context_output_info: %s is NULL",
                     ctx ? "out_info" : "context");
  const kiln_model_t *m = ctx->model;
  if (index < 0 || index >= m->num_outputs)
    return kiln_fail(ctx, KILN_OUT_OF_RANGE, "output #%d does not exist: the model has %d",
                     (int)index, (int)m->num_outputs);
  if (m->num_symbols > 0 && !ctx->resolved)
    return kiln_fail(ctx, KILN_FAILED_PRECONDITION,
                     "output sizes are not known yet: call kiln_context_resolve (or a successful "
                     "kiln_context_run) first");
  kiln_status_t status = kiln_model_output_info(m, index, out_info);
  out_info->shape = &ctx->shapes[(size_t)m->outputs[index] * KILN_MAX_RANK];
  return status;
}

int64_t kiln_context_workspace_size(const kiln_context_t *ctx) {
  if (!ctx)
    return 0;
  return ctx->model->num_symbols > 0 ? ctx->workspace : ctx->model->arena_size;
}
