//===- MarkIndexBounds.cpp - the kiln-mark-index-bounds pass -===//
//
// Token ids index an embedding table inside a gather kernel, which clamps
// them; an id out of range is a caller's bug that the runtime should refuse
// rather than silently clamp, so the bound it checks is recorded here.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "dialects/Kernel/KernelOps.h"

namespace kiln {
#define GEN_PASS_DEF_MARKINDEXBOUNDS
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct MarkIndexBoundsPass : kiln::impl::MarkIndexBoundsBase<MarkIndexBoundsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    auto i64 = IntegerType::get(&getContext(), 64);
    fn.walk([&](kernel::GatherOp g) {
      auto arg = dyn_cast<BlockArgument>(g.getIndices());
      if (!arg || arg.getOwner()->getParentOp() != fn)
        return;
      int64_t rows = cast<RankedTensorType>(g.getData().getType()).getDimSize(g.getAxis());
      if (ShapedType::isDynamic(rows)) // clamped in the kernel; no table bound to record
        return;
      auto old = fn.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(), "kiln.index_bound");
      if (!old || old.getInt() > rows)
        fn.setArgAttr(arg.getArgNumber(), "kiln.index_bound", IntegerAttr::get(i64, rows));
    });
  }
};
} // namespace
