//===- QuantizeInt8Outlier.cpp - LLM.int8(): int8 matmuls with f32 outlier columns -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before fusion. Leaves:
// each weight matmul y = x w as
//   colmax = max over rows of |x|          (kernel.reduce, per call)
//   mask   = colmax >= threshold           ([K] ui8: the outlier columns)
//   q      = per-row int8 of x with the outlier columns zeroed
//   y      = outlier_matmul(x, w16, mask, acc = qmatmul(q, wq))
// The zeroed columns quantize to each row's zero point exactly, so the int8
// product leaves them out; the outlier op adds them back, in f32 against the
// weight's f16 copy. Rows are scaled without their outliers: that is the
// precision LLM.int8() buys. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "dialects/Kernel/KernelOps.h"
#include "dialects/Utils/SymShape.h"

#include <cmath>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#define DEBUG_TYPE "kiln-quantize-int8-outlier"

namespace kiln {
#define GEN_PASS_DEF_QUANTIZEINT8OUTLIER
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// The weight [K, N] (alpha folded) for the outlier rows, in f16 (f32 when
/// a value is past f16's range). LLM.int8() multiplies the outlier columns
/// by 16-bit weights: their int8 rows, times activations ~100x the others,
/// would bring the error back (tests/e2e/data/quant_outlier: cosine 0.99852
/// with the int8 rows, 0.99997 with f16; int8-dynamic 0.99633).
Value outlierWeight(kernel::MatMulOp op) {
  auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
  auto wt = cast<RankedTensorType>(c.getType());
  bool trans = op.getTransB();
  float alpha = op.getAlpha().convertToFloat();
  int64_t K = trans ? wt.getDimSize(1) : wt.getDimSize(0), N = trans ? wt.getDimSize(0) : wt.getDimSize(1);
  std::vector<char> bytes = constantBytes(c.getValue());
  const float *w = reinterpret_cast<const float *>(bytes.data());
  std::vector<float> f(K * N);
  bool half = true;
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) {
      f[k * N + n] = (trans ? w[n * K + k] : w[k * N + n]) * alpha;
      half = half && std::fabs(f[k * N + n]) <= 65504.0f;
    }
  OpBuilder b(c);
  MLIRContext *ctx = b.getContext();
  std::string key = constantKey(c);
  if (!half)
    return resourceConstant<float>(b, c.getLoc(), {K, N}, Float32Type::get(ctx), f, key + "_outlier_f32");
  std::vector<uint16_t> h(K * N);
  for (size_t i = 0; i < f.size(); ++i)
    h[i] = toHalf(f[i]).value_or(std::signbit(f[i]) ? 0x8000 : 0); // under f16's range: a signed zero
  return resourceConstant<uint16_t>(b, c.getLoc(), {K, N}, Float16Type::get(ctx), h, key + "_outlier_f16");
}

struct QuantizeInt8OutlierPass : kiln::impl::QuantizeInt8OutlierBase<QuantizeInt8OutlierPass> {
  using QuantizeInt8OutlierBase::QuantizeInt8OutlierBase;

  void runOnOperation() override {
    if (!(threshold > 0)) {
      getOperation().emitError("kiln-quantize-int8-outlier: threshold must be > 0, got ") << threshold;
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    Type f32 = Float32Type::get(ctx), u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
    SmallVector<kernel::MatMulOp> work = int8WeightMatMuls(getOperation(), skip, "int8-outlier");
    // kernel.outlier_matmul has no symbolic lowering: refuse rather than
    // leave the build f32 or fail later in convert-kernel-to-halide.
    for (kernel::MatMulOp op : work)
      if (isSymbolic(op.getLhs().getType())) {
        op.emitError("--quantize int8-outlier with --symbolic-dims is not supported (kernel.outlier_matmul needs "
                     "static rows): pin the dims with --shape, or use int8-dynamic or w4");
        return signalPassFailure();
      }
    for (kernel::MatMulOp op : work) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value x = op.getLhs();
      auto xt = cast<RankedTensorType>(x.getType());
      int64_t rank = xt.getRank(), K = xt.getShape().back();
      AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
      AffineMap col = AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
      Value ax = buildElementwise(b, loc, xt, {x}, {id}, [&](OpBuilder &bb, ValueRange a) {
        return bb.create<math::AbsFOp>(loc, a[0]).getResult();
      });
      SmallVector<int64_t> rows;
      for (int64_t d = 0; d + 1 < rank; ++d)
        rows.push_back(d);
      auto kType = RankedTensorType::get({K}, f32);
      Value colmax = b.create<kernel::ReduceOp>(loc, kType, ax,
                                                kernel::ReduceKindAttr::get(ctx, kernel::ReduceKind::Max),
                                                b.getI64ArrayAttr(rows), b.getBoolAttr(false));
      AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
      Value mask = buildElementwise(b, loc, RankedTensorType::get({K}, u8), {colmax}, {id1},
                                    [&](OpBuilder &bb, ValueRange a) {
                                      ScalarBuilder s{bb, loc};
                                      Value big = bb.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, a[0],
                                                                           s.f(threshold));
                                      return s.toU8(bb.create<arith::SelectOp>(loc, big, s.f(1), s.f(0)));
                                    });
      Value inliers = buildElementwise(b, loc, xt, {x, mask}, {id, col}, [&](OpBuilder &bb, ValueRange a) {
        ScalarBuilder s{bb, loc};
        Value m = bb.create<UnrealizedConversionCastOp>(loc, bb.getIntegerType(8), a[1]).getResult(0);
        Value out = bb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, m,
                                             bb.create<arith::ConstantIntOp>(loc, 0, 8));
        return bb.create<arith::SelectOp>(loc, out, s.f(0), a[0]).getResult();
      });
      Value w16 = outlierWeight(op);
      auto [q, scale, zero] = quantizeRows(b, loc, inliers);
      auto [qm, qw] = replaceWithQMatMul(op, q, scale, zero);
      OpBuilder after(qm);
      after.setInsertionPointAfter(qm);
      auto y = after.create<kernel::OutlierMatMulOp>(loc, qm.getType(), x, w16, mask, qm.getResult());
      qm.getResult().replaceAllUsesExcept(y.getResult(), y);
    }
  }
};

} // namespace
