//===- Fusion.cpp - Questions the kernel fusion passes share -===//
#include "compiler/Transforms/Kernel/Fusion.h"
#include "dialects/Utils/SymShape.h"

using namespace mlir;
using namespace kiln;

AffineMap kiln::composeMaps(AffineMap outer, AffineMap inner) {
  unsigned n = std::max(outer.getNumSymbols(), inner.getNumSymbols());
  SmallVector<AffineExpr> symbols;
  for (unsigned i = 0; i < outer.getNumSymbols(); ++i)
    symbols.push_back(getAffineSymbolExpr(i, outer.getContext()));
  return outer.replaceDimsAndSymbols(inner.getResults(), symbols, inner.getNumDims(), n);
}

kernel::MatMulOp kiln::epilogueProducer(kernel::ElementwiseOp e) {
  auto type = cast<RankedTensorType>(e.getResult().getType());
  for (auto [i, in] : llvm::enumerate(e.getInputs())) {
    auto m = in.getDefiningOp<kernel::MatMulOp>();
    if (!m || m.hasEpilogue() || !sameShape(cast<RankedTensorType>(m.getType()), type))
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
