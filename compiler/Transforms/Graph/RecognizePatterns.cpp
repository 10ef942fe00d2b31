//===- RecognizePatterns.cpp - Decomposed GELU and norms to fused graph ops -===//
//
// Expects: functions of graph ops (the importer's output), before
// convert-graph-to-kernel. Leaves: the same computation with the decomposed
// forms that exporters write replaced by the fused op: GELU in its erf and tanh
// forms by graph.gelu, LayerNorm (TorchScript before opset 17) by
// graph.layer_norm, RMSNorm (Llama) by graph.rms_norm. A norm then lowers to
// one kernel instead of two reductions and the elementwise work around them; a
// GELU's input, read twice by the decomposed form, has one user left and fuses
// into it.
//
// Only exact matches are rewritten: constants (of any shape, all elements
// equal) within 1e-4 relative of the formula's (one ulp in float16), means
// with keepdims over the trailing dims, float element types, a result of the
// input's type, and no intermediate used outside the pattern (the fused op
// would not remove it, so the work would be done twice).
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Utils/Shape.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <cstring>

#define DEBUG_TYPE "kiln-recognize-patterns"

namespace kiln {
#define GEN_PASS_DEF_RECOGNIZEPATTERNS
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

//===----------------------------------------------------------------------===//
// Matching helpers
//===----------------------------------------------------------------------===//

/// The value of a graph.constant whose elements are all equal, whatever its
/// shape (exporters write scalars, [1] and full-shape splats alike).
static std::optional<double> splatValue(Value v) {
  auto cst = v.getDefiningOp<graph::ConstantOp>();
  if (!cst)
    return std::nullopt;
  ElementsAttr value = cst.getValue();
  Type et = value.getElementType();
  if (et.isInteger(1) || value.getNumElements() == 0)
    return std::nullopt;
  // Compare the raw elements: weights are dense_resource blobs, which
  // ElementsAttr cannot iterate, and a mismatch is found without copying.
  ArrayRef<char> raw = storedBytes(value);
  size_t bytes = et.getIntOrFloatBitWidth() / 8;
  if (raw.size() < bytes)
    return std::nullopt;
  for (size_t i = bytes; i + bytes <= raw.size(); i += bytes)
    if (std::memcmp(raw.data(), raw.data() + i, bytes) != 0)
      return std::nullopt;
  uint64_t word = 0;
  std::memcpy(&word, raw.data(), bytes); // little-endian, as the blobs are
  APInt bits(bytes * 8, word);
  if (auto ft = dyn_cast<FloatType>(et))
    return APFloat(ft.getFloatSemantics(), bits).convertToDouble();
  return et.isUnsignedInteger() ? double(bits.getZExtValue()) : double(bits.getSExtValue());
}

/// Within 1e-4 relative, or one ulp for float16 (0.044715 is 1.5e-4 off there).
static bool isConst(Value v, double want) {
  std::optional<double> got = splatValue(v);
  double tol = 1e-4;
  if (auto ft = dyn_cast<FloatType>(getElementTypeOrSelf(v.getType())))
    tol = std::max(tol, std::ldexp(1.0, 1 - int(APFloat::semanticsPrecision(ft.getFloatSemantics()))));
  return got && std::abs(*got - want) <= tol * std::abs(want);
}

/// `v`'s defining op when it is an OpT and `v` has no other user: only such
/// intermediates may disappear into a fused op.
template <typename OpT> static OpT singleUse(Value v) {
  return v && v.hasOneUse() ? v.getDefiningOp<OpT>() : OpT();
}

/// Tries `match(a, b)` on a commutative op's operands in both orders.
template <typename Fn> static bool eitherOrder(Operation *op, Fn match) {
  Value l = op->getOperand(0), r = op->getOperand(1);
  return match(l, r) || match(r, l);
}

/// The leaves of the product tree rooted at `mul`, expanding only single-use
/// graph.mul operands, so every association and order of a product reads the
/// same. False when there are more than `max` leaves.
static bool productFactors(graph::MulOp mul, SmallVectorImpl<Value> &leaves, size_t max) {
  for (Value v : {mul.getLhs(), mul.getRhs()}) {
    if (auto inner = singleUse<graph::MulOp>(v)) {
      if (!productFactors(inner, leaves, max))
        return false;
    } else if (leaves.size() == max) {
      return false;
    } else {
      leaves.push_back(v);
    }
  }
  return true;
}

/// x for `x * c` (either order) or `x / (1/c)`.
static Value scaledBy(Value v, double c) {
  if (auto mul = singleUse<graph::MulOp>(v)) {
    if (isConst(mul.getRhs(), c))
      return mul.getLhs();
    if (isConst(mul.getLhs(), c))
      return mul.getRhs();
  }
  if (auto div = singleUse<graph::DivOp>(v); div && isConst(div.getRhs(), 1.0 / c))
    return div.getLhs();
  return {};
}

/// x for `1 + f(x)`, either order, where `f` matches the single-use unary OpT's
/// input and returns x.
template <typename OpT, typename Fn> static Value onePlus(Value v, Fn f) {
  auto add = singleUse<graph::AddOp>(v);
  Value x;
  if (add)
    eitherOrder(add, [&](Value one, Value term) {
      auto op = singleUse<OpT>(term);
      x = op && isConst(one, 1.0) ? f(op.getInput()) : Value();
      return bool(x);
    });
  return x;
}

/// x for `x + 0.044715 * x^3`, either order, x^3 as pow(x, 3) or x * x * x.
static Value cubicPoly(Value v) {
  auto add = singleUse<graph::AddOp>(v);
  Value x;
  if (add)
    eitherOrder(add, [&](Value a, Value term) {
      auto mul = singleUse<graph::MulOp>(term);
      SmallVector<Value, 4> f;
      if (!mul || !productFactors(mul, f, 4))
        return false;
      auto c = llvm::find_if(f, [](Value v) { return isConst(v, 0.044715); });
      if (c == f.end())
        return false;
      f.erase(c);
      auto pow = f.size() == 1 ? singleUse<graph::PowOp>(f[0]) : graph::PowOp();
      bool cube = (f.size() == 3 && llvm::all_equal({f[0], f[1], f[2], a})) ||
                  (pow && pow.getLhs() == a && isConst(pow.getRhs(), 3.0));
      x = cube ? a : Value();
      return cube;
    });
  return x;
}

/// x for `x * 0.5 * term` in any association and order, where `termOf(t)`
/// returns the x that the factor t is built from.
template <typename Fn> static Value halfProduct(graph::MulOp root, Fn termOf) {
  SmallVector<Value, 3> f;
  if (!productFactors(root, f, 3) || f.size() != 3)
    return {};
  for (int t = 0; t < 3; ++t) {
    Value half = f[(t + 1) % 3], x = f[(t + 2) % 3];
    if (isConst(x, 0.5))
      std::swap(half, x);
    if (isConst(half, 0.5) && termOf(f[t]) == x)
      return x;
  }
  return {};
}

static bool sameFloatType(Value x, Type resultType) {
  auto type = cast<RankedTensorType>(x.getType());
  return isa<FloatType>(type.getElementType()) && type == resultType;
}

/// The first reduced dim when `r` is a keepdims mean over the trailing dims.
static std::optional<int64_t> trailingMeanAxis(graph::ReduceOp r) {
  int64_t rank = cast<RankedTensorType>(r.getInput().getType()).getRank();
  ArrayAttr axes = r.getAxes();
  if (r.getKind() != "mean" || !r.getKeepdims() || axes.empty())
    return std::nullopt;
  int64_t first = rank - int64_t(axes.size());
  for (auto [i, a] : llvm::enumerate(axes))
    if (cast<IntegerAttr>(a).getInt() != first + int64_t(i))
      return std::nullopt;
  return first;
}

namespace {
/// The tail both norms share: `num / sqrt(mean(num^2) + eps)` or
/// `num * rsqrt(...)`, rsqrt being reciprocal(sqrt) or 1 / sqrt; num^2 is
/// num * num or pow(num, 2).
struct NormTail {
  Value num;
  Operation *square, *scaled; // num's users inside the pattern
  graph::ReduceOp meanSquare;
  int64_t axis;
  double eps;
};
} // namespace

/// a for `sqrt(a)` (under `1 /` or reciprocal when `inverted`).
static Value sqrtOperand(Value v, bool inverted) {
  if (inverted) {
    if (auto r = singleUse<graph::ReciprocalOp>(v))
      v = r.getInput();
    else if (auto d = singleUse<graph::DivOp>(v); d && isConst(d.getLhs(), 1.0))
      v = d.getRhs();
    else
      return {};
  }
  auto sqrt = singleUse<graph::SqrtOp>(v);
  return sqrt ? sqrt.getInput() : Value();
}

/// The norm tail that `y` is, if any.
static std::optional<NormTail> matchNormTail(Value y) {
  NormTail t;
  Value var; // mean(num^2) + eps
  if (auto div = singleUse<graph::DivOp>(y)) {
    t.num = div.getLhs();
    var = sqrtOperand(div.getRhs(), false);
  } else if (auto mul = singleUse<graph::MulOp>(y)) {
    eitherOrder(mul, [&](Value num, Value r) {
      t.num = num;
      var = sqrtOperand(r, true);
      return bool(var);
    });
  }
  auto add = singleUse<graph::AddOp>(var);
  if (!add)
    return std::nullopt;
  t.scaled = y.getDefiningOp();
  bool ok = eitherOrder(add, [&](Value m, Value eps) {
    t.meanSquare = singleUse<graph::ReduceOp>(m);
    std::optional<double> e = splatValue(eps);
    if (!t.meanSquare || !e)
      return false;
    t.eps = *e;
    return true;
  });
  std::optional<int64_t> axis = ok ? trailingMeanAxis(t.meanSquare) : std::nullopt;
  if (!axis)
    return std::nullopt;
  t.axis = *axis;
  Value sq = t.meanSquare.getInput();
  if (auto mul = singleUse<graph::MulOp>(sq); mul && mul.getLhs() == t.num && mul.getRhs() == t.num)
    t.square = mul;
  else if (auto pow = singleUse<graph::PowOp>(sq);
           pow && pow.getLhs() == t.num && isConst(pow.getRhs(), 2.0))
    t.square = pow;
  else
    return std::nullopt;
  return t;
}

/// Scale and bias of a norm over `x`'s dims from `axis` on must broadcast to
/// exactly those dims (graph.layer_norm's and graph.rms_norm's contract).
static bool fitsNormShape(Value p, Value x, int64_t axis) {
  SmallVector<SymExpr> xDims = dimExprs(cast<RankedTensorType>(x.getType()));
  auto norm = ArrayRef<SymExpr>(xDims).drop_front(axis);
  auto b = broadcastSym(norm, dimExprs(cast<RankedTensorType>(p.getType())));
  return succeeded(b) && ArrayRef<SymExpr>(*b) == norm;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// x * 0.5 * (1 + erf(x / sqrt(2))) -> graph.gelu {approximate = "none"}.
struct GeluErf : OpRewritePattern<graph::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::MulOp root, PatternRewriter &rewriter) const override {
    Value x = halfProduct(root, [](Value t) {
      return onePlus<graph::ErfOp>(t, [](Value in) { return scaledBy(in, M_SQRT1_2); });
    });
    if (!x || !sameFloatType(x, root.getType()))
      return rewriter.notifyMatchFailure(root, "not x * 0.5 * (1 + erf(x / sqrt(2)))");
    rewriter.replaceOpWithNewOp<graph::GeluOp>(root, root.getType(), x, StringRef("none"));
    return success();
  }
};

/// x * 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) -> graph.gelu {approximate = "tanh"}.
struct GeluTanh : OpRewritePattern<graph::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::MulOp root, PatternRewriter &rewriter) const override {
    Value x = halfProduct(root, [](Value t) {
      return onePlus<graph::TanhOp>(t, [](Value in) {
        auto mul = singleUse<graph::MulOp>(in);
        Value x;
        if (mul)
          eitherOrder(mul, [&](Value c, Value poly) {
            x = isConst(c, std::sqrt(2.0 / M_PI)) ? cubicPoly(poly) : Value();
            return bool(x);
          });
        return x;
      });
    });
    if (!x || !sameFloatType(x, root.getType()))
      return rewriter.notifyMatchFailure(root, "not x * 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))");
    rewriter.replaceOpWithNewOp<graph::GeluOp>(root, root.getType(), x, StringRef("tanh"));
    return success();
  }
};

/// `mul` as normalised(x) * scale, in either operand order: the tail and the scale.
static std::pair<std::optional<NormTail>, Value> scaledNormTail(graph::MulOp mul) {
  std::optional<NormTail> t;
  Value scale;
  eitherOrder(mul, [&](Value y, Value s) {
    t = matchNormTail(y);
    scale = s;
    return t.has_value();
  });
  return {t, scale};
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) * gamma [+ beta]
/// -> graph.layer_norm. Rooted at the gamma product, which the bias add (when
/// there is one) follows. Its tail is also an RMS norm of x - mean(x), so this
/// pattern goes first.
struct LayerNorm : OpRewritePattern<graph::MulOp> {
  LayerNorm(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(graph::MulOp mul, PatternRewriter &rewriter) const override {
    auto [t, gamma] = scaledNormTail(mul);
    auto sub = t ? t->num.getDefiningOp<graph::SubOp>() : graph::SubOp();
    auto mean = sub ? singleUse<graph::ReduceOp>(sub.getRhs()) : graph::ReduceOp();
    if (!mean)
      return rewriter.notifyMatchFailure(mul, "not (x - mean) / sqrt(var + eps) * gamma");
    // The mean is of the tensor it is subtracted from, over the variance's dims.
    Value x = sub.getLhs();
    if (mean.getInput() != x || mean.getAxes() != t->meanSquare.getAxes() ||
        trailingMeanAxis(mean) != t->axis)
      return rewriter.notifyMatchFailure(mul, "mean not of the normalised tensor over its dims");
    if (!llvm::all_of(t->num.getUsers(),
                      [&](Operation *u) { return u == t->square || u == t->scaled; }))
      return rewriter.notifyMatchFailure(mul, "x - mean has users outside the pattern");
    if (!sameFloatType(x, mul.getType()) || !fitsNormShape(gamma, x, t->axis))
      return rewriter.notifyMatchFailure(mul, "types or gamma shape do not fit a layer norm");

    Operation *root = mul;
    Value beta;
    if (mul->hasOneUse())
      if (auto add = dyn_cast<graph::AddOp>(*mul->user_begin())) {
        Value other = add.getLhs() == mul.getResult() ? add.getRhs() : add.getLhs();
        if (add.getType() == mul.getType() && fitsNormShape(other, x, t->axis)) {
          root = add;
          beta = other;
        }
      }
    // Beta may be defined after the gamma product: build at the add.
    rewriter.setInsertionPoint(root);
    auto ln = rewriter.create<graph::LayerNormOp>(
        root->getLoc(), mul.getType(), x, gamma, beta, rewriter.getI64IntegerAttr(t->axis),
        rewriter.getF32FloatAttr(t->eps));
    rewriter.replaceOp(root, ln.getResult());
    return success();
  }
};

/// x / sqrt(mean(x^2) + eps) * weight -> graph.rms_norm.
struct RMSNorm : OpRewritePattern<graph::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::MulOp mul, PatternRewriter &rewriter) const override {
    auto [t, weight] = scaledNormTail(mul);
    if (!t)
      return rewriter.notifyMatchFailure(mul, "not x / sqrt(mean(x^2) + eps) * weight");
    Value x = t->num;
    if (!sameFloatType(x, mul.getType()) || !fitsNormShape(weight, x, t->axis))
      return rewriter.notifyMatchFailure(mul, "types or weight shape do not fit an RMS norm");
    rewriter.replaceOpWithNewOp<graph::RMSNormOp>(mul, mul.getType(), x, weight,
                                                  rewriter.getI64IntegerAttr(t->axis),
                                                  rewriter.getF32FloatAttr(t->eps));
    return success();
  }
};

struct RecognizePatternsPass : kiln::impl::RecognizePatternsBase<RecognizePatternsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<GeluErf, GeluTanh, LayerNorm, RMSNorm>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
