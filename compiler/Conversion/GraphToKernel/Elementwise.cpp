//===- Elementwise.cpp - graph elementwise ops to kernel.elementwise -===//
//
// Every elementwise graph op (arithmetic, comparisons, logic, unary math,
// Gelu, Clip, Mod, Cast, Where) becomes one kernel.elementwise whose body is
// the scalar computation in arith/math and whose maps are numpy broadcasts
// (a symbolic dim is never 1, so it never reads index 0). graph.iota is one
// with no inputs whose body is a kernel.index_expr.
// Bodies compute float16 in float32 (extf on the way in, truncf on the way
// out) and uint8 as i8 seen through unrealized_conversion_casts, with the
// unsigned arith ops (divui, remui, cmpi ult, maxui, uitofp, ...). Splat
// constants (the scalar 0.125 of an attention scale, the -inf of a mask) move
// into the body instead of becoming kernel inputs.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace kiln;

AffineMap kiln::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape) {
  SmallVector<AffineExpr> exprs;
  size_t offset = outShape.size() - inShape.size();
  for (size_t i = 0; i < inShape.size(); ++i)
    exprs.push_back(inShape[i] == 1 && outShape[offset + i] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(offset + i, ctx));
  return AffineMap::get(outShape.size(), 0, exprs, ctx);
}

/// A splat constant, as a scalar attribute, if `v` is one.
static TypedAttr splatValue(Value v) {
  auto c = v.getDefiningOp<graph::ConstantOp>();
  if (!c)
    return {};
  auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
  if (!dense || !dense.isSplat())
    return {};
  return dense.getSplatValue<TypedAttr>();
}

Value kiln::buildElementwise(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                             ArrayRef<AffineMap> maps, const ScalarBody &body) {
  SmallVector<Value> kept;
  SmallVector<AffineMap> keptMaps;
  SmallVector<TypedAttr> splats;
  for (auto [v, m] : llvm::zip(inputs, maps)) {
    splats.push_back(splatValue(v));
    if (!splats.back()) {
      kept.push_back(v);
      keptMaps.push_back(m);
    }
  }
  auto op = b.create<kernel::ElementwiseOp>(loc, type, kept, keptMaps);
  Block &block = op.getBody().front();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&block);
  SmallVector<Value> scalars;
  unsigned next = 0;
  for (TypedAttr s : splats) {
    if (!s) {
      scalars.push_back(block.getArgument(next++));
      continue;
    }
    // arith.constant takes signless integers only: a ui8 splat is an i8
    // constant seen as ui8.
    auto it = dyn_cast<IntegerType>(s.getType());
    if (!it || it.isSignless()) {
      scalars.push_back(b.create<arith::ConstantOp>(loc, s));
      continue;
    }
    auto signless = b.getIntegerType(it.getWidth());
    Value c = b.create<arith::ConstantOp>(
        loc, b.getIntegerAttr(signless, cast<IntegerAttr>(s).getValue()));
    scalars.push_back(b.create<UnrealizedConversionCastOp>(loc, s.getType(), c).getResult(0));
  }
  Value result = body(b, loc, scalars);
  b.create<kernel::YieldOp>(loc, result);
  return op.getResult();
}

Value kiln::buildBroadcastElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                                      ValueRange inputs, const ScalarBody &body) {
  SmallVector<AffineMap> maps;
  for (Value v : inputs)
    maps.push_back(broadcastMap(b.getContext(), cast<RankedTensorType>(v.getType()).getShape(),
                                type.getShape()));
  return buildElementwise(b, loc, type, inputs, maps, body);
}

namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

Value floatConst(OpBuilder &b, Location loc, Type t, double v) {
  return b.create<arith::ConstantOp>(loc, b.getFloatAttr(t, v));
}

Value intConst(OpBuilder &b, Location loc, Type t, int64_t v) {
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(t, v));
}

/// A constant of `t`, float or integer.
Value constLike(OpBuilder &b, Location loc, Type t, double v) {
  return isa<FloatType>(t) ? floatConst(b, loc, t, v) : intConst(b, loc, t, (int64_t)v);
}

//===----------------------------------------------------------------------===//
// Compute types: bodies compute f16 in f32, and unsigned integers as signless
// ones with the unsigned arith ops (arith takes signless integers only).
//===----------------------------------------------------------------------===//

Type computeType(Type t) {
  if (t.isF16())
    return Float32Type::get(t.getContext());
  if (auto it = dyn_cast<IntegerType>(t); it && it.isUnsigned())
    return IntegerType::get(t.getContext(), it.getWidth());
  return t;
}

Value toCompute(OpBuilder &b, Location loc, Value v) {
  Type t = v.getType();
  if (t.isF16())
    return b.create<arith::ExtFOp>(loc, computeType(t), v);
  if (computeType(t) == t)
    return v;
  if (auto c = v.getDefiningOp<UnrealizedConversionCastOp>();
      c && c->getNumOperands() == 1 && c->getOperand(0).getType() == computeType(t))
    return c->getOperand(0);
  return b.create<UnrealizedConversionCastOp>(loc, computeType(t), v).getResult(0);
}

Value fromCompute(OpBuilder &b, Location loc, Value v, Type t) {
  if (v.getType() == t)
    return v;
  if (t.isF16())
    return b.create<arith::TruncFOp>(loc, t, v);
  return b.create<UnrealizedConversionCastOp>(loc, t, v).getResult(0);
}

/// Converts scalar `v` (a compute-type value; `fromUnsigned` when it holds an
/// unsigned integer) to compute type `to`, with ONNX Cast semantics (bool is
/// x != 0, float to integer truncates).
Value castScalar(OpBuilder &b, Location loc, Value v, Type to, bool fromUnsigned, bool toUnsigned) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (to.isInteger(1)) {
    if (isa<FloatType>(from))
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, v, floatConst(b, loc, from, 0));
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, v, intConst(b, loc, from, 0));
  }
  fromUnsigned |= from.isInteger(1);
  if (isa<FloatType>(from) && isa<FloatType>(to))
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? b.create<arith::ExtFOp>(loc, to, v).getResult()
               : b.create<arith::TruncFOp>(loc, to, v).getResult();
  if (isa<FloatType>(to))
    return fromUnsigned ? b.create<arith::UIToFPOp>(loc, to, v).getResult()
                        : b.create<arith::SIToFPOp>(loc, to, v).getResult();
  if (isa<FloatType>(from))
    return toUnsigned ? b.create<arith::FPToUIOp>(loc, to, v).getResult()
                      : b.create<arith::FPToSIOp>(loc, to, v).getResult();
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return fromUnsigned ? b.create<arith::ExtUIOp>(loc, to, v).getResult()
                        : b.create<arith::ExtSIOp>(loc, to, v).getResult();
  return b.create<arith::TruncIOp>(loc, to, v);
}

bool isUnsignedTensor(Type t) {
  return cast<RankedTensorType>(t).getElementType().isUnsignedInteger();
}

/// The scalar computation of one graph op. `scalar` gets the operands in
/// compute types (see computeType) and returns the result in the compute type
/// of the result's element type; `isUnsigned` says that the integer operands
/// hold unsigned values.
template <typename OpT>
struct ElementwisePattern : OpRewritePattern<OpT> {
  using OpRewritePattern<OpT>::OpRewritePattern;
  virtual Value scalar(OpT op, OpBuilder &b, Location loc, ValueRange args, bool isUnsigned) const = 0;

  LogicalResult matchAndRewrite(OpT op, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    bool isUnsigned = llvm::any_of(op->getOperandTypes(), isUnsignedTensor);
    Value r = buildBroadcastElementwise(
        rewriter, op.getLoc(), type, op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          SmallVector<Value> in;
          for (Value a : args)
            in.push_back(toCompute(b, loc, a));
          return fromCompute(b, loc, scalar(op, b, loc, in, isUnsigned), type.getElementType());
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// One op for floats, one for signed and one for unsigned integers.
template <typename OpT, typename FOp, typename SIOp, typename UIOp = SIOp>
struct ArithPattern : ElementwisePattern<OpT> {
  using ElementwisePattern<OpT>::ElementwisePattern;
  Value scalar(OpT, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    if (isFloat(a[0]))
      return b.create<FOp>(loc, a[0], a[1]);
    if (isUnsigned)
      return b.create<UIOp>(loc, a[0], a[1]);
    return b.create<SIOp>(loc, a[0], a[1]);
  }
};

template <typename OpT, arith::CmpFPredicate FP, arith::CmpIPredicate SP, arith::CmpIPredicate UP>
struct ComparePattern : ElementwisePattern<OpT> {
  using ElementwisePattern<OpT>::ElementwisePattern;
  Value scalar(OpT, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    if (isFloat(a[0]))
      return b.create<arith::CmpFOp>(loc, FP, a[0], a[1]);
    return b.create<arith::CmpIOp>(loc, isUnsigned ? UP : SP, a[0], a[1]);
  }
};

template <typename OpT, typename MathOp>
struct UnaryMathPattern : ElementwisePattern<OpT> {
  using ElementwisePattern<OpT>::ElementwisePattern;
  Value scalar(OpT, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    return b.create<MathOp>(loc, a[0]);
  }
};

/// Float bases compute in their type; integer bases in f64, truncated back
/// (as onnxruntime does), exact while the result fits in 53 bits.
struct PowPattern : ElementwisePattern<graph::PowOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::PowOp op, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    Type t = a[0].getType();
    bool expUnsigned = isUnsignedTensor(op.getRhs().getType());
    bool baseUnsigned = isUnsignedTensor(op.getLhs().getType());
    if (isFloat(a[0]))
      return b.create<math::PowFOp>(loc, a[0], castScalar(b, loc, a[1], t, expUnsigned, false));
    Type f64 = b.getF64Type();
    Value base = castScalar(b, loc, a[0], f64, baseUnsigned, false);
    Value r = b.create<math::PowFOp>(loc, base, castScalar(b, loc, a[1], f64, expUnsigned, false));
    return castScalar(b, loc, r, t, false, baseUnsigned);
  }
};

struct NegPattern : ElementwisePattern<graph::NegOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::NegOp, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    if (isFloat(a[0]))
      return b.create<arith::NegFOp>(loc, a[0]);
    return b.create<arith::SubIOp>(loc, intConst(b, loc, a[0].getType(), 0), a[0]);
  }
};

struct ReluPattern : ElementwisePattern<graph::ReluOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::ReluOp, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    if (isFloat(a[0]))
      return b.create<arith::MaximumFOp>(loc, a[0], floatConst(b, loc, a[0].getType(), 0));
    if (isUnsigned)
      return a[0];
    return b.create<arith::MaxSIOp>(loc, a[0], intConst(b, loc, a[0].getType(), 0));
  }
};

struct AbsPattern : ElementwisePattern<graph::AbsOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::AbsOp, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    if (isFloat(a[0]))
      return b.create<math::AbsFOp>(loc, a[0]);
    if (isUnsigned)
      return a[0];
    return b.create<math::AbsIOp>(loc, a[0]);
  }
};

/// -1, 0 or 1 (NaN and -0 stay as they are).
struct SignPattern : ElementwisePattern<graph::SignOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::SignOp, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    Type t = a[0].getType();
    Value x = a[0], one = constLike(b, loc, t, 1), zero = constLike(b, loc, t, 0);
    if (isFloat(x)) {
      Value pos = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, zero);
      Value neg = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, zero);
      Value r = b.create<arith::SelectOp>(loc, neg, constLike(b, loc, t, -1), x);
      return b.create<arith::SelectOp>(loc, pos, one, r);
    }
    Value nz = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, x, zero);
    Value mag = b.create<arith::SelectOp>(loc, nz, one, zero);
    if (isUnsigned)
      return mag;
    Value neg = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, zero);
    return b.create<arith::SelectOp>(loc, neg, constLike(b, loc, t, -1), mag);
  }
};

struct ReciprocalPattern : ElementwisePattern<graph::ReciprocalOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::ReciprocalOp, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    return b.create<arith::DivFOp>(loc, floatConst(b, loc, a[0].getType(), 1), a[0]);
  }
};

/// log(1 + exp(x)) as max(x, 0) + log(1 + exp(-|x|)): no overflow for large x.
struct SoftplusPattern : ElementwisePattern<graph::SoftplusOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::SoftplusOp, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    Type t = a[0].getType();
    Value x = a[0];
    Value negAbs = b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x));
    Value tail = b.create<math::LogOp>(
        loc, b.create<arith::AddFOp>(loc, floatConst(b, loc, t, 1), b.create<math::ExpOp>(loc, negAbs)));
    return b.create<arith::AddFOp>(loc, b.create<arith::MaximumFOp>(loc, x, floatConst(b, loc, t, 0)),
                                   tail);
  }
};

struct HardSigmoidPattern : ElementwisePattern<graph::HardSigmoidOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::HardSigmoidOp op, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    Type t = a[0].getType();
    Value v = b.create<arith::AddFOp>(
        loc, b.create<arith::MulFOp>(loc, a[0], floatConst(b, loc, t, op.getAlpha().convertToDouble())),
        floatConst(b, loc, t, op.getBeta().convertToDouble()));
    v = b.create<arith::MinimumFOp>(loc, v, floatConst(b, loc, t, 1));
    return b.create<arith::MaximumFOp>(loc, v, floatConst(b, loc, t, 0));
  }
};

struct SigmoidPattern : ElementwisePattern<graph::SigmoidOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::SigmoidOp, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    Type t = a[0].getType();
    Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, a[0]));
    Value one = floatConst(b, loc, t, 1);
    return b.create<arith::DivFOp>(loc, one, b.create<arith::AddFOp>(loc, one, e));
  }
};

struct IsNaNPattern : ElementwisePattern<graph::IsNaNOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::IsNaNOp, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, a[0], a[0]);
  }
};

/// Compares the bits: Halide compiles float compares with fast-math flags
/// under which x == inf may fold to anything.
struct IsInfPattern : ElementwisePattern<graph::IsInfOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::IsInfOp op, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    Type i32 = b.getI32Type();
    Value bits = b.create<arith::BitcastOp>(loc, i32, a[0]); // f16 arrives as f32
    Value r = b.create<arith::ConstantOp>(loc, b.getBoolAttr(false));
    for (auto [detect, pattern] : {std::pair{op.getDetectPositive(), (int32_t)0x7f800000},
                                   {op.getDetectNegative(), (int32_t)0xff800000}})
      if (detect)
        r = b.create<arith::OrIOp>(loc, r,
                                   b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, bits,
                                                           intConst(b, loc, i32, pattern)));
    return r;
  }
};

struct NotPattern : ElementwisePattern<graph::NotOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::NotOp, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    Value t = b.create<arith::ConstantOp>(loc, b.getBoolAttr(true));
    return b.create<arith::XOrIOp>(loc, a[0], t);
  }
};

/// max/min: NaN-propagating for floats (maximumf), signed or unsigned for integers.
Value maxOf(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isFloat(x))
    return b.create<arith::MaximumFOp>(loc, x, y);
  if (isUnsigned)
    return b.create<arith::MaxUIOp>(loc, x, y);
  return b.create<arith::MaxSIOp>(loc, x, y);
}

Value minOf(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isFloat(x))
    return b.create<arith::MinimumFOp>(loc, x, y);
  if (isUnsigned)
    return b.create<arith::MinUIOp>(loc, x, y);
  return b.create<arith::MinSIOp>(loc, x, y);
}

struct MaxPattern : ElementwisePattern<graph::MaxOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::MaxOp, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    return maxOf(b, loc, a[0], a[1], isUnsigned);
  }
};

struct MinPattern : ElementwisePattern<graph::MinOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::MinOp, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    return minOf(b, loc, a[0], a[1], isUnsigned);
  }
};

struct ClipPattern : ElementwisePattern<graph::ClipOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::ClipOp, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    return minOf(b, loc, maxOf(b, loc, a[0], a[1], isUnsigned), a[2], isUnsigned);
  }
};

/// fmod: the remainder of truncated division (sign of the dividend); else
/// Python's %: that remainder plus the divisor when their signs differ.
struct ModPattern : ElementwisePattern<graph::ModOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::ModOp op, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    Value x = a[0], y = a[1];
    if (isUnsigned)
      return b.create<arith::RemUIOp>(loc, x, y);
    bool fl = isFloat(x);
    Value r = fl ? b.create<arith::RemFOp>(loc, x, y).getResult()
                 : b.create<arith::RemSIOp>(loc, x, y).getResult();
    if (op.getFmod())
      return r;
    Value zero = constLike(b, loc, x.getType(), 0);
    auto lt = [&](Value v) -> Value {
      return fl ? b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, v, zero).getResult()
                : b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, v, zero).getResult();
    };
    Value nonzero = fl ? b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ONE, r, zero).getResult()
                       : b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, r, zero).getResult();
    Value differ = b.create<arith::XOrIOp>(loc, lt(r), lt(y));
    Value fix = b.create<arith::AndIOp>(loc, nonzero, differ);
    Value shifted = fl ? b.create<arith::AddFOp>(loc, r, y).getResult()
                       : b.create<arith::AddIOp>(loc, r, y).getResult();
    return b.create<arith::SelectOp>(loc, fix, shifted, r);
  }
};

/// Gelu: exact 0.5x(1+erf(x/sqrt2)) or tanh 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))).
struct GeluPattern : ElementwisePattern<graph::GeluOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::GeluOp op, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    Type t = a[0].getType();
    Value x = a[0], inner;
    if (op.getApproximate() == graph::GeluApproximation::Tanh) {
      Value x3 = b.create<arith::MulFOp>(loc, x, b.create<arith::MulFOp>(loc, x, x));
      Value poly = b.create<arith::AddFOp>(
          loc, x, b.create<arith::MulFOp>(loc, x3, floatConst(b, loc, t, 0.044715)));
      inner = b.create<math::TanhOp>(
          loc, b.create<arith::MulFOp>(loc, poly, floatConst(b, loc, t, std::sqrt(2.0 / M_PI))));
    } else {
      inner = b.create<math::ErfOp>(
          loc, b.create<arith::MulFOp>(loc, x, floatConst(b, loc, t, M_SQRT1_2)));
    }
    Value onePlus = b.create<arith::AddFOp>(loc, inner, floatConst(b, loc, t, 1));
    Value half = b.create<arith::MulFOp>(loc, x, floatConst(b, loc, t, 0.5));
    return b.create<arith::MulFOp>(loc, half, onePlus);
  }
};

struct CastPattern : ElementwisePattern<graph::CastOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::CastOp op, OpBuilder &b, Location loc, ValueRange a, bool isUnsigned) const override {
    Type to = op.getResult().getType().getElementType();
    return castScalar(b, loc, a[0], computeType(to), isUnsigned, to.isUnsignedInteger());
  }
};

/// graph.iota: no inputs; the body computes the element from its index and
/// the symbols (kernel.index_expr, an i64) in the result's element type.
struct IotaPattern : ElementwisePattern<graph::IotaOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::IotaOp op, OpBuilder &b, Location loc, ValueRange, bool) const override {
    Value i = b.create<kernel::IndexExprOp>(loc, b.getI64Type(), op.getValueAttr());
    Type to = op.getResult().getType().getElementType();
    return castScalar(b, loc, i, computeType(to), false, to.isUnsignedInteger());
  }
};

struct WherePattern : ElementwisePattern<graph::WhereOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::WhereOp, OpBuilder &b, Location loc, ValueRange a, bool) const override {
    return b.create<arith::SelectOp>(loc, a[0], a[1], a[2]);
  }
};

} // namespace

void kiln::populateElementwiseToKernelPatterns(RewritePatternSet &patterns) {
  using namespace graph;
  using P = arith::CmpFPredicate;
  using I = arith::CmpIPredicate;
  patterns.add<ArithPattern<AddOp, arith::AddFOp, arith::AddIOp>,
               ArithPattern<SubOp, arith::SubFOp, arith::SubIOp>,
               ArithPattern<MulOp, arith::MulFOp, arith::MulIOp>,
               ArithPattern<DivOp, arith::DivFOp, arith::DivSIOp, arith::DivUIOp>,
               ArithPattern<AndOp, arith::AndIOp, arith::AndIOp>,
               ArithPattern<OrOp, arith::OrIOp, arith::OrIOp>,
               ArithPattern<XorOp, arith::XOrIOp, arith::XOrIOp>,
               ComparePattern<EqualOp, P::OEQ, I::eq, I::eq>,
               ComparePattern<GreaterOp, P::OGT, I::sgt, I::ugt>,
               ComparePattern<GreaterOrEqualOp, P::OGE, I::sge, I::uge>,
               ComparePattern<LessOp, P::OLT, I::slt, I::ult>,
               ComparePattern<LessOrEqualOp, P::OLE, I::sle, I::ule>,
               UnaryMathPattern<SqrtOp, math::SqrtOp>, UnaryMathPattern<ErfOp, math::ErfOp>,
               UnaryMathPattern<TanhOp, math::TanhOp>, UnaryMathPattern<ExpOp, math::ExpOp>,
               UnaryMathPattern<CeilOp, math::CeilOp>, UnaryMathPattern<FloorOp, math::FloorOp>,
               UnaryMathPattern<RoundOp, math::RoundEvenOp>,
               UnaryMathPattern<CosOp, math::CosOp>, UnaryMathPattern<SinOp, math::SinOp>,
               UnaryMathPattern<LogOp, math::LogOp>, PowPattern, NegPattern, ReluPattern,
               AbsPattern, SignPattern, ReciprocalPattern, SoftplusPattern, HardSigmoidPattern,
               SigmoidPattern, IsNaNPattern, IsInfPattern, NotPattern, MaxPattern, MinPattern,
               ClipPattern, ModPattern, GeluPattern, CastPattern, IotaPattern, WherePattern>(
      patterns.getContext());
}
