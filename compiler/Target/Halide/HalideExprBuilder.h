//===- HalideExprBuilder.h - arith/math/halide.call bodies to Halide::Expr -===//
//
// Expects: the single block of a `halide.func` or `halide.update` body, i.e.
// scalar `arith` and `math` ops, `halide.call`s and a final `halide.return`,
// plus one Halide::Expr per block argument (the func's Vars, then RVars).
// Produces: the Halide::Expr of the returned value, in MLIR's value semantics
// (an i1 is a Halide Bool). Storage of i1 as UInt(8) in buffers and funcs is
// the caller's business: it resolves every halide.call to an Expr.
//
// Private to compiler/Target/Halide; includes Halide.h, so the files that use
// it are compiled with -fexceptions (Halide reports errors by throwing).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TARGET_HALIDE_HALIDEEXPRBUILDER_H
#define KILN_COMPILER_TARGET_HALIDE_HALIDEEXPRBUILDER_H

#include "dialects/Halide/HalideOps.h"

#include "Halide.h"
#include "llvm/ADT/ArrayRef.h"
#include "mlir/IR/Block.h"
#include "mlir/Support/LogicalResult.h"

#include <functional>
#include <optional>
#include <vector>

namespace kiln {

/// The Halide type of an MLIR scalar value: i1 -> Bool, signless iN -> Int(N),
/// uiN -> UInt(N), index -> Int(64), f16/bf16/f32/f64 -> Float(16)/BFloat(16)/
/// Float(32)/Float(64). std::nullopt for anything else.
std::optional<Halide::Type> halideValueType(mlir::Type type);

/// The Halide type a value of `type` is stored as in a buffer or a Func: the
/// value type, except i1 which is stored as UInt(8).
std::optional<Halide::Type> halideStorageType(mlir::Type type);

/// Resolves `halide.call @x(indices)` to the Expr of the value read (already
/// converted back from storage to value type). Emits its own diagnostic on
/// failure.
using HalideCallResolver =
    std::function<mlir::FailureOr<Halide::Expr>(halide::CallOp, const std::vector<Halide::Expr> &)>;

/// Resolves `halide.sym @s<k>` to the kernel's int32 Param.
using HalideSymResolver = std::function<mlir::FailureOr<Halide::Expr>(halide::SymOp)>;

/// Translates `body` (block arguments bound to `args`) to the Exprs of its
/// `halide.return` (one, or a tuple's). Unsupported ops get an error
/// diagnostic ("halide translation: unsupported op 'arith.foo'") and make this
/// fail. Halide itself may throw Halide::Error from here; the caller catches it.
mlir::FailureOr<std::vector<Halide::Expr>> buildHalideExpr(mlir::Block &body, llvm::ArrayRef<Halide::Expr> args,
                                                           const HalideCallResolver &resolveCall,
                                                           const HalideSymResolver &resolveSym = {});

} // namespace kiln

#endif
