//===- Shape.cpp - data movement to kernel.elementwise maps, gathers, concat -===//
//
// Reshape, Transpose, Expand and Slice are copies whose whole meaning is the
// index map: reshapes delinearize the output index and relinearize it in the
// input's shape (floordiv/mod by the strides, polynomials of the symbols
// when dims are symbolic), transposes permute, expands
// broadcast, slices scale and offset. Gathers, Concat, Pad, Trilu and
// ScatterND keep their own ops (their bodies need the output index).
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"

#include "dialects/Utils/SymShape.h"

#include "mlir/IR/AffineExpr.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

static Value identityBody(OpBuilder &, Location, ValueRange s) { return s[0]; }

FailureOr<Value> kiln::buildReshape(OpBuilder &b, Location loc, Value input, RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  SmallVector<SymExpr> out = dimExprs(type), in = dimExprs(tt(input));
  unsigned nsym = std::max(numSymbols(type), numSymbols(input.getType()));
  auto affine = [&](const SymExpr &e) { return e.toAffine(ctx, nsym); };
  const SymExpr one = SymExpr::constant(1);
  // suffix[p] is the product of out[p..]: the output's row-major stride of
  // dim p - 1, suffix[0] the total. Sizes are canonical polynomials, so equal
  // sizes compare equal.
  SmallVector<SymExpr> suffix(out.size() + 1, one);
  for (int64_t d = out.size() - 1; d >= 0; --d) {
    std::optional<SymExpr> s = mul(suffix[d + 1], out[d]);
    if (!s)
      return failure();
    suffix[d] = *s;
  }
  // The output's linear index, which static reshapes divide (MLIR folds the
  // divisions by constants; the form is kept so static kernels stay as they were).
  bool symbolic = nsym > 0;
  AffineExpr linear = getAffineConstantExpr(0, ctx);
  for (size_t d = 0; d < out.size() && !symbolic; ++d)
    linear = linear + getAffineDimExpr(d, ctx) * affine(suffix[d + 1]);
  // The index within suffix[lo] of the output dims [lo, hi), counted in
  // units of suffix[hi]: sum of d_j * out[j+1] * .. * out[hi-1] (unit dims,
  // whose index is always 0, left out).
  auto group = [&](size_t lo, size_t hi) {
    AffineExpr e = getAffineConstantExpr(0, ctx);
    for (size_t j = lo; j < hi; ++j) {
      if (out[j] == one)
        continue;
      SymExpr coeff = one;
      for (size_t k = j + 1; k < hi; ++k)
        coeff = *mul(coeff, out[k]); // a factor of suffix[j + 1]: no overflow
      e = e + getAffineDimExpr(j, ctx) * affine(coeff);
    }
    return e;
  };
  SmallVector<AffineExpr> exprs(in.size());
  SymExpr stride = one;
  for (int64_t d = in.size() - 1; d >= 0; --d) {
    std::optional<SymExpr> next = mul(stride, in[d]);
    if (!next)
      return failure();
    // Positions whose suffix products are the input dim's stride and the next.
    std::optional<size_t> hi, lo;
    for (size_t p = 0; p <= out.size(); ++p) {
      if (suffix[p] == stride)
        hi = p;
      if (suffix[p] == *next && !lo)
        lo = p;
    }
    if (hi && lo) {
      // This input dim is exactly the group of output dims [lo, hi): no
      // div/mod needed.
      exprs[d] = group(*lo, *hi);
    } else if (!symbolic) {
      AffineExpr e = stride == one ? linear : linear.floorDiv(affine(stride));
      exprs[d] = d == 0 ? e : e % affine(in[d]);
    } else {
      // MLIR does not simplify a floordiv by symbols, so divide exactly first:
      // by the largest output stride suffix[p] that divides this stride (the
      // dims after p add less than suffix[p]). Flatten [B,S] -> [B*S,1] reads
      // (d0 floordiv S, d0 mod S), a unit dim's index (always 0) nothing.
      size_t p = 0;
      while (!exactDiv(stride, suffix[p]))
        ++p; // suffix[out.size()] is 1
      SymExpr r = *exactDiv(stride, suffix[p]);
      AffineExpr e = r == one ? group(0, p) : group(0, p).floorDiv(affine(r));
      exprs[d] = d == 0 ? e : e % affine(in[d]);
    }
    stride = *next;
  }
  auto map = simplifyAffineMap(AffineMap::get(out.size(), nsym, exprs, ctx));
  return buildElementwise(b, loc, type, input, map, identityBody);
}

namespace {

struct ReshapePattern : OpRewritePattern<graph::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ReshapeOp op, PatternRewriter &rewriter) const override {
    FailureOr<Value> r = buildReshape(rewriter, op.getLoc(), op.getInput(), op.getType());
    if (failed(r))
      return rewriter.notifyMatchFailure(op, "the sizes overflow int64");
    rewriter.replaceOp(op, *r);
    return success();
  }
};

struct TransposePattern : OpRewritePattern<graph::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::TransposeOp op, PatternRewriter &rewriter) const override {
    // Output dim i is input dim perm[i]: input index p reads output dim inverse[p].
    SmallVector<unsigned> inverse(op.getPerm().size());
    for (auto [i, a] : llvm::enumerate(op.getPerm()))
      inverse[cast<IntegerAttr>(a).getInt()] = i;
    auto map = AffineMap::getPermutationMap(inverse, rewriter.getContext());
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), op.getType(), op.getInput(), map,
                                            identityBody));
    return success();
  }
};

struct ExpandPattern : OpRewritePattern<graph::ExpandOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ExpandOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildBroadcastElementwise(rewriter, op.getLoc(), op.getType(),
                                                     op.getInput(), identityBody));
    return success();
  }
};

struct SlicePattern : OpRewritePattern<graph::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::SliceOp op, PatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> exprs;
    std::optional<AffineMap> startMap = op.getStartMap();
    for (size_t d = 0; d < op.getStarts().size(); ++d) {
      AffineExpr start = startMap ? startMap->getResult(d)
                                  : getAffineConstantExpr(cast<IntegerAttr>(op.getStarts()[d]).getInt(), ctx);
      exprs.push_back(getAffineDimExpr(d, ctx) * cast<IntegerAttr>(op.getSteps()[d]).getInt() + start);
    }
    auto map = AffineMap::get(exprs.size(), startMap ? startMap->getNumSymbols() : 0, exprs, ctx);
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), op.getType(), op.getInput(), map,
                                            identityBody));
    return success();
  }
};

struct GatherPattern : OpRewritePattern<graph::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::GatherOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::GatherOp>(op, op.getType(), op.getData(), op.getIndices(),
                                                  op.getAxis());
    return success();
  }
};

struct GatherElementsPattern : OpRewritePattern<graph::GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::GatherElementsOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::GatherElementsOp>(op, op.getType(), op.getData(),
                                                          op.getIndices(), op.getAxis());
    return success();
  }
};

struct GatherNDPattern : OpRewritePattern<graph::GatherNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::GatherNDOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::GatherNDOp>(op, op.getType(), op.getData(), op.getIndices(),
                                                    op.getBatchDims());
    return success();
  }
};

struct ConcatPattern : OpRewritePattern<graph::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ConcatOp op, PatternRewriter &rewriter) const override {
    if (op.getInputs().size() == 1) {
      rewriter.replaceOp(op, op.getInputs()[0]);
      return success();
    }
    rewriter.replaceOpWithNewOp<kernel::ConcatOp>(op, op.getType(), op.getInputs(), op.getAxis());
    return success();
  }
};

struct PadPattern : OpRewritePattern<graph::PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::PadOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::PadOp>(op, op.getType(), op.getInput(), op.getValue(),
                                               *kernel::symbolizePadMode(graph::stringifyPadMode(op.getMode())),
                                               op.getPads());
    return success();
  }
};

struct TriluPattern : OpRewritePattern<graph::TriluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::TriluOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::TriluOp>(op, op.getType(), op.getInput(), op.getK(),
                                                 op.getUpper());
    return success();
  }
};

struct ScatterNDPattern : OpRewritePattern<graph::ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ScatterNDOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::ScatterNDOp>(op, op.getType(), op.getData(), op.getIndices(),
                                                     op.getUpdates(),
                                                     *kernel::symbolizeScatterReduction(graph::stringifyScatterReduction(op.getReduction())));
    return success();
  }
};

} // namespace

void kiln::populateShapeToKernelPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapePattern, TransposePattern, ExpandPattern, SlicePattern, GatherPattern,
               GatherElementsPattern, GatherNDPattern, ConcatPattern, PadPattern, TriluPattern,
               ScatterNDPattern>(patterns.getContext());
}
