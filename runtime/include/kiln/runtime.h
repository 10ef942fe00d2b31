//===- runtime.h - Kiln's thin C runtime: the API a compiled model offers -===//
//
// A compiled model (libNAME.a + NAME.h) exposes `const kiln_model_t *NAME_model(void)`.
// Everything else goes through these functions. Conventions follow IREE's C API:
// kiln_<object>_<verb>, output parameters last and named out_*, a NULL-safe
// destroy, status codes with fixed meanings, and the detail of a failure in the
// context's last-error text (nothing is allocated on the error path).
//
// Ownership: the model table is static data owned by the library. A context
// owns its arena and device buffers. Input and output memory is always the
// caller's; the runtime never keeps a pointer to it after kiln_context_run returns.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "kiln/model_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define KILN_API __declspec(dllexport)
#else
#define KILN_API __attribute__((visibility("default")))
#endif

/// Status codes, with IREE's (absl's) meanings.
typedef enum kiln_status_e {
  KILN_OK = 0,
  KILN_INVALID_ARGUMENT = 3,     ///< a null pointer, a wrong shape or dtype, a misaligned
                                 ///< or overlapping buffer
  KILN_OUT_OF_RANGE = 11,        ///< an index (input/output number) out of range
  KILN_RESOURCE_EXHAUSTED = 8,   ///< allocation failed
  KILN_FAILED_PRECONDITION = 9,  ///< ABI mismatch, context not usable
  KILN_INTERNAL = 13,            ///< a kernel reported an error
  KILN_UNAVAILABLE = 14,         ///< the device (CUDA) is not there
} kiln_status_t;

/// Element types: the ONNX TensorProto codes.
typedef enum kiln_dtype_e {
  KILN_DTYPE_FLOAT32 = 1,
  KILN_DTYPE_UINT8 = 2,
  KILN_DTYPE_INT8 = 3,
  KILN_DTYPE_INT16 = 5, /* only inside a model: sparse weights' index tables */
  KILN_DTYPE_INT32 = 6,
  KILN_DTYPE_INT64 = 7,
  KILN_DTYPE_BOOL = 9,
  KILN_DTYPE_FLOAT16 = 10,
} kiln_dtype_t;

/// A tensor handed to or taken from kiln_context_run. `shape` and `data` are
/// borrowed from the caller for the duration of the call.
typedef struct kiln_tensor_s {
  kiln_dtype_t dtype;
  int32_t rank;
  const int64_t *shape;
  void *data;
} kiln_tensor_t;

/// What a model declares for one of its inputs or outputs. From the model
/// queries, strings and arrays are static data of the model (dim_names are
/// built once per process), and `shape` shows -1 for a symbolic dim; from
/// kiln_context_output_info, `shape` is the resolved one, owned by the
/// context and valid until its next resolve or run.
typedef struct kiln_tensor_info_s {
  const char *name;
  kiln_dtype_t dtype;
  int32_t rank;
  const int64_t *shape;
  /// Per dim: its symbolic size ("seq", "batch*seq"), NULL for a static dim.
  /// NULL itself when every dim is static (always, for a static model).
  const char *const *dim_names;
} kiln_tensor_info_t;

typedef struct kiln_context_options_s {
  int32_t num_threads; ///< 0: Halide's default (HL_NUM_THREADS or all cores)
} kiln_context_options_t;

typedef struct kiln_context_s kiln_context_t;

KILN_API const char *kiln_status_string(kiln_status_t status);
KILN_API const char *kiln_dtype_name(kiln_dtype_t dtype);
KILN_API size_t kiln_dtype_size(kiln_dtype_t dtype);

KILN_API int32_t kiln_model_input_count(const kiln_model_t *model);
KILN_API int32_t kiln_model_output_count(const kiln_model_t *model);
KILN_API kiln_status_t kiln_model_input_info(const kiln_model_t *model, int32_t index,
                                             kiln_tensor_info_t *out_info);
KILN_API kiln_status_t kiln_model_output_info(const kiln_model_t *model, int32_t index,
                                              kiln_tensor_info_t *out_info);
/// Bytes of intermediate storage a context allocates (the planned arena); 0
/// for a model with symbolic dims, whose arena depends on the sizes of each
/// call (kiln_context_workspace_size).
KILN_API int64_t kiln_model_workspace_size(const kiln_model_t *model);

/// Creates a context: the arena, and on CUDA the device state. `options` may be NULL.
KILN_API kiln_status_t kiln_context_create(const kiln_model_t *model,
                                           const kiln_context_options_t *options,
                                           kiln_context_t **out_context);
/// NULL-safe. Frees device buffers (weights uploaded once per context) and the arena.
KILN_API void kiln_context_destroy(kiln_context_t *context);
KILN_API kiln_status_t kiln_context_set_num_threads(kiln_context_t *context, int32_t num_threads);
/// Runs the model. Inputs and outputs are checked against the model (count,
/// dtype, rank, shape, non-null data aligned to its element size, no output
/// overlapping an input or another output, token ids in [-N, N)) before any
/// kernel runs; for a model with symbolic dims the inputs size it first, as
/// kiln_context_resolve does. Not thread-safe on one context: use one context
/// per thread (docs/c-api.md, Threads).
KILN_API kiln_status_t kiln_context_run(kiln_context_t *context, const kiln_tensor_t *inputs,
                                        int32_t num_inputs, kiln_tensor_t *outputs,
                                        int32_t num_outputs);
/// Checks the inputs' count, dtypes and shapes (data may be NULL) and sizes
/// the context for them without running: binds the symbols, checks the
/// model's constraints, and re-plans (growing the arena) only when the sizes
/// differ from the last ones. Then kiln_context_output_info gives each
/// output's shape. Static models: the checks only.
KILN_API kiln_status_t kiln_context_resolve(kiln_context_t *context, const kiln_tensor_t *inputs,
                                            int32_t num_inputs);
/// Output `index` at the sizes of the last successful resolve or run (for a
/// static model, its only shape); FAILED_PRECONDITION before the first one.
KILN_API kiln_status_t kiln_context_output_info(kiln_context_t *context, int32_t index,
                                                kiln_tensor_info_t *out_info);
/// Bytes of the context's current arena plan (the arena itself may be larger:
/// it only grows). 0 for a symbolic model not yet resolved.
KILN_API int64_t kiln_context_workspace_size(const kiln_context_t *context);
/// The message of the last failure on this context ("" if none). Owned by the context.
KILN_API const char *kiln_context_last_error(const kiln_context_t *context);

#ifdef __cplusplus
}
#endif
#endif // KILN_RUNTIME_H
