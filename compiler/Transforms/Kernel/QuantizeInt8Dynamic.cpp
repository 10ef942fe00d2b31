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
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

#define DEBUG_TYPE "kiln-quantize-int8-dynamic"

namespace kiln {
#define GEN_PASS_DEF_QUANTIZEINT8DYNAMIC
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The weight quantized per column: q [K, N] s8, scales [N] (times alpha),
/// column sums [N].
struct QuantizedWeight {
  Value q, scale, colsum;
};

QuantizedWeight quantizeWeight(OpBuilder &b, Location loc, graph::ConstantOp c, bool trans, float alpha) {
  auto wt = cast<RankedTensorType>(c.getType());
  int64_t K = trans ? wt.getDimSize(1) : wt.getDimSize(0), N = trans ? wt.getDimSize(0) : wt.getDimSize(1);
  std::vector<char> bytes = constantBytes(c.getValue());
  const float *w = reinterpret_cast<const float *>(bytes.data());
  auto at = [&](int64_t k, int64_t n) { return trans ? w[n * K + k] : w[k * N + n]; };
  std::vector<int8_t> q(K * N);
  std::vector<float> scale(N);
  std::vector<int32_t> colsum(N, 0);
  for (int64_t n = 0; n < N; ++n) {
    float amax = 0;
    for (int64_t k = 0; k < K; ++k)
      amax = std::max(amax, std::fabs(at(k, n)));
    float s = amax > 0 ? amax / 127.0f : 1.0f;
    for (int64_t k = 0; k < K; ++k) {
      float v = std::nearbyint(at(k, n) / s); // the default rounding mode: half to even
      int8_t qi = (int8_t)std::clamp(v, -127.0f, 127.0f);
      q[k * N + n] = qi;
      colsum[n] += qi;
    }
    scale[n] = s * alpha;
  }
  std::string name = constantKey(c);
  MLIRContext *ctx = b.getContext();
  return {resourceConstant<int8_t>(b, loc, {K, N}, IntegerType::get(ctx, 8), q, name + "_q8"),
          resourceConstant<float>(b, loc, {N}, Float32Type::get(ctx), scale, name + "_q8_scale"),
          resourceConstant<int32_t>(b, loc, {N}, IntegerType::get(ctx, 32), colsum, name + "_q8_colsum")};
}

struct Scalars {
  OpBuilder &b;
  Location l;
  Value f(double v) { return b.create<arith::ConstantOp>(l, b.getF32FloatAttr(v)); }
  Value min(Value x, Value y) { return b.create<arith::SelectOp>(l, lt(x, y), x, y); }
  Value max(Value x, Value y) { return b.create<arith::SelectOp>(l, lt(x, y), y, x); }
  Value lt(Value x, Value y) { return b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OLT, x, y); }
  Value isZero(Value x) { return b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, x, f(0)); }
  Value clamp(Value x, double lo, double hi) { return min(max(x, f(lo)), f(hi)); }
  Value round(Value x) { return b.create<math::RoundEvenOp>(l, x); }
  Value div(Value x, Value y) { return b.create<arith::DivFOp>(l, x, y); }
};

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
    Scalars s{bb, loc};
    Value range = bb.create<arith::SubFOp>(loc, s.max(a[1], s.f(0)), s.min(a[0], s.f(0)));
    return s.div(range, s.f(255));
  });
  Value zero = buildElementwise(b, loc, rowI, {mn, scale}, {id, id}, [&](OpBuilder &bb, ValueRange a) {
    Scalars s{bb, loc};
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
    Scalars s{bb, loc};
    return bb.create<arith::SelectOp>(loc, s.isZero(a[0]), s.f(0), s.div(s.f(1), a[0])).getResult();
  });
  auto qType = RankedTensorType::get(xt.getShape(), IntegerType::get(ctx, 8, IntegerType::Unsigned));
  Value q = buildElementwise(b, loc, qType, {x, inv, zero}, {id, row, row}, [&](OpBuilder &bb, ValueRange a) {
    Scalars s{bb, loc};
    Value v = s.round(bb.create<arith::MulFOp>(loc, a[0], a[1]));
    v = s.clamp(bb.create<arith::AddFOp>(loc, v, bb.create<arith::SIToFPOp>(loc, f32, a[2])), 0, 255);
    Value u = bb.create<arith::FPToUIOp>(loc, IntegerType::get(ctx, 8), v);
    return bb.create<UnrealizedConversionCastOp>(loc, qType.getElementType(), u).getResult(0);
  });
  return {q, scale, zero};
}

struct QuantizeInt8DynamicPass : kiln::impl::QuantizeInt8DynamicBase<QuantizeInt8DynamicPass> {
  using QuantizeInt8DynamicBase::QuantizeInt8DynamicBase;

  void runOnOperation() override {
    llvm::StringSet<> skipped;
    for (const std::string &s : skip)
      skipped.insert(s);
    SmallVector<kernel::MatMulOp> work;
    getOperation().walk([&](kernel::MatMulOp op) { work.push_back(op); });
    // Without an int8 dot product (AVX512-VNNI) the kernels fall back to
    // widening multiplies: BERT-base on AVX2 ran 1.5x slower than fp32.
    auto module = getOperation()->getParentOfType<ModuleOp>();
    halide::TargetAttr target = module ? halide::getTarget(module) : halide::TargetAttr();
    bool warned = !target || target.isCuda() || halide::hasInt8DotProduct(module);
    for (kernel::MatMulOp op : work) {
      if (!isWeightMatMul(op, skipped))
        continue;
      if (!warned) {
        warned = true;
        getOperation().emitWarning("--quantize int8-dynamic: the target has no int8 dot product (AVX512-VNNI): "
                                   "its int8 kernels run slower than fp32 here (BERT-base on AVX2: 1.5x)");
      }
      auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
      auto r = tt(op.getResult());
      OpBuilder b(op);
      Location loc = op.getLoc();
      QuantizedWeight qw;
      {
        OpBuilder cb(c);
        qw = quantizeWeight(cb, c.getLoc(), c, op.getTransB(), op.getAlpha().convertToFloat());
      }
      auto [q, scale, zero] = quantizeRows(b, loc, op.getLhs());
      auto qm = b.create<kernel::QMatMulOp>(loc, r, q, qw.q, scale, zero, qw.scale, qw.colsum, op.getBias(),
                                            ValueRange(), IntegerAttr(), ArrayAttr());
      op.getResult().replaceAllUsesWith(qm.getResult());
      op.erase();
      if (c->use_empty())
        c.erase();
    }
  }
};

} // namespace
