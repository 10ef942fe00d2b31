//===- model_abi.h - The table a compiled model hands to the runtime -===//
//
// kiln-compile emits one `kiln_model_t` per model (plain data: tensors, steps,
// weights). The runtime (runtime/src) interprets it: it binds buffers and
// calls the Halide kernels in order. A static model (num_symbols = 0) carries
// its arena offsets, planned by the compiler; a model with symbolic dims
// carries expressions over its symbols, which the runtime evaluates per call,
// re-planning the arena with the same planner (runtime/src/plan.h) when the
// sizes change. Generated code and the runtime must agree on
// KILN_MODEL_ABI_VERSION.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_ABI_H
#define KILN_MODEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_MODEL_ABI_VERSION 3u
#define KILN_MAX_RANK 8

/// Where a tensor's storage lives.
typedef enum kiln_tensor_kind_e {
  KILN_TENSOR_INPUT = 0,        ///< user memory, bound per run
  KILN_TENSOR_OUTPUT = 1,       ///< user memory, bound per run
  KILN_TENSOR_WEIGHT = 2,       ///< model->weights + offset, read only
  KILN_TENSOR_INTERMEDIATE = 3, ///< context arena + offset (planned by the compiler)
} kiln_tensor_kind_t;

/// Opcodes of the postfix bytecode in kiln_model_t.exprs. An expression is a
/// run of int64 words ending in END; CONST and SYM take the next word as
/// their operand (the value, the symbol index). Arithmetic is on int64.
typedef enum kiln_abi_expr_op_e {
  KILN_EXPR_END = 0,   ///< the value on the stack is the result
  KILN_EXPR_CONST = 1, ///< push the next word
  KILN_EXPR_SYM = 2,   ///< push symbol k (k: the next word)
  KILN_EXPR_ADD = 3,   ///< pop b, pop a, push a + b
  KILN_EXPR_SUB = 4,   ///< pop b, pop a, push a - b
  KILN_EXPR_MUL = 5,   ///< pop b, pop a, push a * b
} kiln_abi_expr_op_t;

/// A named dim (`batch`, `seq`): its value is input `input`'s dim `dim` (that
/// dim's expression is exactly this symbol), at least 0 (a kernel that cannot
/// take an empty dim records a constraint instead).
typedef struct kiln_abi_symbol_s {
  const char *name;
  int32_t input, dim;
} kiln_abi_symbol_t;

/// A run-time condition on the symbols, e.g. seq <= 128 as 128 - seq >= 0.
typedef struct kiln_abi_constraint_s {
  int32_t expr;     ///< offset in kiln_model_t.exprs
  int32_t kind;     ///< 0: expr >= 0, 1: expr == 0
  const char *what; ///< where it comes from, for the error message
} kiln_abi_constraint_t;

/// One tensor of the compiled program. Shapes are row-major (ONNX order);
/// the runtime reverses them into Halide's innermost-first dims.
typedef struct kiln_abi_tensor_s {
  const char *name;   ///< ONNX value name (static string)
  int32_t dtype;      ///< kiln_dtype_t (ONNX TensorProto codes)
  int32_t kind;       ///< kiln_tensor_kind_t
  int32_t rank;
  int32_t io_index;   ///< position among inputs / outputs, else -1
  int64_t shape[KILN_MAX_RANK]; ///< -1 where dim_expr[d] >= 0
  int64_t offset;     ///< bytes into weights or arena; unused for inputs/outputs
                      ///< and for the intermediates of symbolic models
  int64_t nbytes;     ///< at the table's shape (symbolic models: recomputed per size)
  int64_t index_bound; ///< integer inputs used as gather indices (token ids): every
                       ///< value must lie in [-index_bound, index_bound); 0: unchecked
  int32_t dim_expr[KILN_MAX_RANK]; ///< -1: shape[d] is static, else offset in exprs
                                   ///< (read only when the model has symbols)
  int32_t def_step, last_step; ///< intermediates: the step writing it and the last
                               ///< step reading it (liveness for the runtime plan); else -1
  int32_t reuse; ///< intermediates: -1, or the tensor id of an intermediate that step
                 ///< def_step reads last, at the element it writes, so this tensor may
                 ///< take its slot when both have the same size (plan.h)
} kiln_abi_tensor_t;

/// One kernel launch: a Halide AOT pipeline called through its _argv entry
/// point with halide_buffer_t* arguments (inputs first, then outputs).
typedef struct kiln_abi_step_s {
  const char *name;                 ///< kernel name, e.g. "k12_matmul_f32"
  int (*fn)(void **args);           ///< Halide `<name>_argv`
  int32_t num_args;
  const int32_t *args;              ///< tensor ids, inputs then outputs; -1 - k passes
                                    ///< symbol k as an int32 scalar (a pointer to it)
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
  int64_t arena_size;               ///< bytes of intermediates (liveness-planned);
                                    ///< static models only
  int32_t num_symbols;              ///< 0: a static model
  const kiln_abi_symbol_t *symbols;
  const int64_t *exprs;             ///< postfix bytecode (kiln_abi_expr_op_t)
  int32_t num_constraints;
  const kiln_abi_constraint_t *constraints;
} kiln_model_t;

#ifdef __cplusplus
}
#endif
#endif // KILN_MODEL_ABI_H
