//===- MaterializeOutputs.cpp - the kiln-materialize-outputs pass -===//
//
// The library writes each output straight into the caller's buffer, from the
// kernel that computes it; a result no kernel computes (an argument, a
// constant) or one returned twice gets an identity copy.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "dialects/Kernel/KernelOps.h"

#include "llvm/ADT/SmallPtrSet.h"

namespace kiln {
#define GEN_PASS_DEF_MATERIALIZEOUTPUTS
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct MaterializeOutputsPass : kiln::impl::MaterializeOutputsBase<MaterializeOutputsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.getBody().empty())
      return;
    auto ret = dyn_cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    if (!ret)
      return;
    OpBuilder b(ret);
    llvm::SmallPtrSet<Value, 8> seen;
    for (OpOperand &o : ret->getOpOperands()) {
      Value v = o.get();
      Operation *def = v.getDefiningOp();
      bool fromKernel = def && isa<kernel::KernelDialect>(def->getDialect());
      if (fromKernel && seen.insert(v).second)
        continue;
      auto type = cast<RankedTensorType>(v.getType());
      auto copy = b.create<kernel::ElementwiseOp>(
          ret.getLoc(), type, ValueRange{v},
          ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext())});
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&copy.getBody().front());
      b.create<kernel::YieldOp>(ret.getLoc(), copy.getBody().front().getArgument(0));
      o.set(copy.getResult());
      seen.insert(copy.getResult());
    }
  }
};
} // namespace
