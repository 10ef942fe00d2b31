//===- PlanMemory.cpp - the kiln-plan-memory pass -===//
//
// Liveness over @main's launch sequence, the in-place choice per launch and,
// for a static model, the arena offsets; written as attributes
// (dialects/Halide/MemoryPlan.h) so that lit tests see the plan and the
// library emitter only copies it into the model table.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Halide/MemoryPlanning.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Halide/MemoryPlan.h"
#include "dialects/Utils/SymShape.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace kiln {
#define GEN_PASS_DEF_PLANMEMORY
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// Bytes of `type` as a polynomial of the symbols (a constant when static).
std::optional<SymExpr> byteExpr(RankedTensorType type) {
  if (!shapeEncodingError(type).empty())
    return std::nullopt;
  auto n = numElementsExpr(dimExprs(type));
  return n ? mul(*n, SymExpr::constant(elementByteSize(type.getElementType()))) : std::nullopt;
}

struct PlanMemoryPass : kiln::impl::PlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main || main.getBody().empty())
      return; // kernels only: nothing to place
    Block &block = main.getBody().front();
    auto ret = dyn_cast<func::ReturnOp>(block.getTerminator());
    if (!ret) {
      main.emitError("kiln-plan-memory: @main must end in func.return");
      return signalPassFailure();
    }
    llvm::SmallPtrSet<Value, 8> returned(ret.operand_begin(), ret.operand_end());
    auto launches = llvm::to_vector(block.getOps<halide::LaunchOp>());
    llvm::DenseMap<Value, int> lastUse;
    for (auto [step, l] : llvm::enumerate(launches))
      for (Value v : l.getInputs())
        lastUse[v] = step;
    auto symbols = main->getAttrOfType<ArrayAttr>("kiln.symbols");
    bool symbolic = symbols && !symbols.empty();

    Builder b(&getContext());
    std::vector<int> defs, lastUses, reuse;
    std::vector<int64_t> sizes;
    SmallVector<halide::LaunchOp> placed; // by index in the planner's lists
    llvm::DenseMap<Value, int> index;     // intermediate -> its index there
    bool allStatic = !symbolic;
    for (auto [step, l] : llvm::enumerate(launches)) {
      for (StringRef a : {halide::plan::kLastUse, halide::plan::kInPlace, halide::plan::kArenaOffset})
        l->removeAttr(a); // a second run replans from scratch
      Value result = l.getResult();
      if (returned.contains(result))
        continue; // written into the caller's buffer
      auto type = cast<RankedTensorType>(result.getType());
      std::optional<SymExpr> bytes = byteExpr(type);
      // In place: an intermediate input read last here, of the same bytes at
      // every size, that the kernel reads only where it writes.
      int over = -1;
      auto kernel = module.lookupSymbol<halide::KernelOp>(l.getKernelAttr());
      for (auto [j, v] : llvm::enumerate(l.getInputs())) {
        if (over >= 0 || !index.count(v) || lastUse.lookup(v) != (int)step)
          continue;
        std::optional<SymExpr> inBytes = byteExpr(cast<RankedTensorType>(v.getType()));
        if (!kernel || !bytes || !inBytes || *bytes != *inBytes)
          continue;
        bool pointwise = true;
        for (auto [k, w] : llvm::enumerate(l.getInputs()))
          if (w == v)
            pointwise = pointwise && readsPointwise(kernel, k);
        if (!pointwise)
          continue;
        over = index[v];
        l->setAttr(halide::plan::kInPlace, b.getI64IntegerAttr(j));
      }
      int last = lastUse.count(result) ? lastUse[result] : (int)step;
      l->setAttr(halide::plan::kLastUse, b.getI64IntegerAttr(last));
      index[result] = placed.size();
      placed.push_back(l);
      defs.push_back(step);
      lastUses.push_back(last);
      reuse.push_back(over);
      allStatic = allStatic && type.hasStaticShape();
      sizes.push_back(type.hasStaticShape() ? type.getNumElements() * elementByteSize(type.getElementType())
                                            : 0);
    }
    main->removeAttr(halide::plan::kArenaSize);
    // Symbolic sizes are known per call: the runtime places them.
    if (!allStatic)
      return;
    int64_t arenaSize = 0;
    auto slots = planArena(sizes, defs, lastUses, reuse, arenaSize);
    if (!slots) {
      main.emitError("kiln-plan-memory: the arena's size overflows int64");
      return signalPassFailure();
    }
    for (auto [i, l] : llvm::enumerate(placed))
      l->setAttr(halide::plan::kArenaOffset, b.getI64IntegerAttr((*slots)[i].offset));
    main->setAttr(halide::plan::kArenaSize, b.getI64IntegerAttr(arenaSize));
  }
};

} // namespace
