//===- PointwiseAccess.cpp - Which kernel inputs may share the output's memory -===//
//
// A kernel may write its output over input j when every element it writes
// depends, of that input, only on the element at the same index: then each
// element is read before it is overwritten, whatever the loop order,
// vectorization or parallel split. That holds when input j has the output's
// extents, only the output func's pure definition reads it, and every read
// indexes it with that func's own variables in order. Anything else (a
// reduction, an intermediate func, a shifted or transposed read) says no.
// The schedule matters too: a split (vectorize, gpu_tile) that does not
// divide its extent makes Halide shift the last tile inwards and compute some
// elements twice, the second time from an input already overwritten; so
// every split of the output must divide, and a fuse is refused.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Halide/MemoryPlanning.h"
#include "dialects/Halide/HalideOps.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;

bool kiln::readsPointwise(halide::KernelOp kernel, size_t j) {
  Block &body = kernel.getBody().front();
  auto inputs = llvm::to_vector(body.getOps<halide::InputOp>());
  auto outputs = llvm::to_vector(body.getOps<halide::OutputOp>());
  if (j >= inputs.size() || outputs.size() != 1)
    return false;
  halide::InputOp in = inputs[j];
  halide::OutputOp out = outputs.front();
  if (in.getExtents() != out.getExtents())
    return false;
  for (auto update : body.getOps<halide::UpdateOp>())
    if (update.getFunc() == out.getFunc())
      return false;
  // The output's vars and their constant extents (both innermost first); a
  // split of a symbolic extent is taken not to divide it.
  llvm::StringMap<int64_t> extent;
  for (auto func : body.getOps<halide::FuncOp>())
    if (func.getSymName() == out.getFunc())
      for (auto [v, e] : llvm::zip(func.getVars(), out.getExtents().getResults()))
        if (auto c = dyn_cast<AffineConstantExpr>(e))
          extent[cast<StringAttr>(v).getValue()] = c.getValue();
  auto divides = [&](StringRef var, int64_t factor) {
    auto it = extent.find(var);
    return it != extent.end() && factor > 0 && it->second % factor == 0;
  };
  bool ok = true;
  kernel.walk([&](Operation *op) {
    if (auto v = dyn_cast<halide::VectorizeOp>(op); v && v.getFunc() == out.getFunc())
      ok = ok && divides(v.getVar(), v.getWidth());
    else if (auto sp = dyn_cast<halide::SplitOp>(op); sp && sp.getFunc() == out.getFunc())
      ok = ok && divides(sp.getVar(), sp.getFactor());
    else if (auto f = dyn_cast<halide::FuseOp>(op); f && f.getFunc() == out.getFunc())
      ok = false;
    else if (auto g = dyn_cast<halide::GpuTileOp>(op); g && g.getFunc() == out.getFunc())
      for (auto [v, size] : llvm::zip(g.getVars(), g.getSizes()))
        ok = ok && divides(cast<StringAttr>(v).getValue(), size);
  });
  kernel.walk([&](halide::CallOp call) {
    if (call.getCallee() != in.getSymName())
      return;
    auto func = call->getParentOfType<halide::FuncOp>();
    if (!func || func.getSymName() != out.getFunc() || call->getParentOfType<halide::UpdateOp>()) {
      ok = false;
      return;
    }
    Block &def = func.getBody().front();
    if (call.getIndices().size() != def.getNumArguments()) {
      ok = false;
      return;
    }
    for (auto [i, idx] : llvm::enumerate(call.getIndices()))
      ok = ok && idx == def.getArgument(i);
  });
  return ok;
}
