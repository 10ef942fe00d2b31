//===- QuantBuilders.cpp - Shared builders of the quantization passes -----===//
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Kernel/KernelOps.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>

using namespace mlir;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

RankedTensorType kiln::withElementType(RankedTensorType like, Type et) {
  return RankedTensorType::get(like.getShape(), et, like.getEncoding());
}

std::string kiln::nodeName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (std::string s = nodeName(l); !s.empty())
        return s;
  return "";
}

Value kiln::buildElementwise(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                             ArrayRef<AffineMap> maps, function_ref<Value(OpBuilder &, ValueRange)> body) {
  auto op = b.create<kernel::ElementwiseOp>(loc, type, inputs, maps);
  Block &blk = op.getBody().front();
  OpBuilder bb = OpBuilder::atBlockEnd(&blk);
  bb.create<kernel::YieldOp>(loc, body(bb, blk.getArguments()));
  return op.getResult();
}

Value kiln::flipToUnsigned(OpBuilder &b, Location loc, Value q) {
  auto qt = tt(q);
  Type u8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
  AffineMap id = AffineMap::getMultiDimIdentityMap(qt.getRank(), b.getContext());
  return buildElementwise(b, loc, withElementType(qt, u8), {q}, {id}, [&](OpBuilder &bb, ValueRange a) {
    Value f = bb.create<arith::XOrIOp>(loc, a[0], bb.create<arith::ConstantIntOp>(loc, -128, 8));
    return bb.create<UnrealizedConversionCastOp>(loc, u8, f).getResult(0);
  });
}

std::pair<Value, Value> kiln::s8WeightConstants(OpBuilder &b, Location loc, ArrayRef<int8_t> q, int64_t K, int64_t N,
                                                const std::string &key) {
  std::vector<int32_t> colsum(N, 0);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      colsum[n] += q[k * N + n];
  MLIRContext *ctx = b.getContext();
  return {resourceConstant<int8_t>(b, loc, {K, N}, IntegerType::get(ctx, 8), q, key + "_s8"),
          resourceConstant<int32_t>(b, loc, {N}, IntegerType::get(ctx, 32), ArrayRef<int32_t>(colsum),
                                    key + "_s8_colsum")};
}

void kiln::eraseDeadChain(Value v) {
  Operation *d = v.getDefiningOp();
  if (!d || !d->use_empty() || !isa<kernel::ElementwiseOp, graph::ConstantOp>(d))
    return;
  SmallVector<Value> ins(d->getOperands());
  d->erase();
  for (Value in : ins)
    eraseDeadChain(in);
}

bool kiln::isWeightMatMul(kernel::MatMulOp op, const llvm::StringSet<> &skipped, bool symbolicRows) {
  auto c = op.getRhs().getDefiningOp<kiln::graph::ConstantOp>();
  auto a = tt(op.getLhs()), w = tt(op.getRhs()), r = tt(op.getResult());
  if (!c || w.getRank() != 2 || !w.getElementType().isF32() || !a.getElementType().isF32() ||
      !r.getElementType().isF32() || op.hasEpilogue() || op.getBPanel() || a.getRank() < 2 ||
      a.isDynamicDim(a.getRank() - 1) || (!symbolicRows && !a.hasStaticShape()) ||
      skipped.contains(nodeName(op.getLoc())))
    return false;
  return !op.getBias() || tt(op.getBias()).getElementType().isF32();
}

kiln::PerColumnInt8 kiln::quantizePerColumn(int64_t K, int64_t N, const std::function<float(int64_t, int64_t)> &at,
                                            float alpha, int qmax) {
  PerColumnInt8 r{std::vector<int8_t>(K * N), std::vector<float>(N), std::vector<int32_t>(N, 0)};
  for (int64_t n = 0; n < N; ++n) {
    float amax = 0;
    for (int64_t k = 0; k < K; ++k)
      amax = std::max(amax, std::fabs(at(k, n)));
    float s = amax > 0 ? amax / (float)qmax : 1.0f;
    for (int64_t k = 0; k < K; ++k) {
      float v = std::nearbyint(at(k, n) / s); // the default rounding mode: half to even
      int8_t qi = (int8_t)std::clamp(v, -(float)qmax, (float)qmax);
      r.q[k * N + n] = qi;
      r.colsum[n] += qi;
    }
    r.scale[n] = s * alpha;
  }
  return r;
}

kiln::QuantizedWeight kiln::quantizeWeightPerColumn(OpBuilder &b, Location loc, kiln::graph::ConstantOp c, bool trans,
                                                    float alpha, int qmax) {
  auto wt = cast<RankedTensorType>(c.getType());
  int64_t K = trans ? wt.getDimSize(1) : wt.getDimSize(0), N = trans ? wt.getDimSize(0) : wt.getDimSize(1);
  std::vector<char> bytes = constantBytes(c.getValue());
  const float *w = reinterpret_cast<const float *>(bytes.data());
  auto [q, scale, colsum] = quantizePerColumn(
      K, N, [&](int64_t k, int64_t n) { return trans ? w[n * K + k] : w[k * N + n]; }, alpha, qmax);
  std::string name = constantKey(c) + (qmax == 127 ? "_q8" : "_q" + std::to_string(qmax));
  MLIRContext *ctx = b.getContext();
  return {resourceConstant<int8_t>(b, loc, {K, N}, IntegerType::get(ctx, 8), q, name),
          resourceConstant<float>(b, loc, {N}, Float32Type::get(ctx), scale, name + "_scale"),
          resourceConstant<int32_t>(b, loc, {N}, IntegerType::get(ctx, 32), colsum, name + "_colsum")};
}

using kiln::ScalarBuilder;
Value ScalarBuilder::f(double v) { return b.create<arith::ConstantOp>(l, b.getF32FloatAttr(v)); }
Value ScalarBuilder::min(Value x, Value y) { return b.create<arith::SelectOp>(l, lt(x, y), x, y); }
Value ScalarBuilder::max(Value x, Value y) { return b.create<arith::SelectOp>(l, lt(x, y), y, x); }
Value ScalarBuilder::lt(Value x, Value y) { return b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OLT, x, y); }
Value ScalarBuilder::isZero(Value x) { return b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, x, f(0)); }
Value ScalarBuilder::round(Value x) { return b.create<math::RoundEvenOp>(l, x); }
Value ScalarBuilder::div(Value x, Value y) { return b.create<arith::DivFOp>(l, x, y); }
Value ScalarBuilder::mul(Value x, Value y) { return b.create<arith::MulFOp>(l, x, y); }
Value ScalarBuilder::add(Value x, Value y) { return b.create<arith::AddFOp>(l, x, y); }
Value ScalarBuilder::toU8(Value x) {
  Value u = b.create<arith::FPToUIOp>(l, b.getIntegerType(8), x);
  Type u8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
  return b.create<UnrealizedConversionCastOp>(l, u8, u).getResult(0);
}

Value ScalarBuilder::rowScale(Value lo, Value hi) {
  return div(b.create<arith::SubFOp>(l, max(hi, f(0)), min(lo, f(0))), f(255));
}
Value ScalarBuilder::rowZero(Value lo, Value scale) {
  Value neg = b.create<arith::NegFOp>(l, min(lo, f(0)));
  return b.create<arith::SelectOp>(l, isZero(scale), f(0), clamp(round(div(neg, scale)), 0, 255));
}
Value ScalarBuilder::rowInverse(Value scale) {
  return b.create<arith::SelectOp>(l, isZero(scale), f(0), div(f(1), scale));
}
Value ScalarBuilder::quantizeU8(Value x, Value inverse, Value zero) {
  return clamp(add(round(mul(x, inverse)), zero), 0, 255);
}

SmallVector<kiln::kernel::MatMulOp> kiln::weightMatMuls(func::FuncOp fn, ArrayRef<std::string> skip,
                                                        bool symbolicRows) {
  llvm::StringSet<> skipped;
  for (const std::string &s : skip)
    skipped.insert(s);
  SmallVector<kiln::kernel::MatMulOp> work;
  fn.walk([&](kiln::kernel::MatMulOp op) {
    if (isWeightMatMul(op, skipped, symbolicRows))
      work.push_back(op);
  });
  return work;
}

SmallVector<kiln::kernel::MatMulOp> kiln::int8WeightMatMuls(func::FuncOp fn, ArrayRef<std::string> skip,
                                                      StringRef scheme) {
  SmallVector<kiln::kernel::MatMulOp> work = weightMatMuls(fn, skip);
  auto module = fn->getParentOfType<ModuleOp>();
  auto target = module ? kiln::halide::getTarget(module) : kiln::halide::TargetAttr();
  if (!work.empty() && target && !target.isCuda() && !kiln::halide::hasInt8DotProduct(module) &&
      weightQMax(module) == 127)
    fn.emitWarning() << "--quantize " << scheme
                     << ": the target has no int8 dot product (AVX512-VNNI, AVX-VNNI through --cpu, or AVX2's 7-bit "
                        "pairs): its int8 kernels run slower than fp32 here";
  return work;
}

int kiln::weightQMax(ModuleOp module) {
  auto target = module ? kiln::halide::getTarget(module) : kiln::halide::TargetAttr();
  if (target && !target.isCuda() && target.getArch() == "x86" && target.hasFeature("avx2") &&
      !kiln::halide::hasInt8DotProduct(module))
    return 63;
  return 127;
}

std::pair<kiln::kernel::QMatMulOp, kiln::QuantizedWeight> kiln::replaceWithQMatMul(kiln::kernel::MatMulOp op, Value q,
                                                                                  Value aScale, Value aZero) {
  auto c = op.getRhs().getDefiningOp<kiln::graph::ConstantOp>();
  QuantizedWeight qw;
  {
    OpBuilder cb(c);
    qw = quantizeWeightPerColumn(cb, c.getLoc(), c, op.getTransB(), op.getAlpha().convertToFloat(),
                                 weightQMax(op->getParentOfType<ModuleOp>()));
  }
  OpBuilder b(op);
  auto qm = b.create<kiln::kernel::QMatMulOp>(op.getLoc(), tt(op.getResult()), q, qw.q, aScale, aZero, qw.scale,
                                              qw.colsum, op.getBias(), Value(), Value(), ValueRange(),
                                              IntegerAttr(), ArrayAttr(), FloatAttr());
  op.getResult().replaceAllUsesWith(qm.getResult());
  op.erase();
  if (c->use_empty())
    c.erase();
  return {qm, qw};
}

std::tuple<Value, Value, Value> kiln::quantizeRows(OpBuilder &b, Location loc, Value x) {
  MLIRContext *ctx = b.getContext();
  auto xt = tt(x);
  int64_t rank = xt.getRank();
  // [..., M, 1], over x's symbols when its rows or batch are symbolic.
  SmallVector<SymExpr> rowDims = dimExprs(xt);
  rowDims.back() = SymExpr::constant(1);
  Type f32 = Float32Type::get(ctx), i32 = IntegerType::get(ctx, 32);
  auto rowF = makeType(rowDims, f32, ctx, numSymbols(xt)), rowI = makeType(rowDims, i32, ctx, numSymbols(xt));
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
    return ScalarBuilder{bb, loc}.rowScale(a[0], a[1]);
  });
  Value zero = buildElementwise(b, loc, rowI, {mn, scale}, {id, id}, [&](OpBuilder &bb, ValueRange a) {
    return bb.create<arith::FPToSIOp>(loc, i32, ScalarBuilder{bb, loc}.rowZero(a[0], a[1])).getResult();
  });
  // x times the reciprocal, once per row: a division per element (kept exact
  // where a rounding reads it) cost 8% of int8 BERT.
  Value inv = buildElementwise(b, loc, rowF, {scale}, {id}, [&](OpBuilder &bb, ValueRange a) {
    return ScalarBuilder{bb, loc}.rowInverse(a[0]);
  });
  auto qType = withElementType(xt, IntegerType::get(ctx, 8, IntegerType::Unsigned));
  Value q = buildElementwise(b, loc, qType, {x, inv, zero}, {id, row, row}, [&](OpBuilder &bb, ValueRange a) {
    ScalarBuilder s{bb, loc};
    return s.toU8(s.quantizeU8(a[0], a[1], bb.create<arith::SIToFPOp>(loc, f32, a[2])));
  });
  return {q, scale, zero};
}


std::optional<uint16_t> kiln::toHalf(float v) {
  llvm::APFloat h(v);
  bool lost;
  h.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven, &lost);
  if (h.isInfinity() || h.isNaN() || (v != 0 && h.isZero()))
    return std::nullopt;
  return (uint16_t)h.bitcastToAPInt().getZExtValue();
}

float kiln::fromHalf(uint16_t bits) {
  llvm::APFloat h(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
  bool lost;
  h.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return h.convertToFloat();
}

