//===- DimParam.cpp - dim_param text as a polynomial of named dims -===//
#include "compiler/Import/Onnx/DimParam.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace kiln {

static bool isNameStart(char c) { return isAlpha(c) || c == '_'; }
static bool isNameChar(char c) { return isAlnum(c) || c == '_' || c == '.'; }

bool isDimName(StringRef text) {
  return !text.empty() && isNameStart(text[0]) && all_of(text, isNameChar);
}

namespace {

/// Recursive descent over the text; the first error stops it.
class Parser {
public:
  Parser(StringRef text, std::string &error, bool &unsupported)
      : text(text), error(error), unsupported(unsupported) {}

  std::optional<ParsedDim> run() {
    std::optional<SymExpr> e = expr(0);
    if (!e)
      return std::nullopt;
    skipSpaces();
    if (pos < text.size()) {
      if (text[pos] == ')')
        return fail("unbalanced parentheses: ')' at offset " + std::to_string(pos) + " closes nothing");
      return unexpected();
    }
    return ParsedDim{std::move(*e), std::move(names)};
  }

private:
  // Deeper nesting than any exporter writes; bounds the recursion on
  // hostile text.
  static constexpr int kMaxDepth = 32;

  StringRef text;
  std::string &error;
  bool &unsupported;
  size_t pos = 0;
  std::vector<std::string> names;

  std::nullopt_t fail(std::string msg, bool lacks = false) {
    if (error.empty()) {
      error = std::move(msg);
      unsupported = lacks;
    }
    return std::nullopt;
  }
  void skipSpaces() {
    while (pos < text.size() && isSpace(text[pos]))
      ++pos;
  }
  std::nullopt_t unexpected() {
    char c = text[pos];
    std::string at = " at offset " + std::to_string(pos);
    if (c == '/')
      return fail("division ('/') is not supported" + at, true);
    if (c == '%')
      return fail("'%' (modulo) is not supported" + at, true);
    if (c == '^')
      return fail("a power is not supported" + at, true);
    if (isPrint(c))
      return fail("unexpected '" + std::string(1, c) + "'" + at);
    return fail("unexpected byte " + std::to_string((unsigned char)c) + at);
  }
  std::nullopt_t overflow() { return fail("the expression overflows 64-bit integers"); }

  std::optional<SymExpr> expr(int depth) {
    std::optional<SymExpr> lhs = term(depth);
    while (lhs) {
      skipSpaces();
      if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-'))
        return lhs;
      char op = text[pos++];
      std::optional<SymExpr> rhs = term(depth);
      if (!rhs)
        return std::nullopt;
      lhs = op == '+' ? add(*lhs, *rhs) : sub(*lhs, *rhs);
      if (!lhs)
        return overflow();
    }
    return std::nullopt;
  }

  std::optional<SymExpr> term(int depth) {
    std::optional<SymExpr> lhs = atom(depth);
    while (lhs) {
      skipSpaces();
      if (pos >= text.size() || text[pos] != '*')
        return lhs;
      ++pos;
      if (pos < text.size() && text[pos] == '*')
        return fail("a power is not supported at offset " + std::to_string(pos), true);
      std::optional<SymExpr> rhs = atom(depth);
      if (!rhs)
        return std::nullopt;
      lhs = mul(*lhs, *rhs);
      if (!lhs)
        return overflow();
    }
    return std::nullopt;
  }

  std::optional<SymExpr> atom(int depth) {
    skipSpaces();
    if (pos >= text.size())
      return fail("the expression ends where a name, a number or '(' should be");
    char c = text[pos];
    if (c == '(') {
      if (depth >= kMaxDepth)
        return fail("parentheses nest deeper than " + std::to_string(kMaxDepth));
      size_t open = pos++;
      std::optional<SymExpr> e = expr(depth + 1);
      if (!e)
        return std::nullopt;
      skipSpaces();
      if (pos >= text.size() || text[pos] != ')')
        return fail("unbalanced parentheses: '(' at offset " + std::to_string(open) + " is not closed");
      ++pos;
      return e;
    }
    if (isDigit(c)) {
      size_t start = pos;
      while (pos < text.size() && isDigit(text[pos]))
        ++pos;
      if (pos < text.size() && isNameChar(text[pos]))
        return fail("'" + text.substr(start, pos + 1 - start).str() + "...' at offset " +
                    std::to_string(start) + " is not a valid name (a name starts with a letter or '_')");
      int64_t v;
      if (text.substr(start, pos - start).getAsInteger(10, v))
        return overflow();
      return SymExpr::constant(v);
    }
    if (isNameStart(c)) {
      size_t start = pos;
      while (pos < text.size() && isNameChar(text[pos]))
        ++pos;
      std::string name = text.substr(start, pos - start).str();
      size_t after = pos;
      skipSpaces();
      if (pos < text.size() && text[pos] == '(')
        return fail("a function ('" + name + "(...)') is not supported", true);
      pos = after;
      auto it = find(names, name);
      if (it == names.end())
        it = names.insert(names.end(), name);
      return SymExpr::symbol(it - names.begin());
    }
    if (c == ')')
      return fail("unbalanced parentheses: ')' at offset " + std::to_string(pos) + " closes nothing");
    if (c == '-')
      return fail("a negative term ('-' at offset " + std::to_string(pos) + " with nothing before it) is not supported",
                  true);
    return unexpected();
  }
};

} // namespace

std::optional<ParsedDim> parseDimParam(StringRef text, std::string &error, bool &unsupported) {
  error.clear();
  unsupported = false;
  // Names are looked up linearly and terms merged per operation: a bound
  // keeps hostile text from costing quadratic time. Exporters write tens of
  // characters.
  constexpr size_t kMaxLength = 256;
  if (text.size() > kMaxLength) {
    error = "the text is " + std::to_string(text.size()) + " characters long, more than " +
            std::to_string(kMaxLength);
    return std::nullopt;
  }
  return Parser(text, error, unsupported).run();
}

std::optional<SymExpr> substituteSymbols(const SymExpr &e, ArrayRef<SymExpr> values) {
  SymExpr sum;
  for (const SymExpr::Term &t : e.terms()) {
    std::optional<SymExpr> prod = SymExpr::constant(t.coeff);
    for (unsigned k : t.mono)
      if (!(prod = mul(*prod, values[k])))
        return std::nullopt;
    std::optional<SymExpr> next = add(sum, *prod);
    if (!next)
      return std::nullopt;
    sum = std::move(*next);
  }
  return sum;
}

} // namespace kiln
