//===- LiftIntegerMatMul.cpp - Decomposed integer matmuls to kernel.qmatmul -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before fusion. The
// importer writes MatMulInteger and QLinearMatMul (and DynamicQuantizeLinear
// feeding them) as an exact i32 decomposition: kernel.matmul of
// (i32(a) - a_zero) by a folded i32 constant (b - b_zero), whose product only
// a Cast to float reads. Leaves: each such matmul, where the constant fits s8,
// as a kernel.qmatmul with unit scales; its f32 result replaces the Casts. The
// value is the same integer, rounded to f32 once, so nothing changes but the
// speed. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#define DEBUG_TYPE "kiln-lift-integer-matmul"

namespace kiln {
#define GEN_PASS_DEF_LIFTINTEGERMATMUL
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The ops of a kernel.elementwise's body before its yield, when it has one
/// input and reads it with the result's own indices.
std::optional<SmallVector<Operation *>> unaryBody(kernel::ElementwiseOp ew) {
  if (!ew || ew.getInputs().size() != 1 || tt(ew.getInputs()[0]).getShape() != tt(ew.getResult()).getShape())
    return std::nullopt;
  auto maps = ew.getMaps().getAsValueRange<AffineMapAttr>();
  if (!(*maps.begin()).isIdentity())
    return std::nullopt;
  SmallVector<Operation *> ops;
  for (Operation &op : ew.getBody().front().without_terminator())
    ops.push_back(&op);
  return ops;
}

/// The u8 or s8 tensor `v` widens to i32 (an elementwise of only an
/// extension), or null.
Value widenedFrom(Value v) {
  auto ew = v.getDefiningOp<kernel::ElementwiseOp>();
  auto ops = unaryBody(ew);
  if (!ops || !tt(v).getElementType().isSignlessInteger(32))
    return {};
  return eightBitOperand<arith::ExtUIOp, arith::ExtSIOp>(ew, *ops);
}

/// The activation side: q (u8 or s8) and its zero point (i32, [] or a row
/// vector of A's rank; null for none), from widen(q) or widen(q) - zero.
struct Activation {
  Value q, zero;
  int64_t zeroConstant = 0; // when `zero` is null
};

std::optional<Activation> matchActivation(Value a) {
  if (Value q = widenedFrom(a))
    return Activation{q, {}};
  auto ew = a.getDefiningOp<kernel::ElementwiseOp>();
  if (!ew)
    return std::nullopt;
  Block &body = ew.getBody().front();
  // A constant zero point is folded into the body: widen(q) - c.
  if (auto ops = unaryBody(ew); ops && ops->size() == 2) {
    auto c = dyn_cast<arith::ConstantOp>((*ops)[0]);
    auto sub = dyn_cast<arith::SubIOp>((*ops)[1]);
    Value q = widenedFrom(ew.getInputs()[0]);
    if (!c || !sub || !q || sub.getLhs() != body.getArgument(0) || sub.getRhs() != c.getResult() ||
        !isa<IntegerAttr>(c.getValue()))
      return std::nullopt;
    return Activation{q, {}, cast<IntegerAttr>(c.getValue()).getInt()};
  }
  if (ew.getInputs().size() != 2)
    return std::nullopt;
  auto sub = dyn_cast<arith::SubIOp>(body.front());
  if (!sub || &body.front() != body.getTerminator()->getPrevNode() || sub.getLhs() != body.getArgument(0) ||
      sub.getRhs() != body.getArgument(1))
    return std::nullopt;
  auto maps = ew.getMaps().getAsValueRange<AffineMapAttr>();
  SmallVector<AffineMap> m(maps.begin(), maps.end());
  Value x = ew.getInputs()[0], z = ew.getInputs()[1];
  auto xt = tt(x), zt = tt(z);
  Value q = widenedFrom(x);
  if (!q || !m[0].isIdentity() || xt.getShape() != tt(a).getShape())
    return std::nullopt;
  // The zero point: a scalar, or one per row ([..., M, 1] read at (..., m, 0)).
  if (zt.getRank() == 0)
    return Activation{q, z};
  SmallVector<int64_t> row(xt.getShape());
  row.back() = 1;
  if (zt.getShape() != ArrayRef<int64_t>(row))
    return std::nullopt;
  SmallVector<AffineExpr> want(m[0].getResults().drop_back());
  want.push_back(getAffineConstantExpr(0, a.getContext()));
  if (m[1] != AffineMap::get(m[0].getNumDims(), 0, want, a.getContext()))
    return std::nullopt;
  return Activation{q, z};
}

/// The constant B as row-major [K, N] integers, and the constant it was read
/// from: an i32 constant (the importer folds b - b_zero when it is small), or
/// the widening of an i8/ui8 constant less a zero point (a constant in the
/// body, or a scalar or per-column [N] constant tensor).
struct ConstantB {
  std::vector<int64_t> w;
  graph::ConstantOp source;
};

std::optional<ConstantB> constantB(Value b, bool trans) {
  Value src = b;
  std::vector<int64_t> zero{0}; // one value, or one per column
  auto ew = b.getDefiningOp<kernel::ElementwiseOp>();
  if (ew && !widenedFrom(b)) {
    Block &body = ew.getBody().front();
    auto ops = unaryBody(ew);
    if (ops && ops->size() == 2) {
      auto c = dyn_cast<arith::ConstantOp>((*ops)[0]);
      auto sub = dyn_cast<arith::SubIOp>((*ops)[1]);
      if (!c || !sub || !isa<IntegerAttr>(c.getValue()) || sub.getLhs() != body.getArgument(0) ||
          sub.getRhs() != c.getResult())
        return std::nullopt;
      zero = {cast<IntegerAttr>(c.getValue()).getInt()};
    } else if (ew.getInputs().size() == 2 && isa<arith::SubIOp>(body.front()) &&
               body.front().getOperand(0) == body.getArgument(0) && body.front().getOperand(1) == body.getArgument(1) &&
               body.front().getNextNode() == body.getTerminator()) {
      auto zc = ew.getInputs()[1].getDefiningOp<graph::ConstantOp>();
      auto zt = tt(ew.getInputs()[1]);
      int64_t N = tt(b).getShape().back();
      if (!zc || trans || !zt.getElementType().isSignlessInteger(32) ||
          !(zt.getRank() == 0 || (zt.getRank() == 1 && zt.getDimSize(0) == N)))
        return std::nullopt;
      auto maps = ew.getMaps().getAsValueRange<AffineMapAttr>();
      AffineMap zm = *std::next(maps.begin());
      if (zt.getRank() == 1 && zm != AffineMap::get(2, 0, getAffineDimExpr(1, b.getContext())))
        return std::nullopt;
      std::vector<char> zb = constantBytes(zc.getValue());
      const int32_t *zp = reinterpret_cast<const int32_t *>(zb.data());
      zero.assign(zp, zp + zb.size() / 4);
    } else {
      return std::nullopt;
    }
    if (!(*ew.getMaps().getAsValueRange<AffineMapAttr>().begin()).isIdentity())
      return std::nullopt;
    src = ew.getInputs()[0];
  }
  if (Value w = widenedFrom(src))
    src = w;
  auto c = src.getDefiningOp<graph::ConstantOp>();
  auto t = tt(src);
  if (!c || t.getRank() != 2)
    return std::nullopt;
  int64_t R = t.getDimSize(0), C = t.getDimSize(1), K = trans ? C : R, N = trans ? R : C;
  std::vector<char> bytes = constantBytes(c.getValue());
  Type et = t.getElementType();
  auto at = [&](int64_t i) -> int64_t {
    if (et.isSignlessInteger(32))
      return reinterpret_cast<const int32_t *>(bytes.data())[i];
    if (et.isUnsignedInteger(8))
      return reinterpret_cast<const uint8_t *>(bytes.data())[i];
    return reinterpret_cast<const int8_t *>(bytes.data())[i];
  };
  if (!(et.isSignlessInteger(32) || et.isInteger(8)) ||
      (int64_t)bytes.size() != R * C * (et.getIntOrFloatBitWidth() / 8) ||
      (zero.size() != 1 && (int64_t)zero.size() != N))
    return std::nullopt;
  ConstantB r{std::vector<int64_t>(K * N), c};
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      r.w[k * N + n] = at(trans ? n * C + k : k * C + n) - zero[zero.size() == 1 ? 0 : n];
  return r;
}

/// The users of `r`, when every one is an elementwise that only converts it
/// to f32 (the importer's Cast).
std::optional<SmallVector<kernel::ElementwiseOp>> floatCasts(Value r) {
  SmallVector<kernel::ElementwiseOp> casts;
  for (Operation *u : r.getUsers()) {
    auto ew = dyn_cast<kernel::ElementwiseOp>(u);
    auto ops = unaryBody(ew);
    if (!ops || ops->size() != 1 || !isa<arith::SIToFPOp>((*ops)[0]) ||
        !tt(ew.getResult()).getElementType().isF32())
      return std::nullopt;
    casts.push_back(ew);
  }
  if (casts.empty())
    return std::nullopt;
  return casts;
}

struct LiftIntegerMatMulPass : kiln::impl::LiftIntegerMatMulBase<LiftIntegerMatMulPass> {
  void runOnOperation() override {
    SmallVector<kernel::MatMulOp> work;
    getOperation().walk([&](kernel::MatMulOp op) { work.push_back(op); });
    for (kernel::MatMulOp op : work)
      lift(op);
  }

  void lift(kernel::MatMulOp op) {
    auto r = tt(op.getResult());
    if (!r.getElementType().isSignlessInteger(32) || op.hasEpilogue() || op.getBias() || op.getBPanel() ||
        !op.getAlpha().isExactlyValue(1.0) || !tt(op.getLhs()).hasStaticShape() || tt(op.getLhs()).getRank() < 2)
      return;
    std::optional<Activation> act = matchActivation(op.getLhs());
    std::optional<ConstantB> w = act ? constantB(op.getRhs(), op.getTransB()) : std::nullopt;
    std::optional<SmallVector<kernel::ElementwiseOp>> casts = w ? floatCasts(op.getResult()) : std::nullopt;
    if (!casts || !llvm::all_of(w->w, [](int64_t v) { return v >= -128 && v <= 127; }))
      return;
    int64_t K = tt(op.getLhs()).getShape().back(), N = r.getShape().back();
    MLIRContext *ctx = &getContext();
    Type i32 = IntegerType::get(ctx, 32), f32 = Float32Type::get(ctx);
    Location loc = op.getLoc();
    OpBuilder b(op);
    std::vector<int8_t> q8(w->w.begin(), w->w.end());
    auto [bq, bsum] = s8WeightConstants(b, loc, q8, K, N, constantKey(w->source));
    Value one = b.create<graph::ConstantOp>(loc, RankedTensorType::get({}, f32),
                                            DenseElementsAttr::get(RankedTensorType::get({}, f32), 1.0f));
    Value q = act->q, zero = act->zero;
    if (!zero)
      zero = b.create<graph::ConstantOp>(loc, RankedTensorType::get({}, i32),
                                         DenseElementsAttr::get(RankedTensorType::get({}, i32), int32_t(act->zeroConstant)));
    if (tt(q).getElementType().isSignlessInteger(8)) {
      q = flipToUnsigned(b, loc, q);
      auto zt = tt(zero);
      AffineMap zid = AffineMap::getMultiDimIdentityMap(zt.getRank(), ctx);
      zero = buildElementwise(b, loc, zt, {zero}, {zid}, [&](OpBuilder &bb, ValueRange a) {
        return bb.create<arith::AddIOp>(loc, a[0], bb.create<arith::ConstantIntOp>(loc, 128, 32)).getResult();
      });
    }
    // a_scale has a_zero's shape (the verifier keeps them both per tensor or both per row).
    auto zs = RankedTensorType::get(tt(zero).getShape(), f32);
    Value aOne = zs.getRank() == 0 ? one : b.create<graph::ConstantOp>(loc, zs, DenseElementsAttr::get(zs, 1.0f));
    auto qm = b.create<kernel::QMatMulOp>(loc, RankedTensorType::get(r.getShape(), f32), q, bq, aOne, zero, one,
                                          bsum, Value(), Value(), Value(), ValueRange(), IntegerAttr(), ArrayAttr(),
                                          FloatAttr());
    for (kernel::ElementwiseOp c : *casts) {
      c.getResult().replaceAllUsesWith(qm.getResult());
      c.erase();
    }
    Value lhs = op.getLhs(), rhs = op.getRhs();
    op.erase();
    // The decomposition's now-dead producers (the widenings, the subtraction, the i32 constant).
    for (Value v : {lhs, rhs})
      eraseDeadChain(v);
  }
};

} // namespace
