//===- KernelTraits.h - kernel op traits for symbolic shapes -===//
//
// As in the graph dialect (GraphTraits.h): every kernel op checks its tensor
// types against the symbolic-shape invariant (SymShape.h) before its own
// verifier runs, and refuses `?` dims by name unless it carries SymbolicDims,
// because its verifier or its lowering still reads int64 sizes (fail closed,
// docs/design-symbolic-shapes.md 2.2).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KERNEL_KERNELTRAITS_H
#define KILN_DIALECTS_KERNEL_KERNELTRAITS_H

#include "dialects/Utils/SymShape.h"

#include "mlir/IR/OpDefinition.h"

namespace kiln::kernel::OpTrait {

/// Marks an op whose verifier reads dims as SymExprs and whose lowering
/// (convert-kernel-to-halide) takes symbolic dims; the pass refuses symbolic
/// dims on any other op.
template <typename ConcreteType>
class SymbolicDims : public mlir::OpTrait::TraitBase<ConcreteType, SymbolicDims> {};

/// On every kernel op: well-formed encodings, one symbol count, and symbolic
/// types only on SymbolicDims ops.
template <typename ConcreteType>
class ShapeEncoding : public mlir::OpTrait::TraitBase<ConcreteType, ShapeEncoding> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyShapeEncodings(op, op->hasTrait<SymbolicDims>());
  }
};

} // namespace kiln::kernel::OpTrait

#endif
