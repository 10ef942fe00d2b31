//===- SymShape.cpp - Tensor types whose dims are SymExprs -===//
//
// Shapes are read from and written to types only here, so the rest of the
// compiler sees SymExprs and never a `?` as a size.
//
//===----------------------------------------------------------------------===//
#include "dialects/Utils/SymShape.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace kiln;

std::string kiln::shapeEncodingError(RankedTensorType type) {
  Attribute enc = type.getEncoding();
  if (type.hasStaticShape())
    return enc ? "a static type has no encoding" : "";
  auto mapAttr = dyn_cast_or_null<AffineMapAttr>(enc);
  if (!mapAttr)
    return "`?` dims need an affine_map<()[s..] -> (..)> encoding of every dim";
  AffineMap map = mapAttr.getValue();
  if (map.getNumDims() != 0)
    return "the encoding map takes no dims, only symbols";
  if (map.getNumResults() != type.getRank())
    return "the encoding has " + std::to_string(map.getNumResults()) + " results for rank " +
           std::to_string(type.getRank());
  std::string why;
  llvm::raw_string_ostream os(why);
  for (auto [d, e] : llvm::enumerate(map.getResults())) {
    std::optional<SymExpr> p = SymExpr::fromAffine(e);
    if (!p) {
      os << "dim " << d << " (" << e << ") is not a polynomial of the symbols";
      return why;
    }
    // Canonical results make equal shapes equal types (func.return compares types).
    AffineExpr canon = p->toAffine(type.getContext(), map.getNumSymbols());
    if (canon != e) {
      os << "dim " << d << " is not in canonical form: " << e << " should be written " << canon;
      return why;
    }
    std::optional<int64_t> c = p->constValue();
    if (type.isDynamicDim(d) && c) {
      os << "dim " << d << " is `?` but its encoding is the constant " << *c;
      return why;
    }
    if (!type.isDynamicDim(d) && c != type.getDimSize(d)) {
      os << "dim " << d << " is " << type.getDimSize(d) << " but its encoding is " << e;
      return why;
    }
  }
  return "";
}

bool kiln::isSymbolic(Type type) {
  auto r = dyn_cast<RankedTensorType>(type);
  return r && !r.hasStaticShape();
}

unsigned kiln::numSymbols(Type type) {
  auto r = dyn_cast<RankedTensorType>(type);
  auto enc = r ? dyn_cast_or_null<AffineMapAttr>(r.getEncoding()) : nullptr;
  return enc ? enc.getValue().getNumSymbols() : 0;
}

bool kiln::hasSymbolicTypes(Operation *op) {
  auto anySymbolic = [](TypeRange types) { return llvm::any_of(types, isSymbolic); };
  if (anySymbolic(op->getOperandTypes()) || anySymbolic(op->getResultTypes()))
    return true;
  for (Region &r : op->getRegions())
    for (Block &b : r)
      if (anySymbolic(b.getArgumentTypes()))
        return true;
  // A function's signature is a TypeAttr; its results have no SSA value here.
  for (NamedAttribute a : op->getAttrs())
    if (auto t = dyn_cast<TypeAttr>(a.getValue()))
      if (auto f = dyn_cast<FunctionType>(t.getValue()))
        if (anySymbolic(f.getInputs()) || anySymbolic(f.getResults()))
          return true;
  return false;
}

LogicalResult kiln::verifyShapeEncodings(Operation *op, bool symbolicDims) {
  bool symbolic = false;
  std::optional<unsigned> symbolCount;
  auto check = [&](Type t, StringRef what, unsigned i) -> LogicalResult {
    auto r = dyn_cast<RankedTensorType>(t);
    if (!r)
      return success();
    std::string why = shapeEncodingError(r);
    if (!why.empty())
      return op->emitOpError() << what << " #" << i << " type " << r << ": " << why;
    if (!isSymbolic(r))
      return success();
    symbolic = true;
    // All types range over the module's symbols, so equal shapes are equal types.
    if (symbolCount && *symbolCount != numSymbols(r))
      return op->emitOpError("symbolic types disagree on the symbol count: ")
             << *symbolCount << " and " << numSymbols(r);
    symbolCount = numSymbols(r);
    return success();
  };
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(t, "operand", i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(t, "result", i)))
      return failure();
  if (symbolic && !symbolicDims)
    return op->emitError("symbolic dims are not supported by ") << op->getName() << " yet";
  return success();
}

unsigned kiln::opSymbolCount(Operation *op) {
  for (TypeRange types : {TypeRange(op->getOperandTypes()), TypeRange(op->getResultTypes())})
    for (Type t : types)
      if (unsigned n = numSymbols(t))
        return n;
  return 0;
}

SmallVector<SymExpr> kiln::dimExprs(RankedTensorType type) {
  assert(shapeEncodingError(type).empty() && "type breaks the symbolic-shape invariant");
  auto enc = dyn_cast_or_null<AffineMapAttr>(type.getEncoding());
  SmallVector<SymExpr> dims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    dims.push_back(type.isDynamicDim(d) ? *SymExpr::fromAffine(enc.getValue().getResult(d))
                                        : SymExpr::constant(type.getDimSize(d)));
  return dims;
}

RankedTensorType kiln::makeType(ArrayRef<SymExpr> dims, Type elementType, MLIRContext *ctx,
                                unsigned numSymbols) {
  SmallVector<int64_t> shape;
  bool symbolic = false;
  for (const SymExpr &e : dims) {
    std::optional<int64_t> c = e.constValue();
    shape.push_back(c ? *c : ShapedType::kDynamic);
    symbolic |= !c;
    for (const SymExpr::Term &t : e.terms())
      for (unsigned s : t.mono)
        numSymbols = std::max(numSymbols, s + 1);
  }
  if (!symbolic)
    return RankedTensorType::get(shape, elementType);
  SmallVector<AffineExpr> results;
  for (const SymExpr &e : dims)
    results.push_back(e.toAffine(ctx, numSymbols));
  auto map = AffineMap::get(0, numSymbols, results, ctx);
  return RankedTensorType::get(shape, elementType, AffineMapAttr::get(map));
}

bool kiln::sameShape(RankedTensorType a, RankedTensorType b) {
  if (a.getShape() != b.getShape())
    return false;
  return a.hasStaticShape() || dimExprs(a) == dimExprs(b);
}

std::optional<SymExpr> kiln::numElementsExpr(ArrayRef<SymExpr> dims) {
  std::optional<SymExpr> n = SymExpr::constant(1);
  for (const SymExpr &d : dims)
    if (!(n = mul(*n, d)))
      return std::nullopt;
  return n;
}

FailureOr<SmallVector<SymExpr>> kiln::broadcastSym(ArrayRef<SymExpr> a, ArrayRef<SymExpr> b,
                                                   std::string *why) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<SymExpr> out(rank);
  const SymExpr one = SymExpr::constant(1);
  for (size_t i = 0; i < rank; ++i) {
    SymExpr da = i < rank - a.size() ? one : a[i - (rank - a.size())];
    SymExpr db = i < rank - b.size() ? one : b[i - (rank - b.size())];
    if (da != db && da != one && db != one) {
      if (why)
        *why = "dim " + std::to_string(i) + " is " + da.str() + " in one shape and " + db.str() +
               " in the other";
      return failure();
    }
    out[i] = da == one ? db : da;
  }
  return out;
}

std::string kiln::shapeString(ArrayRef<SymExpr> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "," : "") + dims[i].str();
  return s + "]";
}
