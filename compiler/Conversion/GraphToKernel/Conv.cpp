//===- Conv.cpp - patch-embedding convolutions as im2col + packed GEMM -===//
//
// A convolution whose stride equals its kernel, with no padding, dilation or
// groups (the patch embedding of ViT and DiT) reads every input element once:
// it is a GEMM. It becomes an im2col copy (an affine map: patch p = (oh, ow),
// column q = (c, kh, kw)), a kernel.matmul against the weight viewed as
// [CO, C*KH*KW] with trans_b (so kiln-pack-weights packs it) and the bias as
// the matmul's bias, and a copy back to NCHW. Other convolutions stay
// kernel.conv (the generic lowering in Normalization.cpp, lower benefit),
// which does not take a symbolic batch yet.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }
static int64_t at(ArrayAttr a, size_t i) { return cast<IntegerAttr>(a[i]).getInt(); }

namespace {

struct PatchConvPattern : OpRewritePattern<graph::ConvOp> {
  PatchConvPattern(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(graph::ConvOp op, PatternRewriter &rewriter) const override {
    auto x = tt(op.getInput()), w = tt(op.getWeight()), res = tt(op.getResult());
    auto weight = op.getWeight().getDefiningOp<graph::ConstantOp>();
    if (x.getRank() != 4 || op.getGroup() != 1 || !weight || !x.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a 2-D f32 conv with a constant weight");
    int64_t KH = w.getDimSize(2), KW = w.getDimSize(3);
    for (size_t i = 0; i < 2; ++i)
      if (at(op.getStrides(), i) != (i ? KW : KH) || at(op.getDilations(), i) != 1)
        return rewriter.notifyMatchFailure(op, "stride differs from the kernel");
    for (Attribute p : op.getPads())
      if (cast<IntegerAttr>(p).getInt() != 0)
        return rewriter.notifyMatchFailure(op, "padded");
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    // The batch may be symbolic (graph.conv's verifier allows no other `?`).
    SymExpr N = dimExprs(x)[0];
    unsigned nsym = opSymbolCount(op);
    int64_t C = x.getDimSize(1), CO = w.getDimSize(0);
    int64_t OH = res.getDimSize(2), OW = res.getDimSize(3), P = OH * OW, Q = C * KH * KW;
    Type et = x.getElementType();

    // im2col: cols[n, p, q] = x[n, c, oh*KH + kh, ow*KW + kw].
    AffineExpr n = getAffineDimExpr(0, ctx), p = getAffineDimExpr(1, ctx), q = getAffineDimExpr(2, ctx);
    AffineMap im2col = AffineMap::get(
        3, 0,
        {n, q.floorDiv(KH * KW), p.floorDiv(OW) * KH + (q.floorDiv(KW) % KH), (p % OW) * KW + q % KW}, ctx);
    auto sym = [](int64_t v) { return SymExpr::constant(v); };
    auto colsType = makeType({N, sym(P), sym(Q)}, et, ctx, nsym);
    Value cols = buildElementwise(rewriter, loc, colsType, op.getInput(), im2col,
                                  [](OpBuilder &, Location, ValueRange s) { return s[0]; });

    // The weight [CO, C, KH, KW] is already [CO, Q] row-major: same bytes, new type.
    auto wType = RankedTensorType::get({CO, Q}, et);
    ElementsAttr value = weight.getValue();
    ElementsAttr reshaped;
    if (auto dense = dyn_cast<DenseElementsAttr>(value))
      reshaped = dense.reshape(wType);
    else if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
      reshaped = DenseResourceElementsAttr::get(wType, res.getRawHandle());
    else
      return rewriter.notifyMatchFailure(op, "unknown weight storage");
    Value w2 = rewriter.create<graph::ConstantOp>(loc, wType, reshaped);

    auto mmType = makeType({N, sym(P), sym(CO)}, et, ctx, nsym);
    Value mm = rewriter.create<kernel::MatMulOp>(loc, mmType, cols, w2, op.getBias(), ValueRange(),
                                                 rewriter.getBoolAttr(true),
                                                 rewriter.getF32FloatAttr(1.0f), IntegerAttr(), ArrayAttr());
    // Back to NCHW: out[n, co, oh, ow] = mm[n, oh*OW + ow, co].
    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
               d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx);
    AffineMap back = AffineMap::get(4, 0, {d0, d2 * OW + d3, d1}, ctx);
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, res, mm, back,
                                            [](OpBuilder &, Location, ValueRange s) { return s[0]; }));
    return success();
  }
};

} // namespace

void kiln::populateConvToKernelPatterns(RewritePatternSet &patterns) {
  patterns.add<PatchConvPattern>(patterns.getContext());
}
