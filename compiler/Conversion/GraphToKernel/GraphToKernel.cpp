//===- GraphToKernel.cpp - the convert-graph-to-kernel pass -===//
//
// Expects: a module whose functions hold graph ops with static shapes; a
// symbolic type (or graph.iota over symbols) anywhere is an error naming the
// op, as the patterns read int64 sizes (fail closed until step 4 of
// docs/design-symbolic-shapes.md).
// Leaves: kernel ops, one per graph op (fusion comes later), with graph.constant
// kept as the weights. Any graph op left is an error naming it.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GraphToKernel/Patterns.h"
#include "compiler/Conversion/Passes.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#define DEBUG_TYPE "kiln-graph-to-kernel"

namespace kiln {
#define GEN_PASS_DEF_CONVERTGRAPHTOKERNEL
#include "compiler/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

/// The first op with symbolic dims gets the error; nothing is converted.
static LogicalResult refuseSymbolic(ModuleOp module) {
  WalkResult r = module.walk([](Operation *op) {
    auto iota = dyn_cast<graph::IotaOp>(op);
    if (!hasSymbolicTypes(op) && !(iota && iota.getValue().getNumSymbols() > 0))
      return WalkResult::advance();
    op->emitOpError("symbolic dims are not supported by convert-graph-to-kernel yet");
    return WalkResult::interrupt();
  });
  return failure(r.wasInterrupted());
}

namespace {
struct ConvertGraphToKernelPass : kiln::impl::ConvertGraphToKernelBase<ConvertGraphToKernelPass> {
  void runOnOperation() override {
    if (failed(refuseSymbolic(getOperation())))
      return signalPassFailure();
    ConversionTarget target(getContext());
    target.addLegalDialect<kernel::KernelDialect, arith::ArithDialect, math::MathDialect,
                           func::FuncDialect>();
    target.addIllegalDialect<graph::GraphDialect>();
    target.addLegalOp<graph::ConstantOp>();
    // Bodies see uint8 values as i8 through these casts (Elementwise.cpp).
    target.addLegalOp<UnrealizedConversionCastOp>();
    RewritePatternSet patterns(&getContext());
    populateConvToKernelPatterns(patterns);
    populateElementwiseToKernelPatterns(patterns);
    populateMatMulToKernelPatterns(patterns);
    populateNormalizationToKernelPatterns(patterns);
    populateReductionToKernelPatterns(patterns);
    populateShapeToKernelPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
