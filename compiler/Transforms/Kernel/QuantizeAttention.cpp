//===- QuantizeAttention.cpp - the kiln-quantize-attention pass -===//
//
// With the weight matmuls in int8, the f32 attention is what is left of an
// encoder's arithmetic (ViT-base: a sixth of the int8 run). Where the CPU has
// an int8 dot product, Q K^T and P V run at four products per lane as well;
// the lowering (Attention.cpp) quantizes per row, per key and per value
// column at run time. Elsewhere (CUDA, AVX2 or AVX-512 without VNNI) u8 x s8
// products are no faster than f32 FMAs, so nothing is marked.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Kernel/KernelOps.h"

namespace kiln {
#define GEN_PASS_DEF_QUANTIZEATTENTION
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct QuantizeAttentionPass : kiln::impl::QuantizeAttentionBase<QuantizeAttentionPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    auto module = fn->getParentOfType<ModuleOp>();
    if (!module || !halide::hasInt8DotProduct(module))
      return;
    fn.walk([&](kernel::AttentionOp op) {
      auto et = cast<RankedTensorType>(op.getType()).getElementType();
      if (et.isF32() && op.getHeadDim() % 4 == 0 && !op.getSparseThreshold())
        op.setInt8(true);
    });
  }
};
} // namespace
