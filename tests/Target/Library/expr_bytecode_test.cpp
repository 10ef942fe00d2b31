//===- expr_bytecode_test.cpp - The emitter's bytecode, read by the runtime -===//
//
// ExprTable (compiler/Target/Library/ExprBytecode.cpp) writes dim expressions
// that runtime/src/expr.c checks, evaluates and prints: both sides must agree
// with SymExpr::eval at every size, and keep the forms the runtime's messages
// recognise (a bare symbol, `c - symbol`). Ends with "N passed, N failed".
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Library/SymbolicTable.h"

extern "C" {
#include "expr.h"
}

#include <cstdio>
#include <cstring>

using namespace kiln;

static int passed, failed;

static void check(bool ok, const std::string &what) {
  (ok ? passed : failed)++;
  std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
}

static SymExpr poly(std::initializer_list<SymExpr::Term> terms) { return *SymExpr::fromTerms(terms); }

int main() {
  std::vector<std::string> names{"batch", "seq"};
  struct Case {
    SymExpr e;
    const char *text; ///< what the runtime prints
  };
  std::vector<Case> cases{
      {SymExpr::symbol(0), "batch"},
      {SymExpr::symbol(1), "seq"},
      {poly({{{1}, -1}, {{}, 128}}), "128 - seq"},
      {poly({{{0, 1}, 128}}), "batch*seq*128"},
      {poly({{{0}, 2}, {{1, 1}, -3}, {{}, 7}}), "batch*2 + 7 - seq*seq*3"},
      {poly({{{0}, -1}, {{}, -1}}), "batch*-1 - 1"},
      {SymExpr(), "0"},
      {SymExpr::constant(-5), "-5"},
      {SymExpr::constant(INT64_MIN), "-9223372036854775808"},
  };
  ExprTable table;
  std::vector<int32_t> offsets;
  for (const Case &c : cases)
    offsets.push_back(table.add(c.e, names));
  check(table.add(SymExpr::symbol(0), names) == offsets[0], "an expression is stored once");

  static const kiln_abi_symbol_t symbols[] = {{"batch", 0, 0}, {"seq", 0, 1}};
  kiln_model_t m{};
  m.num_symbols = 2;
  m.symbols = symbols;
  m.exprs = table.words().data();
  const int64_t sizes[][2] = {{1, 1}, {5, 3}, {7, 64}, {3, 1000}};
  for (auto [i, c] : llvm::enumerate(cases)) {
    bool ok = offsets[i] >= 0 && kiln_expr_check(&m, offsets[i]);
    for (const auto &v : sizes) {
      int64_t got = 0;
      auto want = c.e.eval({v[0], v[1]});
      ok = ok && want && kiln_expr_eval(&m, offsets[i], v, &got) && got == *want;
    }
    char text[160];
    ok = ok && std::strcmp(kiln_expr_text(&m, offsets[i], text, sizeof text), c.text) == 0;
    check(ok, std::string(c.text) + ": checked, equal to SymExpr::eval at every size, printed as such");
    if (!ok)
      std::printf("  runtime text: %s\n", offsets[i] >= 0 ? kiln_expr_text(&m, offsets[i], text, sizeof text) : "-");
  }
  check(kiln_expr_symbol(&m, offsets[0]) == 0 && kiln_expr_symbol(&m, offsets[1]) == 1 &&
            kiln_expr_symbol(&m, offsets[3]) == -1,
        "a binder dim is exactly SYM k");
  int64_t bound = 0;
  int32_t k = -1;
  check(kiln_expr_const_minus_symbol(&m, offsets[2], &bound, &k) && bound == 128 && k == 1,
        "-seq + 128 is CONST 128, SYM 1, SUB: the runtime's 'at most 128'");
  check(exprText(cases[2].e, names) == "128 - seq" && exprText(cases[6].e, names) == "0",
        "exprText follows the bytecode's order");
  // A product of 401 symbols (3 words each) is longer than the runtime reads.
  SymExpr big = SymExpr::symbol(0);
  for (int i = 0; i < 400; ++i)
    big = *mul(big, SymExpr::symbol(i % 2));
  check(table.add(big, names) == -1, "an expression over 1024 words is refused");
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
