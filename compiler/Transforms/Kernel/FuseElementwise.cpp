//===- FuseElementwise.cpp - Fold elementwise producers into consumers -===//
//
// Expects: functions of kernel ops. Leaves: the same computation with every
// kernel.elementwise whose single user is a kernel.elementwise folded into
// that user (maps composed, bodies inlined, the producer's kernel.index_expr
// composed with the map it is read through), so no intermediate tensor is
// written between them. Producers with several users stay (no recompute), as
// do a matmul's pointwise consumers read through a non-identity map (they
// become matmul epilogues instead).
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Explain.h"
#include "compiler/Transforms/Kernel/Fusion.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "kiln-fuse-elementwise"

namespace kiln {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct FuseProducer : OpRewritePattern<kernel::ElementwiseOp> {
  FuseProducer(MLIRContext *ctx, bool explain) : OpRewritePattern(ctx), explain(explain) {}
  bool explain;

  LogicalResult matchAndRewrite(kernel::ElementwiseOp consumer, PatternRewriter &rewriter) const override {
    for (auto [idx, operand] : llvm::enumerate(consumer.getInputs())) {
      auto producer = operand.getDefiningOp<kernel::ElementwiseOp>();
      if (!producer)
        continue;
      if (!producer->hasOneUse()) {
        (void)missed(rewriter, producer, DEBUG_TYPE, explain,
                     "not fused into its consumer: the producer has " +
                         Twine(std::distance(producer->use_begin(), producer->use_end())) +
                         " uses (fusing would compute it twice)");
        continue;
      }
      // A matmul's pointwise consumer read here through a transpose or
      // reshape stays apart: it becomes the matmul's epilogue (in registers)
      // and the pure data movement left can fold into the map of whatever
      // reads it next (an attention operand).
      if (Operation *m = epilogueProducer(producer);
          m && !cast<AffineMapAttr>(consumer.getMaps()[idx]).getValue().isIdentity()) {
        (void)missed(rewriter, producer, DEBUG_TYPE, explain,
                     "not fused into its consumer: it becomes the epilogue of " + describe(m) +
                         " and its consumer reads it through a non-identity map");
        continue;
      }
      fuse(consumer, producer, idx, rewriter);
      return success();
    }
    return rewriter.notifyMatchFailure(consumer, "no single-use elementwise producer");
  }

  static void fuse(kernel::ElementwiseOp consumer, kernel::ElementwiseOp producer, unsigned idx,
                   PatternRewriter &rewriter) {
    AffineMap through = cast<AffineMapAttr>(consumer.getMaps()[idx]).getValue();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (auto [i, v] : llvm::enumerate(consumer.getInputs()))
      if (i != idx) {
        inputs.push_back(v);
        maps.push_back(cast<AffineMapAttr>(consumer.getMaps()[i]).getValue());
      }
    // Producer input j is read at producer_map_j(consumer_map_idx(d)).
    for (auto [j, v] : llvm::enumerate(producer.getInputs())) {
      inputs.push_back(v);
      AffineMap m = cast<AffineMapAttr>(producer.getMaps()[j]).getValue();
      maps.push_back(simplifyAffineMap(composeMaps(m, through)));
    }
    rewriter.setInsertionPoint(consumer);
    auto fused = rewriter.create<kernel::ElementwiseOp>(consumer.getLoc(), consumer.getType(),
                                                        inputs, maps);
    Block &dst = fused.getBody().front();
    Block &cBody = consumer.getBody().front(), &pBody = producer.getBody().front();
    OpBuilder b = OpBuilder::atBlockEnd(&dst);
    IRMapping map;
    unsigned next = 0;
    for (unsigned i = 0; i < cBody.getNumArguments(); ++i)
      if (i != idx)
        map.map(cBody.getArgument(i), dst.getArgument(next++));
    for (BlockArgument a : pBody.getArguments())
      map.map(a, dst.getArgument(next++));
    for (Operation &op : pBody.without_terminator()) {
      Operation *c = b.clone(op, map);
      // The producer's index arithmetic, over the consumer's index.
      if (auto ix = dyn_cast<kernel::IndexExprOp>(c))
        ix.setMapAttr(AffineMapAttr::get(simplifyAffineMap(composeMaps(ix.getMap(), through))));
    }
    map.map(cBody.getArgument(idx),
            map.lookup(cast<kernel::YieldOp>(pBody.getTerminator()).getValue()));
    for (Operation &op : cBody)
      b.clone(op, map);
    rewriter.replaceOp(consumer, fused.getResult());
    rewriter.eraseOp(producer);
  }
};

struct FuseElementwisePass : kiln::impl::FuseElementwiseBase<FuseElementwisePass> {
  using FuseElementwiseBase::FuseElementwiseBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseProducer>(&getContext(), explain);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
