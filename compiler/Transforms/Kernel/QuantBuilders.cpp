//===- QuantBuilders.cpp - Shared builders of the quantization passes -----===//
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "dialects/Kernel/KernelOps.h"

using namespace mlir;

std::string kiln::nodeName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (std::string s = nodeName(l); !s.empty())
        return s;
  return "";
}

std::string kiln::constantKey(graph::ConstantOp c) {
  if (auto r = dyn_cast<DenseResourceElementsAttr>(c.getValue()))
    return r.getRawHandle().getKey().str();
  return "weight";
}

Value kiln::buildElementwise(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                             ArrayRef<AffineMap> maps, function_ref<Value(OpBuilder &, ValueRange)> body) {
  auto op = b.create<kernel::ElementwiseOp>(loc, type, inputs, maps);
  Block &blk = op.getBody().front();
  OpBuilder bb = OpBuilder::atBlockEnd(&blk);
  bb.create<kernel::YieldOp>(loc, body(bb, blk.getArguments()));
  return op.getResult();
}
