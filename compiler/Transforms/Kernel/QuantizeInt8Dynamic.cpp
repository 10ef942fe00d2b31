//===- QuantizeInt8Dynamic.cpp - Weight matmuls to kernel.qmatmul -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before fusion (a matmul
// with no epilogue yet). Leaves: every kernel.matmul with a 2-D f32 constant
// B (not skipped) as a kernel.qmatmul of its f32 A, which the kernel
// quantizes per row itself, by a per-column symmetric int8 weight. See the
// pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "dialects/Kernel/KernelOps.h"

#define DEBUG_TYPE "kiln-quantize-int8-dynamic"

namespace kiln {
#define GEN_PASS_DEF_QUANTIZEINT8DYNAMIC
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

struct QuantizeInt8DynamicPass : kiln::impl::QuantizeInt8DynamicBase<QuantizeInt8DynamicPass> {
  using QuantizeInt8DynamicBase::QuantizeInt8DynamicBase;

  void runOnOperation() override {
    for (kernel::MatMulOp op : int8WeightMatMuls(getOperation(), skip, "int8-dynamic")) {
      // No a_scale: the qmatmul kernel quantizes A's rows itself.
      replaceWithQMatMul(op, op.getLhs(), Value(), Value());
    }
  }
};

} // namespace
