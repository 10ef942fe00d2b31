//===- Explain.h - Why a rewrite left a candidate alone -*- C++ -*-===//
#ifndef KILN_COMPILER_TRANSFORMS_EXPLAIN_H
#define KILN_COMPILER_TRANSFORMS_EXPLAIN_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {

/// Says why `op`, a candidate of a rewrite, was left alone: under
/// -debug-only=`debugType` (the pass's DEBUG_TYPE; only LLVM builds with
/// assertions have the flag) and, when the pass's `explain` option is set, as
/// a remark on `op`, which works in any build and which lit tests check.
/// Returns failure() so a matcher can return it.
mlir::LogicalResult missed(mlir::Operation *op, const char *debugType, bool explain,
                           const llvm::Twine &reason);

/// The same from a rewrite pattern, which also tells the rewriter
/// (notifyMatchFailure: the greedy driver's own debug output).
mlir::LogicalResult missed(mlir::PatternRewriter &rewriter, mlir::Operation *op,
                           const char *debugType, bool explain, const llvm::Twine &reason);

/// `op`'s name and location, to name the op that blocks a rewrite.
std::string describe(mlir::Operation *op);

} // namespace kiln

#endif
