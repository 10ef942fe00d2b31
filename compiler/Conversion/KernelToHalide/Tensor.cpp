//===- Tensor.cpp - pad, trilu, scatter_nd to halide.kernels -===//
//
// Pad and Trilu are pointwise funcs that look at the output index. Every
// input read is clamped into range: Halide evaluates both sides of a select
// and its bounds inference must stay inside each input (as in Concat).
// ScatterND is written in gather form, since halide.update can only combine
// into the point it is defined at: with a reduction, out(p) = data(p)
// combined with select(indices[r] == p, updates[r], identity) over every
// update r; without one, which(p) = the last r whose index is p (a max
// reduction), then out(p) = which(p) >= 0 ? updates[which(p)] : data(p).
// Both take O(|out prefix| x updates) compares.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Utils/Shape.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

LogicalResult kiln::lowerPad(kernel::PadOp op, KernelBuilder &kb) {
  auto in = tt(op.getInput()), res = tt(op.getResult());
  Type et = in.getElementType();
  int64_t rank = in.getRank();
  kernel::PadMode mode = op.getMode();
  SmallVector<int64_t> begin;
  for (int64_t d = 0; d < rank; ++d)
    begin.push_back(cast<IntegerAttr>(op.getPads()[d]).getInt());
  std::string x = kb.input(op.getInput()), value = kb.input(op.getValue());
  kb.func("out", rank, et, [&](OpBuilder &b, KernelBuilder::Idx o) -> Value {
    Location l = b.getUnknownLoc();
    using P = arith::CmpIPredicate;
    SmallVector<Value> idx;
    Value inside = b.create<arith::ConstantOp>(l, b.getBoolAttr(true));
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = in.getDimSize(d);
      if (in.getDimSize(d) == res.getDimSize(d) && begin[d] == 0) {
        idx.push_back(o[d]); // not padded
        continue;
      }
      Value i = b.create<arith::SubIOp>(l, o[d], KernelBuilder::i32(b, begin[d]));
      Value zero = KernelBuilder::i32(b, 0), n = KernelBuilder::i32(b, size);
      if (mode == kernel::PadMode::Constant) {
        Value ok = b.create<arith::AndIOp>(l, b.create<arith::CmpIOp>(l, P::sge, i, zero),
                                           b.create<arith::CmpIOp>(l, P::slt, i, n));
        inside = b.create<arith::AndIOp>(l, inside, ok);
      } else if (mode == kernel::PadMode::Reflect) {
        // -i before the start, 2(n-1) - i past the end (pads < n).
        Value below = b.create<arith::CmpIOp>(l, P::slt, i, zero);
        Value above = b.create<arith::CmpIOp>(l, P::sge, i, n);
        Value fromEnd = b.create<arith::SubIOp>(l, KernelBuilder::i32(b, 2 * (size - 1)), i);
        i = b.create<arith::SelectOp>(l, above, fromEnd, i);
        i = b.create<arith::SelectOp>(l, below, b.create<arith::SubIOp>(l, zero, i), i);
      } else if (mode == kernel::PadMode::Wrap) {
        Value r = b.create<arith::RemSIOp>(l, i, n);
        i = b.create<arith::RemSIOp>(l, b.create<arith::AddIOp>(l, r, n), n);
      }
      idx.push_back(KernelBuilder::clampToSize(b, i, size)); // edge: the clamp is the mode
    }
    Value v = KernelBuilder::call(b, x, et, idx);
    if (mode != kernel::PadMode::Constant)
      return v;
    return b.create<arith::SelectOp>(l, inside, v, KernelBuilder::call(b, value, et, {}));
  });
  kb.pointwiseOutput("out", res);
  return success();
}

LogicalResult kiln::lowerTrilu(kernel::TriluOp op, KernelBuilder &kb) {
  auto type = tt(op.getInput());
  Type et = type.getElementType();
  int64_t rank = type.getRank();
  bool upper = op.getUpper();
  std::string x = kb.input(op.getInput()), kName = kb.input(op.getK());
  kb.func("out", rank, et, [&](OpBuilder &b, KernelBuilder::Idx o) -> Value {
    Location l = b.getUnknownLoc();
    // k clamped to +-2^30 (beyond any dim) so that it fits the i32 indices.
    Type i64 = b.getI64Type();
    Value k = KernelBuilder::call(b, kName, i64, {});
    k = b.create<arith::MaxSIOp>(l, k, b.create<arith::ConstantOp>(l, b.getI64IntegerAttr(-(1 << 30))));
    k = b.create<arith::MinSIOp>(l, k, b.create<arith::ConstantOp>(l, b.getI64IntegerAttr(1 << 30)));
    k = b.create<arith::TruncIOp>(l, b.getI32Type(), k);
    // Keep (i, j) when j - i >= k (upper) or j - i <= k (lower).
    Value diff = b.create<arith::SubIOp>(l, o[rank - 1], o[rank - 2]);
    Value keep = b.create<arith::CmpIOp>(l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
                                         diff, k);
    return b.create<arith::SelectOp>(l, keep, KernelBuilder::call(b, x, et, o), typedConstant(b, et, 0));
  });
  kb.pointwiseOutput("out", type);
  return success();
}

LogicalResult kiln::lowerScatterND(kernel::ScatterNDOp op, KernelBuilder &kb) {
  auto data = tt(op.getData()), ind = tt(op.getIndices());
  Type et = data.getElementType(), it = ind.getElementType(), i32 = IntegerType::get(op.getContext(), 32);
  int64_t rank = data.getRank(), k = ind.getShape().back();
  // The update index space: the indices' leading dims (one point if none).
  SmallVector<int64_t> space(ind.getShape().drop_back());
  bool scalarIndex = space.empty();
  if (scalarIndex)
    space.push_back(1);
  std::string d = kb.input(op.getData()), i = kb.input(op.getIndices()), u = kb.input(op.getUpdates());

  // Does update r (a point of `space`) go to output prefix p?
  auto matches = [&](OpBuilder &b, KernelBuilder::Idx p, KernelBuilder::Idx r) -> Value {
    Location l = b.getUnknownLoc();
    Value all = b.create<arith::ConstantOp>(l, b.getBoolAttr(true));
    for (int64_t j = 0; j < k; ++j) {
      SmallVector<Value> ii = scalarIndex ? SmallVector<Value>{} : SmallVector<Value>(r.begin(), r.end());
      ii.push_back(KernelBuilder::i32(b, j));
      Value id = KernelBuilder::index(b, KernelBuilder::call(b, i, it, ii), data.getDimSize(j));
      all = b.create<arith::AndIOp>(l, all, b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, id, p[j]));
    }
    return all;
  };
  // updates[r, suffix of p]
  auto update = [&](OpBuilder &b, KernelBuilder::Idx r, KernelBuilder::Idx p) -> Value {
    SmallVector<Value> ui = scalarIndex ? SmallVector<Value>{} : SmallVector<Value>(r.begin(), r.end());
    ui.append(p.begin() + k, p.end());
    return KernelBuilder::call(b, u, et, ui);
  };

  if (op.getReduction() != kernel::ScatterReduction::None) {
    Type acc = accumulatorType(et);
    using R = kernel::ScatterReduction;
    R red = op.getReduction();
    halide::Combine combine = red == R::Mul   ? halide::Combine::Mul
                              : red == R::Max ? halide::Combine::Max
                              : red == R::Min ? halide::Combine::Min
                                              : halide::Combine::Add;
    double identity = combineIdentity(combine, acc);
    kb.func("acc", rank, acc, [&](OpBuilder &b, KernelBuilder::Idx p) {
      return widen(b, KernelBuilder::call(b, d, et, p), acc);
    });
    kb.update("acc", rank, space, combine, acc, [&](OpBuilder &b, KernelBuilder::Idx p, KernelBuilder::Idx r) -> Value {
      return b.create<arith::SelectOp>(b.getUnknownLoc(), matches(b, p, r), widen(b, update(b, r, p), acc),
                                       typedConstant(b, acc, identity));
    });
    scheduleRootWithUpdate(kb, "acc", data.getShape());
    kb.func("out", rank, et, [&](OpBuilder &b, KernelBuilder::Idx p) {
      return narrow(b, KernelBuilder::call(b, "acc", acc, p), et);
    });
    kb.pointwiseOutput("out", data);
    return success();
  }

  // which(prefix): the row-major position in `space` of the last update to
  // that prefix, or -1.
  SmallVector<int64_t> prefix(data.getShape().take_front(k));
  kb.func("which", k, i32, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::i32(b, -1); });
  kb.update("which", k, space, halide::Combine::Max, i32, [&](OpBuilder &b, KernelBuilder::Idx p, KernelBuilder::Idx r) -> Value {
    Location l = b.getUnknownLoc();
    Value lin = KernelBuilder::i32(b, 0);
    for (size_t t = 0; t < space.size(); ++t)
      lin = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, lin, KernelBuilder::i32(b, space[t])), r[t]);
    return b.create<arith::SelectOp>(l, matches(b, p, r), lin, KernelBuilder::i32(b, -1));
  });
  scheduleRootWithUpdate(kb, "which", prefix);
  kb.func("out", rank, et, [&](OpBuilder &b, KernelBuilder::Idx p) -> Value {
    Location l = b.getUnknownLoc();
    Value w = KernelBuilder::call(b, "which", i32, p.take_front(k));
    Value hit = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, w, KernelBuilder::i32(b, 0));
    // Delinearize w into `space` (clamped, so that the read stays in bounds).
    SmallVector<Value> r(space.size());
    int64_t stride = 1;
    for (int64_t t = space.size() - 1; t >= 0; --t) {
      Value v = b.create<arith::DivSIOp>(l, KernelBuilder::clampToSize(b, w, numElements(space)), KernelBuilder::i32(b, stride));
      r[t] = KernelBuilder::clampToSize(b, b.create<arith::RemSIOp>(l, v, KernelBuilder::i32(b, space[t])), space[t]);
      stride *= space[t];
    }
    return b.create<arith::SelectOp>(l, hit, update(b, r, p), KernelBuilder::call(b, d, et, p));
  });
  kb.pointwiseOutput("out", data);
  return success();
}
