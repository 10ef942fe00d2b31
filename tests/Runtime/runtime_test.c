//===- runtime_test.c - Unit test of Kiln's C runtime ----------------------===//
//
// Builds a kiln_model_t by hand around three plain C "kernels" with the
// Halide `_argv` signature (sum = x + w; y = relu(sum); npos = count(y > 0))
// and checks runs, argument validation, error text and the model queries.
// A second table has symbolic dims (batch, seq): resolution, re-planning,
// arena growth and the refusals of inputs that contradict the model. The
// arena planner shared with kiln-compile (plan.h) is checked directly.
// No Halide runtime is linked: the halide_* functions the runtime calls are
// stubbed below and record what they were asked to do.
//
//===----------------------------------------------------------------------===//

#define _POSIX_C_SOURCE 200809L // setenv

#include "kiln/runtime.h"
#include "expr.h"    // runtime/src: the dims' bytecode
#include "plan.h"    // runtime/src: the arena planner
#include "pool.h"    // runtime/src: the thread pool for Halide's parallel loops
#include "resolve.h" // runtime/src: kiln_context_plan_count, a test hook

#include <HalideRuntime.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//===----------------------------------------------------------------------===//
// Stubs of the Halide runtime
//===----------------------------------------------------------------------===//

static halide_error_handler_t g_handler;
static int g_num_threads = -1;
static int g_copy_to_host_calls;
static int g_device_free_calls;

halide_error_handler_t halide_set_error_handler(halide_error_handler_t handler) {
  halide_error_handler_t previous = g_handler;
  g_handler = handler;
  return previous;
}

int halide_set_num_threads(int n) {
  int previous = g_num_threads;
  g_num_threads = n;
  return previous;
}

static halide_do_par_for_t g_do_par_for;
halide_do_par_for_t halide_set_custom_do_par_for(halide_do_par_for_t f) {
  halide_do_par_for_t previous = g_do_par_for;
  g_do_par_for = f;
  return previous;
}

int halide_copy_to_host(void *user_context, struct halide_buffer_t *buf) {
  (void)user_context;
  ++g_copy_to_host_calls;
  buf->flags &= ~(uint64_t)halide_buffer_flag_device_dirty;
  return 0;
}

int halide_device_free(void *user_context, struct halide_buffer_t *buf) {
  (void)user_context;
  ++g_device_free_calls;
  buf->device = 0;
  return 0;
}

/// What a Halide kernel does on an error: report through the handler, return nonzero.
static int report(const char *msg, int code) {
  if (g_handler)
    g_handler(NULL, msg);
  return code;
}

//===----------------------------------------------------------------------===//
// Fake kernels
//===----------------------------------------------------------------------===//

static halide_buffer_t *g_seen_x; // the input buffer, to check it is detached after a run
static uint64_t g_seen_x_flags;

/// Checks a buffer is what the runtime promised: type, rank and dense dims
/// innermost first (ONNX [2,3] -> Halide extents {3,2}, strides {1,3}).
static bool layout_ok(const halide_buffer_t *b, uint8_t code, uint8_t bits, int rank,
                      const int32_t *extents_inner_first) {
  if (!b->host || b->type.code != code || b->type.bits != bits || b->type.lanes != 1 ||
      b->dimensions != rank)
    return false;
  int32_t stride = 1;
  for (int d = 0; d < rank; ++d) {
    if (b->dim[d].min != 0 || b->dim[d].extent != extents_inner_first[d] ||
        b->dim[d].stride != stride)
      return false;
    stride *= b->dim[d].extent;
  }
  return true;
}

static const int32_t k_extents[2] = {3, 2};

static const uint8_t *g_seen_w_host;

static int k0_add_f32(void **args) {
  halide_buffer_t *x = args[0], *w = args[1], *sum = args[2];
  if (!layout_ok(x, halide_type_float, 32, 2, k_extents) ||
      !layout_ok(w, halide_type_float, 32, 2, k_extents) ||
      !layout_ok(sum, halide_type_float, 32, 2, k_extents))
    return report("k0_add_f32: unexpected buffer layout\n", -1);
  g_seen_x = x;
  g_seen_x_flags = x->flags;
  g_seen_w_host = w->host;
  const float *a = (const float *)x->host, *b = (const float *)w->host;
  float *out = (float *)sum->host;
  for (int i = 0; i < 6; ++i)
    out[i] = a[i] + b[i];
  return 0;
}

static int k1_relu_f32(void **args) {
  halide_buffer_t *in = args[0], *out = args[1];
  if (!layout_ok(in, halide_type_float, 32, 2, k_extents) ||
      !layout_ok(out, halide_type_float, 32, 2, k_extents))
    return report("k1_relu_f32: unexpected buffer layout\n", -1);
  for (int i = 0; i < 6; ++i) {
    float v = ((const float *)in->host)[i];
    ((float *)out->host)[i] = v > 0 ? v : 0;
  }
  return 0;
}

static int k2_count_i64(void **args) {
  halide_buffer_t *in = args[0], *out = args[1];
  if (!layout_ok(in, halide_type_float, 32, 2, k_extents) ||
      !layout_ok(out, halide_type_int, 64, 0, NULL))
    return report("k2_count_i64: unexpected buffer layout\n", -1);
  int64_t n = 0;
  for (int i = 0; i < 6; ++i)
    n += ((const float *)in->host)[i] > 0;
  *(int64_t *)out->host = n;
  return 0;
}

static int k1_fail(void **args) {
  (void)args;
  return report("boom: injected failure\n", -5);
}

static int k1_fail_silently(void **args) {
  (void)args;
  return -7;
}

/// What Halide 14's CUDA runtime reports when libcuda.so is not there.
static int k1_no_cuda(void **args) {
  (void)args;
  report("CUDA API not found: cuInit\n", -1);
  report("CUDA API not found: cuDeviceGetCount\n", -1);
  report("CUDA API not found: cuDeviceGet\n", -1);
  return report("Could not find cuda system libraries", 301);
}

/// A "GPU" relu: computes on the host, then pretends the results live on a device.
static int k1_relu_gpu(void **args) {
  int rc = k1_relu_f32(args);
  halide_buffer_t *out = args[1];
  out->device = 0xd1;
  out->flags |= halide_buffer_flag_device_dirty;
  return rc;
}

//===----------------------------------------------------------------------===//
// The model: x (input) + w (weight) -> sum (intermediate) -> y, npos (outputs)
//===----------------------------------------------------------------------===//

// Weights start 64 bytes in, to exercise offsets: w = {-10, 1, -2, 3, -4, 5}.
static _Alignas(64) const float g_weights[32] = {[16] = -10, 1, -2, 3, -4, 5};

// As kiln-compile writes a static model: every dim_expr -1, the liveness of
// intermediates filled in (the runtime reads neither without symbols).
#define STATIC_DIMS {-1, -1, -1, -1, -1, -1, -1, -1}
static const kiln_abi_tensor_t g_tensors[] = {
    {"x", KILN_DTYPE_FLOAT32, KILN_TENSOR_INPUT, 2, 0, {2, 3}, 0, 24, 0, STATIC_DIMS, -1, -1, -1},
    {"w", KILN_DTYPE_FLOAT32, KILN_TENSOR_WEIGHT, 2, -1, {2, 3}, 64, 24, 0, STATIC_DIMS, -1, -1, -1},
    {"sum", KILN_DTYPE_FLOAT32, KILN_TENSOR_INTERMEDIATE, 2, -1, {2, 3}, 64, 24, 0, STATIC_DIMS, 0, 1,
     -1},
    {"y", KILN_DTYPE_FLOAT32, KILN_TENSOR_OUTPUT, 2, 0, {2, 3}, 0, 24, 0, STATIC_DIMS, -1, -1, -1},
    {"npos", KILN_DTYPE_INT64, KILN_TENSOR_OUTPUT, 0, 1, {0}, 0, 8, 0, STATIC_DIMS, -1, -1, -1},
};
static const int32_t g_inputs[] = {0};
static const int32_t g_outputs[] = {3, 4};
static const int32_t g_args0[] = {0, 1, 2}, g_args1[] = {2, 3}, g_args2[] = {3, 4};
static const kiln_abi_step_t g_steps[] = {
    {"k0_add_f32", k0_add_f32, 3, g_args0},
    {"k1_relu_f32", k1_relu_f32, 2, g_args1},
    {"k2_count_i64", k2_count_i64, 2, g_args2},
};
static const kiln_model_t g_model = {
    .abi_version = KILN_MODEL_ABI_VERSION,
    .name = "tiny",
    .source = "tiny.onnx",
    .target = "host",
    .uses_cuda = 0,
    .num_tensors = 5,
    .tensors = g_tensors,
    .num_inputs = 1,
    .inputs = g_inputs,
    .num_outputs = 2,
    .outputs = g_outputs,
    .num_steps = 3,
    .steps = g_steps,
    .weights = (const uint8_t *)g_weights,
    .weights_size = sizeof g_weights,
    .arena_size = 128,
};

/// g_model with step 1 replaced by `fn` (and uses_cuda set as given).
static kiln_abi_step_t g_variant_steps[3];
static kiln_model_t variant(const char *name, int (*fn)(void **), int32_t uses_cuda) {
  memcpy(g_variant_steps, g_steps, sizeof g_steps);
  g_variant_steps[1].name = name;
  g_variant_steps[1].fn = fn;
  kiln_model_t m = g_model;
  m.steps = g_variant_steps;
  m.uses_cuda = uses_cuda;
  return m;
}

//===----------------------------------------------------------------------===//
// Test harness
//===----------------------------------------------------------------------===//

static int g_passed, g_failed;

static void check(bool ok, const char *what) {
  printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
  if (ok)
    ++g_passed;
  else
    ++g_failed;
}

/// Checks a status and that the error text contains each of up to two needles.
static void check_error(kiln_status_t got, kiln_status_t want, const char *msg, const char *needle1,
                        const char *needle2, const char *what) {
  bool ok = got == want && strstr(msg, needle1) && (!needle2 || strstr(msg, needle2));
  check(ok, what);
  if (!ok)
    printf("      status %s (want %s), message \"%s\"\n", kiln_status_string(got),
           kiln_status_string(want), msg);
}

// Default, valid run arguments; each test case copies and breaks them.
static const int64_t k_shape[2] = {2, 3};
static float g_x[6] = {1, 2, 3, 4, 5, 6};
static float g_y[6];
static int64_t g_npos;

static void default_io(kiln_tensor_t in[1], kiln_tensor_t out[2]) {
  in[0] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 2, k_shape, g_x};
  out[0] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 2, k_shape, g_y};
  out[1] = (kiln_tensor_t){KILN_DTYPE_INT64, 0, NULL, &g_npos};
}

static void test_happy_path(void) {
  kiln_context_options_t options = {.num_threads = 3};
  kiln_context_t *ctx = NULL;
  kiln_status_t st = kiln_context_create(&g_model, &options, &ctx);
  check(st == KILN_OK && ctx, "create succeeds");
  check(g_num_threads == 3, "options.num_threads reaches halide_set_num_threads");
  if (!ctx)
    return;
  check(strcmp(kiln_context_last_error(ctx), "") == 0, "last error is empty after create");

  kiln_tensor_t in[1], out[2];
  default_io(in, out);
  g_npos = -1;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_OK, "run succeeds");
  static const float want[6] = {0, 3, 1, 7, 1, 11}; // relu(x + w)
  check(memcmp(g_y, want, sizeof want) == 0, "y = relu(x + w)");
  check(g_npos == 5, "npos = count(y > 0) through a rank-0 int64 output");
  check(g_seen_x && g_seen_x->host == NULL, "input host pointer detached after a CPU run");
  check(g_seen_x_flags & halide_buffer_flag_host_dirty, "input is host-dirty during the run");

  // Validation failures, then a good run clears the error text.
  in[0].dtype = KILN_DTYPE_INT64;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "input 'x' (#0)",
              "dtype is int64, the model expects float32", "wrong dtype");
  default_io(in, out);
  in[0].rank = 1;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "input 'x' (#0)",
              "rank is 1, the model expects 2 (shape [2,3])", "wrong rank");
  default_io(in, out);
  static const int64_t bad_shape[2] = {2, 4};
  in[0].shape = bad_shape;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "input 'x' (#0)",
              "dim 1 is 4, the model expects 3 (shape [2,3])", "wrong dim");
  default_io(in, out);
  in[0].shape = NULL;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "input 'x' (#0)",
              "shape is NULL", "null shape");
  default_io(in, out);
  out[1].data = NULL;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "output 'npos' (#1)",
              "data is NULL", "null output data");
  default_io(in, out);
  out[1].rank = 1;
  out[1].shape = k_shape;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "output 'npos' (#1)",
              "rank is 1, the model expects 0 (shape [])", "rank-0 output given rank 1");
  default_io(in, out);
  st = kiln_context_run(ctx, in, 2, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "num_inputs is 2", "'x'",
              "too many inputs");
  st = kiln_context_run(ctx, in, 1, out, 1);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "num_outputs is 1",
              "'y', 'npos'", "too few outputs");
  st = kiln_context_run(ctx, NULL, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "inputs is NULL", NULL,
              "null inputs array");
  memset(g_y, 0, sizeof g_y);
  st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_OK && memcmp(g_y, want, sizeof want) == 0 &&
            strcmp(kiln_context_last_error(ctx), "") == 0,
        "a second run succeeds and clears the last error");

  check(kiln_context_set_num_threads(ctx, -1) == KILN_INVALID_ARGUMENT &&
            strstr(kiln_context_last_error(ctx), "num_threads"),
        "set_num_threads rejects a negative count");
  check(kiln_context_set_num_threads(ctx, 2) == KILN_OK && g_num_threads == 2,
        "set_num_threads forwards to Halide");
  kiln_context_destroy(ctx);
  check(g_device_free_calls == 0, "a CPU context frees no device memory");
}

static void test_null_and_abi(void) {
  kiln_tensor_t in[1], out[2];
  default_io(in, out);
  kiln_status_t st = kiln_context_run(NULL, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(NULL), "null context", NULL,
              "run on a null context");
  check(kiln_context_set_num_threads(NULL, 1) == KILN_INVALID_ARGUMENT,
        "set_num_threads on a null context");
  kiln_context_destroy(NULL);
  check(true, "destroy(NULL) is safe");

  kiln_context_t *ctx = (kiln_context_t *)&ctx; // must be overwritten with NULL
  st = kiln_context_create(NULL, NULL, &ctx);
  check(st == KILN_INVALID_ARGUMENT && ctx == NULL, "create with a null model");
  check(kiln_context_create(&g_model, NULL, NULL) == KILN_INVALID_ARGUMENT,
        "create with a null out_context");

  kiln_model_t old = g_model;
  old.abi_version = KILN_MODEL_ABI_VERSION + 1;
  st = kiln_context_create(&old, NULL, &ctx);
  char got_version[64], want_version[64];
  snprintf(got_version, sizeof got_version, "ABI version is %u", KILN_MODEL_ABI_VERSION + 1);
  snprintf(want_version, sizeof want_version, "expects %u", KILN_MODEL_ABI_VERSION);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), got_version,
              want_version, "ABI version mismatch");
  check(ctx == NULL, "no context after a failed create");
  kiln_tensor_info_t info;
  check(kiln_model_input_count(&old) == 0 &&
            kiln_model_input_info(&old, 0, &info) == KILN_FAILED_PRECONDITION,
        "queries refuse a table of another ABI version");

  // Malformed tables are refused before any buffer is built.
  kiln_model_t bad = g_model;
  static const int32_t bad_args[] = {2, 9};
  static kiln_abi_step_t bad_steps[3];
  memcpy(bad_steps, g_steps, sizeof g_steps);
  bad_steps[1].args = bad_args;
  bad.steps = bad_steps;
  st = kiln_context_create(&bad, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "k1_relu_f32",
              "names tensor 9", "a step naming a missing tensor");
  bad = g_model;
  bad.weights_size = 80;
  st = kiln_context_create(&bad, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "weight 'w'",
              "outside", "a weight outside the weights");
  bad = g_model;
  bad.num_outputs = 1; // 'npos' left out: its kernel would get a NULL host
  st = kiln_context_create(&bad, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "output tensor 'npos'",
              "listed 0 times", "an output tensor missing from the output list");
  // No elements, but strides past int32: Halide's strides count a zero dim as 1.
  kiln_abi_tensor_t empty[5];
  memcpy(empty, g_tensors, sizeof g_tensors);
  empty[3].rank = 3;
  memcpy(empty[3].shape, (int64_t[]){0, 1 << 16, 1 << 16}, 3 * sizeof(int64_t));
  empty[3].nbytes = 0;
  bad = g_model;
  bad.tensors = empty;
  st = kiln_context_create(&bad, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "tensor 'y' (#3)",
              "has more than 2^31-1 elements", "a zero dim does not hide strides past int32");
  // run() takes NULL data for an input of 0 bytes: the count must be the shape's.
  memcpy(empty, g_tensors, sizeof g_tensors);
  empty[0].nbytes = 0;
  st = kiln_context_create(&bad, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "tensor 'x' (#0)",
              "declares 0 bytes, its shape has 24", "an input's bytes disagree with its shape");

  // A successful create clears the thread's orphan error.
  st = kiln_context_create(&g_model, NULL, &ctx);
  check(st == KILN_OK && strcmp(kiln_context_last_error(NULL), "null context") == 0,
        "last_error(NULL) is \"null context\" after a successful create");
  kiln_context_destroy(ctx);
}

static void test_kernel_failures(void) {
  kiln_tensor_t in[1], out[2];
  default_io(in, out);
  kiln_context_t *ctx = NULL;

  kiln_model_t m = variant("k1_fail", k1_fail, 0);
  kiln_status_t st = kiln_context_create(&m, NULL, &ctx);
  check(st == KILN_OK, "create the failing model");
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INTERNAL, kiln_context_last_error(ctx), "kernel 'k1_fail' (step 1) failed",
              "boom: injected failure", "failing kernel -> INTERNAL with its name and message");
  check(!strchr(kiln_context_last_error(ctx), '\n'), "Halide's trailing newline is trimmed");
  st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_INTERNAL && !strstr(kiln_context_last_error(ctx), "; boom"),
        "the message of a previous run does not accumulate");
  kiln_context_destroy(ctx);

  m = variant("k1_fail_silently", k1_fail_silently, 0);
  kiln_context_create(&m, NULL, &ctx);
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INTERNAL, kiln_context_last_error(ctx), "k1_fail_silently",
              "Halide error code -7", "failing kernel without a message");
  kiln_context_destroy(ctx);

  m = variant("k1_no_cuda", k1_no_cuda, 0);
  kiln_context_create(&m, NULL, &ctx);
  st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_INTERNAL, "a CUDA-looking error on a CPU model stays INTERNAL");
  kiln_context_destroy(ctx);

  m = variant("k1_no_cuda", k1_no_cuda, 1);
  kiln_context_create(&m, NULL, &ctx);
  st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_UNAVAILABLE, kiln_context_last_error(ctx), "k1_no_cuda",
              "CUDA API not found: cuInit; ... (2 more); Could not find cuda system libraries",
              "missing CUDA -> UNAVAILABLE, first and last of many messages kept");
  kiln_context_destroy(ctx);
}

static void test_cuda_bookkeeping(void) {
  kiln_tensor_t in[1], out[2];
  default_io(in, out);
  kiln_model_t m = variant("k1_relu_gpu", k1_relu_gpu, 1);
  kiln_context_t *ctx = NULL;
  kiln_context_create(&m, NULL, &ctx);
  g_copy_to_host_calls = g_device_free_calls = 0;
  kiln_status_t st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_OK && g_npos == 5, "CUDA-model run succeeds");
  check(g_copy_to_host_calls == 2, "each output is copied to the host after a CUDA run");
  st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_OK && g_copy_to_host_calls == 4, "a second CUDA run reuses the buffers");
  kiln_context_destroy(ctx);
  check(g_device_free_calls == 1, "destroy frees the one device allocation");
}

static void test_queries(void) {
  check(kiln_model_input_count(&g_model) == 1 && kiln_model_output_count(&g_model) == 2,
        "input and output counts");
  check(kiln_model_input_count(NULL) == 0, "counts of a null model are 0");
  kiln_tensor_info_t info;
  kiln_status_t st = kiln_model_input_info(&g_model, 0, &info);
  check(st == KILN_OK && strcmp(info.name, "x") == 0 && info.dtype == KILN_DTYPE_FLOAT32 &&
            info.rank == 2 && info.shape[0] == 2 && info.shape[1] == 3,
        "input_info(0)");
  st = kiln_model_output_info(&g_model, 1, &info);
  check(st == KILN_OK && strcmp(info.name, "npos") == 0 && info.dtype == KILN_DTYPE_INT64 &&
            info.rank == 0,
        "output_info(1)");
  check(kiln_model_output_info(&g_model, 2, &info) == KILN_OUT_OF_RANGE &&
            kiln_model_input_info(&g_model, -1, &info) == KILN_OUT_OF_RANGE,
        "info index out of range");
  check(kiln_model_input_info(&g_model, 0, NULL) == KILN_INVALID_ARGUMENT &&
            kiln_model_output_info(NULL, 0, &info) == KILN_INVALID_ARGUMENT,
        "info with null pointers");
  check(kiln_model_workspace_size(&g_model) == 128 && kiln_model_workspace_size(NULL) == 0,
        "workspace size");
  check(strcmp(kiln_status_string(KILN_OK), "OK") == 0 &&
            strcmp(kiln_status_string(KILN_INVALID_ARGUMENT), "INVALID_ARGUMENT") == 0 &&
            strcmp(kiln_status_string(KILN_UNAVAILABLE), "UNAVAILABLE") == 0 &&
            strcmp(kiln_status_string((kiln_status_t)99), "UNKNOWN") == 0,
        "status strings");
  check(strcmp(kiln_dtype_name(KILN_DTYPE_FLOAT32), "float32") == 0 &&
            strcmp(kiln_dtype_name(KILN_DTYPE_INT64), "int64") == 0 &&
            strcmp(kiln_dtype_name(KILN_DTYPE_BOOL), "bool") == 0 &&
            strcmp(kiln_dtype_name(KILN_DTYPE_FLOAT16), "float16") == 0 &&
            strcmp(kiln_dtype_name(KILN_DTYPE_INT16), "int16") == 0 &&
            strcmp(kiln_dtype_name((kiln_dtype_t)42), "unknown") == 0,
        "dtype names");
  check(kiln_dtype_size(KILN_DTYPE_FLOAT32) == 4 && kiln_dtype_size(KILN_DTYPE_INT64) == 8 &&
            kiln_dtype_size(KILN_DTYPE_BOOL) == 1 && kiln_dtype_size(KILN_DTYPE_FLOAT16) == 2 &&
            kiln_dtype_size(KILN_DTYPE_INT16) == 2 && kiln_dtype_size((kiln_dtype_t)42) == 0,
        "dtype sizes");
}

/// Weights of 2 MiB and more are copied once per model into huge pages and
/// shared by its contexts (runtime/src/memory.h); KILN_WEIGHTS_IN_PLACE=1
/// keeps the embedded ones.
static _Alignas(64) float g_large_weights[(4 << 20) / sizeof(float)];
static void test_large_weights(void) {
  memcpy(g_large_weights, g_weights, sizeof g_weights);
  kiln_model_t m = g_model;
  m.weights = (const uint8_t *)g_large_weights;
  m.weights_size = sizeof g_large_weights;
  const uint8_t *blob = m.weights, *blob_end = blob + m.weights_size;
  static const float want[6] = {0, 3, 1, 7, 1, 11};
  kiln_tensor_t in[1], out[2];
  default_io(in, out);

  kiln_context_t *a = NULL, *b = NULL;
  bool created = kiln_context_create(&m, NULL, &a) == KILN_OK && kiln_context_create(&m, NULL, &b) == KILN_OK;
  check(created, "two contexts of a model with 4 MiB of weights");
  if (!created)
    return;
  memset(g_y, 0, sizeof g_y);
  bool ok = kiln_context_run(a, in, 1, out, 2) == KILN_OK && memcmp(g_y, want, sizeof want) == 0;
  const uint8_t *seen_a = g_seen_w_host;
  memset(g_y, 0, sizeof g_y);
  ok = ok && kiln_context_run(b, in, 1, out, 2) == KILN_OK && memcmp(g_y, want, sizeof want) == 0;
  check(ok, "both compute relu(x + w) from the copied weights");
  check(seen_a && (seen_a < blob || seen_a >= blob_end), "large weights are read from a copy, not the embedded blob");
  check(g_seen_w_host == seen_a, "contexts of one model share the copy");
  check(((uintptr_t)seen_a - 64) % (2u << 20) == 0, "the copy is 2 MiB aligned (huge pages)");
  kiln_context_destroy(a);
  memset(g_y, 0, sizeof g_y);
  check(kiln_context_run(b, in, 1, out, 2) == KILN_OK && memcmp(g_y, want, sizeof want) == 0,
        "the copy outlives the first context's destruction");
  kiln_context_destroy(b);

  setenv("KILN_WEIGHTS_IN_PLACE", "1", 1);
  kiln_context_t *c = NULL;
  memset(g_y, 0, sizeof g_y);
  ok = kiln_context_create(&m, NULL, &c) == KILN_OK && kiln_context_run(c, in, 1, out, 2) == KILN_OK &&
       memcmp(g_y, want, sizeof want) == 0;
  check(ok && g_seen_w_host == blob + 64, "KILN_WEIGHTS_IN_PLACE=1 reads the embedded weights");
  kiln_context_destroy(c);
  unsetenv("KILN_WEIGHTS_IN_PLACE");
}

//===----------------------------------------------------------------------===//
// The arena planner (runtime/src/plan.h), shared with kiln-compile
//===----------------------------------------------------------------------===//

static void test_plan(void) {
  static _Alignas(8) uint8_t scratch[1024];
  int64_t offsets[3], arena = -1;
  // t1 may write over t0 (same size, t0 last read by t1's step): one slot.
  static const int64_t sizes[3] = {100, 100, 50};
  static const int32_t defs[3] = {0, 1, 2}, last[3] = {1, 2, 2}, reuse[3] = {-1, 0, -1};
  check(kiln_plan_arena_scratch_size(3) <= sizeof scratch, "plan scratch fits");
  int rc = kiln_plan_arena(3, sizes, defs, last, reuse, scratch, offsets, &arena);
  check(rc == 0 && offsets[0] == 0 && offsets[1] == 0 && offsets[2] == 128 && arena == 192,
        "plan: in place on equal sizes, 64-byte aligned first fit");
  rc = kiln_plan_arena(3, sizes, defs, last, NULL, scratch, offsets, &arena);
  check(rc == 0 && offsets[0] == 0 && offsets[1] == 128 && offsets[2] == 0 && arena == 256,
        "plan: without reuse, a dead block's space is refilled first fit");
  static const int64_t unequal[3] = {100, 200, 50};
  rc = kiln_plan_arena(3, unequal, defs, last, reuse, scratch, offsets, &arena);
  check(rc == 0 && offsets[1] == 128 && arena == 384, "plan: no reuse between different sizes");
  static const int32_t later[3] = {2, 2, 2};
  rc = kiln_plan_arena(3, sizes, defs, later, reuse, scratch, offsets, &arena);
  check(rc == 0 && offsets[1] == 128, "plan: no reuse of an input read after the step");
  static const int64_t zero[1] = {0};
  rc = kiln_plan_arena(1, zero, defs, last, NULL, scratch, offsets, &arena);
  check(rc == 0 && arena == 64, "plan: a zero-byte tensor still takes 64 bytes");
  static const int64_t negative[1] = {-1};
  check(kiln_plan_arena(1, negative, defs, last, NULL, scratch, offsets, &arena) == -1,
        "plan: a negative size is refused");
}

//===----------------------------------------------------------------------===//
// The expression bytecode (runtime/src/expr.h)
//===----------------------------------------------------------------------===//

static void test_expr(void) {
  enum { E = KILN_EXPR_END, C = KILN_EXPR_CONST, S = KILN_EXPR_SYM };
  enum { ADD = KILN_EXPR_ADD, SUB = KILN_EXPR_SUB, MUL = KILN_EXPR_MUL };
  static const int64_t exprs[] = {
      S, 0, S, 1, ADD, C, 4, MUL, E,      // [0] (past + seq)*4
      C, 10, S, 0, S, 1, SUB, SUB, E,     // [9] 10 - (past - seq)
      C, INT64_MAX, S, 0, ADD, E,         // [18] overflows
      S, 0, ADD, E,                       // [24] stack underflow
      S, 2, E,                            // [28] no symbol 2
      C, 1, C, 2, E,                      // [31] two values left
      9, E,                               // [36] unknown opcode
  };
  static const kiln_abi_symbol_t symbols[] = {{"past", 0, 0}, {"seq", 0, 1}};
  kiln_model_t m = {.num_symbols = 2, .symbols = symbols, .exprs = exprs};
  static const int64_t values[2] = {5, 3};
  char text[64];
  int64_t v = 0;
  check(kiln_expr_check(&m, 0) && kiln_expr_eval(&m, 0, values, &v) && v == 32 &&
            strcmp(kiln_expr_text(&m, 0, text, sizeof text), "(past + seq)*4") == 0,
        "expr: (past + seq)*4 = 32, parenthesised");
  check(kiln_expr_check(&m, 9) && kiln_expr_eval(&m, 9, values, &v) && v == 8 &&
            strcmp(kiln_expr_text(&m, 9, text, sizeof text), "10 - (past - seq)") == 0,
        "expr: a difference on the right of a minus keeps its parentheses");
  check(kiln_expr_check(&m, 18) && !kiln_expr_eval(&m, 18, values, &v),
        "expr: int64 overflow is reported, not wrapped");
  check(!kiln_expr_check(&m, 24) && !kiln_expr_check(&m, 28) && !kiln_expr_check(&m, 31) &&
            !kiln_expr_check(&m, 36) && !kiln_expr_check(&m, -1),
        "expr: malformed bytecode is refused");
}

//===----------------------------------------------------------------------===//
// A model with symbolic dims: ids, mask [batch,seq] -> h, g [batch*seq,4] -> y [batch,seq,4]
//===----------------------------------------------------------------------===//

static const uint8_t *g_seen_h_host, *g_seen_g_host;
static int g_fake_device; // kernels mark their outputs as living on a "device"

/// Halide extents innermost first, dense strides; the scalar params must
/// match them (the runtime passes symbol k through args -1 - k).
static bool sym_layout_ok(const halide_buffer_t *b, uint8_t code, uint8_t bits, int rank,
                          const int32_t *extents_inner_first) {
  return layout_ok(b, code, bits, rank, extents_inner_first);
}

static int s0_embed(void **args) { // h[r,c] = ids[r]*(c+1) + mask[r]
  halide_buffer_t *ids = args[0], *mask = args[1], *h = args[4];
  int32_t seq = *(const int32_t *)args[2], batch = *(const int32_t *)args[3];
  const int32_t in_ext[2] = {seq, batch}, h_ext[2] = {4, batch * seq};
  if (!sym_layout_ok(ids, halide_type_int, 64, 2, in_ext) ||
      !sym_layout_ok(mask, halide_type_int, 64, 2, in_ext) ||
      !sym_layout_ok(h, halide_type_float, 32, 2, h_ext))
    return report("s0_embed: buffers do not match the scalar params\n", -1);
  const int64_t *a = (const int64_t *)ids->host, *m = (const int64_t *)mask->host;
  float *out = (float *)h->host;
  for (int32_t r = 0; r < batch * seq; ++r)
    for (int c = 0; c < 4; ++c)
      out[r * 4 + c] = (float)(a[r] * (c + 1) + m[r]);
  g_seen_h_host = h->host;
  if (g_fake_device)
    h->device = 0xd1;
  return 0;
}

static int s1_add_one(void **args) { // g = h + 1, pointwise (may run in place)
  halide_buffer_t *h = args[0], *g = args[1];
  int32_t n = h->dim[0].extent * h->dim[1].extent;
  if (g->dim[0].extent * g->dim[1].extent != n)
    return report("s1_add_one: sizes differ\n", -1);
  for (int32_t i = 0; i < n; ++i)
    ((float *)g->host)[i] = ((const float *)h->host)[i] + 1;
  g_seen_g_host = g->host;
  if (g_fake_device)
    g->device = 0xd1;
  return 0;
}

static int s2_scale(void **args) { // y[b,s,c] = 2 g[b*seq+s, c]
  halide_buffer_t *g = args[0], *y = args[2];
  int32_t seq = *(const int32_t *)args[1];
  const int32_t y_ext[3] = {4, seq, g->dim[1].extent / seq};
  if (!sym_layout_ok(y, halide_type_float, 32, 3, y_ext))
    return report("s2_scale: y does not match the scalar param\n", -1);
  for (int32_t i = 0; i < g->dim[0].extent * g->dim[1].extent; ++i)
    ((float *)y->host)[i] = 2 * ((const float *)g->host)[i];
  if (g_fake_device) {
    y->device = 0xd1;
    y->flags |= halide_buffer_flag_device_dirty;
  }
  return 0;
}

// batch = [0], seq = [3], batch*seq = [6], 128 - seq = [12], 256 - batch*seq = [18],
// seq - 1 = [27]
static const int64_t g_exprs[] = {
    KILN_EXPR_SYM,   0,   KILN_EXPR_END,
    KILN_EXPR_SYM,   1,   KILN_EXPR_END,
    KILN_EXPR_SYM,   0,   KILN_EXPR_SYM, 1, KILN_EXPR_MUL, KILN_EXPR_END,
    KILN_EXPR_CONST, 128, KILN_EXPR_SYM, 1, KILN_EXPR_SUB, KILN_EXPR_END,
    KILN_EXPR_CONST, 256, KILN_EXPR_SYM, 0, KILN_EXPR_SYM, 1, KILN_EXPR_MUL, KILN_EXPR_SUB,
    KILN_EXPR_END,
    KILN_EXPR_SYM,   1,   KILN_EXPR_CONST, 1, KILN_EXPR_SUB, KILN_EXPR_END,
};
static const kiln_abi_symbol_t g_symbols[] = {{"batch", 0, 0}, {"seq", 0, 1}};
static const kiln_abi_constraint_t g_constraints[] = {
    {12, 0, "Slice '/embeddings/Slice' of a [1,128] constant"},
    {18, 0, "a made-up limit of 256 tokens"},
    {27, 0, "a softmax over the keys seq has no value when it is 0"},
};
static const kiln_abi_tensor_t g_sym_tensors[] = {
    {.name = "ids", .dtype = KILN_DTYPE_INT64, .kind = KILN_TENSOR_INPUT, .rank = 2, .io_index = 0,
     .shape = {-1, -1}, .index_bound = 100, .dim_expr = {0, 3, -1}, .def_step = -1,
     .last_step = -1, .reuse = -1},
    {.name = "mask", .dtype = KILN_DTYPE_INT64, .kind = KILN_TENSOR_INPUT, .rank = 2, .io_index = 1,
     .shape = {-1, -1}, .dim_expr = {0, 3, -1}, .def_step = -1, .last_step = -1, .reuse = -1},
    {.name = "h", .dtype = KILN_DTYPE_FLOAT32, .kind = KILN_TENSOR_INTERMEDIATE, .rank = 2,
     .io_index = -1, .shape = {-1, 4}, .dim_expr = {6, -1, -1}, .def_step = 0, .last_step = 1,
     .reuse = -1},
    {.name = "g", .dtype = KILN_DTYPE_FLOAT32, .kind = KILN_TENSOR_INTERMEDIATE, .rank = 2,
     .io_index = -1, .shape = {-1, 4}, .dim_expr = {6, -1, -1}, .def_step = 1, .last_step = 2,
     .reuse = 2},
    {.name = "y", .dtype = KILN_DTYPE_FLOAT32, .kind = KILN_TENSOR_OUTPUT, .rank = 3, .io_index = 0,
     .shape = {-1, -1, 4}, .dim_expr = {0, 3, -1}, .def_step = -1, .last_step = -1, .reuse = -1},
};
static const int32_t g_sym_inputs[] = {0, 1}, g_sym_outputs[] = {4};
static const int32_t g_sargs0[] = {0, 1, -1 - 1, -1 - 0, 2}, g_sargs1[] = {2, 3},
                     g_sargs2[] = {3, -1 - 1, 4};
static const kiln_abi_step_t g_sym_steps[] = {
    {"s0_embed", s0_embed, 5, g_sargs0},
    {"s1_add_one", s1_add_one, 2, g_sargs1},
    {"s2_scale", s2_scale, 3, g_sargs2},
};
static const kiln_model_t g_sym_model = {
    .abi_version = KILN_MODEL_ABI_VERSION,
    .name = "sym",
    .source = "sym.onnx",
    .target = "host",
    .num_tensors = 5,
    .tensors = g_sym_tensors,
    .num_inputs = 2,
    .inputs = g_sym_inputs,
    .num_outputs = 1,
    .outputs = g_sym_outputs,
    .num_steps = 3,
    .steps = g_sym_steps,
    .num_symbols = 2,
    .symbols = g_symbols,
    .exprs = g_exprs,
    .num_constraints = 1, // the second one in a variant below
    .constraints = g_constraints,
};

#define MAX_TOKENS 256
static int64_t g_ids[MAX_TOKENS], g_mask[MAX_TOKENS];
static float g_sym_y[MAX_TOKENS * 4];
static int64_t g_in_shape[2], g_mask_shape[2], g_out_shape[3];

static void sym_io(kiln_tensor_t in[2], kiln_tensor_t out[1], int64_t batch, int64_t seq) {
  g_in_shape[0] = g_mask_shape[0] = g_out_shape[0] = batch;
  g_in_shape[1] = g_mask_shape[1] = g_out_shape[1] = seq;
  g_out_shape[2] = 4;
  for (int64_t i = 0; i < batch * seq && i < MAX_TOKENS; ++i) {
    g_ids[i] = (i * 7) % 50;
    g_mask[i] = i % 3;
  }
  in[0] = (kiln_tensor_t){KILN_DTYPE_INT64, 2, g_in_shape, g_ids};
  in[1] = (kiln_tensor_t){KILN_DTYPE_INT64, 2, g_mask_shape, g_mask};
  out[0] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 3, g_out_shape, g_sym_y};
}

static bool sym_output_ok(int64_t batch, int64_t seq) {
  for (int64_t r = 0; r < batch * seq; ++r)
    for (int c = 0; c < 4; ++c)
      if (g_sym_y[r * 4 + c] != 2.0f * (float)(g_ids[r] * (c + 1) + g_mask[r] + 1))
        return false;
  return true;
}

static void test_symbolic_queries(void) {
  kiln_tensor_info_t info;
  kiln_status_t st = kiln_model_input_info(&g_sym_model, 1, &info);
  check(st == KILN_OK && strcmp(info.name, "mask") == 0 && info.rank == 2 &&
            info.shape[0] == -1 && info.shape[1] == -1 && info.dim_names &&
            strcmp(info.dim_names[0], "batch") == 0 && strcmp(info.dim_names[1], "seq") == 0,
        "model input info: -1 and the names of symbolic dims");
  st = kiln_model_output_info(&g_sym_model, 0, &info);
  check(st == KILN_OK && info.shape[2] == 4 && info.dim_names &&
            strcmp(info.dim_names[1], "seq") == 0 && info.dim_names[2] == NULL,
        "model output info: a static dim has no name");
  st = kiln_model_input_info(&g_model, 0, &info);
  check(st == KILN_OK && info.dim_names == NULL, "a static model has no dim names");
  check(kiln_model_workspace_size(&g_sym_model) == 0,
        "model workspace size of a symbolic model is 0 (it depends on the sizes)");

  // A driver that dlcloses a model and loads another may see a new table at
  // the old address: the names follow the table, not the address.
  static kiln_model_t reloaded;
  static const kiln_abi_symbol_t renamed[] = {{"b", 0, 0}, {"s", 0, 1}};
  reloaded = g_sym_model;
  st = kiln_model_input_info(&reloaded, 0, &info);
  bool first = st == KILN_OK && info.dim_names && strcmp(info.dim_names[1], "seq") == 0;
  reloaded.symbols = renamed;
  st = kiln_model_input_info(&reloaded, 0, &info);
  check(first && st == KILN_OK && info.dim_names && strcmp(info.dim_names[1], "s") == 0,
        "dim names of another table at the same address are rebuilt");
}

static void test_symbolic_runs(void) {
  kiln_context_t *ctx = NULL;
  kiln_status_t st = kiln_context_create(&g_sym_model, NULL, &ctx);
  check(st == KILN_OK && ctx, "create a symbolic model");
  if (!ctx) {
    printf("      %s\n", kiln_context_last_error(NULL));
    return;
  }
  kiln_tensor_info_t info;
  check(kiln_context_workspace_size(ctx) == 0 && kiln_context_plan_count(ctx) == 0,
        "no plan before the first resolve");
  check_error(kiln_context_output_info(ctx, 0, &info), KILN_FAILED_PRECONDITION,
              kiln_context_last_error(ctx), "not known yet", "kiln_context_resolve",
              "output info before any resolve");

  kiln_tensor_t in[2], out[1];
  static const int64_t sizes[][2] = {{1, 1}, {3, 7}, {2, 64}, {3, 7}};
  static const int64_t workspace[] = {64, 384, 2048, 384};
  const uint8_t *arena_at[4] = {0};
  for (int i = 0; i < 4; ++i) {
    int64_t b = sizes[i][0], s = sizes[i][1];
    char what[160];
    sym_io(in, out, b, s);
    st = kiln_context_resolve(ctx, in, 2);
    snprintf(what, sizeof what, "(%lld,%lld): resolve re-plans (plan %d) to a %lld-byte arena",
             (long long)b, (long long)s, i + 1, (long long)workspace[i]);
    check(st == KILN_OK && kiln_context_plan_count(ctx) == i + 1 &&
              kiln_context_workspace_size(ctx) == workspace[i],
          what);
    if (st != KILN_OK)
      printf("      %s\n", kiln_context_last_error(ctx));
    st = kiln_context_output_info(ctx, 0, &info);
    snprintf(what, sizeof what, "(%lld,%lld): output info is [%lld,%lld,4]", (long long)b,
             (long long)s, (long long)b, (long long)s);
    check(st == KILN_OK && info.rank == 3 && info.shape[0] == b && info.shape[1] == s &&
              info.shape[2] == 4 && info.dim_names && strcmp(info.dim_names[0], "batch") == 0,
          what);
    memset(g_sym_y, 0, sizeof g_sym_y);
    st = kiln_context_run(ctx, in, 2, out, 1);
    snprintf(what, sizeof what, "(%lld,%lld): run computes y, no re-plan at the same sizes",
             (long long)b, (long long)s);
    check(st == KILN_OK && sym_output_ok(b, s) && kiln_context_plan_count(ctx) == i + 1, what);
    if (st != KILN_OK)
      printf("      %s\n", kiln_context_last_error(ctx));
    arena_at[i] = g_seen_h_host;
    snprintf(what, sizeof what, "(%lld,%lld): g is written in place over h", (long long)b,
             (long long)s);
    check(g_seen_g_host == g_seen_h_host, what);
  }
  check(arena_at[3] == arena_at[2], "shrinking keeps the grown arena (grow only)");
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && kiln_context_plan_count(ctx) == 4, "a second run at (3,7): no re-plan");

  // Refusals, each before any kernel and without touching the plan.
  sym_io(in, out, 3, 7);
  g_mask_shape[1] = 8;
  st = kiln_context_run(ctx, in, 2, out, 1);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx),
              "input 'mask' (#1): dim 1 is 8, the model expects seq = 7 (from input 'ids' dim 1) "
              "(shape [batch,seq])",
              NULL, "seq differs between two inputs");
  sym_io(in, out, 1, 129);
  st = kiln_context_resolve(ctx, in, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx),
              "seq is 129, the model allows at most 128",
              "(Slice '/embeddings/Slice' of a [1,128] constant)", "seq 129 violates seq <= 128");
  sym_io(in, out, 3, 7);
  static const int64_t rank3[3] = {3, 7, 1};
  in[0].rank = 3;
  in[0].shape = rank3;
  st = kiln_context_run(ctx, in, 2, out, 1);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx),
              "input 'ids' (#0): rank is 3, the model expects 2 (shape [batch,seq])", NULL,
              "wrong rank");
  sym_io(in, out, 3, 7);
  g_out_shape[2] = 5;
  st = kiln_context_run(ctx, in, 2, out, 1);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx),
              "output 'y' (#0): dim 2 is 5, the model expects 4 (shape [batch,seq,4] = [3,7,4])",
              NULL, "wrong output dim, shown resolved");
  sym_io(in, out, 3, 7);
  g_ids[20] = 100;
  st = kiln_context_run(ctx, in, 2, out, 1);
  check_error(st, KILN_OUT_OF_RANGE, kiln_context_last_error(ctx), "input 'ids' (#0)",
              "element 20 is 100", "token ids checked over the resolved element count");
  sym_io(in, out, 1 << 22, 128); // 2^29 rows x 4 floats: past Halide's int32 indexing
  in[0].data = in[1].data = NULL; // resolve needs shapes only
  st = kiln_context_resolve(ctx, in, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "tensor 'h' (#2)",
              "more than 2^31-1 elements", "sizes past int32 are refused");
  check(kiln_context_plan_count(ctx) == 4, "refused inputs do not re-plan");
  // batch 0: every tensor is empty, so no kernel runs (an empty output is
  // skipped), and the run succeeds: a size like any other (one re-plan).
  sym_io(in, out, 0, 7);
  g_seen_h_host = g_seen_g_host = NULL;
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && !g_seen_h_host && !g_seen_g_host && kiln_context_plan_count(ctx) == 5,
        "batch 0 runs, and no kernel is called for its empty outputs");
  if (st != KILN_OK)
    printf("      %s\n", kiln_context_last_error(ctx));
  sym_io(in, out, 3, 7);
  memset(g_sym_y, 0, sizeof g_sym_y);
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && sym_output_ok(3, 7) && strcmp(kiln_context_last_error(ctx), "") == 0,
        "the context runs again after the refusals");
  kiln_context_destroy(ctx);

  // A constraint that is not `bound - symbol`: the generic message.
  kiln_model_t m = g_sym_model;
  m.num_constraints = 2;
  st = kiln_context_create(&m, NULL, &ctx);
  sym_io(in, out, 3, 100);
  st = st == KILN_OK ? kiln_context_resolve(ctx, in, 2) : st;
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx),
              "at batch = 3, seq = 100, the model requires 256 - batch*seq >= 0, but it is -44",
              "(a made-up limit of 256 tokens)", "a general constraint names its expression");
  kiln_context_destroy(ctx);

  // CUDA: a re-plan frees every device buffer (Halide never regrows one).
  m = g_sym_model;
  m.uses_cuda = 1;
  g_fake_device = 1;
  st = kiln_context_create(&m, NULL, &ctx);
  sym_io(in, out, 1, 1);
  g_copy_to_host_calls = g_device_free_calls = 0;
  st = st == KILN_OK ? kiln_context_run(ctx, in, 2, out, 1) : st;
  check(st == KILN_OK && g_device_free_calls == 0 && g_copy_to_host_calls == 1,
        "CUDA: the first run allocates, frees nothing");
  sym_io(in, out, 3, 7);
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && g_device_free_calls == 3 && sym_output_ok(3, 7),
        "CUDA: a re-plan frees h, g and y on the device");
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && g_device_free_calls == 3, "CUDA: the same sizes keep the device buffers");
  // Halide's CUDA runtime aborts on an empty device allocation: refused by name.
  sym_io(in, out, 3, 0);
  check_error(kiln_context_run(ctx, in, 2, out, 1), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx),
              "input 'ids' (#0): dim 1 is 0; 'seq' must be at least 1 on CUDA", NULL,
              "CUDA: seq 0 is refused before any device buffer is touched");
  kiln_context_destroy(ctx);
  g_fake_device = 0;
}

static void test_symbolic_tables(void) {
  kiln_context_t *ctx = NULL;
  kiln_model_t m = g_sym_model;
  static kiln_abi_symbol_t bad_symbols[2];
  memcpy(bad_symbols, g_symbols, sizeof g_symbols);
  bad_symbols[1].dim = 0; // dim 0 of ids is batch, not seq
  m.symbols = bad_symbols;
  kiln_status_t st = kiln_context_create(&m, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "symbol 'seq' (#1)",
              "not bound", "a symbol bound to another symbol's dim is refused");
  m = g_sym_model;
  static const int64_t bad_exprs[] = {KILN_EXPR_SYM, 5, KILN_EXPR_END};
  m.exprs = bad_exprs;
  st = kiln_context_create(&m, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "malformed expression",
              NULL, "an expression naming a missing symbol is refused");
  m = g_sym_model;
  static const int32_t bad_args[] = {2, -3};
  static kiln_abi_step_t bad_steps[3];
  memcpy(bad_steps, g_sym_steps, sizeof g_sym_steps);
  bad_steps[2].args = bad_args;
  m.steps = bad_steps;
  st = kiln_context_create(&m, NULL, &ctx);
  check_error(st, KILN_FAILED_PRECONDITION, kiln_context_last_error(NULL), "argument 1",
              "names tensor -3", "a scalar argument past the symbols is refused");
}

//===----------------------------------------------------------------------===//
// Hardening (issue 12): token id and shape boundaries, aliasing, alignment,
// zero-size dims, contexts on threads
//===----------------------------------------------------------------------===//

// ids [1,5] (int64 or int32) index a 1000-row table: y[i] = wrapped id, as
// Kiln's gather kernel does (negative ids count from the end, as in ONNX).
static int g_gather_calls;
static int k_gather(void **args) {
  halide_buffer_t *ids = args[0], *y = args[1];
  ++g_gather_calls;
  for (int i = 0; i < 5; ++i) {
    int64_t v = ids->type.bits == 64 ? ((const int64_t *)ids->host)[i]
                                     : ((const int32_t *)ids->host)[i];
    ((float *)y->host)[i] = (float)(v < 0 ? v + 1000 : v);
  }
  return 0;
}
static kiln_abi_tensor_t g_ids_tensors[] = {
    {"input_ids", KILN_DTYPE_INT64, KILN_TENSOR_INPUT, 2, 0, {1, 5}, 0, 40, 1000, STATIC_DIMS, -1,
     -1, -1},
    {"rows", KILN_DTYPE_FLOAT32, KILN_TENSOR_OUTPUT, 2, 0, {1, 5}, 0, 20, 0, STATIC_DIMS, -1, -1,
     -1},
};
static const int32_t g_ids_in[] = {0}, g_ids_out[] = {1}, g_ids_args[] = {0, 1};
static const kiln_abi_step_t g_ids_steps[] = {{"k_gather", k_gather, 2, g_ids_args}};
static const kiln_model_t g_ids_model = {
    .abi_version = KILN_MODEL_ABI_VERSION, .name = "ids", .target = "host", .num_tensors = 2,
    .tensors = g_ids_tensors, .num_inputs = 1, .inputs = g_ids_in, .num_outputs = 1,
    .outputs = g_ids_out, .num_steps = 1, .steps = g_ids_steps};

static void test_token_id_bounds(void) {
  static const int64_t shape[2] = {1, 5};
  for (int wide = 1; wide >= 0; --wide) {
    g_ids_tensors[0].dtype = wide ? KILN_DTYPE_INT64 : KILN_DTYPE_INT32;
    g_ids_tensors[0].nbytes = wide ? 40 : 20;
    const char *type = wide ? "int64" : "int32";
    kiln_context_t *ctx = NULL;
    if (kiln_context_create(&g_ids_model, NULL, &ctx) != KILN_OK) {
      check(false, "create the token id model");
      continue;
    }
    static int64_t ids64[5];
    static int32_t ids32[5];
    float rows[5];
    kiln_tensor_t in = {wide ? KILN_DTYPE_INT64 : KILN_DTYPE_INT32, 2, shape,
                        wide ? (void *)ids64 : (void *)ids32};
    kiln_tensor_t out = {KILN_DTYPE_FLOAT32, 2, shape, rows};
    // Each row: the ids, then the status and message the runtime must give.
    static const struct {
      int64_t ids[5];
      kiln_status_t status;
      const char *message;
    } cases[] = {
        {{-1000, -1, 0, 998, 999}, KILN_OK, ""},
        {{0, 1, -1001, 2, 3}, KILN_OUT_OF_RANGE,
         "input 'input_ids' (#0): element 2 is -1001, outside [-1000, 1000): it indexes a table "
         "of 1000 rows"},
        {{0, 1, 2, 3, 1000}, KILN_OUT_OF_RANGE, "element 4 is 1000, outside [-1000, 1000)"},
        {{INT32_MIN, 0, 0, 0, 0}, KILN_OUT_OF_RANGE, "element 0 is -2147483648, outside"},
        {{0, 0, 0, 0, INT32_MAX}, KILN_OUT_OF_RANGE, "element 4 is 2147483647, outside"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
      for (int i = 0; i < 5; ++i)
        ids64[i] = cases[c].ids[i], ids32[i] = (int32_t)cases[c].ids[i];
      memset(rows, 0xff, sizeof rows);
      int calls = g_gather_calls;
      kiln_status_t st = kiln_context_run(ctx, &in, 1, &out, 1);
      char what[200];
      snprintf(what, sizeof what, "%s ids {%lld, %lld, %lld, %lld, %lld} into 1000 rows: %s", type,
               (long long)cases[c].ids[0], (long long)cases[c].ids[1], (long long)cases[c].ids[2],
               (long long)cases[c].ids[3], (long long)cases[c].ids[4],
               cases[c].status == KILN_OK ? "accepted" : "refused before any kernel");
      if (cases[c].status == KILN_OK) {
        static const float want[5] = {0, 999, 0, 998, 999}; // -1000 is row 0, -1 row 999
        check(st == KILN_OK && g_gather_calls == calls + 1 && memcmp(rows, want, sizeof want) == 0,
              what);
      } else {
        check_error(st, cases[c].status, kiln_context_last_error(ctx), cases[c].message, NULL,
                    what);
        check(g_gather_calls == calls, "  ... and no kernel ran");
      }
    }
    kiln_context_destroy(ctx);
  }
  g_ids_tensors[0].dtype = KILN_DTYPE_INT64;
  g_ids_tensors[0].nbytes = 40;
}

// A symbolic model at the edges of what Halide can index: x uint8 [n] binds n,
// z uint8 [a,n] binds a, y uint8 [a,n-1] = x + z (n = 1: a zero-size output).
static halide_buffer_t g_seen_wide_y;
static int k_wide(void **args) {
  halide_buffer_t *x = args[0], *z = args[1], *y = args[2];
  g_seen_wide_y = *y;
  int32_t w = y->dim[0].extent, rows = y->dim[1].extent;
  for (int32_t r = 0; r < rows; ++r)
    for (int32_t i = 0; i < w; ++i)
      y->host[r * w + i] = (uint8_t)(x->host[i] + z->host[r * (w + 1) + i]);
  return 0;
}
// n = [0], a = [3], n - 1 = [6]
static const int64_t g_wide_exprs[] = {KILN_EXPR_SYM, 0, KILN_EXPR_END, KILN_EXPR_SYM, 1,
                                       KILN_EXPR_END, KILN_EXPR_SYM, 0, KILN_EXPR_CONST, 1,
                                       KILN_EXPR_SUB, KILN_EXPR_END};
static const kiln_abi_symbol_t g_wide_symbols[] = {{"n", 0, 0}, {"a", 1, 0}};
static const kiln_abi_tensor_t g_wide_tensors[] = {
    {.name = "x", .dtype = KILN_DTYPE_UINT8, .kind = KILN_TENSOR_INPUT, .rank = 1, .io_index = 0,
     .shape = {-1}, .dim_expr = {0, -1}, .def_step = -1, .last_step = -1, .reuse = -1},
    {.name = "z", .dtype = KILN_DTYPE_UINT8, .kind = KILN_TENSOR_INPUT, .rank = 2, .io_index = 1,
     .shape = {-1, -1}, .dim_expr = {3, 0, -1}, .def_step = -1, .last_step = -1, .reuse = -1},
    {.name = "y", .dtype = KILN_DTYPE_UINT8, .kind = KILN_TENSOR_OUTPUT, .rank = 2, .io_index = 0,
     .shape = {-1, -1}, .dim_expr = {3, 6, -1}, .def_step = -1, .last_step = -1, .reuse = -1},
};
static const int32_t g_wide_in[] = {0, 1}, g_wide_out[] = {2}, g_wide_args[] = {0, 1, 2};
static const kiln_abi_step_t g_wide_steps[] = {{"k_wide", k_wide, 3, g_wide_args}};
static const kiln_model_t g_wide_model = {
    .abi_version = KILN_MODEL_ABI_VERSION, .name = "wide", .target = "host", .num_tensors = 3,
    .tensors = g_wide_tensors, .num_inputs = 2, .inputs = g_wide_in, .num_outputs = 1,
    .outputs = g_wide_out, .num_steps = 1, .steps = g_wide_steps, .num_symbols = 2,
    .symbols = g_wide_symbols, .exprs = g_wide_exprs};

static void test_shape_bounds(void) {
  // seq <= 128 (a Slice of a [1,128] constant) and batch*seq <= 256: both
  // exactly at the limit run, one past is refused.
  kiln_model_t m = g_sym_model;
  m.num_constraints = 2;
  kiln_context_t *ctx = NULL;
  kiln_tensor_t in[2], out[1];
  kiln_status_t st = kiln_context_create(&m, NULL, &ctx);
  sym_io(in, out, 1, 128);
  memset(g_sym_y, 0, sizeof g_sym_y);
  st = st == KILN_OK ? kiln_context_run(ctx, in, 2, out, 1) : st;
  check(st == KILN_OK && sym_output_ok(1, 128), "seq = 128, the model's limit, runs");
  sym_io(in, out, 1, 129);
  check_error(kiln_context_run(ctx, in, 2, out, 1), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx), "seq is 129, the model allows at most 128", NULL,
              "seq = 129, one past, is refused");
  sym_io(in, out, 2, 128);
  memset(g_sym_y, 0, sizeof g_sym_y);
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && sym_output_ok(2, 128), "batch*seq = 256, the model's limit, runs");
  sym_io(in, out, 257, 1);
  check_error(kiln_context_run(ctx, in, 2, out, 1), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx),
              "at batch = 257, seq = 1, the model requires 256 - batch*seq >= 0, but it is -1",
              NULL, "batch*seq = 257, one past, is refused");
  sym_io(in, out, 1, 1);
  memset(g_sym_y, 0, sizeof g_sym_y);
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && sym_output_ok(1, 1), "batch = seq = 1, the smallest sizes, run");
  sym_io(in, out, 1, 0);
  g_seen_h_host = NULL;
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && !g_seen_h_host, "seq = 0 (empty tensors) runs no kernel and succeeds");
  sym_io(in, out, -1, 1);
  check_error(kiln_context_run(ctx, in, 2, out, 1), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx),
              "input 'ids' (#0): dim 0 is -1; 'batch' must be at least 0", NULL,
              "a negative dim is refused");
  kiln_context_destroy(ctx);

  // A kernel that has no value over an empty dim records seq - 1 >= 0: seq 0
  // is refused naming the input dim and the symbol, seq 1 runs.
  m.num_constraints = 3;
  st = kiln_context_create(&m, NULL, &ctx);
  sym_io(in, out, 2, 0);
  check_error(st == KILN_OK ? kiln_context_run(ctx, in, 2, out, 1) : st, KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx),
              "input 'ids' (#0): dim 1 is 0; 'seq' = 0 is refused: a softmax over the keys seq has "
              "no value when it is 0 (at seq = 0)",
              NULL, "seq = 0 against a constraint seq - 1 >= 0 is refused by name");
  sym_io(in, out, 2, 1);
  memset(g_sym_y, 0, sizeof g_sym_y);
  st = kiln_context_run(ctx, in, 2, out, 1);
  check(st == KILN_OK && sym_output_ok(2, 1), "seq = 1 meets seq - 1 >= 0 and runs");
  kiln_context_destroy(ctx);

  // Halide indexes in int32: 2^31-1 elements and extents are the limit.
  st = kiln_context_create(&g_wide_model, NULL, &ctx);
  check(st == KILN_OK, "create the int32-edge model");
  if (st != KILN_OK)
    return;
  int64_t xs[1], zs[2];
  kiln_tensor_t win[2] = {{KILN_DTYPE_UINT8, 1, xs, NULL}, {KILN_DTYPE_UINT8, 2, zs, NULL}};
  static const struct {
    int64_t a, n;
    kiln_status_t status;
    const char *message;
  } cases[] = {
      {1, INT32_MAX, KILN_OK, ""},
      {1, (int64_t)INT32_MAX + 1, KILN_INVALID_ARGUMENT,
       "input 'x' (#0): dim 0 is 2147483648; 'n' must be at most 2147483647"},
      {2, 1 << 30, KILN_INVALID_ARGUMENT,
       "at n = 1073741824, a = 2, tensor 'z' (#1) has more than 2^31-1 elements"},
      {2, (1 << 30) - 1, KILN_OK, ""},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    xs[0] = zs[1] = cases[c].n;
    zs[0] = cases[c].a;
    st = kiln_context_resolve(ctx, win, 2); // shapes only: no memory for 2 GiB inputs
    char what[160];
    snprintf(what, sizeof what, "resolve at a = %lld, n = %lld (%lld elements of z): %s",
             (long long)cases[c].a, (long long)cases[c].n, (long long)(cases[c].a * cases[c].n),
             cases[c].status == KILN_OK ? "accepted" : "refused");
    if (cases[c].status == KILN_OK)
      check(st == KILN_OK, what);
    else
      check_error(st, cases[c].status, kiln_context_last_error(ctx), cases[c].message, NULL, what);
    if (st != KILN_OK && cases[c].status == KILN_OK)
      printf("      %s\n", kiln_context_last_error(ctx));
  }
  kiln_context_destroy(ctx);
}

/// Zero-size dims: a model dim that evaluates to 0 runs (a zero-size output,
/// NULL data allowed, its kernel skipped); a dim of
/// 0 the model does not expect is refused like any other wrong dim.
static void test_zero_size(void) {
  kiln_context_t *ctx = NULL;
  kiln_status_t st = kiln_context_create(&g_wide_model, NULL, &ctx);
  if (st != KILN_OK) {
    check(false, "create the int32-edge model");
    return;
  }
  static const int64_t xs[1] = {1}, zs[2] = {3, 1}, ys[2] = {3, 0};
  static uint8_t x[1] = {1}, z[3] = {1, 2, 3};
  kiln_tensor_t in[2] = {{KILN_DTYPE_UINT8, 1, xs, x}, {KILN_DTYPE_UINT8, 2, zs, z}};
  kiln_tensor_t out = {KILN_DTYPE_UINT8, 2, ys, NULL};
  memset(&g_seen_wide_y, 0, sizeof g_seen_wide_y);
  st = kiln_context_run(ctx, in, 2, &out, 1);
  check(st == KILN_OK && !g_seen_wide_y.host,
        "n = 1: y [3,0] (zero elements, NULL data) runs; its kernel, with nothing to compute, is "
        "not called");
  if (st != KILN_OK)
    printf("      %s\n", kiln_context_last_error(ctx));
  static const int64_t ys1[2] = {3, 1};
  out.shape = ys1;
  check_error(kiln_context_run(ctx, in, 2, &out, 1), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx),
              "output 'y' (#0): dim 1 is 1, the model expects 0 (shape [a,n - 1] = [3,0])", NULL,
              "n = 1: an output of [3,1] where the model makes [3,0] is refused");
  kiln_context_destroy(ctx);

  kiln_tensor_t sin[1], sout[2];
  default_io(sin, sout);
  static const int64_t zero_dim[2] = {2, 0};
  sin[0].shape = zero_dim;
  kiln_context_create(&g_model, NULL, &ctx);
  check_error(kiln_context_run(ctx, sin, 1, sout, 2), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx),
              "input 'x' (#0): dim 1 is 0, the model expects 3 (shape [2,3])", NULL,
              "static model: a zero-size input dim is refused as a wrong dim");
  kiln_context_destroy(ctx);
}

/// Outputs may not overlap inputs or each other; inputs may share memory.
static void test_aliasing(void) {
  static _Alignas(64) float buf[32];
  kiln_context_t *ctx = NULL;
  kiln_context_create(&g_model, NULL, &ctx);
  kiln_tensor_t in[1], out[2];
  static const float want[6] = {0, 3, 1, 7, 1, 11};

  default_io(in, out);
  memcpy(buf, g_x, sizeof g_x);
  in[0].data = out[0].data = buf;
  check_error(kiln_context_run(ctx, in, 1, out, 2), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx),
              "output 'y' (#0) overlaps input 'x' (#0) in memory: outputs must not share memory "
              "with an input or another output (no in-place runs)",
              NULL, "output y at the same pointer as input x is refused");
  check(memcmp(buf, g_x, sizeof g_x) == 0, "  ... and nothing was written");

  out[0].data = buf + 5; // the last float of x is y's first
  check_error(kiln_context_run(ctx, in, 1, out, 2), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx), "output 'y' (#0) overlaps input 'x' (#0)", NULL,
              "output y sharing x's last element is refused");
  out[0].data = buf + 6; // adjacent, not overlapping
  memset(buf + 6, 0, 6 * sizeof(float));
  kiln_status_t st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_OK && memcmp(buf + 6, want, sizeof want) == 0,
        "output y right after input x (adjacent) runs");

  default_io(in, out);
  out[1].data = g_y + 4; // npos over y's last two floats (8-byte aligned)
  check_error(kiln_context_run(ctx, in, 1, out, 2), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx), "output 'npos' (#1) overlaps output 'y' (#0)", NULL,
              "two outputs overlapping are refused");
  kiln_context_destroy(ctx);

  // Two inputs at one pointer are fine: inputs are only read.
  kiln_context_create(&g_sym_model, NULL, &ctx);
  kiln_tensor_t sin[2], sout[1];
  sym_io(sin, sout, 2, 5);
  memcpy(g_mask, g_ids, sizeof g_ids);
  sin[1].data = g_ids;
  memset(g_sym_y, 0, sizeof g_sym_y);
  st = kiln_context_run(ctx, sin, 2, sout, 1);
  check(st == KILN_OK && sym_output_ok(2, 5), "two inputs sharing one buffer run");
  kiln_context_destroy(ctx);
}

/// Data must be aligned to its element size (Halide's assumption); more is not needed.
static void test_alignment(void) {
  static _Alignas(64) uint8_t bytes[256];
  kiln_context_t *ctx = NULL;
  kiln_context_create(&g_model, NULL, &ctx);
  kiln_tensor_t in[1], out[2];
  static const float want[6] = {0, 3, 1, 7, 1, 11};

  default_io(in, out);
  memcpy(bytes + 1, g_x, sizeof g_x);
  in[0].data = bytes + 1;
  kiln_status_t st = kiln_context_run(ctx, in, 1, out, 2);
  check_error(st, KILN_INVALID_ARGUMENT, kiln_context_last_error(ctx), "input 'x' (#0): data 0x",
              "is not aligned to 4 bytes (its float32 elements)",
              "input x one byte off a float boundary is refused");
  default_io(in, out);
  out[0].data = bytes + 130;
  check_error(kiln_context_run(ctx, in, 1, out, 2), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx), "output 'y' (#0): data 0x",
              "is not aligned to 4 bytes (its float32 elements)",
              "output y two bytes off a float boundary is refused");
  default_io(in, out);
  out[1].data = bytes + 196; // 4-byte aligned, not 8
  check_error(kiln_context_run(ctx, in, 1, out, 2), KILN_INVALID_ARGUMENT,
              kiln_context_last_error(ctx), "output 'npos' (#1): data 0x",
              "is not aligned to 8 bytes (its int64 elements)",
              "int64 output npos at 4 bytes off an 8-byte boundary is refused");

  default_io(in, out);
  memcpy(bytes + 4, g_x, sizeof g_x); // float-aligned, not 8/16/64-aligned
  in[0].data = bytes + 4;
  out[0].data = bytes + 36;
  out[1].data = bytes + 72;
  st = kiln_context_run(ctx, in, 1, out, 2);
  check(st == KILN_OK && memcmp(bytes + 36, want, sizeof want) == 0 &&
            *(int64_t *)(bytes + 72) == 5,
        "buffers aligned to their element size only (x at +4, y at +36) run");
  kiln_context_destroy(ctx);

  // Bytes have no alignment to keep: odd addresses are fine for uint8.
  kiln_context_create(&g_wide_model, NULL, &ctx);
  static const int64_t xs[1] = {3}, zs[2] = {1, 3}, ys[2] = {1, 2};
  memcpy(bytes + 1, (const uint8_t[]){1, 2, 3}, 3);
  memcpy(bytes + 7, (const uint8_t[]){10, 20, 30}, 3);
  kiln_tensor_t win[2] = {{KILN_DTYPE_UINT8, 1, xs, bytes + 1}, {KILN_DTYPE_UINT8, 2, zs, bytes + 7}};
  kiln_tensor_t wout = {KILN_DTYPE_UINT8, 2, ys, bytes + 13};
  st = kiln_context_run(ctx, win, 2, &wout, 1);
  check(st == KILN_OK && bytes[13] == 11 && bytes[14] == 22,
        "uint8 tensors at odd addresses run");
  if (st != KILN_OK)
    printf("      %s\n", kiln_context_last_error(ctx));
  kiln_context_destroy(ctx);
}

/// Contexts of one model on threads of their own, created at once (the shared
/// weight copy is reference counted under a lock): each computes its own
/// inputs right, and a failing kernel's message reaches its own context.
static int k0_add_quiet(void **args) { // k0_add_f32 without the globals it records
  halide_buffer_t *x = args[0], *w = args[1], *sum = args[2];
  for (int i = 0; i < 6; ++i)
    ((float *)sum->host)[i] = ((const float *)x->host)[i] + ((const float *)w->host)[i];
  return 0;
}
static int k1_fail_tagged(void **args) { // fails with a message naming its input
  char msg[64];
  snprintf(msg, sizeof msg, "boom from %d\n", (int)((const float *)((halide_buffer_t *)args[0])->host)[1]);
  return report(msg, -3);
}
static kiln_abi_step_t g_thread_steps[3], g_thread_fail_steps[3];
static kiln_model_t g_thread_model, g_thread_fail_model;

#define TEST_THREADS 8
#define TEST_ROUNDS 300
typedef struct {
  int index, bad; // bad: runs that computed a wrong answer or got a wrong message
} thread_job_t;

static void *thread_main(void *arg) {
  thread_job_t *job = arg;
  kiln_context_t *ctx = NULL, *failing = NULL;
  if (kiln_context_create(&g_thread_model, NULL, &ctx) != KILN_OK ||
      kiln_context_create(&g_thread_fail_model, NULL, &failing) != KILN_OK) {
    job->bad = -1;
    goto done;
  }
  float x[6], y[6], want[6];
  int64_t npos, want_npos = 0;
  static const float w[6] = {-10, 1, -2, 3, -4, 5};
  for (int i = 0; i < 6; ++i) {
    x[i] = (float)(job->index * 10 + i) - 20;
    want[i] = x[i] + w[i] > 0 ? x[i] + w[i] : 0;
    want_npos += want[i] > 0;
  }
  char tag[32];
  snprintf(tag, sizeof tag, "boom from %d", (int)(x[1] + w[1]));
  kiln_tensor_t in = {KILN_DTYPE_FLOAT32, 2, k_shape, x};
  kiln_tensor_t out[2] = {{KILN_DTYPE_FLOAT32, 2, k_shape, y}, {KILN_DTYPE_INT64, 0, NULL, &npos}};
  for (int r = 0; r < TEST_ROUNDS; ++r) {
    memset(y, 0, sizeof y);
    npos = -1;
    if (kiln_context_run(ctx, &in, 1, out, 2) != KILN_OK || memcmp(y, want, sizeof y) != 0 ||
        npos != want_npos)
      ++job->bad;
    if (r % 10 == 0 && (kiln_context_run(failing, &in, 1, out, 2) != KILN_INTERNAL ||
                        !strstr(kiln_context_last_error(failing), tag)))
      ++job->bad;
  }
done:
  kiln_context_destroy(ctx);
  kiln_context_destroy(failing);
  return NULL;
}

static void test_threads(void) {
  memcpy(g_large_weights, g_weights, sizeof g_weights);
  memcpy(g_thread_steps, g_steps, sizeof g_steps);
  g_thread_steps[0].fn = k0_add_quiet;
  memcpy(g_thread_fail_steps, g_thread_steps, sizeof g_steps);
  g_thread_fail_steps[1].name = "k1_fail_tagged";
  g_thread_fail_steps[1].fn = k1_fail_tagged;
  g_thread_model = g_model;
  g_thread_model.weights = (const uint8_t *)g_large_weights; // shared huge-page copy
  g_thread_model.weights_size = sizeof g_large_weights;
  g_thread_model.steps = g_thread_steps;
  g_thread_fail_model = g_thread_model;
  g_thread_fail_model.steps = g_thread_fail_steps;

  pthread_t threads[TEST_THREADS];
  thread_job_t jobs[TEST_THREADS];
  int started = 0, bad = 0;
  for (int t = 0; t < TEST_THREADS; ++t) {
    jobs[t] = (thread_job_t){t, 0};
    started += pthread_create(&threads[t], NULL, thread_main, &jobs[t]) == 0;
  }
  for (int t = 0; t < started; ++t) {
    pthread_join(threads[t], NULL);
    bad += jobs[t].bad != 0;
  }
  char what[200];
  snprintf(what, sizeof what,
           "%d contexts on %d threads (%d runs each, every 10th on a failing twin): every "
           "output right, every message its own thread's",
           2 * TEST_THREADS, TEST_THREADS, TEST_ROUNDS);
  check(started == TEST_THREADS && bad == 0, what);
}

//===----------------------------------------------------------------------===//
// The thread pool (pool.c)
//===----------------------------------------------------------------------===//

typedef struct {
  atomic_int hits[4096];
  atomic_int calls;
  int fail_at;      // a task index that returns an error, or -1
  bool nest;        // each task runs a nested loop of 3
  atomic_int inner; // the nested loops' tasks
  pthread_t caller; // the thread that called the loop
  atomic_int by_caller[4096]; // the caller ran index i
} pool_probe_t;

static int pool_inner_task(void *uc, int i, uint8_t *closure) {
  (void)uc;
  (void)i;
  atomic_fetch_add(&((pool_probe_t *)closure)->inner, 1);
  return 0;
}

static int pool_task(void *uc, int i, uint8_t *closure) {
  pool_probe_t *p = (pool_probe_t *)closure;
  (void)uc;
  atomic_fetch_add(&p->hits[i], 1);
  atomic_fetch_add(&p->calls, 1);
  atomic_store(&p->by_caller[i], pthread_equal(pthread_self(), p->caller) != 0);
  if (p->nest && kiln_pool_do_par_for(uc, pool_inner_task, 0, 3, closure) != 0)
    return 99;
  return i == p->fail_at ? 7 : 0;
}

static bool pool_loop(pool_probe_t *p, int min, int extent, int *rc) {
  for (int i = 0; i < 4096; ++i)
    atomic_store(&p->hits[i], 0);
  atomic_store(&p->calls, 0);
  atomic_store(&p->inner, 0);
  p->caller = pthread_self();
  *rc = kiln_pool_do_par_for(NULL, pool_task, min, extent, (uint8_t *)p);
  bool ok = atomic_load(&p->calls) == extent;
  for (int i = 0; i < 4096; ++i)
    ok &= atomic_load(&p->hits[i]) == (i >= min && i < min + extent);
  return ok;
}

typedef struct {
  pool_probe_t probe;
  int bad;
} pool_thread_t;

static void *pool_thread_main(void *arg) {
  pool_thread_t *t = (pool_thread_t *)arg;
  t->probe.fail_at = -1;
  for (int r = 0; r < 200; ++r) {
    int rc;
    t->bad += !pool_loop(&t->probe, r % 7, 100 + r, &rc) || rc != 0;
  }
  return NULL;
}

static void test_pool(void) {
  static pool_probe_t p;
  int rc;
  check(g_do_par_for == kiln_pool_do_par_for, "contexts route Halide's parallel loops to Kiln's pool");
  kiln_pool_set_threads(3);
  check(kiln_pool_threads() == 3, "kiln_pool_set_threads(3): 3 threads");
  p.fail_at = -1;
  bool ok = true;
  for (int r = 0; r < 2000 && ok; ++r) // back to back, as a model's kernels
    ok = pool_loop(&p, r % 5, 1 + r % 64, &rc) && rc == 0;
  check(ok, "2000 back-to-back loops on 3 threads: every index once");
  check(pool_loop(&p, 10, 0, &rc) && rc == 0, "an empty loop runs nothing");
  p.fail_at = 37;
  check(pool_loop(&p, 0, 100, &rc) && rc == 7, "a failing task's result comes back; the other tasks run");
  p.fail_at = -1;
  p.nest = true;
  check(pool_loop(&p, 0, 50, &rc) && rc == 0 && atomic_load(&p.inner) == 150,
        "a loop inside a task runs inline on its thread");
  p.nest = false;
  // Sleeping workers wake up for the next loop.
  struct timespec nap = {0, (KILN_POOL_SPIN_US + 3000) * 1000L};
  nanosleep(&nap, NULL);
  check(pool_loop(&p, 0, 500, &rc) && rc == 0, "after the workers slept: every index once");
  // Two application threads at once: one gets the pool, the other runs inline.
  pool_thread_t *ts = calloc(2, sizeof *ts);
  pthread_t th[2];
  int started = 0;
  for (int t = 0; t < 2; ++t)
    started += pthread_create(&th[t], NULL, pool_thread_main, &ts[t]) == 0;
  for (int t = 0; t < started; ++t)
    pthread_join(th[t], NULL);
  check(started == 2 && ts[0].bad == 0 && ts[1].bad == 0, "two threads' loops at once: every index once each");
  free(ts);
  // Two threads: each runs its own contiguous share from the front, then
  // what is left of the other's from its back, so along the indices the
  // thread changes at most twice (sparse kernels stream their tables task
  // after task; an interleaving counter changed it at most every index).
  kiln_pool_set_threads(2);
  bool split = true;
  for (int r = 0; r < 200 && split; ++r) {
    split = pool_loop(&p, 3, 1000, &rc) && rc == 0;
    int changes = 0;
    for (int i = 4; i < 1003; ++i)
      changes += atomic_load(&p.by_caller[i]) != atomic_load(&p.by_caller[i - 1]);
    split &= changes <= 2;
  }
  check(split, "two threads: each runs contiguous runs of indices (at most 2 changes along 1000)");
  kiln_pool_set_threads(1);
  check(pool_loop(&p, 0, 100, &rc) && rc == 0, "one thread: the loop runs inline");
  kiln_pool_set_threads(0);
  check(kiln_pool_threads() >= 1, "kiln_pool_set_threads(0): the default count");
}

int main(void) {
  test_happy_path();
  test_large_weights();
  test_null_and_abi();
  test_kernel_failures();
  test_cuda_bookkeeping();
  test_queries();
  test_plan();
  test_expr();
  test_symbolic_queries();
  test_symbolic_runs();
  test_symbolic_tables();
  test_token_id_bounds();
  test_shape_bounds();
  test_zero_size();
  test_aliasing();
  test_alignment();
  test_threads();
  test_pool();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}
