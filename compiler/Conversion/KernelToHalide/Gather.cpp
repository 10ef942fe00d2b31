//===- Gather.cpp - gathers and concat to halide.kernels -===//
//
// Indices read at run time are clamped into range (negative ones counting from
// the end first) so a bad token id can never read outside a buffer. Concat
// selects between inputs read at clamped positions: Halide evaluates both
// sides of a select, and its bounds inference must stay inside each input.
// A part with a symbolic extent is read under halide.if_then_else(extent >
// 0), so an empty part (extent 0) is never read nor bounds-checked.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

LogicalResult kiln::lowerGather(kernel::GatherOp op, KernelBuilder &kb) {
  auto data = tt(op.getData()), ind = tt(op.getIndices()), res = tt(op.getResult());
  int64_t axis = op.getAxis(), ir = ind.getRank();
  std::string d = kb.input(op.getData()), i = kb.input(op.getIndices());
  kb.func("out", res.getRank(), res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx o) {
    SmallVector<Value> iidx(o.begin() + axis, o.begin() + axis + ir);
    Value id = KernelBuilder::call(b, i, ind.getElementType(), iidx);
    SmallVector<Value> didx(o.begin(), o.begin() + axis);
    didx.push_back(data.isDynamicDim(axis) ? KernelBuilder::index(b, id, KernelBuilder::dimSize(b, data, axis))
                                           : KernelBuilder::index(b, id, data.getDimSize(axis)));
    didx.append(o.begin() + axis + ir, o.end());
    return KernelBuilder::call(b, d, data.getElementType(), didx);
  });
  kb.pointwiseOutput("out", res);
  return success();
}

LogicalResult kiln::lowerGatherElements(kernel::GatherElementsOp op, KernelBuilder &kb) {
  auto data = tt(op.getData()), ind = tt(op.getIndices()), res = tt(op.getResult());
  int64_t axis = op.getAxis();
  std::string d = kb.input(op.getData()), i = kb.input(op.getIndices());
  kb.func("out", res.getRank(), res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx o) {
    Value id = KernelBuilder::call(b, i, ind.getElementType(), o);
    SmallVector<Value> didx(o.begin(), o.end());
    didx[axis] = KernelBuilder::index(b, id, data.getDimSize(axis));
    return KernelBuilder::call(b, d, data.getElementType(), didx);
  });
  kb.pointwiseOutput("out", res);
  return success();
}

LogicalResult kiln::lowerGatherND(kernel::GatherNDOp op, KernelBuilder &kb) {
  auto data = tt(op.getData()), ind = tt(op.getIndices()), res = tt(op.getResult());
  int64_t bd = op.getBatchDims(), ir = ind.getRank(), last = ind.getShape().back();
  std::string d = kb.input(op.getData()), i = kb.input(op.getIndices());
  kb.func("out", res.getRank(), res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx o) {
    // out index = indices' leading dims (ir-1 of them), then the data's trailing dims.
    SmallVector<Value> didx(o.begin(), o.begin() + bd);
    for (int64_t j = 0; j < last; ++j) {
      SmallVector<Value> iidx(o.begin(), o.begin() + ir - 1);
      iidx.push_back(KernelBuilder::i32(b, j));
      Value id = KernelBuilder::call(b, i, ind.getElementType(), iidx);
      didx.push_back(KernelBuilder::index(b, id, data.getDimSize(bd + j)));
    }
    didx.append(o.begin() + ir - 1, o.end());
    return KernelBuilder::call(b, d, data.getElementType(), didx);
  });
  kb.pointwiseOutput("out", res);
  return success();
}

LogicalResult kiln::lowerConcat(kernel::ConcatOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  int64_t axis = op.getAxis();
  SmallVector<std::string> names;
  for (Value v : op.getInputs())
    names.push_back(kb.input(v));
  kb.func("out", res.getRank(), res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx o) {
    Location l = b.getUnknownLoc();
    Value result;
    // The offset stays a constant while the sizes before it are static.
    int64_t offset = 0;
    Value symOffset;
    auto offsetValue = [&] { return symOffset ? symOffset : KernelBuilder::i32(b, offset); };
    for (auto [k, v] : llvm::enumerate(op.getInputs())) {
      auto t = tt(v);
      SmallVector<Value> idx(o.begin(), o.end());
      Value local = b.create<arith::SubIOp>(l, o[axis], offsetValue());
      Value last = t.isDynamicDim(axis)
                       ? b.create<arith::SubIOp>(l, KernelBuilder::dimSize(b, t, axis), KernelBuilder::i32(b, 1))
                             .getResult()
                       : KernelBuilder::i32(b, t.getDimSize(axis) - 1);
      idx[axis] = b.create<arith::MinSIOp>(l, b.create<arith::MaxSIOp>(l, local, KernelBuilder::i32(b, 0)), last);
      Value val = KernelBuilder::call(b, names[k], res.getElementType(), idx);
      // A symbolic part may be empty (a KV cache's past on the first call):
      // its read, clamped to [0, -1] then, must never run, and must not count
      // for Halide's bounds check while the extent is 0.
      if (t.isDynamicDim(axis)) {
        Value nonEmpty = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sgt, KernelBuilder::dimSize(b, t, axis),
                                                 KernelBuilder::i32(b, 0));
        val = b.create<halide::IfThenElseOp>(l, val.getType(), nonEmpty, val,
                                             KernelBuilder::constant(b, val.getType(), 0));
      }
      if (!result) {
        result = val;
      } else {
        Value here = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, o[axis], offsetValue());
        result = b.create<arith::SelectOp>(l, here, val, result);
      }
      if (!symOffset && !t.isDynamicDim(axis))
        offset += t.getDimSize(axis);
      else
        symOffset = b.create<arith::AddIOp>(l, offsetValue(), KernelBuilder::dimSize(b, t, axis));
    }
    return result;
  });
  kb.pointwiseOutput("out", res);
  return success();
}
