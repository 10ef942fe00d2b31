//===- GraphTraits.h - graph op traits for symbolic shapes -===//
//
// Every graph op checks its tensor types against the symbolic-shape invariant
// (SymShape.h) before its own verifier runs, and refuses symbolic types unless
// it carries SymbolicDims: verifiers that still read int64 sizes must never
// see a `?` (fail closed, docs/design-symbolic-shapes.md 2.2).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_GRAPH_GRAPHTRAITS_H
#define KILN_DIALECTS_GRAPH_GRAPHTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace kiln::graph {

mlir::LogicalResult verifyShapeEncodings(mlir::Operation *op);

namespace OpTrait {

/// Marks an op whose verifier (and ONNX semantics) handles symbolic dims.
template <typename ConcreteType>
class SymbolicDims : public mlir::OpTrait::TraitBase<ConcreteType, SymbolicDims> {};

/// On every graph op: well-formed encodings, one symbol count, and symbolic
/// types only on SymbolicDims ops.
template <typename ConcreteType>
class ShapeEncoding : public mlir::OpTrait::TraitBase<ConcreteType, ShapeEncoding> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) { return verifyShapeEncodings(op); }
};

} // namespace OpTrait
} // namespace kiln::graph

#endif
