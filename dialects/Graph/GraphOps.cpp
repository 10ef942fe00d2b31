//===- GraphOps.cpp - graph dialect verifiers -===//
//
// Every op checks that its result type is what ONNX semantics give for its
// operands, so a bad importer or pass is caught at the op that went wrong.
// Ops marked Graph_SymbolicDims compare dims as SymExprs (static dims are
// constants, so static IR gets the same checks and messages); the others
// read int64 sizes and are refused symbolic types by verifyShapeEncodings.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/GraphOps.h"
#include "dialects/Utils/Shape.h"
#include "dialects/Utils/SymShape.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::graph;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }
/// The dims of a graph op's operand or result; its types were checked by
/// verifyShapeEncodings before the op's verifier runs.
static SmallVector<SymExpr> dims(Value v) { return dimExprs(tt(v)); }

LogicalResult kiln::graph::verifyShapeEncodings(Operation *op) {
  return kiln::verifyShapeEncodings(op, op->hasTrait<OpTrait::SymbolicDims>());
}

static LogicalResult verifyBroadcast(Operation *op, ValueRange operands) {
  SmallVector<SymExpr> shape;
  for (Value v : operands) {
    auto b = broadcastSym(shape, dims(v));
    if (failed(b))
      return op->emitOpError("operand shapes do not broadcast: ")
             << shapeString(shape) << " and " << shapeString(dims(v));
    shape = *b;
  }
  auto res = dims(op->getResult(0));
  if (res != shape)
    return op->emitOpError("result shape ") << shapeString(res)
           << " is not the broadcast shape " << shapeString(shape);
  return success();
}

static bool isBool(Type t) { return t.isInteger(1); }

template <typename OpT> static LogicalResult verifyBinary(OpT op) {
  if (failed(verifyBroadcast(op, {op.getLhs(), op.getRhs()})))
    return failure();
  Type l = tt(op.getLhs()).getElementType(), r = tt(op.getRhs()).getElementType();
  Type res = tt(op.getResult()).getElementType();
  if (l != r && !isa<PowOp>(op.getOperation()))
    return op.emitOpError("operand element types differ: ") << l << " and " << r;
  bool compare = isa<EqualOp, GreaterOp, GreaterOrEqualOp, LessOp, LessOrEqualOp>(op.getOperation());
  bool logical = isa<AndOp, OrOp, XorOp>(op.getOperation());
  if (logical && !isBool(l))
    return op.emitOpError("expects i1 operands");
  if (isa<ModOp, MaxOp, MinOp>(op.getOperation()) && isBool(l))
    return op.emitOpError("expects numeric operands, got i1");
  if (compare && !isBool(res))
    return op.emitOpError("comparison result must be i1");
  if (!compare && res != l)
    return op.emitOpError("result element type ") << res << " differs from operand type " << l;
  return success();
}

#define BINARY_VERIFIER(OP) \
  LogicalResult OP::verify() { return verifyBinary(*this); }
BINARY_VERIFIER(AddOp)
BINARY_VERIFIER(SubOp)
BINARY_VERIFIER(MulOp)
BINARY_VERIFIER(DivOp)
BINARY_VERIFIER(PowOp)
BINARY_VERIFIER(AndOp)
BINARY_VERIFIER(OrOp)
BINARY_VERIFIER(EqualOp)
BINARY_VERIFIER(GreaterOp)
BINARY_VERIFIER(GreaterOrEqualOp)
BINARY_VERIFIER(LessOp)
BINARY_VERIFIER(LessOrEqualOp)
BINARY_VERIFIER(XorOp)
BINARY_VERIFIER(MaxOp)
BINARY_VERIFIER(MinOp)
BINARY_VERIFIER(ModOp)
#undef BINARY_VERIFIER

static LogicalResult verifyUnary(Operation *op, bool sameElementType, bool floatOnly) {
  auto in = tt(op->getOperand(0)), res = tt(op->getResult(0));
  if (!sameShape(in, res))
    return op->emitOpError("result shape ") << shapeString(dimExprs(res))
           << " differs from input shape " << shapeString(dimExprs(in));
  if (sameElementType && in.getElementType() != res.getElementType())
    return op->emitOpError("result element type differs from the input's");
  if (floatOnly && !isa<FloatType>(in.getElementType()))
    return op->emitOpError("expects a floating-point input, got ") << in.getElementType();
  return success();
}

LogicalResult SqrtOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult ErfOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult TanhOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult ExpOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult SigmoidOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult GeluOp::verify() {
  return verifyUnary(*this, true, true);
}
LogicalResult NegOp::verify() { return verifyUnary(*this, true, false); }
LogicalResult ReluOp::verify() { return verifyUnary(*this, true, false); }
LogicalResult CastOp::verify() { return verifyUnary(*this, false, false); }
LogicalResult IsNaNOp::verify() {
  if (!isBool(tt(getResult()).getElementType()))
    return emitOpError("result must be i1");
  return verifyUnary(*this, false, true);
}
LogicalResult NotOp::verify() {
  if (!isBool(tt(getInput()).getElementType()))
    return emitOpError("expects an i1 input");
  return verifyUnary(*this, true, false);
}

LogicalResult CeilOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult FloorOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult RoundOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult CosOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult SinOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult LogOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult ReciprocalOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult SoftplusOp::verify() { return verifyUnary(*this, true, true); }
LogicalResult HardSigmoidOp::verify() { return verifyUnary(*this, true, true); }

static LogicalResult verifyNumericUnary(Operation *op) {
  if (isBool(tt(op->getOperand(0)).getElementType()))
    return op->emitOpError("expects a numeric input, got i1");
  return verifyUnary(op, true, false);
}
LogicalResult AbsOp::verify() { return verifyNumericUnary(*this); }
LogicalResult SignOp::verify() { return verifyNumericUnary(*this); }

LogicalResult IsInfOp::verify() {
  if (!isBool(tt(getResult()).getElementType()))
    return emitOpError("result must be i1");
  return verifyUnary(*this, false, true);
}

LogicalResult ClipOp::verify() {
  Type et = tt(getInput()).getElementType();
  for (Value bound : {getLo(), getHi()})
    if (tt(bound).getRank() != 0 || tt(bound).getElementType() != et)
      return emitOpError("bounds must be scalars of the input's element type ") << et;
  if (isBool(et))
    return emitOpError("expects a numeric input, got i1");
  return verifyUnary(*this, true, false);
}

LogicalResult WhereOp::verify() {
  if (!isBool(tt(getCondition()).getElementType()))
    return emitOpError("condition must be i1");
  if (tt(getX()).getElementType() != tt(getY()).getElementType() ||
      tt(getX()).getElementType() != tt(getResult()).getElementType())
    return emitOpError("x, y and the result must have one element type");
  return verifyBroadcast(*this, {getCondition(), getX(), getY()});
}

LogicalResult MatMulOp::verify() {
  auto a = dims(getLhs()), b = dims(getRhs());
  if (a.empty() || b.empty())
    return emitOpError("operands must have rank >= 1");
  SmallVector<SymExpr> as(a), bs(b);
  const SymExpr one = SymExpr::constant(1);
  if (as.size() == 1) as.insert(as.begin(), one);
  if (bs.size() == 1) bs.push_back(one);
  const SymExpr &k1 = as.back(), &k2 = bs[bs.size() - 2];
  if (k1 != k2)
    return emitOpError("contraction dims differ: ") << k1.str() << " vs " << k2.str();
  auto batch = broadcastSym(ArrayRef<SymExpr>(as).drop_back(2), ArrayRef<SymExpr>(bs).drop_back(2));
  if (failed(batch))
    return emitOpError("batch dims do not broadcast");
  SmallVector<SymExpr> expect(*batch);
  if (a.size() > 1) expect.push_back(as[as.size() - 2]);
  if (b.size() > 1) expect.push_back(bs.back());
  if (dims(getResult()) != expect)
    return emitOpError("result shape ") << shapeString(dims(getResult()))
           << ", expected " << shapeString(expect);
  return success();
}

LogicalResult GemmOp::verify() {
  auto a = dims(getA()), b = dims(getB());
  if (a.size() != 2 || b.size() != 2)
    return emitOpError("A and B must be 2-D");
  SymExpr m = getTransA() ? a[1] : a[0], ka = getTransA() ? a[0] : a[1];
  SymExpr kb = getTransB() ? b[1] : b[0], n = getTransB() ? b[0] : b[1];
  if (ka != kb)
    return emitOpError("contraction dims differ: ") << ka.str() << " vs " << kb.str();
  if (dims(getResult()) != SmallVector<SymExpr>{m, n})
    return emitOpError("result must be ") << m.str() << "x" << n.str();
  if (getC() && failed(broadcastSym(dims(getC()), {m, n})))
    return emitOpError("C does not broadcast to ") << m.str() << "x" << n.str();
  return success();
}

LogicalResult MatMulNBitsOp::verify() {
  auto a = dims(getA()), b = dims(getB()), r = dims(getResult());
  int64_t g = getBlockSize();
  if (g < 2 || g % 2)
    return emitOpError("block_size must be even and >= 2, got ") << g;
  if (!tt(getA()).getElementType().isF32() || !tt(getB()).getElementType().isUnsignedInteger(8) ||
      !tt(getScales()).getElementType().isF32() || !tt(getZeros()).getElementType().isF32())
    return emitOpError("expects f32 A, u8 B and f32 scales and zeros");
  if (a.size() < 2 || b.size() != 3 || r.size() != a.size())
    return emitOpError("expects A of rank >= 2, B [N, blocks, block_size/2] and a result of A's rank");
  std::optional<int64_t> k = a.back().constValue(), n = b[0].constValue();
  if (!k || !n)
    return emitOpError("K and N must be static");
  int64_t blocks = (*k + g - 1) / g;
  SmallVector<SymExpr> wantB{SymExpr::constant(*n), SymExpr::constant(blocks), SymExpr::constant(g / 2)};
  if (b != wantB)
    return emitOpError("B must be ") << shapeString(wantB) << " for K = " << *k << ", got " << shapeString(b);
  SmallVector<SymExpr> perBlock{SymExpr::constant(*n), SymExpr::constant(blocks)};
  if (dims(getScales()) != perBlock || dims(getZeros()) != perBlock)
    return emitOpError("scales and zeros must be ") << shapeString(perBlock);
  SmallVector<SymExpr> expect(a.begin(), a.end() - 1);
  expect.push_back(SymExpr::constant(*n));
  if (r != expect)
    return emitOpError("result must be ") << shapeString(expect);
  if (getBias() && dims(getBias()) != SmallVector<SymExpr>{SymExpr::constant(*n)})
    return emitOpError("bias must be [") << *n << "]";
  return success();
}

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (failed(verifyAxis(*this, getAxis(), tt(getInput()).getRank())))
    return failure();
  return verifyUnary(*this, true, true);
}

LogicalResult LogSoftmaxOp::verify() {
  if (failed(verifyAxis(*this, getAxis(), tt(getInput()).getRank())))
    return failure();
  return verifyUnary(*this, true, true);
}

/// Scale (and bias) of a normalisation over the dims from `axis` on.
static LogicalResult verifyNormParams(Operation *op, Value input, int64_t axis, ValueRange params) {
  if (failed(verifyAxis(op, axis, tt(input).getRank())))
    return failure();
  SmallVector<SymExpr> normShape(llvm::drop_begin(dims(input), axis));
  for (Value v : params) {
    if (!v)
      continue;
    auto b = broadcastSym(normShape, dims(v));
    if (failed(b) || *b != normShape)
      return op->emitOpError("scale/bias shape ") << shapeString(dims(v))
             << " does not broadcast to the normalised shape " << shapeString(normShape);
  }
  return success();
}

LogicalResult RMSNormOp::verify() {
  if (failed(verifyNormParams(*this, getInput(), getAxis(), getScale())))
    return failure();
  return verifyUnary(*this, true, true);
}

LogicalResult LayerNormOp::verify() {
  if (failed(verifyNormParams(*this, getInput(), getAxis(), {getScale(), getBias()})))
    return failure();
  return verifyUnary(*this, true, true);
}

LogicalResult ReduceOp::verify() {
  if (llvm::is_contained({ReduceKind::L2, ReduceKind::LogSum, ReduceKind::LogSumExp}, getKind()) &&
      !isa<FloatType>(tt(getInput()).getElementType()))
    return emitOpError("reduction '") << stringifyReduceKind(getKind()) << "' expects a floating-point input";
  if (tt(getInput()).getElementType() != tt(getResult()).getElementType())
    return emitOpError("result element type differs from the input's");
  auto in = dims(getInput());
  SmallVector<SymExpr> expect;
  SmallVector<bool> reduced(in.size(), false);
  for (Attribute a : getAxes()) {
    int64_t ax = cast<IntegerAttr>(a).getInt();
    if (failed(verifyAxis(*this, ax, in.size())))
      return failure();
    reduced[ax] = true;
  }
  for (size_t i = 0; i < in.size(); ++i)
    if (!reduced[i])
      expect.push_back(in[i]);
    else if (getKeepdims())
      expect.push_back(SymExpr::constant(1));
  if (dims(getResult()) != expect)
    return emitOpError("result shape must be ") << shapeString(expect);
  return success();
}

LogicalResult ArgReduceOp::verify() {
  auto in = tt(getInput()).getShape();
  if (failed(verifyAxis(*this, getAxis(), in.size())))
    return failure();
  SmallVector<int64_t> expect(in);
  if (getKeepdims())
    expect[getAxis()] = 1;
  else
    expect.erase(expect.begin() + getAxis());
  if (tt(getResult()).getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape must be ") << shapeString(expect);
  if (!tt(getResult()).getElementType().isSignlessInteger(64))
    return emitOpError("result must be i64");
  if (in[getAxis()] == 0)
    return emitOpError("reduces an empty dim");
  return success();
}

LogicalResult CumSumOp::verify() {
  if (failed(verifyAxis(*this, getAxis(), tt(getInput()).getRank())))
    return failure();
  return verifyNumericUnary(*this);
}

LogicalResult TopKOp::verify() {
  auto in = tt(getInput()), values = tt(getValues()), indices = tt(getIndices());
  if (failed(verifyAxis(*this, getAxis(), in.getRank())))
    return failure();
  if (values.getShape() != indices.getShape())
    return emitOpError("values and indices must have one shape");
  SmallVector<int64_t> expect(in.getShape());
  int64_t k = values.getRank() == in.getRank() ? values.getDimSize(getAxis()) : -1;
  expect[getAxis()] = k;
  if (values.getShape() != ArrayRef<int64_t>(expect) || k > in.getDimSize(getAxis()))
    return emitOpError("results must be the input's shape with at most ")
           << in.getDimSize(getAxis()) << " elements along axis " << getAxis();
  if (values.getElementType() != in.getElementType() || isBool(in.getElementType()))
    return emitOpError("values must have the input's (numeric) element type");
  if (!indices.getElementType().isSignlessInteger(64))
    return emitOpError("indices must be i64");
  return success();
}

LogicalResult ConvOp::verify() {
  // Only the batch may be symbolic; it passes through.
  auto xd = dims(getInput()), rd = dims(getResult());
  for (size_t d = 1; d < xd.size(); ++d)
    if (!xd[d].isConst())
      return emitOpError("only the batch dim may be symbolic, input is ") << shapeString(xd);
  if (xd.empty() || rd.empty() || xd[0] != rd[0])
    return emitOpError("the result's batch must be the input's");
  SmallVector<int64_t> xs(tt(getInput()).getShape()), rs(tt(getResult()).getShape());
  xs[0] = rs[0] = 1;
  ArrayRef<int64_t> x = xs, w = tt(getWeight()).getShape();
  size_t sp = x.size() - 2;
  if (x.size() < 3 || w.size() != x.size())
    return emitOpError("input and weight must have the same rank >= 3");
  if (getStrides().size() != sp || getDilations().size() != sp || getPads().size() != 2 * sp)
    return emitOpError("strides/dilations need one entry per spatial dim, pads two");
  if (x[1] != w[1] * (int64_t)getGroup())
    return emitOpError("input channels ") << x[1] << " != weight channels " << w[1] << " * group";
  SmallVector<int64_t> expect{1, w[0]};
  for (size_t i = 0; i < sp; ++i) {
    auto at = [](ArrayAttr a, size_t i) { return cast<IntegerAttr>(a[i]).getInt(); };
    int64_t eff = at(getDilations(), i) * (w[2 + i] - 1) + 1;
    expect.push_back((x[2 + i] + at(getPads(), i) + at(getPads(), i + sp) - eff) / at(getStrides(), i) + 1);
  }
  if (ArrayRef<int64_t>(rs) != ArrayRef<int64_t>(expect))
    return emitOpError("result shape must be ") << shapeString(expect) << " (batch aside)";
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = dims(getInput()), out = dims(getResult());
  std::optional<SymExpr> nIn = numElementsExpr(in), nOut = numElementsExpr(out);
  if (!nIn || !nOut)
    return emitOpError("element count overflows int64");
  if (*nIn != *nOut)
    return emitOpError("element count changes from ") << shapeString(in) << " to " << shapeString(out);
  if (tt(getInput()).getElementType() != tt(getResult()).getElementType())
    return emitOpError("element type changes");
  return success();
}

LogicalResult TransposeOp::verify() {
  auto in = dims(getInput());
  if (getPerm().size() != in.size())
    return emitOpError("perm has ") << getPerm().size() << " entries for rank " << in.size();
  SmallVector<bool> seen(in.size(), false);
  SmallVector<SymExpr> expect;
  for (Attribute a : getPerm()) {
    int64_t p = cast<IntegerAttr>(a).getInt();
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
    expect.push_back(in[p]);
  }
  if (dims(getResult()) != expect)
    return emitOpError("result shape must be ") << shapeString(expect);
  return success();
}

LogicalResult ExpandOp::verify() {
  auto res = dims(getResult());
  auto b = broadcastSym(dims(getInput()), res);
  if (failed(b) || *b != res)
    return emitOpError("input does not broadcast to the result shape");
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = tt(getInput()).getShape(), out = tt(getResult()).getShape();
  if (getStarts().size() != in.size() || getSteps().size() != in.size() || out.size() != in.size())
    return emitOpError("starts/steps/result need one entry per input dim");
  std::optional<AffineMap> startMap = getStartMap();
  if (startMap && (startMap->getNumDims() != 0 || startMap->getNumResults() != in.size()))
    return emitOpError("start_map must have no dims and one result per input dim");
  for (size_t d = 0; d < in.size(); ++d) {
    int64_t s = cast<IntegerAttr>(getStarts()[d]).getInt(), st = cast<IntegerAttr>(getSteps()[d]).getInt();
    if (st == 0)
      return emitOpError("step is 0 in dim ") << d;
    if (startMap) {
      auto c = dyn_cast<AffineConstantExpr>(startMap->getResult(d));
      if (c && c.getValue() != s)
        return emitOpError("start_map's start ") << c.getValue() << " of dim " << d << " differs from starts (" << s
                                                 << ")";
      if (!c) {
        // Its range is a run-time constraint.
        if (st != 1 || s != 0)
          return emitOpError("the symbolic start of dim ") << d << " needs a step of 1 and 0 in starts";
        continue;
      }
    }
    // Symbolic bounds are run-time constraints (kiln.constraints); a
    // symbolic dim takes steps of 1.
    if (ShapedType::isDynamic(in[d]) || ShapedType::isDynamic(out[d])) {
      if (st != 1 || s < 0)
        return emitOpError("a symbolic dim ") << d << " needs a step of 1 and a start >= 0";
      continue;
    }
    if (out[d] == 0)
      continue;
    int64_t last = s + (out[d] - 1) * st;
    if (s < 0 || s >= in[d] || last < 0 || last >= in[d])
      return emitOpError("slice reads outside dim ") << d << " of " << shapeString(in);
  }
  return success();
}

LogicalResult PadOp::verify() {
  auto in = tt(getInput()).getShape();
  size_t r = in.size();
  if (getPads().size() != 2 * r)
    return emitOpError("pads needs ") << 2 * r << " entries (begins, then ends)";
  if (tt(getValue()).getRank() != 0 || tt(getValue()).getElementType() != tt(getInput()).getElementType())
    return emitOpError("value must be a scalar of the input's element type");
  SmallVector<int64_t> expect;
  for (size_t d = 0; d < r; ++d) {
    int64_t b = cast<IntegerAttr>(getPads()[d]).getInt(), e = cast<IntegerAttr>(getPads()[d + r]).getInt();
    expect.push_back(in[d] + b + e);
    if (expect.back() < 0)
      return emitOpError("pads crop more than dim ") << d << " holds";
    bool grows = b > 0 || e > 0;
    if (grows && getMode() != PadMode::Constant && in[d] == 0)
      return emitOpError("cannot ") << stringifyPadMode(getMode()) << "-pad the empty dim " << d;
    if (getMode() == PadMode::Reflect && (b >= in[d] || e >= in[d]) && grows)
      return emitOpError("reflect pads of dim ") << d << " must be smaller than its size " << in[d];
  }
  if (tt(getResult()).getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape must be ") << shapeString(expect);
  if (tt(getResult()).getElementType() != tt(getInput()).getElementType())
    return emitOpError("result element type differs from the input's");
  return success();
}

LogicalResult TriluOp::verify() {
  if (tt(getInput()).getRank() < 2)
    return emitOpError("expects rank >= 2");
  if (tt(getK()).getRank() != 0 || !tt(getK()).getElementType().isSignlessInteger(64))
    return emitOpError("k must be an i64 scalar");
  return verifyUnary(*this, true, false);
}

LogicalResult ScatterNDOp::verify() {
  auto d = tt(getData()).getShape(), i = tt(getIndices()).getShape(), u = tt(getUpdates()).getShape();
  if (!tt(getIndices()).getElementType().isSignlessInteger(64) &&
      !tt(getIndices()).getElementType().isSignlessInteger(32))
    return emitOpError("indices must be i32 or i64");
  if (i.empty() || i.back() < 1 || i.back() > (int64_t)d.size())
    return emitOpError("last indices dim must be in [1, data rank]");
  SmallVector<int64_t> expect(i.drop_back());
  expect.append(d.begin() + i.back(), d.end());
  if (u != ArrayRef<int64_t>(expect))
    return emitOpError("updates shape must be ") << shapeString(expect);
  if (tt(getUpdates()).getElementType() != tt(getData()).getElementType() ||
      tt(getResult()) != tt(getData()))
    return emitOpError("data, updates and result must have one type");
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto res = dims(getResult());
  if (failed(verifyAxis(*this, getAxis(), res.size())))
    return failure();
  std::optional<SymExpr> total = SymExpr::constant(0);
  for (Value v : getInputs()) {
    auto s = dims(v);
    if (s.size() != res.size())
      return emitOpError("inputs must have the result's rank");
    for (size_t d = 0; d < s.size(); ++d)
      if (d != getAxis() && s[d] != res[d])
        return emitOpError("input dim ") << d << " differs from the result's";
    if (!(total = add(*total, s[getAxis()])))
      return emitOpError("concat dim overflows int64");
  }
  if (*total != res[getAxis()])
    return emitOpError("result concat dim must be ") << total->str();
  return success();
}

LogicalResult GatherOp::verify() {
  auto d = dims(getData()), i = dims(getIndices());
  if (failed(verifyAxis(*this, getAxis(), d.size())))
    return failure();
  SmallVector<SymExpr> expect(d.begin(), d.begin() + getAxis());
  expect.append(i.begin(), i.end());
  expect.append(d.begin() + getAxis() + 1, d.end());
  if (dims(getResult()) != expect)
    return emitOpError("result shape must be ") << shapeString(expect);
  if (!tt(getIndices()).getElementType().isInteger(64) && !tt(getIndices()).getElementType().isInteger(32))
    return emitOpError("indices must be i32 or i64");
  return success();
}

LogicalResult GatherElementsOp::verify() {
  if (failed(verifyAxis(*this, getAxis(), tt(getData()).getRank())))
    return failure();
  if (tt(getData()).getRank() != tt(getIndices()).getRank())
    return emitOpError("data and indices must have one rank");
  if (tt(getResult()).getShape() != tt(getIndices()).getShape())
    return emitOpError("result shape must be the indices' shape");
  return success();
}

LogicalResult GatherNDOp::verify() {
  auto d = tt(getData()).getShape(), i = tt(getIndices()).getShape();
  int64_t b = getBatchDims();
  if (i.empty() || i.back() > (int64_t)d.size() - b)
    return emitOpError("last indices dim is larger than the data rank");
  SmallVector<int64_t> expect(i.begin(), i.end() - 1);
  expect.append(d.begin() + b + i.back(), d.end());
  if (tt(getResult()).getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape must be ") << shapeString(expect);
  return success();
}

LogicalResult IotaOp::verify() {
  auto res = tt(getResult());
  AffineMap value = getValue();
  if (value.getNumResults() != 1)
    return emitOpError("value must have one result, has ") << value.getNumResults();
  if (value.getNumDims() != res.getRank())
    return emitOpError("value takes ") << value.getNumDims() << " dims for a result of rank "
           << res.getRank();
  if (isSymbolic(res) && value.getNumSymbols() != numSymbols(res))
    return emitOpError("value takes ") << value.getNumSymbols() << " symbols, the result type "
           << numSymbols(res);
  Type et = res.getElementType();
  if (!et.isSignlessInteger(64) && !et.isSignlessInteger(32))
    return emitOpError("result must be i64 or i32, got ") << et;
  return success();
}

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getResult().getType())
    return emitOpError("value type ") << getValue().getType() << " differs from result type "
           << getResult().getType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.cpp.inc"
