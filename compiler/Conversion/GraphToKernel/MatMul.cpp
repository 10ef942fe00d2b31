//===- MatMul.cpp - graph.matmul / graph.gemm to kernel.matmul -===//
//
// kernel.matmul wants rank >= 2 operands and a B that is [K, N] or, with
// trans_b, [N, K]. 1-D MatMul operands are promoted with reshapes; Gemm's
// transposed A becomes a transpose copy, its C a bias (scaled when beta != 1).
// Symbolic dims keep their exprs in the promoted and transposed types.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

namespace {

struct MatMulPattern : OpRewritePattern<graph::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::MatMulOp op, PatternRewriter &rewriter) const override {
    Type et = tt(op.getLhs()).getElementType();
    if (!isa<FloatType>(et) && et.getIntOrFloatBitWidth() < 32)
      return rewriter.notifyMatchFailure(op, "8-bit MatMul: the importer widens it to INT32");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    unsigned nsym = opSymbolCount(op);
    Value a = op.getLhs(), b = op.getRhs();
    auto ra = tt(a), rb = tt(b), res = tt(op.getResult());
    const SymExpr one = SymExpr::constant(1);
    auto reshape = [&](Value v, ArrayRef<SymExpr> shape) -> FailureOr<Value> {
      return buildReshape(rewriter, loc, v, makeType(shape, tt(v).getElementType(), ctx, nsym));
    };
    if (ra.getRank() == 1) {
      FailureOr<Value> r = reshape(a, {one, dimExprs(ra)[0]});
      if (failed(r))
        return rewriter.notifyMatchFailure(op, "the sizes overflow int64");
      a = *r;
    }
    if (rb.getRank() == 1) {
      FailureOr<Value> r = reshape(b, {dimExprs(rb)[0], one});
      if (failed(r))
        return rewriter.notifyMatchFailure(op, "the sizes overflow int64");
      b = *r;
    }
    if (ra.getRank() > 1 && rb.getRank() > 1) {
      rewriter.replaceOpWithNewOp<kernel::MatMulOp>(op, res, a, b, Value(), ValueRange(), rewriter.getBoolAttr(false),
                                                    rewriter.getF32FloatAttr(1.0f), IntegerAttr(), ArrayAttr());
      return success();
    }
    // Compute with the promoted dims, then drop them.
    SmallVector<SymExpr> shape = dimExprs(res);
    if (ra.getRank() == 1)
      shape.insert(shape.end() - (rb.getRank() == 1 ? 0 : 1), one);
    if (rb.getRank() == 1)
      shape.push_back(one);
    auto full = makeType(shape, res.getElementType(), ctx, nsym);
    Value mm = rewriter.create<kernel::MatMulOp>(loc, full, a, b, Value(), ValueRange(), rewriter.getBoolAttr(false),
                                                 rewriter.getF32FloatAttr(1.0f), IntegerAttr(), ArrayAttr());
    FailureOr<Value> r = buildReshape(rewriter, loc, mm, res);
    if (failed(r))
      return rewriter.notifyMatchFailure(op, "the sizes overflow int64");
    rewriter.replaceOp(op, *r);
    return success();
  }
};

struct GemmPattern : OpRewritePattern<graph::GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::GemmOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = op.getA();
    if (op.getTransA()) {
      auto ta = tt(a);
      SmallVector<SymExpr> d = dimExprs(ta);
      auto t = makeType({d[1], d[0]}, ta.getElementType(), rewriter.getContext(), opSymbolCount(op));
      auto map = AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, rewriter.getContext());
      a = buildElementwise(rewriter, loc, t, a, map,
                           [](OpBuilder &, Location, ValueRange s) { return s[0]; });
    }
    Value bias = op.getC();
    float beta = op.getBeta().convertToFloat();
    if (bias && beta != 1.0f) {
      Type et = tt(bias).getElementType();
      bias = buildBroadcastElementwise(
          rewriter, loc, tt(bias), bias, [&](OpBuilder &b, Location l, ValueRange s) -> Value {
            Value c = b.create<arith::ConstantOp>(l, b.getFloatAttr(et, beta));
            return b.create<arith::MulFOp>(l, s[0], c);
          });
    }
    rewriter.replaceOpWithNewOp<kernel::MatMulOp>(op, tt(op.getResult()), a, op.getB(), bias, ValueRange(),
                                                  op.getTransBAttr(), op.getAlphaAttr(), IntegerAttr(), ArrayAttr());
    return success();
  }
};

} // namespace

void kiln::populateMatMulToKernelPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulPattern, GemmPattern>(patterns.getContext());
}
