//===- SymExpr.h - Integer polynomials over a model's symbolic dims -===//
//
// A symbolic dim is a polynomial with int64 coefficients over the module's
// symbols s0..sN (batch, seq, ...), each of which is at least 0 at run time
// (a KV cache's past is empty on the first call), so every proof holds at 0.
// The form is canonical (terms sorted, like terms merged, zeros dropped), so
// two dims are the same exactly when their SymExprs compare equal. Arithmetic
// never wraps: an overflowing result is nullopt, and the caller reports it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_UTILS_SYMEXPR_H
#define KILN_DIALECTS_UTILS_SYMEXPR_H

#include "mlir/IR/AffineExpr.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kiln {

class SymExpr {
public:
  /// Symbol indices in ascending order, repeated for powers: s0*s0*s1 is
  /// {0, 0, 1}; the constant term's monomial is empty.
  using Monomial = llvm::SmallVector<unsigned, 2>;
  struct Term {
    Monomial mono;
    int64_t coeff;
    bool operator==(const Term &o) const {
      return coeff == o.coeff && mono == o.mono;
    }
  };

  /// Zero.
  SymExpr() = default;
  static SymExpr constant(int64_t c);
  static SymExpr symbol(unsigned index);
  /// Builds the canonical form of any term list; nullopt when like terms
  /// overflow as they merge.
  static std::optional<SymExpr> fromTerms(llvm::ArrayRef<Term> terms);

  /// Leading term first: higher degree first, then more of the lower-numbered
  /// symbols (graded lex with s0 > s1 > ...); the constant, if any, is last.
  llvm::ArrayRef<Term> terms() const { return termList; }
  std::optional<int64_t> constValue() const;
  bool isConst() const { return constValue().has_value(); }

  /// The value at symbols[k] = values[k]; nullopt on overflow or when a
  /// symbol has no value.
  std::optional<int64_t> eval(llvm::ArrayRef<int64_t> values) const;

  /// Whether this is >= 0 for all symbols >= their lower bound (0 when
  /// lowerBounds has no entry): true or false when proven, else nullopt.
  std::optional<bool> decideGE0(llvm::ArrayRef<int64_t> lowerBounds = {}) const;

  /// Canonical readable form, `batch*seq*128 + 4`; a symbol without a name
  /// prints as s<k>.
  std::string str(llvm::ArrayRef<std::string> names = {}) const;

  /// The expression over ()[s0..s<numSymbols-1>]; every symbol must be below
  /// numSymbols.
  mlir::AffineExpr toAffine(mlir::MLIRContext *ctx, unsigned numSymbols) const;
  /// Inverse of toAffine for any sum of products of symbols and constants;
  /// nullopt on dims, floordiv, ceildiv, mod, or overflow.
  static std::optional<SymExpr> fromAffine(mlir::AffineExpr e);

  bool operator==(const SymExpr &o) const { return termList == o.termList; }
  bool operator!=(const SymExpr &o) const { return !(*this == o); }

private:
  llvm::SmallVector<Term, 2> termList;
};

std::optional<SymExpr> add(const SymExpr &a, const SymExpr &b);
std::optional<SymExpr> sub(const SymExpr &a, const SymExpr &b);
std::optional<SymExpr> mul(const SymExpr &a, const SymExpr &b);
/// The q with a == b * q, when one exists in integer polynomials: s0*s1*128 /
/// (s0*s1*32) is 4, (2*s0 + 4) / 2 is s0 + 2, s0*128 / 96 is nullopt.
std::optional<SymExpr> exactDiv(const SymExpr &a, const SymExpr &b);
/// Whether a == b for all symbols >= their lower bounds (see decideGE0): true
/// when identical, false when a - b is proven nonzero, else nullopt.
std::optional<bool> decideEQ(const SymExpr &a, const SymExpr &b,
                             llvm::ArrayRef<int64_t> lowerBounds = {});

} // namespace kiln

#endif
