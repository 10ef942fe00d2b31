//===- HalideOps.h - halide dialect ops -===//
#ifndef KILN_DIALECTS_HALIDE_HALIDEOPS_H
#define KILN_DIALECTS_HALIDE_HALIDEOPS_H

#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Halide/HalideDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/OpImplementation.h"

#include <optional>

namespace kiln::halide {
/// The extents map of constant `values`: no dims, no symbols.
mlir::AffineMap constantExtents(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> values);
/// The extents when every one is a constant.
std::optional<llvm::SmallVector<int64_t>> staticExtents(mlir::AffineMap extents);
} // namespace kiln::halide

#define GET_OP_CLASSES
#include "dialects/Halide/HalideOps.h.inc"

#endif
