//===- ExprBytecode.cpp - SymExprs as the runtime's postfix bytecode -===//
//
// The runtime (runtime/src/expr.c) evaluates, checks and prints these words;
// a binder dim must be exactly `SYM k END` and a slice bound `CONST c SYM k
// SUB END` for its messages, which the term order below produces.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Library/SymbolicTable.h"
#include "runtime/include/kiln/model_abi.h"

#include <cstdint>

using namespace kiln;

namespace {

/// runtime/src/expr.h's KILN_EXPR_MAX_WORDS: longer expressions are refused
/// at context creation.
constexpr size_t kMaxWords = 1024;

/// Negative terms are subtracted by magnitude; INT64_MIN has none and is
/// added as is.
bool subtracted(const SymExpr::Term &t) { return t.coeff < 0 && t.coeff != INT64_MIN; }

/// Added terms in canonical order, then the subtracted ones.
std::vector<const SymExpr::Term *> termOrder(const SymExpr &e) {
  std::vector<const SymExpr::Term *> order;
  for (const auto &t : e.terms())
    if (!subtracted(t))
      order.push_back(&t);
  for (const auto &t : e.terms())
    if (subtracted(t))
      order.push_back(&t);
  return order;
}

/// Pushes |coeff| * monomial (or coeff * monomial when `signedCoeff`).
void product(std::vector<int64_t> &w, const SymExpr::Term &t, bool signedCoeff) {
  int64_t c = signedCoeff ? t.coeff : -t.coeff;
  for (auto [i, s] : llvm::enumerate(t.mono)) {
    w.insert(w.end(), {KILN_EXPR_SYM, (int64_t)s});
    if (i)
      w.push_back(KILN_EXPR_MUL);
  }
  if (t.mono.empty() || c != 1) {
    w.insert(w.end(), {KILN_EXPR_CONST, c});
    if (!t.mono.empty())
      w.push_back(KILN_EXPR_MUL);
  }
}

} // namespace

int32_t ExprTable::add(const SymExpr &e, llvm::ArrayRef<std::string> names) {
  std::vector<int64_t> w;
  std::vector<const SymExpr::Term *> order = termOrder(e);
  if (order.empty())
    w.insert(w.end(), {KILN_EXPR_CONST, 0});
  for (auto [i, t] : llvm::enumerate(order)) {
    bool sub = subtracted(*t);
    product(w, *t, i == 0 || !sub);
    if (i)
      w.push_back(sub ? KILN_EXPR_SUB : KILN_EXPR_ADD);
  }
  w.push_back(KILN_EXPR_END);
  if (w.size() > kMaxWords)
    return -1;
  auto [it, added] = offsets.try_emplace(w, (int32_t)wordList.size());
  if (added) {
    wordList.insert(wordList.end(), w.begin(), w.end());
    texts.push_back({it->second, exprText(e, names)});
  }
  return it->second;
}

std::string kiln::exprText(const SymExpr &e, llvm::ArrayRef<std::string> names) {
  std::string s;
  for (auto [i, t] : llvm::enumerate(termOrder(e))) {
    bool sub = subtracted(*t);
    // One term through SymExpr::str; a subtracted one by its magnitude.
    auto term = SymExpr::fromTerms({{t->mono, i == 0 || !sub ? t->coeff : -t->coeff}});
    s += (i == 0 ? "" : sub ? " - " : " + ") + (term ? term->str(names) : "?");
  }
  return s.empty() ? "0" : s;
}

std::string ExprTable::cInitializer() const {
  std::string s;
  for (auto [i, entry] : llvm::enumerate(texts)) {
    int32_t end = i + 1 < texts.size() ? texts[i + 1].first : (int32_t)wordList.size();
    std::string text = entry.second;
    // Names are ONNX dim_params: keep the comment a comment.
    for (char &c : text)
      if ((unsigned char)c < 32)
        c = '?';
    for (size_t p; (p = text.find("*/")) != std::string::npos;)
      text.replace(p, 2, "* /");
    s += "  /* [" + std::to_string(entry.first) + "] " + text + " */";
    for (int32_t k = entry.first; k < end; ++k)
      s += wordList[k] == INT64_MIN ? " INT64_MIN," : " " + std::to_string(wordList[k]) + ",";
    s += "\n";
  }
  return s;
}
