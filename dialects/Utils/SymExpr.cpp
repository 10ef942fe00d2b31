//===- SymExpr.cpp - Integer polynomials over a model's symbolic dims -===//
//
// Every result is rebuilt through fromTerms, which sorts and merges, so the
// representation stays canonical; every coefficient operation is checked.
//
//===----------------------------------------------------------------------===//
#include "dialects/Utils/SymExpr.h"

#include "mlir/IR/AffineExpr.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace kiln;

using Term = SymExpr::Term;
using Monomial = SymExpr::Monomial;

/// Graded lex with s0 > s1 > ...: sorted index lists of equal length compare
/// the other way round from exponent vectors, so `a < b` means more s0s. A
/// monomial order keeps the leading term of a product the product of leading
/// terms, which exactDiv relies on.
static bool leadsBefore(const Monomial &a, const Monomial &b) {
  if (a.size() != b.size())
    return a.size() > b.size();
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

static std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (llvm::AddOverflow(a, b, r))
    return std::nullopt;
  return r;
}

static std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r;
  if (llvm::MulOverflow(a, b, r))
    return std::nullopt;
  return r;
}

SymExpr SymExpr::constant(int64_t c) {
  SymExpr e;
  if (c != 0)
    e.termList.push_back({{}, c});
  return e;
}

SymExpr SymExpr::symbol(unsigned index) {
  SymExpr e;
  e.termList.push_back({{index}, 1});
  return e;
}

std::optional<SymExpr> SymExpr::fromTerms(ArrayRef<Term> terms) {
  SmallVector<Term> sorted;
  for (const Term &t : terms) {
    sorted.push_back(t);
    llvm::sort(sorted.back().mono);
  }
  llvm::stable_sort(sorted, [](const Term &a, const Term &b) {
    return leadsBefore(a.mono, b.mono);
  });
  SymExpr e;
  for (Term &t : sorted) {
    if (!e.termList.empty() && e.termList.back().mono == t.mono) {
      auto c = checkedAdd(e.termList.back().coeff, t.coeff);
      if (!c)
        return std::nullopt;
      e.termList.back().coeff = *c;
    } else {
      e.termList.push_back(std::move(t));
    }
  }
  llvm::erase_if(e.termList, [](const Term &t) { return t.coeff == 0; });
  return e;
}

std::optional<int64_t> SymExpr::constValue() const {
  if (termList.empty())
    return 0;
  if (termList.size() == 1 && termList[0].mono.empty())
    return termList[0].coeff;
  return std::nullopt;
}

std::optional<int64_t> SymExpr::eval(ArrayRef<int64_t> values) const {
  int64_t sum = 0;
  for (const Term &t : termList) {
    std::optional<int64_t> v = t.coeff;
    for (unsigned s : t.mono)
      if (s >= values.size() || !(v = checkedMul(*v, values[s])))
        return std::nullopt;
    if (!(v = checkedAdd(sum, *v)))
      return std::nullopt;
    sum = *v;
  }
  return sum;
}

std::optional<SymExpr> kiln::add(const SymExpr &a, const SymExpr &b) {
  SmallVector<Term> terms(a.terms());
  terms.append(b.terms().begin(), b.terms().end());
  return SymExpr::fromTerms(terms);
}

std::optional<SymExpr> kiln::sub(const SymExpr &a, const SymExpr &b) {
  SmallVector<Term> terms(a.terms());
  for (const Term &t : b.terms()) {
    int64_t neg;
    if (llvm::SubOverflow(int64_t(0), t.coeff, neg))
      return std::nullopt;
    terms.push_back({t.mono, neg});
  }
  return SymExpr::fromTerms(terms);
}

std::optional<SymExpr> kiln::mul(const SymExpr &a, const SymExpr &b) {
  SmallVector<Term> terms;
  for (const Term &x : a.terms())
    for (const Term &y : b.terms()) {
      auto c = checkedMul(x.coeff, y.coeff);
      if (!c)
        return std::nullopt;
      Monomial m;
      std::merge(x.mono.begin(), x.mono.end(), y.mono.begin(), y.mono.end(),
                 std::back_inserter(m));
      terms.push_back({std::move(m), *c});
    }
  return SymExpr::fromTerms(terms);
}

// Polynomial long division by leading terms. If a == b * q, then LT(a) ==
// LT(b) * LT(q) in integers, and a - LT(q) * b == b * (q - LT(q)), so each
// step either fails (no exact quotient) or removes the remainder's leading
// term; graded order has finitely many monomials below any one, so it ends.
std::optional<SymExpr> kiln::exactDiv(const SymExpr &a, const SymExpr &b) {
  if (b.terms().empty())
    return std::nullopt;
  const Term &lb = b.terms().front();
  SymExpr rem = a;
  SmallVector<Term> quotient;
  while (!rem.terms().empty()) {
    const Term &lr = rem.terms().front();
    if (!std::includes(lr.mono.begin(), lr.mono.end(), lb.mono.begin(),
                       lb.mono.end()))
      return std::nullopt;
    // INT64_MIN / -1 overflows; % would be undefined there too.
    if (lb.coeff == -1 && lr.coeff == INT64_MIN)
      return std::nullopt;
    if (lr.coeff % lb.coeff != 0)
      return std::nullopt;
    Term q{{}, lr.coeff / lb.coeff};
    std::set_difference(lr.mono.begin(), lr.mono.end(), lb.mono.begin(),
                        lb.mono.end(), std::back_inserter(q.mono));
    auto qb = mul(b, *SymExpr::fromTerms(q));
    std::optional<SymExpr> next = qb ? sub(rem, *qb) : std::nullopt;
    if (!next)
      return std::nullopt;
    rem = std::move(*next);
    quotient.push_back(std::move(q));
  }
  return SymExpr::fromTerms(quotient);
}

// Substitutes s = lb + t (t >= 0): a polynomial in t whose coefficients are
// all >= 0 is >= 0. For < 0, the same test on -e - 1 (integers: e <= -1).
std::optional<bool> SymExpr::decideGE0(ArrayRef<int64_t> lowerBounds) const {
  std::optional<SymExpr> shifted = SymExpr();
  for (const Term &t : termList) {
    std::optional<SymExpr> p = constant(t.coeff);
    for (unsigned s : t.mono) {
      int64_t lb = s < lowerBounds.size() ? lowerBounds[s] : 0;
      auto shift = add(constant(lb), symbol(s));
      if (!(p = shift ? mul(*p, *shift) : std::nullopt))
        return std::nullopt;
    }
    if (!(shifted = add(*shifted, *p)))
      return std::nullopt;
  }
  auto allNonNegative = [](const SymExpr &e) {
    return llvm::all_of(e.terms(), [](const Term &t) { return t.coeff >= 0; });
  };
  if (allNonNegative(*shifted))
    return true;
  std::optional<SymExpr> negMinus1 = sub(constant(-1), *shifted);
  if (negMinus1 && allNonNegative(*negMinus1))
    return false;
  return std::nullopt;
}

std::optional<bool> kiln::decideEQ(const SymExpr &a, const SymExpr &b,
                                   ArrayRef<int64_t> lowerBounds) {
  std::optional<SymExpr> d = sub(a, b);
  if (!d)
    return std::nullopt;
  if (d->terms().empty())
    return true;
  if (d->decideGE0(lowerBounds) == false)
    return false;
  std::optional<SymExpr> dMinus1 = sub(*d, SymExpr::constant(1));
  if (dMinus1 && dMinus1->decideGE0(lowerBounds) == true)
    return false;
  return std::nullopt;
}

std::string SymExpr::str(ArrayRef<std::string> names) const {
  if (termList.empty())
    return "0";
  std::string s;
  for (const auto &[i, t] : llvm::enumerate(termList)) {
    if (t.coeff < 0)
      s += i == 0 ? "-" : " - ";
    else if (i != 0)
      s += " + ";
    // Unsigned, so that INT64_MIN prints.
    uint64_t mag = t.coeff < 0 ? 0 - uint64_t(t.coeff) : uint64_t(t.coeff);
    for (const auto &[j, sym] : llvm::enumerate(t.mono)) {
      s += j == 0 ? "" : "*";
      s += sym < names.size() ? names[sym] : "s" + std::to_string(sym);
    }
    if (t.mono.empty())
      s += std::to_string(mag);
    else if (mag != 1)
      s += "*" + std::to_string(mag);
  }
  return s;
}

AffineExpr SymExpr::toAffine(MLIRContext *ctx, unsigned numSymbols) const {
  AffineExpr sum = getAffineConstantExpr(0, ctx);
  for (const Term &t : termList) {
    // Symbols first, coefficient last: `s0 * s1 * 128`, as the types print.
    AffineExpr p;
    for (unsigned s : t.mono) {
      assert(s < numSymbols && "symbol outside the map's symbol list");
      AffineExpr sym = getAffineSymbolExpr(s, ctx);
      p = p ? p * sym : sym;
    }
    sum = sum + (p ? p * t.coeff : getAffineConstantExpr(t.coeff, ctx));
  }
  return sum;
}

std::optional<SymExpr> SymExpr::fromAffine(AffineExpr e) {
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return constant(c.getValue());
  if (auto s = dyn_cast<AffineSymbolExpr>(e))
    return symbol(s.getPosition());
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin || (e.getKind() != AffineExprKind::Add &&
               e.getKind() != AffineExprKind::Mul))
    return std::nullopt;
  std::optional<SymExpr> l = fromAffine(bin.getLHS());
  std::optional<SymExpr> r = l ? fromAffine(bin.getRHS()) : std::nullopt;
  if (!r)
    return std::nullopt;
  return e.getKind() == AffineExprKind::Add ? add(*l, *r) : mul(*l, *r);
}
