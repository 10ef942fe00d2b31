//===- model_abi.h - The table a compiled model hands to the runtime -===//
//
// kiln-compile emits one `kiln_model_t` per model (plain data: tensors, steps,
// weights). The runtime (runtime/src) interprets it: it binds buffers, plans
// nothing itself, and calls the Halide kernels in order. Generated code and
// the runtime must agree on KILN_MODEL_ABI_VERSION.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_ABI_H
#define KILN_MODEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_MODEL_ABI_VERSION 2u
#define KILN_MAX_RANK 8

/// Where a tensor's storage lives.
typedef enum kiln_tensor_kind_e {
  KILN_TENSOR_INPUT = 0,        ///< user memory, bound per run
  KILN_TENSOR_OUTPUT = 1,       ///< user memory, bound per run
  KILN_TENSOR_WEIGHT = 2,       ///< model->weights + offset, read only
  KILN_TENSOR_INTERMEDIATE = 3, ///< context arena + offset (planned by the compiler)
} kiln_tensor_kind_t;

/// One tensor of the compiled program. Shapes are row-major (ONNX order);
/// the runtime reverses them into Halide's innermost-first dims.
typedef struct kiln_abi_tensor_s {
  const char *name;   ///< ONNX value name (static string)
  int32_t dtype;      ///< kiln_dtype_t (ONNX TensorProto codes)
  int32_t kind;       ///< kiln_tensor_kind_t
  int32_t rank;
  int32_t io_index;   ///< position among inputs / outputs, else -1
  int64_t shape[KILN_MAX_RANK];
  int64_t offset;     ///< bytes into weights or arena; unused for inputs/outputs
  int64_t nbytes;
  int64_t index_bound; ///< integer inputs used as gather indices (token ids): every
                       ///< value must lie in [-index_bound, index_bound); 0: unchecked
} kiln_abi_tensor_t;

/// One kernel launch: a Halide AOT pipeline called through its _argv entry
/// point with halide_buffer_t* arguments (inputs first, then outputs).
typedef struct kiln_abi_step_s {
  const char *name;                 ///< kernel name, e.g. "k12_matmul_f32"
  int (*fn)(void **args);           ///< Halide `<name>_argv`
  int32_t num_args;
  const int32_t *args;              ///< tensor ids, inputs then outputs
} kiln_abi_step_t;

typedef struct kiln_model_s {
  uint32_t abi_version;             ///< KILN_MODEL_ABI_VERSION
  const char *name;                 ///< the --name given to kiln-compile
  const char *source;               ///< the ONNX file it came from
  const char *target;               ///< "host" or "host-cuda" (+ features)
  int32_t uses_cuda;                ///< 1 when kernels run on an NVIDIA GPU
  int32_t num_tensors;
  const kiln_abi_tensor_t *tensors;
  int32_t num_inputs;
  const int32_t *inputs;            ///< tensor ids in ONNX graph input order
  int32_t num_outputs;
  const int32_t *outputs;           ///< tensor ids in ONNX graph output order
  int32_t num_steps;
  const kiln_abi_step_t *steps;
  const uint8_t *weights;           ///< embedded weights, 64-byte aligned
  int64_t weights_size;
  int64_t arena_size;               ///< bytes of intermediates (liveness-planned)
} kiln_model_t;

#ifdef __cplusplus
}
#endif
#endif // KILN_MODEL_ABI_H
