//===- FuseMatMulEpilogue.cpp - Elementwise consumers into matmul epilogues -===//
//
// Runs after kiln-fuse-elementwise, so a matmul's consumer chain is already
// one kernel.elementwise; that op's body moves into the matmul's epilogue
// region, which the Halide lowering applies in the output stage, on values
// still in registers.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Kernel/Fusion.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/IR/IRMapping.h"

namespace kiln {
#define GEN_PASS_DEF_FUSEMATMULEPILOGUE
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

void fuse(kernel::ElementwiseOp e, kernel::MatMulOp m) {
  Value product = m.getResult();
  SmallVector<Value> inputs;
  SmallVector<Attribute> maps;
  for (auto [i, in] : llvm::enumerate(e.getInputs()))
    if (in != product) {
      inputs.push_back(in);
      maps.push_back(e.getMaps()[i]);
    }
  OpBuilder b(e);
  auto fused = b.create<kernel::MatMulOp>(e.getLoc(), e.getResult().getType(), m.getLhs(), m.getRhs(), m.getBias(),
                                          inputs, m.getTransBAttr(), m.getAlphaAttr(), m.getBPanelAttr(),
                                          b.getArrayAttr(maps));
  Block &src = e.getBody().front();
  Block *body = b.createBlock(&fused.getEpilogue());
  Value acc = body->addArgument(cast<RankedTensorType>(m.getLhs().getType()).getElementType(), e.getLoc());
  IRMapping mapping;
  for (auto [i, in] : llvm::enumerate(e.getInputs()))
    mapping.map(src.getArgument(i),
                in == product ? acc : body->addArgument(src.getArgument(i).getType(), e.getLoc()));
  for (Operation &op : src)
    b.clone(op, mapping);
  e.getResult().replaceAllUsesWith(fused.getResult());
  e.erase();
  m.erase();
}

struct FuseMatMulEpiloguePass : kiln::impl::FuseMatMulEpilogueBase<FuseMatMulEpiloguePass> {
  void runOnOperation() override {
    SmallVector<kernel::ElementwiseOp> work;
    getOperation().walk([&](kernel::ElementwiseOp e) { work.push_back(e); });
    for (kernel::ElementwiseOp e : work)
      if (kernel::MatMulOp m = epilogueProducer(e))
        fuse(e, m);
  }
};

} // namespace
