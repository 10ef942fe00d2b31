//===- Elementwise.cpp - graph elementwise ops to kernel.elementwise -===//
//
// Every elementwise graph op (arithmetic, comparisons, logic, unary math,
// Gelu, Cast, Where) becomes one kernel.elementwise whose body is the scalar
// computation in arith/math and whose maps are numpy broadcasts. Splat
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
  for (TypedAttr s : splats)
    scalars.push_back(s ? b.create<arith::ConstantOp>(loc, s).getResult()
                        : Value(block.getArgument(next++)));
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

/// Converts scalar `v` to `to`, with ONNX Cast semantics (bool is x != 0).
Value castScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (to.isInteger(1)) {
    if (isa<FloatType>(from))
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, v, floatConst(b, loc, from, 0));
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, v,
                                   b.create<arith::ConstantOp>(loc, b.getIntegerAttr(from, 0)));
  }
  bool fromUnsigned = from.isInteger(1) || from.isUnsignedInteger();
  if (isa<FloatType>(from) && isa<FloatType>(to))
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? b.create<arith::ExtFOp>(loc, to, v).getResult()
               : b.create<arith::TruncFOp>(loc, to, v).getResult();
  if (isa<FloatType>(to))
    return fromUnsigned ? b.create<arith::UIToFPOp>(loc, to, v).getResult()
                        : b.create<arith::SIToFPOp>(loc, to, v).getResult();
  if (isa<FloatType>(from))
    return b.create<arith::FPToSIOp>(loc, to, v);
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return fromUnsigned ? b.create<arith::ExtUIOp>(loc, to, v).getResult()
                        : b.create<arith::ExtSIOp>(loc, to, v).getResult();
  return b.create<arith::TruncIOp>(loc, to, v);
}

/// arith cannot take unsigned integer types; uint8 arithmetic comes later.
LogicalResult checkSignless(Operation *op, PatternRewriter &rewriter) {
  for (Type t : op->getOperandTypes())
    if (cast<RankedTensorType>(t).getElementType().isUnsignedInteger())
      return rewriter.notifyMatchFailure(op, "uint8 elementwise math is not supported yet");
  return success();
}

template <typename OpT>
struct ElementwisePattern : OpRewritePattern<OpT> {
  using OpRewritePattern<OpT>::OpRewritePattern;
  virtual Value scalar(OpT op, OpBuilder &b, Location loc, ValueRange args) const = 0;

  LogicalResult matchAndRewrite(OpT op, PatternRewriter &rewriter) const override {
    if (failed(checkSignless(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(op.getResult().getType());
    Value r = buildBroadcastElementwise(rewriter, op.getLoc(), type, op->getOperands(),
                                        [&](OpBuilder &b, Location loc, ValueRange args) {
                                          return scalar(op, b, loc, args);
                                        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// One op for floats, another for integers (FOp, IOp).
template <typename OpT, typename FOp, typename IOp>
struct ArithPattern : ElementwisePattern<OpT> {
  using ElementwisePattern<OpT>::ElementwisePattern;
  Value scalar(OpT, OpBuilder &b, Location loc, ValueRange a) const override {
    if (isFloat(a[0]))
      return b.create<FOp>(loc, a[0], a[1]);
    return b.create<IOp>(loc, a[0], a[1]);
  }
};

template <typename OpT, arith::CmpFPredicate FP, arith::CmpIPredicate IP>
struct ComparePattern : ElementwisePattern<OpT> {
  using ElementwisePattern<OpT>::ElementwisePattern;
  Value scalar(OpT, OpBuilder &b, Location loc, ValueRange a) const override {
    if (isFloat(a[0]))
      return b.create<arith::CmpFOp>(loc, FP, a[0], a[1]);
    return b.create<arith::CmpIOp>(loc, IP, a[0], a[1]);
  }
};

template <typename OpT, typename MathOp>
struct UnaryMathPattern : ElementwisePattern<OpT> {
  using ElementwisePattern<OpT>::ElementwisePattern;
  Value scalar(OpT, OpBuilder &b, Location loc, ValueRange a) const override {
    return b.create<MathOp>(loc, a[0]);
  }
};

struct PowPattern : ElementwisePattern<graph::PowOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::PowOp, OpBuilder &b, Location loc, ValueRange a) const override {
    Value e = castScalar(b, loc, a[1], a[0].getType());
    return b.create<math::PowFOp>(loc, a[0], e);
  }
};

struct NegPattern : ElementwisePattern<graph::NegOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::NegOp, OpBuilder &b, Location loc, ValueRange a) const override {
    if (isFloat(a[0]))
      return b.create<arith::NegFOp>(loc, a[0]);
    Value zero = b.create<arith::ConstantOp>(loc, b.getIntegerAttr(a[0].getType(), 0));
    return b.create<arith::SubIOp>(loc, zero, a[0]);
  }
};

struct ReluPattern : ElementwisePattern<graph::ReluOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::ReluOp, OpBuilder &b, Location loc, ValueRange a) const override {
    if (isFloat(a[0]))
      return b.create<arith::MaximumFOp>(loc, a[0], floatConst(b, loc, a[0].getType(), 0));
    Value zero = b.create<arith::ConstantOp>(loc, b.getIntegerAttr(a[0].getType(), 0));
    return b.create<arith::MaxSIOp>(loc, a[0], zero);
  }
};

struct SigmoidPattern : ElementwisePattern<graph::SigmoidOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::SigmoidOp, OpBuilder &b, Location loc, ValueRange a) const override {
    Type t = a[0].getType();
    Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, a[0]));
    Value one = floatConst(b, loc, t, 1);
    return b.create<arith::DivFOp>(loc, one, b.create<arith::AddFOp>(loc, one, e));
  }
};

struct IsNaNPattern : ElementwisePattern<graph::IsNaNOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::IsNaNOp, OpBuilder &b, Location loc, ValueRange a) const override {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, a[0], a[0]);
  }
};

struct NotPattern : ElementwisePattern<graph::NotOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::NotOp, OpBuilder &b, Location loc, ValueRange a) const override {
    Value t = b.create<arith::ConstantOp>(loc, b.getBoolAttr(true));
    return b.create<arith::XOrIOp>(loc, a[0], t);
  }
};

/// Gelu: exact 0.5x(1+erf(x/sqrt2)) or tanh 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))).
struct GeluPattern : ElementwisePattern<graph::GeluOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::GeluOp op, OpBuilder &b, Location loc, ValueRange a) const override {
    Type t = a[0].getType();
    Value x = a[0], inner;
    if (op.getApproximate() == "tanh") {
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
  Value scalar(graph::CastOp op, OpBuilder &b, Location loc, ValueRange a) const override {
    return castScalar(b, loc, a[0], op.getResult().getType().getElementType());
  }
};

struct WherePattern : ElementwisePattern<graph::WhereOp> {
  using ElementwisePattern::ElementwisePattern;
  Value scalar(graph::WhereOp, OpBuilder &b, Location loc, ValueRange a) const override {
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
               ArithPattern<DivOp, arith::DivFOp, arith::DivSIOp>,
               ArithPattern<AndOp, arith::AndIOp, arith::AndIOp>,
               ArithPattern<OrOp, arith::OrIOp, arith::OrIOp>,
               ComparePattern<EqualOp, P::OEQ, I::eq>, ComparePattern<GreaterOp, P::OGT, I::sgt>,
               ComparePattern<GreaterOrEqualOp, P::OGE, I::sge>,
               ComparePattern<LessOp, P::OLT, I::slt>, ComparePattern<LessOrEqualOp, P::OLE, I::sle>,
               UnaryMathPattern<SqrtOp, math::SqrtOp>, UnaryMathPattern<ErfOp, math::ErfOp>,
               UnaryMathPattern<TanhOp, math::TanhOp>, UnaryMathPattern<ExpOp, math::ExpOp>,
               PowPattern, NegPattern, ReluPattern, SigmoidPattern, IsNaNPattern, NotPattern,
               GeluPattern, CastPattern, WherePattern>(patterns.getContext());
}
