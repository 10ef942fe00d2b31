//===- Reduction.cpp - arg reductions, scans and top-k to kernel ops -===//
//
// graph.arg_reduce and graph.cumsum map one to one onto kernel.arg_reduce and
// kernel.scan. graph.topk's two results become kernel.topk (the indices) and a
// kernel.gather_elements of the input at those indices (the values), so that
// each kernel keeps one output.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"

using namespace mlir;
using namespace kiln;

namespace {

struct ArgReducePattern : OpRewritePattern<graph::ArgReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ArgReduceOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::ArgReduceOp>(op, op.getType(), op.getInput(),
                                                     op.getKind() == graph::ArgReduceKind::Max ? kernel::ArgReduceKind::Max
                                                                                               : kernel::ArgReduceKind::Min,
                                                     op.getAxis(), op.getKeepdims(),
                                                     op.getSelectLastIndex());
    return success();
  }
};

struct CumSumPattern : OpRewritePattern<graph::CumSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::CumSumOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::ScanOp>(op, op.getType(), op.getInput(), kernel::ScanKind::Add, op.getAxis(),
                                                op.getExclusive(), op.getReverse());
    return success();
  }
};

struct TopKPattern : OpRewritePattern<graph::TopKOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::TopKOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value indices = rewriter.create<kernel::TopKOp>(loc, op.getIndices().getType(), op.getInput(),
                                                    op.getAxis(), op.getLargest());
    Value values = rewriter.create<kernel::GatherElementsOp>(loc, op.getValues().getType(),
                                                             op.getInput(), indices, op.getAxis());
    rewriter.replaceOp(op, {values, indices});
    return success();
  }
};

} // namespace

void kiln::populateReductionToKernelPatterns(RewritePatternSet &patterns) {
  patterns.add<ArgReducePattern, CumSumPattern, TopKPattern>(patterns.getContext());
}
