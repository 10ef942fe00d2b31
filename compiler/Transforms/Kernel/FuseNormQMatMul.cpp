//===- FuseNormQMatMul.cpp - A LayerNorm into the qmatmul that quantizes it -===//
//
// Runs after kiln-fuse-matmul-epilogue, on int8-dynamic's qmatmuls (which
// quantize their f32 A per row themselves). A LayerNorm read only by such a
// qmatmul becomes its `norm` prologue, so LayerNorm -> quantize -> product is
// one kernel (QMatMul.cpp computes each row's statistics, its range and its
// u8 values in the row loop). See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Explain.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Kernel/KernelOps.h"

#define DEBUG_TYPE "kiln-fuse-norm-qmatmul"

namespace kiln {
#define GEN_PASS_DEF_FUSENORMQMATMUL
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

struct FuseNormQMatMulPass : kiln::impl::FuseNormQMatMulBase<FuseNormQMatMulPass> {
  using FuseNormQMatMulBase::FuseNormQMatMulBase;

  LogicalResult fold(kernel::QMatMulOp q) {
    auto ln = q.getLhs().getDefiningOp<kernel::LayerNormOp>();
    if (!ln || !q.quantizesRows() || q.getNormScale())
      return failure(); // not a candidate
    auto why = [&](const Twine &reason) { return missed(ln, DEBUG_TYPE, explain, reason); };
    if (!q.getLhs().hasOneUse())
      return why("the LayerNorm has another user, which needs its f32 rows");
    auto in = tt(ln.getInput());
    int64_t K = q.k();
    if (!in.getElementType().isF32() || ln.getAxis() != in.getRank() - 1)
      return why("not an f32 LayerNorm over the last dim alone");
    for (Value v : {ln.getScale(), ln.getBias()})
      if (v && (tt(v).getRank() != 1 || tt(v).getShape()[0] != K || !tt(v).getElementType().isF32()))
        return why("its scale or bias is not f32 [K]");
    OpBuilder b(q);
    auto f = b.create<kernel::QMatMulOp>(q.getLoc(), q.getResult().getType(), ln.getInput(), q.getRhs(), Value(),
                                         Value(), q.getBScale(), q.getBColsum(), q.getBias(), ln.getScale(),
                                         ln.getBias(), q.getEpilogueInputs(), q.getBPanelAttr(),
                                         q.getEpilogueMapsAttr(), ln.getEpsilonAttr());
    f.getEpilogue().takeBody(q.getEpilogue());
    q.getResult().replaceAllUsesWith(f.getResult());
    q.erase();
    ln.erase();
    return success();
  }

  void runOnOperation() override {
    SmallVector<kernel::QMatMulOp> work;
    getOperation().walk([&](kernel::QMatMulOp q) { work.push_back(q); });
    for (kernel::QMatMulOp q : work)
      (void)fold(q);
  }
};

} // namespace
