//===- HalideAttrs.h - halide dialect attributes -===//
#ifndef KILN_DIALECTS_HALIDE_HALIDEATTRS_H
#define KILN_DIALECTS_HALIDE_HALIDEATTRS_H

#include "dialects/Halide/HalideDialect.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinOps.h"

#define GET_ATTRDEF_CLASSES
#include "dialects/Halide/HalideAttrs.h.inc"

namespace kiln::halide {
/// The module attribute that holds the compile target.
constexpr llvm::StringLiteral kTargetAttrName = "halide.target";
/// The module's `halide.target`, or null when it has none.
TargetAttr getTarget(mlir::ModuleOp module);
/// Its vector bytes, or `fallback` (32: AVX2) without a target.
int64_t getVectorBytes(mlir::ModuleOp module, int64_t fallback = 32);
} // namespace kiln::halide

#endif
