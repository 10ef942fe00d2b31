//===- KernelOps.cpp - kernel dialect builders and verifiers -===//
#include "dialects/Kernel/KernelOps.h"
#include "dialects/Utils/Shape.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::kernel;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}

void ElementwiseOp::build(OpBuilder &b, OperationState &state, Type result, ValueRange inputs,
                          ArrayRef<AffineMap> maps) {
  state.addOperands(inputs);
  state.addTypes(result);
  state.addAttribute(getMapsAttrName(state.name), b.getAffineMapArrayAttr(maps));
  Region *body = state.addRegion();
  Block *block = new Block();
  for (Value v : inputs)
    block->addArgument(tt(v).getElementType(), state.location);
  body->push_back(block);
}

LogicalResult ElementwiseOp::verify() {
  auto res = tt(getResult());
  if (getMaps().size() != getInputs().size())
    return emitOpError("needs one map per input: ") << getMaps().size() << " maps, "
           << getInputs().size() << " inputs";
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("body needs one scalar argument per input");
  for (auto [i, in] : llvm::enumerate(getInputs())) {
    AffineMap m = cast<AffineMapAttr>(getMaps()[i]).getValue();
    if (m.getNumDims() != (unsigned)res.getRank() || m.getNumSymbols() != 0)
      return emitOpError("map #") << i << " must take the " << res.getRank() << " output dims";
    if (m.getNumResults() != (unsigned)tt(in).getRank())
      return emitOpError("map #") << i << " must give " << tt(in).getRank() << " input indices";
    if (body.getArgument(i).getType() != tt(in).getElementType())
      return emitOpError("body argument #") << i << " must be " << tt(in).getElementType();
  }
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValue().getType() != res.getElementType())
    return emitOpError("body yields ") << yield.getValue().getType() << ", result element type is "
           << res.getElementType();
  return success();
}

LogicalResult YieldOp::verify() {
  if (!getValue().getType().isIntOrFloat())
    return emitOpError("yields a scalar");
  return success();
}

LogicalResult MatMulOp::verify() {
  auto a = tt(getLhs()).getShape(), r = tt(getResult()).getShape();
  SmallVector<int64_t> b(tt(getRhs()).getShape());
  if (auto panel = getBPanel()) {
    // Packed [N/NR, K, NR]: check it, then verify as the [K, N] it stands for.
    if (b.size() != 3 || b[2] != (int64_t)*panel || getTransB())
      return emitOpError("b_panel = ") << *panel << " needs B packed as [N/" << *panel << ", K, "
                                       << *panel << "] without trans_b";
    // The last panel may be zero-padded: it stands for the result's N columns.
    int64_t n = r.empty() ? 0 : r.back();
    if (b[0] * b[2] < n || (b[0] - 1) * b[2] >= n)
      return emitOpError("packed B holds ") << b[0] << " panels of " << b[2] << " columns for N = " << n;
    b = {b[1], n};
  }
  if (a.size() < 2 || b.size() < 2 || r.size() < 2)
    return emitOpError("operands and result must have rank >= 2");
  int64_t k = a.back(), kb = getTransB() ? b.back() : b[b.size() - 2];
  int64_t n = getTransB() ? b[b.size() - 2] : b.back();
  if (k != kb)
    return emitOpError("contraction dims differ: ") << k << " vs " << kb;
  auto batch = broadcastShapes(a.drop_back(2), ArrayRef<int64_t>(b).drop_back(2));
  if (!batch)
    return emitOpError("batch dims do not broadcast");
  SmallVector<int64_t> expect(*batch);
  expect.push_back(a[a.size() - 2]);
  expect.push_back(n);
  if (r != ArrayRef<int64_t>(expect))
    return emitOpError("result shape must be ") << shapeString(expect);
  if (getBias() && !broadcastShapes(tt(getBias()).getShape(), r))
    return emitOpError("bias does not broadcast to the result");
  Type et = tt(getLhs()).getElementType();
  if (tt(getRhs()).getElementType() != et)
    return emitOpError("operands must have one element type");
  if (failed(verifyEpilogue()))
    return failure();
  if (!isa<FloatType>(et) && (!et.isSignlessInteger() || et.getIntOrFloatBitWidth() < 32))
    return emitOpError("expects float, i32 or i64 operands, got ") << et;
  if (!isa<FloatType>(et) && getAlpha().convertToFloat() != 1.0f)
    return emitOpError("an integer matmul needs alpha = 1");
  return success();
}

/// Checks a scalar region that maps one element: its first argument is
/// `leading` (`leadingWhat` in messages), the others are `inputs` read
/// through `maps` from `numDims` dims; it yields `yields`. `what` names the
/// region ("epilogue", "score").
static LogicalResult verifyScalarRegion(Operation *op, Region &region, StringRef what, Type leading,
                                        StringRef leadingWhat, ValueRange inputs, std::optional<ArrayAttr> maps,
                                        unsigned numDims, StringRef dimsWhat, Type yields) {
  size_t n = inputs.size(), numMaps = maps ? maps->size() : 0;
  if (numMaps != n)
    return op->emitOpError("needs one ") << what << " map per " << what << " input: " << numMaps << " maps, " << n
                                         << " inputs";
  Block &body = region.front();
  if (body.getNumArguments() != n + 1 || body.getArgument(0).getType() != leading)
    return op->emitOpError() << what << " takes the " << leadingWhat << " " << leading << " and one scalar per "
                             << what << " input";
  for (auto [i, in] : llvm::enumerate(inputs)) {
    AffineMap m = cast<AffineMapAttr>((*maps)[i]).getValue();
    if (m.getNumDims() != numDims || m.getNumSymbols() != 0 || m.getNumResults() != (unsigned)tt(in).getRank())
      return op->emitOpError() << what << " map #" << i << " must take the " << numDims << " " << dimsWhat
                               << " dims to " << tt(in).getRank() << " input indices";
    if (body.getArgument(i + 1).getType() != tt(in).getElementType())
      return op->emitOpError() << what << " argument #" << i + 1 << " must be " << tt(in).getElementType();
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValue().getType() != yields)
    return op->emitOpError() << what << " must yield the result element type " << yields;
  return success();
}

LogicalResult MatMulOp::verifyEpilogue() {
  Type acc = tt(getLhs()).getElementType();
  auto res = tt(getResult());
  if (!hasEpilogue()) {
    if (!getEpilogueInputs().empty() || getEpilogueMaps())
      return emitOpError("epilogue inputs and maps need an epilogue region");
    if (res.getElementType() != acc)
      return emitOpError("result element type ") << res.getElementType() << " differs from the operands' " << acc
             << " (only an epilogue converts)";
    return success();
  }
  return verifyScalarRegion(*this, getEpilogue(), "epilogue", acc, "accumulated", getEpilogueInputs(),
                            getEpilogueMaps(), res.getRank(), "result", res.getElementType());
}

/// Bounds of `e` when dim i ranges over [0, extents[i]); nullopt for forms
/// it does not bound (symbols, products of dims).
static std::optional<std::pair<int64_t, int64_t>> exprRange(AffineExpr e, ArrayRef<int64_t> extents) {
  using Range = std::pair<int64_t, int64_t>;
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return Range{c.getValue(), c.getValue()};
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return Range{0, extents[d.getPosition()] - 1};
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return std::nullopt;
  auto l = exprRange(bin.getLHS(), extents), r = exprRange(bin.getRHS(), extents);
  if (!l || !r)
    return std::nullopt;
  switch (e.getKind()) {
  case AffineExprKind::Add:
    return Range{l->first + r->first, l->second + r->second};
  case AffineExprKind::Mul: {
    if (r->first != r->second)
      return std::nullopt;
    int64_t a = l->first * r->first, b = l->second * r->first;
    return Range{std::min(a, b), std::max(a, b)};
  }
  case AffineExprKind::FloorDiv:
    if (r->first != r->second || r->first <= 0 || l->first < 0)
      return std::nullopt;
    return Range{l->first / r->first, l->second / r->first};
  case AffineExprKind::Mod:
    if (r->first != r->second || r->first <= 0 || l->first < 0)
      return std::nullopt;
    return Range{0, std::min(l->second, r->first - 1)};
  default:
    return std::nullopt;
  }
}

/// `map` over `extents` must index inside `shape` wherever its bounds are known.
static LogicalResult verifyMapInBounds(Operation *op, AffineMap map, ArrayRef<int64_t> extents,
                                       ArrayRef<int64_t> shape, const Twine &what) {
  for (auto [i, e] : llvm::enumerate(map.getResults()))
    if (auto r = exprRange(e, extents); r && (r->first < 0 || r->second >= shape[i]))
      return op->emitOpError() << what << " reads index [" << r->first << ", " << r->second << "] of dim " << i
                               << ", which has size " << shape[i];
  return success();
}

LogicalResult AttentionOp::verify() {
  auto res = tt(getResult());
  if (res.getRank() < 2)
    return emitOpError("result must be [batch..., rows, value dim]");
  if (auto h = getMergedHeads(); h && ((int64_t)*h <= 0 || res.getShape().back() % (int64_t)*h))
    return emitOpError("merged_heads = ") << *h << " must divide the result's last dim "
                                           << res.getShape().back();
  Type et = res.getElementType();
  if (!isa<FloatType>(et))
    return emitOpError("expects float operands, got ") << et;
  for (Value x : {getQ(), getK(), getV()})
    if (tt(x).getElementType() != et)
      return emitOpError("q, k, v and the result must have one element type");
  if (getOperandMaps().size() != 3)
    return emitOpError("needs three operand maps (q, k, v)");
  SmallVector<int64_t> shape = canonicalShape();
  size_t nb = shape.size() - 2;
  int64_t rows = shape[nb], E = shape[nb + 1], Sk = getKeyLen(), D = getHeadDim();
  if (Sk <= 0 || D <= 0)
    return emitOpError("key_len and head_dim must be positive");
  // Extents of (b..., i, d), (b..., j, d), (b..., j, e).
  SmallVector<int64_t> batch(shape.begin(), shape.begin() + nb);
  auto ext = [&](int64_t a, int64_t b) {
    SmallVector<int64_t> x(batch);
    x.append({a, b});
    return x;
  };
  SmallVector<int64_t> extents[3] = {ext(rows, D), ext(Sk, D), ext(Sk, E)};
  const char *names[3] = {"q", "k", "v"};
  Value operands[3] = {getQ(), getK(), getV()};
  for (unsigned i = 0; i < 3; ++i) {
    AffineMap m = operandMap(i);
    if (m.getNumDims() != nb + 2 || m.getNumSymbols() != 0 || m.getNumResults() != (unsigned)tt(operands[i]).getRank())
      return emitOpError() << names[i] << " map must take " << nb + 2 << " dims to " << tt(operands[i]).getRank()
                           << " indices";
    if (failed(verifyMapInBounds(*this, m, extents[i], tt(operands[i]).getShape(), Twine(names[i]) + " map")))
      return failure();
  }
  if (hasProbs() && failed(verifyScalarRegion(*this, getProbs(), "probs", et, "probability", ValueRange(),
                                              std::nullopt, nb + 2, "score", et)))
    return failure();
  if (!hasScore()) {
    if (!getScoreInputs().empty() || getScoreMaps())
      return emitOpError("score inputs and maps need a score region");
    return success();
  }
  if (failed(verifyScalarRegion(*this, getScore(), "score", et, "scaled score", getScoreInputs(), getScoreMaps(),
                                nb + 2, "score", et)))
    return failure();
  for (auto [i, in] : llvm::enumerate(getScoreInputs()))
    if (failed(verifyMapInBounds(*this, cast<AffineMapAttr>((*getScoreMaps())[i]).getValue(), ext(rows, Sk),
                                 tt(in).getShape(), "score map #" + Twine(i))))
      return failure();
  return success();
}

LogicalResult ReduceOp::verify() {
  if (!llvm::is_contained({"mean", "sum", "max", "min", "prod", "l1", "l2", "sum_square", "log_sum",
                           "log_sum_exp"},
                          getKind()))
    return emitOpError("unknown reduction kind '") << getKind() << "'";
  int64_t rank = tt(getInput()).getRank();
  for (Attribute a : getAxes())
    if (failed(verifyAxis(*this, cast<IntegerAttr>(a).getInt(), rank)))
      return failure();
  int64_t expectRank = getKeepdims() ? rank : rank - (int64_t)getAxes().size();
  if (tt(getResult()).getRank() != expectRank)
    return emitOpError("result rank must be ") << expectRank;
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  if (!isa<FloatType>(tt(getInput()).getElementType()))
    return emitOpError("expects a floating-point input");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult RMSNormOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  if (failed(verifyAxis(*this, getAxis(), tt(getInput()).getRank())))
    return failure();
  if (tt(getScale()).getRank() > tt(getInput()).getRank() - (int64_t)getAxis())
    return emitOpError("scale has more dims than the normalised ones");
  return success();
}

LogicalResult ArgReduceOp::verify() {
  if (getKind() != "max" && getKind() != "min")
    return emitOpError("kind must be \"max\" or \"min\"");
  int64_t rank = tt(getInput()).getRank();
  if (failed(verifyAxis(*this, getAxis(), rank)))
    return failure();
  if (tt(getResult()).getRank() != (getKeepdims() ? rank : rank - 1))
    return emitOpError("result rank must be ") << (getKeepdims() ? rank : rank - 1);
  if (!tt(getResult()).getElementType().isSignlessInteger(64))
    return emitOpError("result must be i64");
  return success();
}

LogicalResult ScanOp::verify() {
  if (getKind() != "add")
    return emitOpError("kind must be \"add\"");
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult TopKOp::verify() {
  auto in = tt(getInput()), res = tt(getResult());
  if (failed(verifyAxis(*this, getAxis(), in.getRank())))
    return failure();
  if (res.getRank() != in.getRank() || !res.getElementType().isSignlessInteger(64))
    return emitOpError("result must be i64 of the input's rank");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (d == (int64_t)getAxis() ? res.getDimSize(d) > in.getDimSize(d) : res.getDimSize(d) != in.getDimSize(d))
      return emitOpError("result shape must be the input's with k <= ")
             << in.getDimSize(getAxis()) << " along the axis";
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (tt(getInput()) != tt(getResult()))
    return emitOpError("result type must be the input type");
  return verifyAxis(*this, getAxis(), tt(getInput()).getRank());
}

LogicalResult GatherOp::verify() {
  if (failed(verifyAxis(*this, getAxis(), tt(getData()).getRank())))
    return failure();
  if (tt(getResult()).getRank() != tt(getData()).getRank() + tt(getIndices()).getRank() - 1)
    return emitOpError("result rank must be data rank + indices rank - 1");
  return success();
}

LogicalResult GatherElementsOp::verify() {
  if (tt(getResult()).getShape() != tt(getIndices()).getShape())
    return emitOpError("result shape must be the indices' shape");
  return verifyAxis(*this, getAxis(), tt(getData()).getRank());
}

LogicalResult GatherNDOp::verify() {
  auto i = tt(getIndices()).getShape();
  if (i.empty() || i.back() + getBatchDims() > tt(getData()).getRank())
    return emitOpError("last indices dim is larger than the data rank");
  return success();
}

LogicalResult PadOp::verify() {
  auto in = tt(getInput()), res = tt(getResult());
  int64_t r = in.getRank();
  if (!llvm::is_contained({"constant", "reflect", "edge", "wrap"}, getMode()))
    return emitOpError("unknown mode '") << getMode() << "'";
  if ((int64_t)getPads().size() != 2 * r || res.getRank() != r)
    return emitOpError("pads needs two entries per dim and the result the input's rank");
  for (int64_t d = 0; d < r; ++d) {
    int64_t b = cast<IntegerAttr>(getPads()[d]).getInt(), e = cast<IntegerAttr>(getPads()[d + r]).getInt();
    if (res.getDimSize(d) != in.getDimSize(d) + b + e)
      return emitOpError("result dim ") << d << " must be " << in.getDimSize(d) + b + e;
  }
  if (tt(getValue()).getRank() != 0 || tt(getValue()).getElementType() != in.getElementType() ||
      res.getElementType() != in.getElementType())
    return emitOpError("value and result must have the input's element type (value a scalar)");
  return success();
}

LogicalResult TriluOp::verify() {
  if (tt(getInput()) != tt(getResult()) || tt(getInput()).getRank() < 2)
    return emitOpError("result type must be the input type, of rank >= 2");
  if (tt(getK()).getRank() != 0 || !tt(getK()).getElementType().isSignlessInteger(64))
    return emitOpError("k must be an i64 scalar");
  return success();
}

LogicalResult ScatterNDOp::verify() {
  auto i = tt(getIndices()).getShape();
  int64_t r = tt(getData()).getRank();
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, getReduction()))
    return emitOpError("unknown reduction '") << getReduction() << "'";
  if (i.empty() || i.back() < 1 || i.back() > r)
    return emitOpError("last indices dim must be in [1, data rank]");
  if (tt(getUpdates()).getRank() != (int64_t)i.size() - 1 + r - i.back())
    return emitOpError("updates rank must be ") << (int64_t)i.size() - 1 + r - i.back();
  if (tt(getResult()) != tt(getData()))
    return emitOpError("result type must be the data type");
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  return verifyAxis(*this, getAxis(), tt(getResult()).getRank());
}

LogicalResult ConvOp::verify() {
  int64_t rank = tt(getInput()).getRank();
  if (rank < 3 || tt(getWeight()).getRank() != rank || tt(getResult()).getRank() != rank)
    return emitOpError("input, weight and result must have one rank >= 3");
  if ((int64_t)getStrides().size() != rank - 2 || (int64_t)getPads().size() != 2 * (rank - 2))
    return emitOpError("strides need one entry per spatial dim, pads two");
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Kernel/KernelOps.cpp.inc"
