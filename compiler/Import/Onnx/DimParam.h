//===- DimParam.h - dim_param text as a polynomial of named dims -===//
//
// Exporters name a graph input's dims (`batch`, `sequence_length`) and write
// derived dims as expressions of those names: `past_sequence_length +
// sequence_length` (a KV-cache decoder's attention mask), `sequence_length +
// 1`, `batch_size * num_heads`. The text comes from an untrusted model, so
// anything outside the grammar is refused with a reason, never guessed at.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_ONNX_DIMPARAM_H
#define KILN_COMPILER_IMPORT_ONNX_DIMPARAM_H

#include "dialects/Utils/SymExpr.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// Whether `text` is one name (`batch`, `seq_len`, `encoder.seq`): a dim of
/// its own, which an input binds or --shape pins.
bool isDimName(llvm::StringRef text);

/// A dim_param expression over its own names: symbol k is names[k], in order
/// of first use.
struct ParsedDim {
  SymExpr expr;
  std::vector<std::string> names;
};

/// Parses `text` by the grammar
///   expr := term (('+' | '-') term)*    term := atom ('*' atom)*
///   atom := integer | name | '(' expr ')'
/// with spaces anywhere between tokens. On failure `error` says why, and
/// `unsupported` is set when the text is well formed but uses what Kiln lacks
/// (`/`, `%`, a power, a function such as `floor(...)`, a leading `-`), clear
/// when it is malformed (unbalanced parentheses, a stray character, a name
/// that starts with a digit, an overflow).
std::optional<ParsedDim> parseDimParam(llvm::StringRef text, std::string &error, bool &unsupported);

/// `e` with symbol k replaced by values[k]; nullopt on overflow.
std::optional<SymExpr> substituteSymbols(const SymExpr &e, llvm::ArrayRef<SymExpr> values);

} // namespace kiln

#endif
