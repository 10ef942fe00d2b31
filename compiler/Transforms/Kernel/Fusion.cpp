//===- Fusion.cpp - Questions the kernel fusion passes share -===//
#include "compiler/Transforms/Kernel/Fusion.h"
#include "compiler/Transforms/Explain.h"
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

Operation *kiln::epilogueProducer(kernel::ElementwiseOp e, function_ref<void(Operation *, const Twine &)> reject) {
  auto type = cast<RankedTensorType>(e.getResult().getType());
  auto no = [&](Operation *m, const Twine &why) {
    if (reject)
      reject(m, why);
  };
  for (auto [i, in] : llvm::enumerate(e.getInputs())) {
    Operation *m = in.getDefiningOp();
    if (!isa_and_nonnull<kernel::MatMulOp, kernel::QMatMulOp, kernel::W4MatMulOp, kernel::SparseMatMulOp,
                           kernel::SparseQMatMulOp>(m))
      continue;
    // Each matmul kind has an epilogue region (0 or 1 block).
    bool hasEpilogue = !m->getRegion(0).empty();
    if (hasEpilogue) {
      no(m, "the matmul already has an epilogue");
      continue;
    }
    if (!sameShape(cast<RankedTensorType>(m->getResult(0).getType()), type)) {
      no(m, "the product is read transposed or broadcast (its shape differs from the result's)");
      continue;
    }
    auto other = llvm::find_if(m->getUsers(), [&](Operation *u) { return u != e.getOperation(); });
    if (other != m->getUsers().end()) {
      no(m, "the product has another user (" + describe(*other) + ")");
      continue;
    }
    bool identity = true;
    for (auto [j, x] : llvm::enumerate(e.getInputs()))
      if (x == in)
        identity = identity && cast<AffineMapAttr>(e.getMaps()[j]).getValue().isIdentity();
    if (!identity) {
      no(m, "the product is read through a non-identity map (transposed or reshaped)");
      continue;
    }
    return m;
  }
  return nullptr;
}

bool kiln::isDataMovement(kernel::ElementwiseOp e) {
  Block &body = e.getBody().front();
  return e.getInputs().size() == 1 &&
         cast<kernel::YieldOp>(body.getTerminator()).getValue() == body.getArgument(0);
}
