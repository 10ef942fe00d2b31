//===- runtime_test.c - Unit test of Kiln's C runtime ----------------------===//
//
// Builds a kiln_model_t by hand around three plain C "kernels" with the
// Halide `_argv` signature (sum = x + w; y = relu(sum); npos = count(y > 0))
// and checks runs, argument validation, error text and the model queries.
// No Halide runtime is linked: the halide_* functions the runtime calls are
// stubbed below and record what they were asked to do.
//
//===----------------------------------------------------------------------===//

#define _POSIX_C_SOURCE 200809L // setenv

#include "kiln/runtime.h"

#include <HalideRuntime.h>

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

static const kiln_abi_tensor_t g_tensors[] = {
    {"x", KILN_DTYPE_FLOAT32, KILN_TENSOR_INPUT, 2, 0, {2, 3}, 0, 24},
    {"w", KILN_DTYPE_FLOAT32, KILN_TENSOR_WEIGHT, 2, -1, {2, 3}, 64, 24},
    {"sum", KILN_DTYPE_FLOAT32, KILN_TENSOR_INTERMEDIATE, 2, -1, {2, 3}, 64, 24},
    {"y", KILN_DTYPE_FLOAT32, KILN_TENSOR_OUTPUT, 2, 0, {2, 3}, 0, 24},
    {"npos", KILN_DTYPE_INT64, KILN_TENSOR_OUTPUT, 0, 1, {0}, 0, 8},
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
            strcmp(kiln_dtype_name((kiln_dtype_t)42), "unknown") == 0,
        "dtype names");
  check(kiln_dtype_size(KILN_DTYPE_FLOAT32) == 4 && kiln_dtype_size(KILN_DTYPE_INT64) == 8 &&
            kiln_dtype_size(KILN_DTYPE_BOOL) == 1 && kiln_dtype_size(KILN_DTYPE_FLOAT16) == 2 &&
            kiln_dtype_size((kiln_dtype_t)42) == 0,
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

int main(void) {
  test_happy_path();
  test_large_weights();
  test_null_and_abi();
  test_kernel_failures();
  test_cuda_bookkeeping();
  test_queries();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}
