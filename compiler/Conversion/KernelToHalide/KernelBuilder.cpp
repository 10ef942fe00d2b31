//===- KernelBuilder.cpp - Build halide.kernel ops in row-major terms -===//
#include "compiler/Conversion/KernelToHalide/KernelBuilder.h"

#include "dialects/Kernel/KernelOps.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace kiln;

KernelBuilder::KernelBuilder(OpBuilder &b, Location loc, ModuleOp module, StringRef name,
                             const ScheduleOptions &options)
    : loc(loc), body(b.getContext()), opts(options) {
  OpBuilder mb(module.getContext());
  mb.setInsertionPointToEnd(module.getBody());
  kernel = mb.create<halide::KernelOp>(loc, name);
  kernel.getBody().push_back(new Block());
  body.setInsertionPointToStart(&kernel.getBody().front());
}

SmallVector<AffineExpr> KernelBuilder::dims(RankedTensorType type) {
  SmallVector<AffineExpr> r;
  unsigned n = numSymbols(type);
  for (const SymExpr &d : dimExprs(type))
    r.push_back(d.toAffine(type.getContext(), n));
  return r;
}

void KernelBuilder::declareParams(halide::KernelOp kernel, AffineExpr e) {
  e.walk([&](AffineExpr x) {
    auto s = dyn_cast<AffineSymbolExpr>(x);
    if (!s)
      return;
    std::string name = "s" + std::to_string(s.getPosition());
    if (SymbolTable::lookupSymbolIn(kernel, StringAttr::get(kernel.getContext(), name)))
      return;
    // Params first in the kernel, in symbol order (the argument order).
    Block &blk = kernel.getBody().front();
    OpBuilder pb = OpBuilder::atBlockBegin(&blk);
    for (auto p : blk.getOps<halide::ParamOp>())
      if (p.getIndex() < s.getPosition())
        pb.setInsertionPointAfter(p);
    pb.create<halide::ParamOp>(kernel.getLoc(), name);
  });
}

/// Halide-order extents (innermost first) of row-major `extents`, declaring
/// the params they use.
static AffineMap haldeExtents(halide::KernelOp kernel, ArrayRef<AffineExpr> extents) {
  SmallVector<AffineExpr> rev(llvm::reverse(extents));
  unsigned n = 0;
  for (AffineExpr e : rev) {
    KernelBuilder::declareParams(kernel, e);
    e.walk([&](AffineExpr x) {
      if (auto s = dyn_cast<AffineSymbolExpr>(x))
        n = std::max(n, s.getPosition() + 1);
    });
  }
  return AffineMap::get(0, n, rev, kernel.getContext());
}

std::string KernelBuilder::input(Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  std::string name = "in" + std::to_string(numInputs++);
  if (isSymbolic(t)) {
    AffineMap extents = haldeExtents(kernel, dims(t));
    // One symbol count per module keeps equal shapes equal maps.
    extents = AffineMap::get(0, numSymbols(t), extents.getResults(), t.getContext());
    body.create<halide::InputOp>(loc, name, t.getElementType(), extents);
    return name;
  }
  SmallVector<int64_t> extents(llvm::reverse(t.getShape()));
  body.create<halide::InputOp>(loc, name, t.getElementType(), extents);
  return name;
}

static SmallVector<StringRef> haldeVarNames(OpBuilder &b, size_t rank, SmallVector<std::string> &storage) {
  storage.clear();
  for (size_t i = 0; i < rank; ++i)
    storage.push_back(KernelBuilder::var(rank - 1 - i));
  return SmallVector<StringRef>(storage.begin(), storage.end());
}

void KernelBuilder::tupleFunc(StringRef name, size_t rank, Type type, unsigned n, const TupleBodyFn &fn) {
  SmallVector<std::string> storage;
  auto names = haldeVarNames(body, rank, storage);
  IntegerAttr tuple = n > 1 ? body.getI64IntegerAttr(n) : IntegerAttr();
  auto f = body.create<halide::FuncOp>(loc, body.getStringAttr(name), body.getStrArrayAttr(names), TypeAttr::get(type),
                                       tuple, UnitAttr(), TypeAttr());
  Block *blk = new Block();
  f.getBody().push_back(blk);
  SmallVector<Value> idx;
  for (size_t i = 0; i < rank; ++i)
    blk->addArgument(body.getI32Type(), loc);
  for (size_t d = 0; d < rank; ++d)
    idx.push_back(blk->getArgument(rank - 1 - d));
  OpBuilder fb = OpBuilder::atBlockEnd(blk);
  fb.create<halide::ReturnOp>(loc, fn(fb, idx));
}

void KernelBuilder::func(StringRef name, size_t rank, Type type, const BodyFn &fn) {
  tupleFunc(name, rank, type, 1, [&](OpBuilder &b, Idx d) { return SmallVector<Value>{fn(b, d)}; });
}

static void buildUpdate(OpBuilder &body, Location loc, halide::KernelOp kernel, StringRef name, size_t rank,
                        ArrayRef<AffineExpr> extents, halide::Combine combine,
                        const KernelBuilder::TupleUpdateFn &fn, bool where = false) {
  SmallVector<AffineExpr> rdom;
  AffineExpr zero = getAffineConstantExpr(0, body.getContext());
  for (AffineExpr e : extents) {
    rdom.push_back(e);
    rdom.push_back(zero);
  }
  // (min, extent) pairs innermost first: haldeExtents reverses the list.
  auto u = body.create<halide::UpdateOp>(loc, FlatSymbolRefAttr::get(body.getContext(), name),
                                         AffineMapAttr::get(haldeExtents(kernel, rdom)),
                                         halide::CombineAttr::get(body.getContext(), combine),
                                         where ? body.getUnitAttr() : UnitAttr());
  Block *blk = new Block();
  u.getBody().push_back(blk);
  for (size_t i = 0; i < rank + extents.size(); ++i)
    blk->addArgument(body.getI32Type(), loc);
  SmallVector<Value> idx, ridx;
  for (size_t d = 0; d < rank; ++d)
    idx.push_back(blk->getArgument(rank - 1 - d));
  for (size_t d = 0; d < extents.size(); ++d)
    ridx.push_back(blk->getArgument(rank + extents.size() - 1 - d));
  OpBuilder fb = OpBuilder::atBlockEnd(blk);
  fb.create<halide::ReturnOp>(loc, fn(fb, idx, ridx));
}

static SmallVector<AffineExpr> constantExprs(MLIRContext *ctx, ArrayRef<int64_t> values) {
  SmallVector<AffineExpr> r;
  for (int64_t v : values)
    r.push_back(getAffineConstantExpr(v, ctx));
  return r;
}

void KernelBuilder::update(StringRef name, size_t rank, ArrayRef<AffineExpr> extents, halide::Combine combine,
                           Type type, const UpdateFn &fn) {
  buildUpdate(body, loc, kernel, name, rank, extents, combine,
              [&](OpBuilder &b, Idx d, Idx r) { return SmallVector<Value>{fn(b, d, r)}; });
}

void KernelBuilder::update(StringRef name, size_t rank, ArrayRef<int64_t> extents, halide::Combine combine,
                           Type type, const UpdateFn &fn) {
  update(name, rank, constantExprs(body.getContext(), extents), combine, type, fn);
}

void KernelBuilder::updateWhere(StringRef name, size_t rank, ArrayRef<int64_t> extents, halide::Combine combine,
                                Type type, const TupleUpdateFn &fn) {
  buildUpdate(body, loc, kernel, name, rank, constantExprs(body.getContext(), extents), combine, fn,
              /*where=*/true);
}

void KernelBuilder::tupleUpdate(StringRef name, size_t rank, ArrayRef<AffineExpr> extents, Type type,
                                const TupleUpdateFn &fn) {
  buildUpdate(body, loc, kernel, name, rank, extents, halide::Combine::Set, fn);
}

void KernelBuilder::tupleUpdate(StringRef name, size_t rank, ArrayRef<int64_t> extents, Type type,
                                const TupleUpdateFn &fn) {
  tupleUpdate(name, rank, constantExprs(body.getContext(), extents), type, fn);
}

void KernelBuilder::strictFloat(StringRef name) {
  kernel.walk([&](halide::FuncOp f) {
    if (f.getSymName() == name)
      f.setStrictFloat(true);
  });
}

void KernelBuilder::output(StringRef name, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> extents(llvm::reverse(shape));
  body.create<halide::OutputOp>(loc, name, extents);
}

void KernelBuilder::output(StringRef name, RankedTensorType type) {
  if (!isSymbolic(type))
    return output(name, type.getShape());
  AffineMap extents = haldeExtents(kernel, dims(type));
  extents = AffineMap::get(0, numSymbols(type), extents.getResults(), type.getContext());
  body.create<halide::OutputOp>(loc, FlatSymbolRefAttr::get(body.getContext(), name), AffineMapAttr::get(extents));
}

void KernelBuilder::pointwiseOutput(StringRef name, RankedTensorType type) {
  output(name, type);
  if (!kernel.getRecipe())
    recipe(halide::Recipe::Pointwise);
}

void KernelBuilder::markRoot(StringRef name, ArrayRef<int64_t> shape) {
  auto f = cast<halide::FuncOp>(SymbolTable::lookupSymbolIn(kernel, name));
  f.setRootAttr(TypeAttr::get(RankedTensorType::get(shape, f.getResultType())));
}

Value KernelBuilder::call(OpBuilder &b, StringRef callee, Type type, Idx idx) {
  SmallVector<Value> rev(llvm::reverse(idx));
  return b.create<halide::CallOp>(b.getUnknownLoc(), type, FlatSymbolRefAttr::get(b.getContext(), callee),
                                  rev, IntegerAttr());
}

Value KernelBuilder::callElement(OpBuilder &b, StringRef callee, Type type, Idx idx, unsigned k) {
  SmallVector<Value> rev(llvm::reverse(idx));
  return b.create<halide::CallOp>(b.getUnknownLoc(), type, FlatSymbolRefAttr::get(b.getContext(), callee),
                                  rev, b.getI64IntegerAttr(k));
}

Value KernelBuilder::i32(OpBuilder &b, int64_t v) {
  return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getI32IntegerAttr(v));
}

Value KernelBuilder::constant(OpBuilder &b, Type type, double v) {
  Location l = b.getUnknownLoc();
  if (isa<FloatType>(type))
    return b.create<arith::ConstantOp>(l, b.getFloatAttr(type, v));
  return b.create<arith::ConstantOp>(l, b.getIntegerAttr(type, (int64_t)v));
}

SmallVector<Value> KernelBuilder::mapIndices(OpBuilder &b, AffineMap map, Idx dims, ArrayRef<int64_t> shape) {
  return mapIndices(b, map, dims, RankedTensorType::get(shape, b.getI32Type()));
}

SmallVector<Value> KernelBuilder::mapIndices(OpBuilder &b, AffineMap map, Idx dims, RankedTensorType type) {
  Location l = b.getUnknownLoc();
  SmallVector<Value> idx;
  for (auto [r, e] : llvm::enumerate(map.getResults())) {
    Value v = affine(b, e, dims);
    // Sums of scaled dims are bounded exactly by Halide; floordiv/mod terms
    // are not. A clamp would also turn a dense vector load into a gather.
    bool divides = false;
    e.walk([&](AffineExpr x) { divides |= isa<AffineBinaryOpExpr>(x) && x.getKind() != AffineExprKind::Add &&
                                          x.getKind() != AffineExprKind::Mul; });
    if (divides) {
      v = b.create<arith::MaxSIOp>(l, v, i32(b, 0));
      Value last = type.isDynamicDim(r) ? b.create<arith::SubIOp>(l, dimSize(b, type, r), i32(b, 1)).getResult()
                                        : i32(b, type.getDimSize(r) - 1);
      v = b.create<arith::MinSIOp>(l, v, last);
    }
    idx.push_back(v);
  }
  return idx;
}

Value KernelBuilder::inlineBody(OpBuilder &b, Block &body, ValueRange leading, ValueRange inputs, ArrayAttr maps,
                               ArrayRef<std::string> names, Idx dims) {
  IRMapping mapping;
  for (auto [i, v] : llvm::enumerate(leading))
    mapping.map(body.getArgument(i), v);
  for (auto [i, in] : llvm::enumerate(inputs)) {
    auto type = cast<RankedTensorType>(in.getType());
    AffineMap m = cast<AffineMapAttr>(maps[i]).getValue();
    mapping.map(body.getArgument(leading.size() + i),
                call(b, names[i], type.getElementType(), mapIndices(b, m, dims, type)));
  }
  for (Operation &o : body.without_terminator()) {
    // Index arithmetic of the output point (iota, a symbol used as data).
    if (auto ie = dyn_cast<kernel::IndexExprOp>(o)) {
      Value v = affine(b, ie.getMap().getResult(0), dims);
      mapping.map(ie.getResult(), b.create<arith::ExtSIOp>(b.getUnknownLoc(), ie.getType(), v).getResult());
      continue;
    }
    b.clone(o, mapping);
  }
  return mapping.lookup(cast<kernel::YieldOp>(body.getTerminator()).getValue());
}

Value KernelBuilder::affine(OpBuilder &b, AffineExpr e, Idx dims) {
  Location l = b.getUnknownLoc();
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return dims[d.getPosition()];
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return i32(b, c.getValue());
  if (auto s = dyn_cast<AffineSymbolExpr>(e))
    return sym(b, s.getPosition());
  auto bin = cast<AffineBinaryOpExpr>(e);
  Value lhs = affine(b, bin.getLHS(), dims), rhs = affine(b, bin.getRHS(), dims);
  switch (e.getKind()) {
  case AffineExprKind::Add:
    return b.create<arith::AddIOp>(l, lhs, rhs);
  case AffineExprKind::Mul:
    return b.create<arith::MulIOp>(l, lhs, rhs);
  case AffineExprKind::FloorDiv:
    return b.create<arith::FloorDivSIOp>(l, lhs, rhs);
  case AffineExprKind::Mod: {
    // Affine mod is a floor mod (never negative); arith.remsi truncates, and
    // composed maps do produce negative left-hand sides.
    Value q = b.create<arith::FloorDivSIOp>(l, lhs, rhs);
    return b.create<arith::SubIOp>(l, lhs, b.create<arith::MulIOp>(l, q, rhs));
  }
  default:
    return b.create<arith::DivSIOp>(l, lhs, rhs); // ceildiv does not occur in our maps
  }
}

Value KernelBuilder::sym(OpBuilder &b, unsigned k) {
  Operation *parent = b.getInsertionBlock()->getParentOp();
  auto kernel = isa<halide::KernelOp>(parent) ? cast<halide::KernelOp>(parent)
                                               : parent->getParentOfType<halide::KernelOp>();
  MLIRContext *ctx = b.getContext();
  declareParams(kernel, getAffineSymbolExpr(k, ctx));
  return b.create<halide::SymOp>(b.getUnknownLoc(), b.getI32Type(),
                                 FlatSymbolRefAttr::get(ctx, "s" + std::to_string(k)));
}

Value KernelBuilder::dimSize(OpBuilder &b, RankedTensorType type, unsigned d) {
  if (!type.isDynamicDim(d))
    return i32(b, type.getDimSize(d));
  return affine(b, dims(type)[d], {});
}

/// index() with `size` and `last` (size - 1) built where first needed.
static Value clampIndex(OpBuilder &b, Value v, llvm::function_ref<Value()> size, llvm::function_ref<Value()> last) {
  Location l = b.getUnknownLoc();
  Type t = v.getType();
  if (!t.isInteger(32))
    v = b.create<arith::TruncIOp>(l, b.getI32Type(), v);
  Value zero = KernelBuilder::i32(b, 0);
  Value neg = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, v, zero);
  v = b.create<arith::SelectOp>(l, neg, b.create<arith::AddIOp>(l, v, size()), v);
  v = b.create<arith::MaxSIOp>(l, v, zero);
  return b.create<arith::MinSIOp>(l, v, last());
}

Value KernelBuilder::index(OpBuilder &b, Value v, Value size) {
  return clampIndex(b, v, [&] { return size; },
                    [&] { return b.create<arith::SubIOp>(b.getUnknownLoc(), size, i32(b, 1)).getResult(); });
}

Value KernelBuilder::index(OpBuilder &b, Value v, int64_t size) {
  return clampIndex(b, v, [&] { return i32(b, size); }, [&] { return i32(b, size - 1); });
}

Value KernelBuilder::clampToSize(OpBuilder &b, Value v, int64_t size) {
  Location l = b.getUnknownLoc();
  v = b.create<arith::MaxSIOp>(l, v, i32(b, 0));
  return b.create<arith::MinSIOp>(l, v, i32(b, std::max<int64_t>(size - 1, 0)));
}
