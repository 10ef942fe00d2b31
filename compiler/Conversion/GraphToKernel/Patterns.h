//===- Patterns.h - graph to kernel patterns, one populate per op family -===//
#ifndef KILN_COMPILER_CONVERSION_GRAPHTOKERNEL_PATTERNS_H
#define KILN_COMPILER_CONVERSION_GRAPHTOKERNEL_PATTERNS_H

#include "dialects/Graph/GraphOps.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/IR/PatternMatch.h"

#include <functional>

namespace kiln {

void populateConvToKernelPatterns(mlir::RewritePatternSet &patterns);
void populateElementwiseToKernelPatterns(mlir::RewritePatternSet &patterns);
void populateMatMulToKernelPatterns(mlir::RewritePatternSet &patterns);
/// graph.matmul_nbits to kernel.w4matmul, the constant weight repacked.
void populateMatMulNBitsToKernelPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationToKernelPatterns(mlir::RewritePatternSet &patterns);
void populateReductionToKernelPatterns(mlir::RewritePatternSet &patterns);
void populateShapeToKernelPatterns(mlir::RewritePatternSet &patterns);

/// The body of a kernel.elementwise: scalars in, one scalar out.
using ScalarBody = std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The broadcast map from an output of rank `outRank` to an input of `inShape`
/// (numpy rules: trailing dims align, size-1 dims read index 0).
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> inShape,
                             llvm::ArrayRef<int64_t> outShape);

/// Builds a kernel.elementwise computing `body` over `inputs` read through
/// `maps`. Splat constant inputs are folded into the body as arith.constant.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                             mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> maps,
                             const ScalarBody &body);

/// Same, with broadcast maps for every input.
mlir::Value buildBroadcastElementwise(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::RankedTensorType type, mlir::ValueRange inputs,
                                      const ScalarBody &body);

/// A row-major reshape of `input` to `type` as a kernel.elementwise copy;
/// fails only when a size overflows int64.
mlir::FailureOr<mlir::Value> buildReshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                         mlir::RankedTensorType type);

} // namespace kiln

#endif
