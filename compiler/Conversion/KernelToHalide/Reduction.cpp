//===- Reduction.cpp - arg_reduce, scan, topk to halide.kernels -===//
//
// None of these needs more than the halide dialect's pure definitions and
// commutative updates:
//   - arg_reduce: the max (min) along the axis, then the first (last) index
//     holding it, as a min (max) reduction of select(x == best, r, sentinel).
//   - scan: out(i) = sum over r of select(r <= i, x(r), 0) (r < i when
//     exclusive, >= / > when reversed). O(n^2) along the axis: fine for the
//     position ids and masks models scan over; a log-step scan is for later.
//   - topk: rank(j) = #{i: x(i) before x(j)} (larger first, or smaller, ties
//     by index), then out(p) = the r whose rank is p, as a sum of
//     select(rank(r) == p, r, 0). O(n^2) along the axis as well.
// Intermediates are computed at root; the output is a pointwise func.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// `a` before `b` in the order `largest` (descending) or ascending.
static Value ordered(OpBuilder &b, Value x, Value y, bool descending) {
  Location l = b.getUnknownLoc();
  if (isa<FloatType>(x.getType()))
    return b.create<arith::CmpFOp>(l, descending ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
                                   x, y);
  return b.create<arith::CmpIOp>(l, descending ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt, x,
                                 y);
}

static Value equal(OpBuilder &b, Value x, Value y) {
  Location l = b.getUnknownLoc();
  if (isa<FloatType>(x.getType()))
    return b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, x, y);
  return b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, x, y);
}

/// `idx` with its entry `axis` replaced by `v`.
static SmallVector<Value> with(KernelBuilder::Idx idx, int64_t axis, Value v) {
  SmallVector<Value> r(idx.begin(), idx.end());
  r[axis] = v;
  return r;
}

LogicalResult kiln::lowerArgReduce(kernel::ArgReduceOp op, KernelBuilder &kb) {
  auto in = tt(op.getInput()), res = tt(op.getResult());
  Type et = in.getElementType(), acc = accumulatorType(et), i32 = IntegerType::get(op.getContext(), 32);
  int64_t axis = op.getAxis(), n = in.getDimSize(axis);
  SmallVector<bool> reduced(in.getRank(), false);
  reduced[axis] = true;
  bool last = op.getSelectLastIndex();
  std::string x = kb.input(op.getInput());
  auto read = [&](OpBuilder &b, KernelBuilder::Idx i) {
    return widen(b, KernelBuilder::call(b, x, et, i), acc);
  };
  halide::Combine best = op.getKind() == kernel::ArgReduceKind::Max ? halide::Combine::Max : halide::Combine::Min;
  buildReduction(kb, "best", in, reduced, best, acc, combineIdentity(best, acc), read);
  // The first index holding the best value is a min over select(hit, r, n);
  // the last a max over select(hit, r, -1).
  buildReduction(kb, "where", in, reduced, last ? halide::Combine::Max : halide::Combine::Min, i32, last ? -1 : n,
                 [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
                   Value hit = equal(b, read(b, i), KernelBuilder::call(b, "best", acc, kept(i, reduced)));
                   return b.create<arith::SelectOp>(b.getUnknownLoc(), hit, i[axis],
                                                    KernelBuilder::i32(b, last ? -1 : n));
                 });
  kb.func("out", res.getRank(), res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    SmallVector<Value> idx = op.getKeepdims() ? kept(d, reduced) : SmallVector<Value>(d.begin(), d.end());
    Value w = KernelBuilder::call(b, "where", i32, idx);
    return b.create<arith::ExtSIOp>(b.getUnknownLoc(), res.getElementType(), w);
  });
  kb.pointwiseOutput("out", res);
  return success();
}

LogicalResult kiln::lowerScan(kernel::ScanOp op, KernelBuilder &kb) {
  auto type = tt(op.getInput());
  Type et = type.getElementType(), acc = accumulatorType(et);
  int64_t axis = op.getAxis(), rank = type.getRank();
  bool exclusive = op.getExclusive(), reverse = op.getReverse();
  std::string x = kb.input(op.getInput());
  kb.func("sum", rank, acc, [&](OpBuilder &b, KernelBuilder::Idx) { return typedConstant(b, acc, 0); });
  kb.update("sum", rank, {type.getDimSize(axis)}, halide::Combine::Add, acc,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) -> Value {
              Location l = b.getUnknownLoc();
              using P = arith::CmpIPredicate;
              P pred = reverse ? (exclusive ? P::sgt : P::sge) : (exclusive ? P::slt : P::sle);
              Value in = b.create<arith::CmpIOp>(l, pred, r[0], d[axis]);
              Value v = widen(b, KernelBuilder::call(b, x, et, with(d, axis, r[0])), acc);
              return b.create<arith::SelectOp>(l, in, v, typedConstant(b, acc, 0));
            });
  scheduleRootWithUpdate(kb, "sum", type.getShape());
  kb.func("out", rank, et, [&](OpBuilder &b, KernelBuilder::Idx d) {
    return narrow(b, KernelBuilder::call(b, "sum", acc, d), et);
  });
  kb.pointwiseOutput("out", type);
  return success();
}

LogicalResult kiln::lowerTopK(kernel::TopKOp op, KernelBuilder &kb) {
  auto in = tt(op.getInput()), res = tt(op.getResult());
  Type et = in.getElementType(), acc = accumulatorType(et), i32 = IntegerType::get(op.getContext(), 32);
  int64_t axis = op.getAxis(), rank = in.getRank(), n = in.getDimSize(axis);
  bool largest = op.getLargest();
  std::string x = kb.input(op.getInput());
  auto read = [&](OpBuilder &b, KernelBuilder::Idx i) {
    return widen(b, KernelBuilder::call(b, x, et, i), acc);
  };
  // rank(j): how many elements come before element j of its row.
  kb.func("rank", rank, i32, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::i32(b, 0); });
  kb.update("rank", rank, {n}, halide::Combine::Add, i32,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) -> Value {
              Location l = b.getUnknownLoc();
              Value xr = read(b, with(d, axis, r[0])), xj = read(b, d);
              Value lower = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, r[0], d[axis]);
              Value before = b.create<arith::OrIOp>(
                  l, ordered(b, xr, xj, largest), b.create<arith::AndIOp>(l, equal(b, xr, xj), lower));
              return b.create<arith::SelectOp>(l, before, KernelBuilder::i32(b, 1), KernelBuilder::i32(b, 0));
            });
  scheduleRootWithUpdate(kb, "rank", in.getShape());
  // pos(p): the element of rank p (ranks are a permutation of 0..n-1).
  kb.func("pos", rank, i32, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::i32(b, 0); });
  kb.update("pos", rank, {n}, halide::Combine::Add, i32,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) -> Value {
              Location l = b.getUnknownLoc();
              Value rk = KernelBuilder::call(b, "rank", i32, with(d, axis, r[0]));
              Value hit = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, rk, d[axis]);
              return b.create<arith::SelectOp>(l, hit, r[0], KernelBuilder::i32(b, 0));
            });
  scheduleRootWithUpdate(kb, "pos", res.getShape());
  kb.func("out", rank, res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    return b.create<arith::ExtSIOp>(b.getUnknownLoc(), res.getElementType(),
                                    KernelBuilder::call(b, "pos", i32, d));
  });
  kb.pointwiseOutput("out", res);
  return success();
}
