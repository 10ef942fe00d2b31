//===- HalideOps.cpp - halide dialect verifiers -===//
#include "dialects/Halide/HalideOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace kiln::halide;

AffineMap kiln::halide::constantExtents(MLIRContext *ctx, ArrayRef<int64_t> values) {
  SmallVector<AffineExpr> exprs;
  for (int64_t v : values)
    exprs.push_back(getAffineConstantExpr(v, ctx));
  return AffineMap::get(0, 0, exprs, ctx);
}

std::optional<SmallVector<int64_t>> kiln::halide::staticExtents(AffineMap extents) {
  SmallVector<int64_t> r;
  for (AffineExpr e : extents.getResults()) {
    auto c = dyn_cast<AffineConstantExpr>(e);
    if (!c)
      return std::nullopt;
    r.push_back(c.getValue());
  }
  return r;
}

/// `[768, 128]` for constant extents, else the map itself.
static ParseResult parseExtents(OpAsmParser &parser, AffineMapAttr &extents) {
  if (succeeded(parser.parseOptionalLSquare())) {
    SmallVector<int64_t> values;
    if (failed(parser.parseOptionalRSquare())) {
      if (parser.parseCommaSeparatedList([&] { return parser.parseInteger(values.emplace_back()); }) ||
          parser.parseRSquare())
        return failure();
    }
    extents = AffineMapAttr::get(constantExtents(parser.getContext(), values));
    return success();
  }
  return parser.parseAttribute(extents);
}

static void printExtents(OpAsmPrinter &p, Operation *, AffineMapAttr extents) {
  if (std::optional<SmallVector<int64_t>> values = staticExtents(extents.getValue())) {
    p << '[';
    llvm::interleaveComma(*values, p);
    p << ']';
    return;
  }
  // Spelled out, not aliased: extents read better in place.
  p << "affine_map<" << extents.getValue() << ">";
}

/// Every symbol an extents map uses must be a halide.param of the kernel.
static LogicalResult verifyExtents(Operation *op, AffineMap map, StringRef what) {
  if (map.getNumDims() != 0)
    return op->emitOpError(what) << " must have no dims";
  auto kernel = op->getParentOfType<KernelOp>();
  for (AffineExpr e : map.getResults()) {
    if (auto c = dyn_cast<AffineConstantExpr>(e); c && c.getValue() < 0)
      return op->emitOpError(what) << " must be non-negative";
    LogicalResult ok = success();
    e.walk([&](AffineExpr s) {
      auto sym = dyn_cast<AffineSymbolExpr>(s);
      if (!sym || failed(ok) || !kernel)
        return;
      std::string name = "s" + std::to_string(sym.getPosition());
      if (!isa_and_nonnull<ParamOp>(SymbolTable::lookupSymbolIn(kernel, StringAttr::get(op->getContext(), name))))
        ok = op->emitOpError(what) << " use s" << sym.getPosition() << ", which has no halide.param @" << name;
    });
    if (failed(ok))
      return failure();
  }
  return success();
}

unsigned ParamOp::getIndex() {
  unsigned k = 0;
  (void)getSymName().drop_front().getAsInteger(10, k);
  return k;
}

LogicalResult ParamOp::verify() {
  unsigned k;
  if (!getSymName().starts_with("s") || getSymName().drop_front().getAsInteger(10, k) ||
      getSymName() != "s" + std::to_string(k))
    return emitOpError("must be named s<k> for module symbol k, got @") << getSymName();
  return success();
}

LogicalResult SymOp::verify() {
  auto kernel = (*this)->getParentOfType<KernelOp>();
  if (!kernel || !isa_and_nonnull<ParamOp>(SymbolTable::lookupSymbolIn(kernel, getParamAttr())))
    return emitOpError("reads ") << getParamAttr() << ", which is not a halide.param of the kernel";
  return success();
}

LogicalResult KernelOp::verify() {
  int outputs = 0;
  for (Operation &op : getBody().front()) {
    if (!isa<InputOp, ParamOp, FuncOp, UpdateOp, OutputOp, ScheduleOp>(op))
      return op.emitOpError("is not allowed directly in a halide.kernel");
    outputs += isa<OutputOp>(op);
  }
  if (outputs == 0)
    return emitOpError("has no halide.output");
  // The attention schedules read their tiles from these.
  std::optional<Recipe> recipe = getRecipe();
  if (recipe == Recipe::Attention || recipe == Recipe::AttentionBlocked || recipe == Recipe::AttentionInt8) {
    if (!getHeadDim() || !getValueDim() || !getLanes())
      return emitOpError("with an attention recipe needs head_dim, value_dim and lanes");
    if (recipe == Recipe::AttentionBlocked && (!getPaddedKeys() || !getKeyBlock()))
      return emitOpError("with the attention_blocked recipe needs padded_keys and key_block");
  }
  return success();
}

LogicalResult InputOp::verify() {
  if (!getElementType().isIntOrFloat())
    return emitOpError("element type must be a scalar");
  return verifyExtents(*this, getExtents(), "extents");
}

/// `predicate`: the body returns one more value, an i1 (an update's `where`).
static LogicalResult verifyBody(Operation *op, Region &body, unsigned numArgs, FuncOp f, bool predicate = false) {
  Block &b = body.front();
  if (b.getNumArguments() != numArgs)
    return op->emitOpError("body must take ") << numArgs << " i32 arguments";
  for (BlockArgument a : b.getArguments())
    if (!a.getType().isInteger(32))
      return op->emitOpError("body arguments must be i32");
  auto ret = dyn_cast<ReturnOp>(b.getTerminator());
  if (!ret)
    return op->emitOpError("body must end in halide.return");
  ValueRange values = ret.getValues();
  if (values.size() != f.getNumValues() + predicate)
    return op->emitOpError("body returns ") << values.size() << " values, expected " << f.getNumValues()
                                            << (predicate ? " and a predicate" : "");
  if (predicate) {
    Value p = values.back();
    values = values.drop_back();
    if (!p.getType().isInteger(1))
      return op->emitOpError("where: the last value must be an i1 predicate, got ") << p.getType();
    // The predicate may read the func's vars too (Halide trims an inner
    // RVar's loop against an outer var's bound: sparse rows, causal blocks).
  }
  for (Value v : values)
    if (v.getType() != f.getResultType())
      return op->emitOpError("body returns ") << v.getType() << ", expected " << f.getResultType();
  return success();
}

LogicalResult FuncOp::verify() {
  if (getTuple() && *getTuple() < 2)
    return emitOpError("tuple needs at least 2 values");
  if (getTuple() && getResultType().isInteger(1))
    return emitOpError("tuple of i1 is not supported (bools are stored as bytes one func at a time)");
  return verifyBody(*this, getBody(), getVars().size(), *this);
}

LogicalResult UpdateOp::verify() {
  auto f = SymbolTable::lookupNearestSymbolFrom<FuncOp>(*this, getFuncAttr());
  if (!f)
    return emitOpError("updates unknown func ") << getFuncAttr();
  if (getRdom().getNumResults() % 2)
    return emitOpError("rdom needs (min, extent) pairs");
  if (failed(verifyExtents(*this, getRdom(), "rdom")))
    return failure();
  if (f.getTuple() && getCombine() != Combine::Set)
    return emitOpError("updates tuple func ") << getFuncAttr() << " with combine "
                                               << stringifyCombine(getCombine()) << "; tuples take set";
  // Halide's saturating_add is defined for integers; i1 funcs are stored as bytes.
  if (getCombine() == Combine::SatAdd && (!f.getResultType().isInteger() || f.getResultType().isInteger(1)))
    return emitOpError("combine sat_add needs an integer func wider than i1, not ") << f.getResultType();
  if (getWhere() && getNumRVars() == 0)
    return emitOpError("where needs a reduction domain");
  return verifyBody(*this, getBody(), f.getVars().size() + getNumRVars(), f, getWhere());
}

LogicalResult OutputOp::verify() {
  auto f = SymbolTable::lookupNearestSymbolFrom<FuncOp>(*this, getFuncAttr());
  if (!f)
    return emitOpError("names unknown func ") << getFuncAttr();
  if (f.getVars().size() != getRank())
    return emitOpError("needs one extent per var of ") << getFuncAttr();
  if (failed(verifyExtents(*this, getExtents(), "extents")))
    return failure();
  if (f.getTuple())
    return emitOpError("tuple func ") << getFuncAttr() << " cannot be the output";
  return success();
}

LogicalResult CallOp::verify() {
  auto kernel = (*this)->getParentOfType<KernelOp>();
  if (!kernel)
    return emitOpError("must be inside a halide.kernel");
  Operation *callee = SymbolTable::lookupSymbolIn(kernel, getCalleeAttr());
  if (auto in = dyn_cast_or_null<InputOp>(callee)) {
    if (in.getRank() != getIndices().size())
      return emitOpError("input ") << getCalleeAttr() << " has " << in.getRank() << " dims";
    if (in.getElementType() != getType())
      return emitOpError("input ") << getCalleeAttr() << " holds " << in.getElementType();
    if (getElement())
      return emitOpError("names an element of input ") << getCalleeAttr();
    return success();
  }
  if (auto f = dyn_cast_or_null<FuncOp>(callee)) {
    if (f.getVars().size() != getIndices().size())
      return emitOpError("func ") << getCalleeAttr() << " has " << f.getVars().size() << " vars";
    if (f.getResultType() != getType())
      return emitOpError("func ") << getCalleeAttr() << " returns " << f.getResultType();
    if (f.getTuple() && (!getElement() || *getElement() < 0 || *getElement() >= (int64_t)f.getNumValues()))
      return emitOpError("needs an element in [0, ") << f.getNumValues() << ") of tuple func " << getCalleeAttr();
    if (!f.getTuple() && getElement())
      return emitOpError("names an element of func ") << getCalleeAttr() << ", which is not a tuple";
    return success();
  }
  return emitOpError("calls unknown buffer or func ") << getCalleeAttr();
}

LogicalResult GpuTileOp::verify() {
  if (getVars().empty() || getVars().size() > 3 || getVars().size() != getSizes().size())
    return emitOpError("needs 1 to 3 vars with one tile size each");
  return success();
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto k = symbols.lookupNearestSymbolFrom<KernelOp>(*this, getKernelAttr());
  if (!k)
    return emitOpError("launches unknown kernel ") << getKernelAttr();
  auto inputs = llvm::to_vector(k.getBody().front().getOps<InputOp>());
  if (inputs.size() != getInputs().size())
    return emitOpError("kernel ") << getKernelAttr() << " takes " << inputs.size() << " inputs";
  for (auto [in, v] : llvm::zip(inputs, getInputs())) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != (int64_t)in.getRank())
      return emitOpError("operand rank differs from kernel input ") << in.getSymNameAttr();
  }
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Halide/HalideOps.cpp.inc"
