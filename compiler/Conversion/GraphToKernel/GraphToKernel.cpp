//===- GraphToKernel.cpp - the convert-graph-to-kernel pass -===//
//
// Expects: a module whose functions hold graph ops; symbolic types only on
// ops with Graph_SymbolicDims (the graph verifiers refuse the others, and so
// does this pass, naming the op, in case a pass built one unverified).
// Leaves: kernel ops, one per graph op (fusion comes later), with graph.constant
// kept as the weights; symbolic results keep their encoded types and reshape
// maps take the symbols. Any graph op left is an error naming it.
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

/// The first op with symbolic dims whose pattern reads int64 sizes gets the
/// error; nothing is converted.
static LogicalResult refuseSymbolic(ModuleOp module) {
  WalkResult r = module.walk([](Operation *op) {
    if (!hasSymbolicTypes(op) || isa<func::FuncOp, func::ReturnOp>(op) ||
        op->hasTrait<graph::OpTrait::SymbolicDims>())
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
    populateMatMulNBitsToKernelPatterns(patterns);
    populateNormalizationToKernelPatterns(patterns);
    populateReductionToKernelPatterns(patterns);
    populateShapeToKernelPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
