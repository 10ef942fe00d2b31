//===- SymbolicTable.h - Symbols, constraints and dim bytecode of a model -===//
//
// What the library emitter writes for a model with symbolic dims
// (docs/design-symbolic-shapes.md 2.5): the symbols with their binder dims
// and the run-time constraints, read from @main's `kiln.symbols` and
// `kiln.constraints`, and the postfix bytecode of kiln_model_t.exprs.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TARGET_LIBRARY_SYMBOLICTABLE_H
#define KILN_COMPILER_TARGET_LIBRARY_SYMBOLICTABLE_H

#include "dialects/Utils/SymExpr.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <map>
#include <string>
#include <vector>

namespace kiln {

struct ModelSymbol {
  std::string name;
  int32_t input = 0, dim = 0; ///< the input dim whose type is exactly this symbol
};

struct ModelConstraint {
  SymExpr expr;
  int32_t kind = 0; ///< 0: expr >= 0 ("ge0"), 1: expr == 0 ("eq0")
  std::string what;
};

struct ModelSymbols {
  std::vector<ModelSymbol> symbols; ///< by index k (s<k>); empty: a static model
  std::vector<ModelConstraint> constraints;
  std::vector<std::string> names() const;
};

/// Reads @main's `kiln.symbols` and `kiln.constraints`. Fails with a
/// diagnostic when they are malformed, when a binder is not an input dim
/// that is exactly its symbol (the runtime would refuse the table), or when
/// constraints come without symbols.
mlir::FailureOr<ModelSymbols> readModelSymbols(mlir::func::FuncOp main);

/// `e` as the bytecode orders it: positive terms first, negative ones
/// subtracted (`64 - seq`, where SymExpr::str writes `-seq + 64`).
std::string exprText(const SymExpr &e, llvm::ArrayRef<std::string> names);

/// kiln_model_t.exprs: each distinct expression once, as postfix words
/// (kiln_abi_expr_op_t) ending in END.
class ExprTable {
public:
  /// The offset of `e`'s bytecode, added on first use; -1 when it is longer
  /// than the runtime reads (1024 words). Positive terms come
  /// first and negative ones are subtracted, so `-s1 + 128` is 128 - s1,
  /// the form the runtime words as "the model allows at most 128".
  int32_t add(const SymExpr &e, llvm::ArrayRef<std::string> names);
  const std::vector<int64_t> &words() const { return wordList; }
  /// The C initializer of the words, one expression per line with its text.
  std::string cInitializer() const;

private:
  std::vector<int64_t> wordList;
  std::map<std::vector<int64_t>, int32_t> offsets;
  std::vector<std::pair<int32_t, std::string>> texts; ///< (offset, readable form)
};

} // namespace kiln

#endif
