//===- Shape.cpp - data movement to kernel.elementwise maps, gathers, concat -===//
//
// Reshape, Transpose, Expand and Slice are copies whose whole meaning is the
// index map: reshapes delinearize the output index and relinearize it in the
// input's shape (floordiv/mod by constants), transposes permute, expands
// broadcast, slices scale and offset. Gathers, Concat, Pad, Trilu and
// ScatterND keep their own ops (their bodies need the output index).
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"

#include "mlir/IR/AffineExpr.h"
#include <set>

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

static Value identityBody(OpBuilder &, Location, ValueRange s) { return s[0]; }

Value kiln::buildReshape(OpBuilder &b, Location loc, Value input, RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> out = type.getShape(), in = tt(input).getShape();
  // Row-major strides of the output; `bounds` holds every stride and the total.
  SmallVector<int64_t> outStride(out.size());
  std::set<int64_t> bounds;
  int64_t total = 1;
  for (int64_t d = out.size() - 1; d >= 0; --d) {
    outStride[d] = total;
    bounds.insert(total);
    total *= out[d];
  }
  bounds.insert(total);
  AffineExpr linear = getAffineConstantExpr(0, ctx);
  for (size_t d = 0; d < out.size(); ++d)
    linear = linear + getAffineDimExpr(d, ctx) * outStride[d];
  SmallVector<AffineExpr> exprs(in.size());
  int64_t stride = 1;
  for (int64_t d = in.size() - 1; d >= 0; --d) {
    if (bounds.count(stride) && bounds.count(stride * in[d])) {
      // This input dim is exactly a group of output dims: no div/mod needed.
      AffineExpr e = getAffineConstantExpr(0, ctx);
      for (size_t j = 0; j < out.size(); ++j)
        if (outStride[j] >= stride && outStride[j] < stride * in[d] && out[j] != 1)
          e = e + getAffineDimExpr(j, ctx) * (outStride[j] / stride);
      exprs[d] = e;
    } else {
      AffineExpr e = stride == 1 ? linear : linear.floorDiv(stride);
      exprs[d] = d == 0 ? e : e % in[d];
    }
    stride *= in[d];
  }
  auto map = simplifyAffineMap(AffineMap::get(out.size(), 0, exprs, ctx));
  return buildElementwise(b, loc, type, input, map, identityBody);
}

namespace {

struct ReshapePattern : OpRewritePattern<graph::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ReshapeOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildReshape(rewriter, op.getLoc(), op.getInput(), op.getType()));
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
    for (size_t d = 0; d < op.getStarts().size(); ++d)
      exprs.push_back(getAffineDimExpr(d, ctx) * cast<IntegerAttr>(op.getSteps()[d]).getInt() +
                      cast<IntegerAttr>(op.getStarts()[d]).getInt());
    auto map = AffineMap::get(exprs.size(), 0, exprs, ctx);
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
                                               op.getMode(), op.getPads());
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
                                                     op.getUpdates(), op.getReduction());
    return success();
  }
};

} // namespace

void kiln::populateShapeToKernelPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapePattern, TransposePattern, ExpandPattern, SlicePattern, GatherPattern,
               GatherElementsPattern, GatherNDPattern, ConcatPattern, PadPattern, TriluPattern,
               ScatterNDPattern>(patterns.getContext());
}
