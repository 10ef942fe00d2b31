//===- Fusion.cpp - Questions the kernel fusion passes share -===//
#include "compiler/Transforms/Fusion.h"

using namespace mlir;
using namespace kiln;

kernel::MatMulOp kiln::epilogueProducer(kernel::ElementwiseOp e) {
  auto type = cast<RankedTensorType>(e.getResult().getType());
  for (auto [i, in] : llvm::enumerate(e.getInputs())) {
    auto m = in.getDefiningOp<kernel::MatMulOp>();
    if (!m || m.hasEpilogue() || cast<RankedTensorType>(m.getType()).getShape() != type.getShape())
      continue;
    bool ok = llvm::all_of(m->getUsers(), [&](Operation *u) { return u == e.getOperation(); });
    for (auto [j, other] : llvm::enumerate(e.getInputs()))
      if (other == in)
        ok = ok && cast<AffineMapAttr>(e.getMaps()[j]).getValue().isIdentity();
    if (ok)
      return m;
  }
  return nullptr;
}

bool kiln::isDataMovement(kernel::ElementwiseOp e) {
  Block &body = e.getBody().front();
  return e.getInputs().size() == 1 &&
         cast<kernel::YieldOp>(body.getTerminator()).getValue() == body.getArgument(0);
}
