//===- Elementwise.cpp - kernel.elementwise to a halide.kernel -===//
//
// out(d) = body(in_i(map_i(d))): the index maps become i32 arithmetic, the
// scalar body is cloned as is (arith/math ops translate one to one).
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace kiln;

LogicalResult kiln::lowerElementwise(kernel::ElementwiseOp op, KernelBuilder &kb) {
  auto type = op.getResult().getType();
  SmallVector<std::string> names;
  for (Value in : op.getInputs())
    names.push_back(kb.input(in));
  Block &src = op.getBody().front();
  kb.func("out", type.getRank(), type.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) {
    IRMapping mapping;
    for (auto [i, in] : llvm::enumerate(op.getInputs())) {
      AffineMap m = cast<AffineMapAttr>(op.getMaps()[i]).getValue();
      auto shape = cast<RankedTensorType>(in.getType()).getShape();
      SmallVector<Value> idx = KernelBuilder::mapIndices(b, m, d, shape);
      mapping.map(src.getArgument(i),
                  KernelBuilder::call(b, names[i], cast<RankedTensorType>(in.getType()).getElementType(), idx));
    }
    for (Operation &o : src.without_terminator())
      b.clone(o, mapping);
    return mapping.lookup(cast<kernel::YieldOp>(src.getTerminator()).getValue());
  });
  kb.pointwiseOutput("out", type);
  return success();
}
