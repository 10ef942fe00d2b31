//===- fuzz_import.cpp - libFuzzer target: bytes -> ModelProto -> graph IR -===//
//
// Parses the input as a binary ONNX ModelProto and imports it into the graph
// dialect (no code generation), twice: with --symbolic-dims, and with every
// named input dim pinned to a small size, as kiln-compile --shape would. The
// importer must answer every input with a module or an error text, never a
// crash, a sanitizer report or an unbounded allocation.
//
// The model is named as if it lay in a folder that does not exist, so external
// data never reads a file. A fresh MLIRContext per input: weights become
// dense_resource blobs owned by the context and would pile up otherwise.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <climits>
#include <cstddef>
#include <cstdint>

namespace {
const char *const kModelPath = "/nonexistent-kiln-fuzz/model.onnx";

/// 1..4 from the name, so a dim keeps its size across runs of one input.
int64_t pinnedSize(const std::string &name) {
  return 1 + static_cast<int64_t>(std::hash<std::string>()(name) % 4);
}

void importOnce(const std::string &bytes, const kiln::ImportOptions &options) {
  onnx::ModelProto model; // parsed anew: the importer may move bytes out of it
  if (!model.ParseFromString(bytes))
    return;
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      kiln::importOnnxModel(context, model, kModelPath, options, error);
  // Either a module or a reason, never neither.
  if (!module && error.empty())
    __builtin_trap();
}
} // namespace

/// LLVM's BumpPtrAllocator poisons its slabs under ASan and unpoisons each
/// allocation in an inline function; Debian's MLIR libraries are not built
/// with ASan, so their inlined copies never unpoison while the linker may pick
/// our instrumented copy of the slab code: every MLIRContext would then read
/// "poisoned" memory it owns. User poisoning off removes that false report
/// (scripts/test-sanitized.sh sets the same).
extern "C" const char *__asan_default_options() { return "allow_user_poisoning=0"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > INT_MAX)
    return 0;
  std::string bytes(reinterpret_cast<const char *>(data), size);
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    return -1; // not a ModelProto: keep it out of the corpus

  kiln::ImportOptions symbolic;
  symbolic.symbolicDims = true;
  importOnce(bytes, symbolic);

  kiln::ImportOptions pinned;
  for (const onnx::ValueInfoProto &input : model.graph().input())
    for (const onnx::TensorShapeProto::Dimension &dim : input.type().tensor_type().shape().dim())
      if (dim.has_dim_param())
        pinned.dimValues[dim.dim_param()] = pinnedSize(dim.dim_param());
  importOnce(bytes, pinned);
  return 0;
}
