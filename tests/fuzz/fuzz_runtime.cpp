//===- fuzz_runtime.cpp - libFuzzer target: model tables and inputs --------===//
//
// Builds a kiln_model_t from the fuzz bytes (tensors, dims, symbols, dim
// bytecode, constraints, steps calling stub kernels, weights, arena size),
// creates a context and runs it a few times on inputs and outputs also taken
// from the bytes (dtype, rank, shape, data or NULL), with resolves and the
// model and context queries in between. Every call must answer with a status
// and a message, never a crash or a sanitizer report.
//
// kiln_context_create checks the table (runtime.c check_model, resolve.c
// kiln_check_symbolic_model), so most of it is fuzzed as given. What the ABI
// cannot check, the harness keeps true, as kiln-compile does: every array
// holds as many entries as its count says, and the dim bytecode, which has
// no length, ends in two END words with every expression offset inside it.
//
// The stub kernel reads every byte of every buffer it is handed and writes
// those of outputs and intermediates, within the extents and strides the
// runtime set: ASan then checks the buffers' memory is really that large.
// The caller's data is allocated at exactly the shape the caller claims.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime.h"

#include <HalideRuntime.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

//===----------------------------------------------------------------------===//
// Stubs of the Halide runtime (the runtime calls only these)
//===----------------------------------------------------------------------===//

static halide_error_handler_t g_handler;

extern "C" {
halide_error_handler_t halide_set_error_handler(halide_error_handler_t handler) {
  halide_error_handler_t previous = g_handler;
  g_handler = handler;
  return previous;
}
int halide_set_num_threads(int n) { return n; }
halide_do_par_for_t halide_set_custom_do_par_for(halide_do_par_for_t f) { return f; }
int halide_copy_to_host(void *, struct halide_buffer_t *buf) {
  buf->flags &= ~(uint64_t)halide_buffer_flag_device_dirty;
  return 0;
}
int halide_device_free(void *, struct halide_buffer_t *buf) {
  buf->device = 0;
  return 0;
}
}

//===----------------------------------------------------------------------===//
// The stub kernel
//===----------------------------------------------------------------------===//

namespace {

/// Stops the stub from walking buffers of gigabytes (a legal but huge shape).
constexpr int64_t kMaxTouchedBytes = 1 << 20;

/// What the current model's steps need to know at kernel time.
struct KernelView {
  const kiln_model_t *model = nullptr;
  std::vector<uint8_t> fail; // per step: nonzero makes the kernel fail
};
KernelView g_view;
volatile uint8_t g_sink;

/// Reads every element of `buf` (and writes it when `write`), by its dims.
void touch(halide_buffer_t *buf, bool write) {
  if (buf->dimensions < 0 || buf->dimensions > KILN_MAX_RANK || !buf->host)
    __builtin_trap(); // the runtime promised a bound, dense buffer
  int64_t bytes = (buf->type.bits + 7) / 8, last = 0;
  for (int d = 0; d < buf->dimensions; ++d) {
    if (buf->dim[d].extent < 0 || buf->dim[d].stride < 0)
      __builtin_trap();
    if (buf->dim[d].extent == 0)
      return; // no elements
    last += int64_t(buf->dim[d].extent - 1) * buf->dim[d].stride;
  }
  int64_t end = (last + 1) * bytes;
  if (end > kMaxTouchedBytes)
    return;
  uint8_t sum = 0;
  for (int64_t i = 0; i < end; ++i)
    sum += buf->host[i];
  g_sink = sum;
  if (write)
    std::memset(buf->host, sum, size_t(end));
}

int stubKernel(int step, void **args) {
  const kiln_model_t *m = g_view.model;
  const kiln_abi_step_t &s = m->steps[step];
  for (int32_t a = 0; a < s.num_args; ++a) {
    int32_t id = s.args[a];
    if (id < 0) {
      g_sink = uint8_t(*static_cast<const int32_t *>(args[a])); // a symbol's value
      continue;
    }
    int32_t kind = m->tensors[id].kind;
    touch(static_cast<halide_buffer_t *>(args[a]),
          kind == KILN_TENSOR_OUTPUT || kind == KILN_TENSOR_INTERMEDIATE);
  }
  if (g_view.fail[size_t(step)]) {
    if (g_handler)
      g_handler(nullptr, "stub kernel: injected failure\n");
    return -1;
  }
  return 0;
}

// Steps point at plain functions: one per step index, up to kMaxSteps.
constexpr int kMaxSteps = 8;
template <int S> int stepFn(void **args) { return stubKernel(S, args); }
int (*const kStepFns[kMaxSteps])(void **) = {stepFn<0>, stepFn<1>, stepFn<2>, stepFn<3>,
                                             stepFn<4>, stepFn<5>, stepFn<6>, stepFn<7>};

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const int32_t kDtypes[] = {KILN_DTYPE_FLOAT32, KILN_DTYPE_UINT8, KILN_DTYPE_INT8,
                           KILN_DTYPE_INT32,   KILN_DTYPE_INT64, KILN_DTYPE_BOOL,
                           KILN_DTYPE_FLOAT16};

/// Mostly a valid dtype; sometimes any int32 (the runtime must refuse it).
int32_t pickDtype(FuzzedDataProvider &p) {
  if (p.ConsumeIntegralInRange<int>(0, 15) == 0)
    return p.ConsumeIntegral<int32_t>();
  return kDtypes[p.ConsumeIntegralInRange<size_t>(0, sizeof kDtypes / sizeof kDtypes[0] - 1)];
}

/// Mostly a small dim; sometimes an edge value (negative, near 2^31, huge).
int64_t pickDim(FuzzedDataProvider &p) {
  switch (p.ConsumeIntegralInRange<int>(0, 15)) {
  case 0: return -1;
  case 1: return p.ConsumeIntegral<int64_t>();
  case 2: return int64_t(1) << p.ConsumeIntegralInRange<int>(16, 34);
  default: return p.ConsumeIntegralInRange<int64_t>(0, 6);
  }
}

struct Table {
  std::vector<kiln_abi_tensor_t> tensors;
  std::vector<int32_t> inputs, outputs;
  std::vector<std::vector<int32_t>> stepArgs;
  std::vector<kiln_abi_step_t> steps;
  std::vector<uint8_t> weights;
  std::vector<kiln_abi_symbol_t> symbols;
  std::vector<int64_t> exprs;
  std::vector<kiln_abi_constraint_t> constraints;
  kiln_model_t model{};
};

/// An offset into the bytecode, or -1 (static dim) or an out-of-range value.
int32_t pickExpr(FuzzedDataProvider &p, const Table &t) {
  int choice = p.ConsumeIntegralInRange<int>(0, 7);
  if (choice == 0)
    return -1;
  if (choice == 1)
    return p.ConsumeIntegralInRange<int32_t>(-3, -1);
  return p.ConsumeIntegralInRange<int32_t>(0, int32_t(t.exprs.size()) - 1);
}

/// A tensor id, sometimes out of range; `symbols` allows -1 - k.
int32_t pickId(FuzzedDataProvider &p, const Table &t, bool symbols) {
  int32_t lo = symbols ? -t.model.num_symbols - 1 : -1;
  return p.ConsumeIntegralInRange<int32_t>(lo, int32_t(t.tensors.size()));
}

const char *pickName(FuzzedDataProvider &p, const char *name) {
  return p.ConsumeBool() ? name : nullptr;
}

void buildTable(FuzzedDataProvider &p, Table &t) {
  static const char *const kNames[] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
                                       "t8", "t9", "t10", "t11", "t12", "t13", "t14", "t15"};
  static const char *const kSymbols[] = {"batch", "seq", "past", "heads"};
  kiln_model_t &m = t.model;
  m.abi_version = p.ConsumeIntegralInRange<int>(0, 31) ? KILN_MODEL_ABI_VERSION : 2;
  m.name = pickName(p, "fuzz");
  m.source = "fuzz.onnx";
  m.target = "host";
  m.uses_cuda = p.ConsumeIntegralInRange<int>(0, 7) == 0;
  m.num_symbols = p.ConsumeIntegralInRange<int32_t>(0, 4);

  // The bytecode first, so that tensors can point into it: mostly opcodes
  // and small operands, ended by two END words (see the file header).
  size_t words = p.ConsumeIntegralInRange<size_t>(0, 48);
  for (size_t i = 0; i < words; ++i)
    t.exprs.push_back(p.ConsumeIntegralInRange<int>(0, 7) == 0
                          ? p.ConsumeIntegral<int64_t>()
                          : p.ConsumeIntegralInRange<int64_t>(-1, 6));
  t.exprs.push_back(KILN_EXPR_END);
  t.exprs.push_back(KILN_EXPR_END);

  size_t numTensors = p.ConsumeIntegralInRange<size_t>(0, 12);
  size_t numSteps = p.ConsumeIntegralInRange<size_t>(0, kMaxSteps);
  t.weights.resize(p.ConsumeIntegralInRange<size_t>(0, 512));
  for (size_t i = 0; i < numTensors; ++i) {
    kiln_abi_tensor_t x{};
    x.name = pickName(p, kNames[i]);
    x.dtype = pickDtype(p);
    x.kind = p.ConsumeIntegralInRange<int>(0, 31) ? p.ConsumeIntegralInRange<int32_t>(0, 3)
                                                   : p.ConsumeIntegral<int32_t>();
    x.rank = p.ConsumeIntegralInRange<int>(0, 31) ? p.ConsumeIntegralInRange<int32_t>(0, 4)
                                                   : p.ConsumeIntegralInRange<int32_t>(-2, 10);
    x.io_index = -1;
    for (int d = 0; d < KILN_MAX_RANK; ++d) {
      x.dim_expr[d] = m.num_symbols > 0 ? pickExpr(p, t) : -1;
      x.shape[d] = x.dim_expr[d] >= 0 && p.ConsumeIntegralInRange<int>(0, 15) ? -1 : pickDim(p);
    }
    x.offset = p.ConsumeIntegralInRange<int>(0, 7) ? p.ConsumeIntegralInRange<int64_t>(0, 512)
                                                    : p.ConsumeIntegral<int64_t>();
    // Mostly the bytes of the static dims, as kiln-compile writes them.
    int64_t bytes = int64_t(kiln_dtype_size(kiln_dtype_t(x.dtype)));
    for (int32_t d = 0; d < x.rank && d < KILN_MAX_RANK; ++d)
      if (x.dim_expr[d] < 0) // on overflow any value will do
        (void)__builtin_mul_overflow(bytes, x.shape[d], &bytes);
    x.nbytes = p.ConsumeIntegralInRange<int>(0, 7) ? bytes
               : p.ConsumeBool()                    ? 0
                                                    : p.ConsumeIntegralInRange<int64_t>(1, 4096);
    x.index_bound = p.ConsumeBool() ? 0 : p.ConsumeIntegralInRange<int64_t>(-1, 100);
    x.def_step = p.ConsumeIntegralInRange<int32_t>(-1, int32_t(numSteps));
    x.last_step = p.ConsumeIntegralInRange<int32_t>(-1, int32_t(numSteps));
    x.reuse = p.ConsumeIntegralInRange<int32_t>(-2, int32_t(numTensors));
    t.tensors.push_back(x);
  }
  // Inputs and outputs: mostly the tensors of that kind, in table order.
  for (int32_t i = 0; i < int32_t(numTensors); ++i) {
    int32_t kind = t.tensors[size_t(i)].kind;
    if (kind == KILN_TENSOR_INPUT && p.ConsumeIntegralInRange<int>(0, 15))
      t.inputs.push_back(i);
    else if (kind == KILN_TENSOR_OUTPUT && p.ConsumeIntegralInRange<int>(0, 15))
      t.outputs.push_back(i);
  }
  if (p.ConsumeIntegralInRange<int>(0, 15) == 0)
    t.inputs.push_back(pickId(p, t, false));
  if (p.ConsumeIntegralInRange<int>(0, 15) == 0)
    t.outputs.push_back(pickId(p, t, false));

  for (size_t s = 0; s < numSteps; ++s) {
    std::vector<int32_t> args(p.ConsumeIntegralInRange<size_t>(0, 6));
    for (int32_t &a : args)
      a = pickId(p, t, true);
    t.stepArgs.push_back(std::move(args));
  }
  for (size_t s = 0; s < numSteps; ++s) {
    kiln_abi_step_t step{};
    step.name = pickName(p, "k_stub");
    step.fn = p.ConsumeIntegralInRange<int>(0, 31) ? kStepFns[s] : nullptr;
    step.num_args = int32_t(t.stepArgs[s].size());
    step.args = t.stepArgs[s].empty() ? nullptr : t.stepArgs[s].data();
    t.steps.push_back(step);
  }
  // Symbols: mostly bound to a dim of an input that exists.
  for (int32_t k = 0; k < m.num_symbols; ++k) {
    kiln_abi_symbol_t s{};
    s.name = pickName(p, kSymbols[k]);
    s.input = p.ConsumeIntegralInRange<int32_t>(-1, int32_t(t.inputs.size()));
    s.dim = p.ConsumeIntegralInRange<int32_t>(-1, 4);
    t.symbols.push_back(s);
  }
  size_t numConstraints = p.ConsumeIntegralInRange<size_t>(0, 3);
  for (size_t c = 0; c < numConstraints; ++c) {
    kiln_abi_constraint_t con{};
    con.expr = p.ConsumeIntegralInRange<int32_t>(0, int32_t(t.exprs.size()) - 1);
    con.kind = p.ConsumeIntegralInRange<int32_t>(0, 2);
    con.what = pickName(p, "a fuzzed constraint");
    t.constraints.push_back(con);
  }

  m.num_tensors = int32_t(t.tensors.size());
  m.tensors = t.tensors.empty() ? nullptr : t.tensors.data();
  m.num_inputs = int32_t(t.inputs.size());
  m.inputs = t.inputs.empty() ? nullptr : t.inputs.data();
  m.num_outputs = int32_t(t.outputs.size());
  m.outputs = t.outputs.empty() ? nullptr : t.outputs.data();
  m.num_steps = int32_t(t.steps.size());
  m.steps = t.steps.empty() ? nullptr : t.steps.data();
  m.weights = t.weights.empty() ? nullptr : t.weights.data();
  m.weights_size = int64_t(t.weights.size());
  m.arena_size = p.ConsumeIntegralInRange<int>(0, 15) ? p.ConsumeIntegralInRange<int64_t>(0, 4096)
                                                       : p.ConsumeIntegralInRange<int64_t>(-1, 1 << 24);
  m.symbols = t.symbols.empty() ? nullptr : t.symbols.data();
  m.exprs = t.exprs.data();
  m.num_constraints = int32_t(t.constraints.size());
  m.constraints = t.constraints.empty() ? nullptr : t.constraints.data();
}

//===----------------------------------------------------------------------===//
// Inputs and outputs
//===----------------------------------------------------------------------===//

/// A caller's tensor: its shape and data live in the struct.
struct Given {
  kiln_tensor_t tensor{};
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// Bytes of `shape` at `dtype`, or -1 when it is negative or over the cap.
int64_t dataBytes(int32_t dtype, const std::vector<int64_t> &shape) {
  if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; }))
    return -1;
  if (std::count(shape.begin(), shape.end(), 0)) // [2^30, 0] has no bytes, not too many
    return 0;
  size_t size = kiln_dtype_size(kiln_dtype_t(dtype));
  int64_t n = size ? int64_t(size) : 1;
  for (int64_t d : shape) {
    if (n > kMaxTouchedBytes / d)
      return -1;
    n *= d;
  }
  return n;
}

/// A tensor like the model's `id` (its dtype, rank and `want` dims), each
/// part sometimes wrong; data at exactly the claimed size, or NULL.
void makeGiven(FuzzedDataProvider &p, const kiln_model_t &m, int32_t id, const int64_t *want,
               Given &g) {
  bool valid = id >= 0 && id < m.num_tensors;
  const kiln_abi_tensor_t *t = valid ? &m.tensors[id] : nullptr;
  int32_t dtype = t && p.ConsumeIntegralInRange<int>(0, 15) ? t->dtype : pickDtype(p);
  int32_t rank = t && p.ConsumeIntegralInRange<int>(0, 15) ? t->rank
                                                           : p.ConsumeIntegralInRange<int32_t>(-1, 5);
  for (int32_t d = 0; d < rank && d < KILN_MAX_RANK; ++d) {
    bool keep = want && d < (t ? t->rank : 0) && p.ConsumeIntegralInRange<int>(0, 7);
    g.shape.push_back(keep ? want[d] : pickDim(p));
  }
  int64_t bytes = dataBytes(dtype, g.shape);
  if (bytes >= 0 && p.ConsumeIntegralInRange<int>(0, 15)) {
    g.data.resize(size_t(bytes));
    std::vector<uint8_t> fill = p.ConsumeBytes<uint8_t>(size_t(bytes));
    std::copy(fill.begin(), fill.end(), g.data.begin());
  }
  g.tensor.dtype = kiln_dtype_t(dtype);
  g.tensor.rank = rank;
  g.tensor.shape = g.shape.empty() && p.ConsumeBool() ? nullptr : g.shape.data();
  // A zero-byte vector's data() may be NULL or not; either is a legal call.
  g.tensor.data = g.data.empty() ? nullptr : g.data.data();
}

/// Input dims the caller would pick: the table's static dims, a small size
/// for each symbol (bound dims agree unless the bytes say otherwise).
void inputShapes(FuzzedDataProvider &p, const kiln_model_t &m, std::vector<int64_t> &dims) {
  std::vector<int64_t> symbolValues;
  for (int32_t k = 0; k < m.num_symbols; ++k)
    symbolValues.push_back(p.ConsumeIntegralInRange<int>(0, 15) ? p.ConsumeIntegralInRange<int64_t>(1, 8)
                                                                : pickDim(p));
  dims.assign(size_t(m.num_inputs) * KILN_MAX_RANK, 0);
  for (int32_t i = 0; i < m.num_inputs; ++i) {
    const kiln_abi_tensor_t &t = m.tensors[m.inputs[i]];
    for (int32_t d = 0; d < t.rank; ++d)
      dims[size_t(i) * KILN_MAX_RANK + size_t(d)] = t.shape[d];
  }
  for (int32_t k = 0; k < m.num_symbols; ++k)
    dims[size_t(m.symbols[k].input) * KILN_MAX_RANK + size_t(m.symbols[k].dim)] =
        symbolValues[size_t(k)];
}

void checkMessage(const kiln_context_t *ctx, kiln_status_t status) {
  const char *msg = kiln_context_last_error(ctx);
  if (!msg || (status != KILN_OK && !msg[0]))
    __builtin_trap(); // a failure always says why
  (void)strlen(kiln_status_string(status));
}

void queryModel(const kiln_model_t &m) {
  kiln_tensor_info_t info;
  for (int32_t io = 0; io < 2; ++io) {
    int32_t count = io ? kiln_model_output_count(&m) : kiln_model_input_count(&m);
    for (int32_t i = -1; i <= count; ++i) {
      kiln_status_t s = io ? kiln_model_output_info(&m, i, &info) : kiln_model_input_info(&m, i, &info);
      if (s != KILN_OK)
        continue;
      for (int32_t d = 0; d < info.rank; ++d)
        g_sink = uint8_t(info.shape[d] + (info.dim_names && info.dim_names[d] ? strlen(info.dim_names[d]) : 0));
      (void)strlen(kiln_dtype_name(info.dtype));
    }
  }
  (void)kiln_model_workspace_size(&m);
}

void runOnce(FuzzedDataProvider &p, kiln_context_t *ctx, const kiln_model_t &m) {
  std::vector<int64_t> dims;
  inputShapes(p, m, dims);
  int32_t numInputs = p.ConsumeIntegralInRange<int>(0, 15) ? m.num_inputs
                                                          : p.ConsumeIntegralInRange<int32_t>(-1, 4);
  std::vector<Given> inputs(numInputs > 0 ? size_t(numInputs) : 0);
  std::vector<kiln_tensor_t> in;
  for (int32_t i = 0; i < numInputs; ++i) {
    bool own = i < m.num_inputs;
    makeGiven(p, m, own ? m.inputs[i] : -1, own ? &dims[size_t(i) * KILN_MAX_RANK] : nullptr,
              inputs[size_t(i)]);
    in.push_back(inputs[size_t(i)].tensor);
  }
  const kiln_tensor_t *inPtr = in.empty() && p.ConsumeBool() ? nullptr : in.data();

  kiln_status_t status = kiln_context_resolve(ctx, inPtr, numInputs);
  checkMessage(ctx, status);
  // Outputs at the sizes the resolve gave (the table's before any resolve).
  int32_t numOutputs = p.ConsumeIntegralInRange<int>(0, 15) ? m.num_outputs
                                                           : p.ConsumeIntegralInRange<int32_t>(-1, 4);
  std::vector<Given> outputs(numOutputs > 0 ? size_t(numOutputs) : 0);
  std::vector<kiln_tensor_t> out;
  for (int32_t i = 0; i < numOutputs; ++i) {
    kiln_tensor_info_t info{};
    bool own = i < m.num_outputs && kiln_context_output_info(ctx, i, &info) == KILN_OK;
    makeGiven(p, m, own ? m.outputs[i] : -1, own ? info.shape : nullptr, outputs[size_t(i)]);
    out.push_back(outputs[size_t(i)].tensor);
  }
  kiln_tensor_t *outPtr = out.empty() && p.ConsumeBool() ? nullptr : out.data();
  for (size_t s = 0; s < g_view.fail.size(); ++s)
    g_view.fail[s] = p.ConsumeIntegralInRange<int>(0, 15) == 0;

  status = kiln_context_run(ctx, inPtr, numInputs, outPtr, numOutputs);
  checkMessage(ctx, status);
  // A run that went through took data for every tensor that has elements
  // (small ones would otherwise read the runtime's placeholder unnoticed).
  for (const std::vector<Given> *given : {&inputs, &outputs})
    for (const Given &g : *given)
      if (status == KILN_OK && !g.tensor.data && dataBytes(g.tensor.dtype, g.shape) != 0)
        __builtin_trap();
  (void)kiln_context_workspace_size(ctx);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider p(data, size);
  Table t;
  buildTable(p, t);
  g_view.model = &t.model;
  g_view.fail.assign(t.steps.size(), 0);

  kiln_context_options_t options{};
  options.num_threads = p.ConsumeIntegralInRange<int32_t>(-1, 2);
  kiln_context_t *ctx = nullptr;
  kiln_status_t status = kiln_context_create(&t.model, p.ConsumeBool() ? &options : nullptr, &ctx);
  checkMessage(nullptr, status);
  if (status != KILN_OK) {
    if (ctx)
      __builtin_trap(); // a failed create leaves *out_context NULL
    return 0;
  }
  // The table passed the checks: from here on it is a model kiln-compile could emit.
  queryModel(t.model);
  int runs = p.ConsumeIntegralInRange<int>(1, 3);
  for (int r = 0; r < runs; ++r)
    runOnce(p, ctx, t.model);
  kiln_context_destroy(ctx);
  return 0;
}
