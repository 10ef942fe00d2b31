//===- Normalization.cpp - (log) softmax, layer and RMS norm, reductions, conv to kernel ops -===//
//
// These keep their own kernel ops (their schedules differ from elementwise
// work); the rewrite is one to one.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"
#include "dialects/Utils/SymShape.h"

using namespace mlir;
using namespace kiln;

namespace {

struct SoftmaxPattern : OpRewritePattern<graph::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::SoftmaxOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::SoftmaxOp>(op, op.getType(), op.getInput(), op.getAxis());
    return success();
  }
};

struct LogSoftmaxPattern : OpRewritePattern<graph::LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::LogSoftmaxOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::LogSoftmaxOp>(op, op.getType(), op.getInput(), op.getAxis());
    return success();
  }
};

struct RMSNormPattern : OpRewritePattern<graph::RMSNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::RMSNormOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::RMSNormOp>(op, op.getType(), op.getInput(), op.getScale(),
                                                   op.getAxis(), op.getEpsilon());
    return success();
  }
};

struct LayerNormPattern : OpRewritePattern<graph::LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::LayerNormOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<kernel::LayerNormOp>(op, op.getType(), op.getInput(), op.getScale(),
                                                     op.getBias(), op.getAxis(), op.getEpsilon());
    return success();
  }
};

struct ReducePattern : OpRewritePattern<graph::ReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ReduceOp op, PatternRewriter &rewriter) const override {
    // The two dialects' enums have the same cases, by name.
    rewriter.replaceOpWithNewOp<kernel::ReduceOp>(op, op.getType(), op.getInput(),
                                                  *kernel::symbolizeReduceKind(graph::stringifyReduceKind(op.getKind())),
                                                  op.getAxes(), op.getKeepdims());
    return success();
  }
};

struct ConvPattern : OpRewritePattern<graph::ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(graph::ConvOp op, PatternRewriter &rewriter) const override {
    // kernel.conv reads int64 sizes; a patch embedding (Conv.cpp) takes a
    // symbolic batch, other convolutions not yet.
    if (hasSymbolicTypes(op))
      return op.emitOpError("symbolic dims are not supported by convert-graph-to-kernel yet ")
             << "(only patch-embedding convolutions: stride = kernel, no padding, dilation or groups)";
    rewriter.replaceOpWithNewOp<kernel::ConvOp>(op, op.getType(), op.getInput(), op.getWeight(),
                                                op.getBias(), op.getStrides(), op.getPads(),
                                                op.getDilations(), op.getGroup());
    return success();
  }
};

} // namespace

void kiln::populateNormalizationToKernelPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxPattern, LogSoftmaxPattern, RMSNormPattern, LayerNormPattern, ReducePattern,
               ConvPattern>(patterns.getContext());
}
