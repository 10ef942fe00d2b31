//===- ModelSymbols.cpp - @main's kiln.symbols and kiln.constraints -===//
//
// The importer writes both (OnnxImporter.cpp, setSymbolAttrs); later stages
// keep @main's attributes. Checked here, since a malformed table would only
// be refused by the runtime, at context creation.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Library/SymbolicTable.h"
#include "dialects/Utils/SymShape.h"

using namespace mlir;
using namespace kiln;

std::vector<std::string> ModelSymbols::names() const {
  std::vector<std::string> n;
  for (const ModelSymbol &s : symbols)
    n.push_back(s.name);
  return n;
}

FailureOr<ModelSymbols> kiln::readModelSymbols(func::FuncOp main) {
  ModelSymbols out;
  auto syms = main->getAttrOfType<ArrayAttr>("kiln.symbols");
  auto conds = main->getAttrOfType<ArrayAttr>("kiln.constraints");
  if (!syms && main->hasAttr("kiln.symbols"))
    return main.emitError("kiln.symbols must be an array");
  if (!conds && main->hasAttr("kiln.constraints"))
    return main.emitError("kiln.constraints must be an array");
  if (conds && !conds.empty() && (!syms || syms.empty()))
    return main.emitError("kiln.constraints without kiln.symbols");
  for (auto [k, a] : llvm::enumerate(syms ? syms.getValue() : ArrayRef<Attribute>{})) {
    auto d = dyn_cast<DictionaryAttr>(a);
    auto name = d ? d.getAs<StringAttr>("name") : nullptr;
    auto input = d ? d.getAs<IntegerAttr>("input") : nullptr;
    auto dim = d ? d.getAs<IntegerAttr>("dim") : nullptr;
    if (!name || !input || !dim)
      return main.emitError("kiln.symbols #") << k << " must be {name, input, dim}";
    int64_t i = input.getInt(), j = dim.getInt();
    auto type = i >= 0 && i < main.getNumArguments()
                    ? dyn_cast<RankedTensorType>(main.getArgument(i).getType())
                    : nullptr;
    bool exact = false;
    if (type && j >= 0 && j < type.getRank() && shapeEncodingError(type).empty())
      exact = dimExprs(type)[j] == SymExpr::symbol(k);
    if (!exact)
      return main.emitError("symbol '") << name.getValue() << "' (s" << k << ") is bound to input "
                                        << i << " dim " << j << ", which is not exactly s" << k;
    out.symbols.push_back({name.str(), (int32_t)i, (int32_t)j});
  }
  for (auto [c, a] : llvm::enumerate(conds ? conds.getValue() : ArrayRef<Attribute>{})) {
    auto d = dyn_cast<DictionaryAttr>(a);
    auto expr = d ? d.getAs<AffineMapAttr>("expr") : nullptr;
    auto kind = d ? d.getAs<StringAttr>("kind") : nullptr;
    auto what = d ? d.getAs<StringAttr>("what") : nullptr;
    std::optional<SymExpr> e;
    if (expr && expr.getValue().getNumDims() == 0 && expr.getValue().getNumResults() == 1)
      e = SymExpr::fromAffine(expr.getValue().getResult(0));
    bool inRange = e.has_value();
    for (const auto &t : e ? e->terms() : ArrayRef<SymExpr::Term>{})
      for (unsigned s : t.mono)
        inRange = inRange && s < out.symbols.size();
    if (!inRange || !kind || (kind.getValue() != "ge0" && kind.getValue() != "eq0"))
      return main.emitError("kiln.constraints #")
             << c << " must be {expr = affine_map<()[s..] -> (e)> over the symbols, kind = \"ge0\" "
             << "or \"eq0\", what}";
    out.constraints.push_back(
        {*e, kind.getValue() == "eq0" ? 1 : 0, what ? what.str() : std::string()});
  }
  return out;
}
