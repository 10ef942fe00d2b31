//===- Elementwise.cpp - kernel.elementwise to a halide.kernel -===//
//
// out(d) = body(in_i(map_i(d))): the index maps become i32 arithmetic, the
// scalar body is cloned as is (arith/math ops translate one to one).
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

using namespace mlir;
using namespace kiln;

LogicalResult kiln::lowerElementwise(kernel::ElementwiseOp op, KernelBuilder &kb) {
  auto type = op.getResult().getType();
  SmallVector<std::string> names;
  for (Value in : op.getInputs())
    names.push_back(kb.input(in));
  Block &src = op.getBody().front();
  kb.func("out", type.getRank(), type.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) {
    return KernelBuilder::inlineBody(b, src, {}, op.getInputs(), op.getMaps(), names, d);
  });
  kb.pointwiseOutput("out", type);
  return success();
}
