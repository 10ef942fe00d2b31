//===- SymShape.h - Tensor types whose dims are SymExprs -===//
//
// A symbolic tensor type (docs/design-symbolic-shapes.md, 2.2) is
//   tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>
// `?` dims plus an AffineMapAttr encoding with no dims and one result per dim:
// static dims as their constant, `?` dims as a non-constant polynomial of the
// symbols in SymExpr::toAffine's canonical form. The encoding is present
// exactly when some dim is `?`, so static types print and compare as before,
// and equal shapes over one symbol count are equal types.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_UTILS_SYMSHAPE_H
#define KILN_DIALECTS_UTILS_SYMSHAPE_H

#include "dialects/Utils/SymExpr.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"

#include <string>

namespace kiln {

/// Why `type` breaks the invariant above; empty when it holds.
std::string shapeEncodingError(mlir::RankedTensorType type);

/// Whether `type` is a ranked tensor with a `?` dim.
bool isSymbolic(mlir::Type type);

/// The symbol count of a symbolic type's encoding; 0 for any other type.
unsigned numSymbols(mlir::Type type);

/// Whether any operand, result, region argument or function-type attribute
/// of `op` (not its nested ops) is a symbolic tensor.
bool hasSymbolicTypes(mlir::Operation *op);

/// The checks every graph and kernel op runs on its operand and result types:
/// each satisfies the invariant above, all symbolic ones share one symbol
/// count (so equal shapes are equal types), and symbolic types appear only
/// when `symbolicDims` (the op's verifier reads dims as SymExprs). Errors
/// name the op.
mlir::LogicalResult verifyShapeEncodings(mlir::Operation *op, bool symbolicDims);

/// The symbol count shared by the symbolic operand and result types of `op`
/// (verifyShapeEncodings checked that they agree); 0 when all are static.
unsigned opSymbolCount(mlir::Operation *op);

/// One SymExpr per dim: constants for static dims, the encoding's results for
/// `?` dims. `type` must satisfy the invariant (graph ops verify it first).
llvm::SmallVector<SymExpr> dimExprs(mlir::RankedTensorType type);

/// The type with these dims: static when every dim is constant, else with an
/// encoding over max(numSymbols, the highest symbol used + 1) symbols.
mlir::RankedTensorType makeType(llvm::ArrayRef<SymExpr> dims, mlir::Type elementType,
                                mlir::MLIRContext *ctx, unsigned numSymbols = 0);

/// Equal dims, compared as polynomials (ignores the encodings' symbol counts).
bool sameShape(mlir::RankedTensorType a, mlir::RankedTensorType b);

/// The product of the dims; nullopt on overflow.
std::optional<SymExpr> numElementsExpr(llvm::ArrayRef<SymExpr> dims);

/// Numpy broadcast where aligned dims are equal polynomials or one is the
/// constant 1. A symbol is never broadcast against another size (the importer
/// unifies them instead), so s0 vs 4 fails; `why` says which dims clash.
mlir::FailureOr<llvm::SmallVector<SymExpr>> broadcastSym(llvm::ArrayRef<SymExpr> a,
                                                         llvm::ArrayRef<SymExpr> b,
                                                         std::string *why = nullptr);

/// Formats dims as [s0,s1*4,128] for messages; static shapes as shapeString.
std::string shapeString(llvm::ArrayRef<SymExpr> dims);

} // namespace kiln

#endif
