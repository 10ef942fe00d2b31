//===- QuantizeInt8Dynamic.cpp - Weight matmuls to kernel.qmatmul -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before fusion (a matmul
// with no epilogue yet). Leaves: every kernel.matmul with a 2-D f32 constant
// B (not skipped) as per-row activation quantization (two row reductions and
// three small elementwise ops) feeding a kernel.qmatmul with a per-column
// symmetric int8 weight. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#define DEBUG_TYPE "kiln-quantize-int8-dynamic"

namespace kiln {
#define GEN_PASS_DEF_QUANTIZEINT8DYNAMIC
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Per-row DynamicQuantizeLinear of x [..., M, K]: (q u8, scale [..., M, 1], zero i32 [..., M, 1]).
std::tuple<Value, Value, Value> quantizeRows(OpBuilder &b, Location loc, Value x) {
  MLIRContext *ctx = b.getContext();
  auto xt = tt(x);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> rowShape(xt.getShape());
  rowShape.back() = 1;
  Type f32 = Float32Type::get(ctx), i32 = IntegerType::get(ctx, 32);
  auto rowF = RankedTensorType::get(rowShape, f32), rowI = RankedTensorType::get(rowShape, i32);
  auto reduce = [&](kernel::ReduceKind kind) {
    return b.create<kernel::ReduceOp>(loc, rowF, x, kernel::ReduceKindAttr::get(ctx, kind),
                                      b.getI64ArrayAttr({rank - 1}), b.getBoolAttr(true))
        .getResult();
  };
  Value mn = reduce(kernel::ReduceKind::Min), mx = reduce(kernel::ReduceKind::Max);
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<AffineExpr> rowExprs(id.getResults().drop_back());
  rowExprs.push_back(getAffineConstantExpr(0, ctx));
  AffineMap row = AffineMap::get(rank, 0, rowExprs, ctx);

  Value scale = buildElementwise(b, loc, rowF, {mn, mx}, {id, id}, [&](OpBuilder &bb, ValueRange a) {
    ScalarBuilder s{bb, loc};
    Value range = bb.create<arith::SubFOp>(loc, s.max(a[1], s.f(0)), s.min(a[0], s.f(0)));
    return s.div(range, s.f(255));
  });
  Value zero = buildElementwise(b, loc, rowI, {mn, scale}, {id, id}, [&](OpBuilder &bb, ValueRange a) {
    ScalarBuilder s{bb, loc};
    Value neg = bb.create<arith::NegFOp>(loc, s.min(a[0], s.f(0)));
    Value z = s.clamp(s.round(s.div(neg, a[1])), 0, 255);
    z = bb.create<arith::SelectOp>(loc, s.isZero(a[1]), s.f(0), z);
    return bb.create<arith::FPToSIOp>(loc, i32, z).getResult();
  });
  // x times the reciprocal, once per row: a division per element (kept exact
  // where a rounding reads it) cost 8% of int8 BERT. The scheme is Kiln's, so
  // its rule is round(x * (1 / scale)), with a zero scale (an all-zero row)
  // quantizing to the zero point.
  Value inv = buildElementwise(b, loc, rowF, {scale}, {id}, [&](OpBuilder &bb, ValueRange a) {
    ScalarBuilder s{bb, loc};
    return bb.create<arith::SelectOp>(loc, s.isZero(a[0]), s.f(0), s.div(s.f(1), a[0])).getResult();
  });
  auto qType = RankedTensorType::get(xt.getShape(), IntegerType::get(ctx, 8, IntegerType::Unsigned));
  Value q = buildElementwise(b, loc, qType, {x, inv, zero}, {id, row, row}, [&](OpBuilder &bb, ValueRange a) {
    ScalarBuilder s{bb, loc};
    Value v = s.round(bb.create<arith::MulFOp>(loc, a[0], a[1]));
    v = s.clamp(bb.create<arith::AddFOp>(loc, v, bb.create<arith::SIToFPOp>(loc, f32, a[2])), 0, 255);
    return s.toU8(v);
  });
  return {q, scale, zero};
}

struct QuantizeInt8DynamicPass : kiln::impl::QuantizeInt8DynamicBase<QuantizeInt8DynamicPass> {
  using QuantizeInt8DynamicBase::QuantizeInt8DynamicBase;

  void runOnOperation() override {
    for (kernel::MatMulOp op : int8WeightMatMuls(getOperation(), skip, "int8-dynamic")) {
      OpBuilder b(op);
      auto [q, scale, zero] = quantizeRows(b, op.getLoc(), op.getLhs());
      replaceWithQMatMul(op, q, scale, zero);
    }
  }
};

} // namespace
