//===- ComputeOps.cpp - ONNX compute ops to graph ops ----------------------===//
//
// Expects: NodeContexts for the elementwise, cast, contraction, normalisation,
// reduction and convolution ops (opsets 13..23 and the older attribute forms
// where they are cheap to accept).
// Produces: the node's outputs, folded with ConstantFolder when every input
// is a constant and the result is small, else as one graph op (Softmax
// before opset 13 on an inner axis as reshape + softmax + reshape). Checks
// shapes and element types first, so that the graph op verifiers never fire
// on a model that is merely wrong.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ImportContext.h"

#include <climits>
#include <limits>

using namespace mlir;
using namespace llvm;

namespace kiln {
namespace {

std::string typeName(const Operand &x) { return dtypeName(x.dtype()); }

LogicalResult requireFloat(NodeContext &n, const Operand &x, StringRef what) {
  if (isFloatDType(x.dtype()))
    return success();
  return n.fail(what + " must be floating-point, got " + typeName(x));
}

LogicalResult requireSameType(NodeContext &n, const Operand &a, const Operand &b) {
  if (a.dtype() == b.dtype())
    return success();
  return n.fail("input element types differ: " + typeName(a) + " and " + typeName(b));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

} // namespace

FailureOr<Operand> buildUnary(NodeContext &n, UnaryKind kind, const Operand &x) {
  bool anyType = kind == UnaryKind::Neg || kind == UnaryKind::Relu || kind == UnaryKind::Not ||
                 kind == UnaryKind::Abs || kind == UnaryKind::Sign;
  if (!anyType && failed(requireFloat(n, x, "the input")))
    return failure();
  if ((kind == UnaryKind::Not) != (x.dtype() == DType::Bool))
    return n.fail(kind == UnaryKind::Not ? "the input must be BOOL, got " + typeName(x)
                                         : "the input must be numeric, got BOOL");
  if (n.canFoldAll(x.numElements()))
    return Operand::of(foldUnary(kind, *x.constant));
  if (x.isSym() && kind == UnaryKind::Neg) {
    SymTensor t = *x.sym;
    for (SymExpr &e : t.elems)
      e = *sub(SymExpr(), e); // Symbols are small: never overflows.
    return Operand::of(std::move(t));
  }
  SmallVector<SymExpr> s = x.symShape();
  DType t = x.dtype();
  Value v = n.materialize(x), r;
  switch (kind) {
  case UnaryKind::Sqrt: r = n.create<graph::SqrtOp>(s, t, v); break;
  case UnaryKind::Erf: r = n.create<graph::ErfOp>(s, t, v); break;
  case UnaryKind::Tanh: r = n.create<graph::TanhOp>(s, t, v); break;
  case UnaryKind::Exp: r = n.create<graph::ExpOp>(s, t, v); break;
  case UnaryKind::Neg: r = n.create<graph::NegOp>(s, t, v); break;
  case UnaryKind::Relu: r = n.create<graph::ReluOp>(s, t, v); break;
  case UnaryKind::Sigmoid: r = n.create<graph::SigmoidOp>(s, t, v); break;
  case UnaryKind::IsNaN: r = n.create<graph::IsNaNOp>(s, DType::Bool, v); break;
  case UnaryKind::Not: r = n.create<graph::NotOp>(s, t, v); break;
  case UnaryKind::Gelu: r = n.create<graph::GeluOp>(s, t, v, graph::GeluApproximation::None); break;
  case UnaryKind::GeluTanh: r = n.create<graph::GeluOp>(s, t, v, graph::GeluApproximation::Tanh); break;
  case UnaryKind::Abs: r = n.create<graph::AbsOp>(s, t, v); break;
  case UnaryKind::Ceil: r = n.create<graph::CeilOp>(s, t, v); break;
  case UnaryKind::Floor: r = n.create<graph::FloorOp>(s, t, v); break;
  case UnaryKind::Round: r = n.create<graph::RoundOp>(s, t, v); break;
  case UnaryKind::Cos: r = n.create<graph::CosOp>(s, t, v); break;
  case UnaryKind::Sin: r = n.create<graph::SinOp>(s, t, v); break;
  case UnaryKind::Log: r = n.create<graph::LogOp>(s, t, v); break;
  case UnaryKind::Reciprocal: r = n.create<graph::ReciprocalOp>(s, t, v); break;
  case UnaryKind::Sign: r = n.create<graph::SignOp>(s, t, v); break;
  case UnaryKind::Softplus: r = n.create<graph::SoftplusOp>(s, t, v); break;
  }
  return Operand::of(r);
}

namespace {

LogicalResult unary(NodeContext &n, UnaryKind kind) {
  if (failed(n.expectInputs(1)))
    return failure();
  FailureOr<Operand> r = buildUnary(n, kind, n.in(0));
  return failed(r) ? failure() : n.set(0, *r);
}

template <UnaryKind K> LogicalResult unaryOp(NodeContext &n) { return unary(n, K); }

LogicalResult geluOp(NodeContext &n) {
  std::string approx = n.attrString("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return n.fail("approximate must be \"none\" or \"tanh\", got \"" + approx + "\"");
  return unary(n, approx == "tanh" ? UnaryKind::GeluTanh : UnaryKind::Gelu);
}

template <typename OpT>
Value createBinary(NodeContext &n, ArrayRef<SymExpr> s, DType t, Value a, Value b) {
  return n.create<OpT>(s, t, a, b);
}

} // namespace

/// `a kind b` on shape values (SymTensors and constants): the arithmetic on
/// polynomials, comparisons decided for every value of the symbols.
static FailureOr<Operand> symBinary(NodeContext &n, BinaryKind kind, const Operand &a, const Operand &b) {
  auto shape = broadcastShapes(a.shape(), b.shape());
  if (!shape || shape->size() > 1)
    return n.fail("input shapes " + shapeString(a.shape()) + " and " + shapeString(b.shape()) +
                  " do not broadcast");
  auto elems = [](const Operand &x) {
    if (x.isSym())
      return x.sym->elems;
    SmallVector<SymExpr> r;
    for (int64_t v : x.constant->toInts())
      r.push_back(SymExpr::constant(v));
    return r;
  };
  SmallVector<SymExpr> as = elems(a), bs = elems(b);
  int64_t count = numElements(*shape);
  SymTensor t{isComparison(kind) ? DType::Bool : a.dtype(), SmallVector<int64_t>(*shape), {}};
  for (int64_t i = 0; i < count; ++i) {
    const SymExpr &x = as[as.size() == 1 ? 0 : i], &y = bs[bs.size() == 1 ? 0 : i];
    std::optional<SymExpr> r;
    std::optional<bool> holds;
    const char *op = nullptr;
    // p - q - k >= 0, decided.
    auto ge = [](const SymExpr &p, const SymExpr &q, int64_t k) -> std::optional<bool> {
      std::optional<SymExpr> d = sub(p, q);
      d = d ? sub(*d, SymExpr::constant(k)) : std::nullopt;
      return d ? d->decideGE0() : std::nullopt;
    };
    switch (kind) {
    case BinaryKind::Add: r = add(x, y); break;
    case BinaryKind::Sub: r = sub(x, y); break;
    case BinaryKind::Mul: r = mul(x, y); break;
    case BinaryKind::Div:
      if (y.constValue() != 0)
        r = exactDiv(x, y);
      break;
    case BinaryKind::Max:
    case BinaryKind::Min:
      if (std::optional<bool> xBig = ge(x, y, 0))
        r = *xBig == (kind == BinaryKind::Max) ? x : y;
      break;
    case BinaryKind::Equal: op = "=="; holds = decideEQ(x, y); break;
    case BinaryKind::Greater: op = ">"; holds = ge(x, y, 1); break;
    case BinaryKind::GreaterOrEqual: op = ">="; holds = ge(x, y, 0); break;
    case BinaryKind::Less: op = "<"; holds = ge(y, x, 1); break;
    case BinaryKind::LessOrEqual: op = "<="; holds = ge(y, x, 0); break;
    default: break;
    }
    if (op && !holds)
      return n.fail("cannot decide '" + n.str(x) + " " + op + " " + n.str(y) +
                    "' at compile time for every value of the symbols");
    if (op) {
      t.elems.push_back(SymExpr::constant(*holds));
      continue;
    }
    if (!r)
      return n.fail("cannot compute " + n.str(x) + " " + n.node.op_type() + " " + n.str(y) +
                    " as a polynomial of the symbols");
    t.elems.push_back(*r);
  }
  return Operand::of(std::move(t));
}

FailureOr<Operand> buildBinary(NodeContext &n, BinaryKind kind, const Operand &a, const Operand &b) {
  bool foldable = (a.isSym() || a.isConst()) && (b.isSym() || b.isConst());
  if (foldable && (a.isSym() || b.isSym()) && a.dtype() == b.dtype() && !isFloatDType(a.dtype()) &&
      a.dtype() != DType::Bool)
    return symBinary(n, kind, a, b);
  std::string why;
  auto shape = broadcastSym(a.symShape(), b.symShape(), &why);
  if (failed(shape))
    return n.fail("input shapes " + n.str(a.symShape()) + " and " + n.str(b.symShape()) +
                  " do not broadcast");
  if (kind != BinaryKind::Pow && failed(requireSameType(n, a, b)))
    return failure();
  bool logical = kind == BinaryKind::And || kind == BinaryKind::Or || kind == BinaryKind::Xor;
  if (logical != (a.dtype() == DType::Bool) && !isComparison(kind))
    return n.fail(logical ? "inputs must be BOOL, got " + typeName(a)
                          : "inputs must be numeric, got BOOL");
  if (a.isConst() && b.isConst() && n.canFold({&a, &b}, numElements(*staticDims(*shape)))) {
    std::string err;
    std::optional<HostTensor> r = foldBinary(kind, *a.constant, *b.constant, *staticDims(*shape), err);
    if (!r)
      return n.fail(err);
    return Operand::of(std::move(*r));
  }
  DType t = isComparison(kind) ? DType::Bool : a.dtype();
  Value l = n.materialize(a), r = n.materialize(b), v;
  switch (kind) {
  case BinaryKind::Add: v = createBinary<graph::AddOp>(n, *shape, t, l, r); break;
  case BinaryKind::Sub: v = createBinary<graph::SubOp>(n, *shape, t, l, r); break;
  case BinaryKind::Mul: v = createBinary<graph::MulOp>(n, *shape, t, l, r); break;
  case BinaryKind::Div: v = createBinary<graph::DivOp>(n, *shape, t, l, r); break;
  case BinaryKind::Pow: v = createBinary<graph::PowOp>(n, *shape, t, l, r); break;
  case BinaryKind::And: v = createBinary<graph::AndOp>(n, *shape, t, l, r); break;
  case BinaryKind::Or: v = createBinary<graph::OrOp>(n, *shape, t, l, r); break;
  case BinaryKind::Xor: v = createBinary<graph::XorOp>(n, *shape, t, l, r); break;
  case BinaryKind::Max: v = createBinary<graph::MaxOp>(n, *shape, t, l, r); break;
  case BinaryKind::Min: v = createBinary<graph::MinOp>(n, *shape, t, l, r); break;
  case BinaryKind::Mod:
  case BinaryKind::FMod:
    v = n.create<graph::ModOp>(*shape, t, l, r, n.b.getBoolAttr(kind == BinaryKind::FMod));
    break;
  case BinaryKind::Equal: v = createBinary<graph::EqualOp>(n, *shape, t, l, r); break;
  case BinaryKind::Greater: v = createBinary<graph::GreaterOp>(n, *shape, t, l, r); break;
  case BinaryKind::GreaterOrEqual:
    v = createBinary<graph::GreaterOrEqualOp>(n, *shape, t, l, r);
    break;
  case BinaryKind::Less: v = createBinary<graph::LessOp>(n, *shape, t, l, r); break;
  case BinaryKind::LessOrEqual: v = createBinary<graph::LessOrEqualOp>(n, *shape, t, l, r); break;
  }
  return Operand::of(v);
}

Operand convertTo(NodeContext &n, const Operand &x, DType to) {
  if (x.dtype() == to)
    return x;
  if (x.isSym() && (to == DType::I64 || to == DType::I32)) { // Dims fit both.
    SymTensor t = *x.sym;
    t.dtype = to;
    return Operand::of(std::move(t));
  }
  if (n.canFold({&x}, x.numElements()))
    return Operand::of(foldCast(*x.constant, to));
  return Operand::of(n.create<graph::CastOp>(x.symShape(), to, n.materialize(x)));
}

namespace {

LogicalResult binary(NodeContext &n, BinaryKind kind) {
  if (failed(n.expectInputs(2)))
    return failure();
  FailureOr<Operand> r = buildBinary(n, kind, n.in(0), n.in(1));
  return failed(r) ? failure() : n.set(0, *r);
}

template <BinaryKind K> LogicalResult binaryOp(NodeContext &n) { return binary(n, K); }

LogicalResult modOp(NodeContext &n) {
  return binary(n, n.attrInt("fmod", 0) ? BinaryKind::FMod : BinaryKind::Mod);
}

/// Max, Min, Sum and Mean of one or more inputs, broadcast: a chain of binary
/// ops (Mean divides the sum by the count).
LogicalResult variadic(NodeContext &n, BinaryKind kind, bool mean) {
  if (n.numInputs() == 0)
    return n.fail("needs at least one input");
  if (failed(n.expectInputs(n.numInputs())))
    return failure();
  if (mean && failed(requireFloat(n, n.in(0), "the input")))
    return failure();
  Operand acc = n.in(0);
  for (size_t i = 1; i < n.numInputs(); ++i) {
    FailureOr<Operand> r = buildBinary(n, kind, acc, n.in(i));
    if (failed(r))
      return failure();
    acc = *r;
  }
  if (mean && n.numInputs() > 1) {
    Operand count = Operand::of(HostTensor::fromDoubles(acc.dtype(), {}, {(double)n.numInputs()}));
    FailureOr<Operand> r = buildBinary(n, BinaryKind::Div, acc, count);
    if (failed(r))
      return failure();
    acc = *r;
  }
  return n.set(0, acc);
}

LogicalResult maxOp(NodeContext &n) { return variadic(n, BinaryKind::Max, false); }
LogicalResult minOp(NodeContext &n) { return variadic(n, BinaryKind::Min, false); }
LogicalResult sumOp(NodeContext &n) { return variadic(n, BinaryKind::Add, false); }
LogicalResult meanOp(NodeContext &n) { return variadic(n, BinaryKind::Add, true); }

/// The lowest and highest value of a dtype (infinities for floats).
HostTensor lowest(DType t, bool highest) {
  double inf = std::numeric_limits<double>::infinity();
  switch (t) {
  case DType::I64:
    return HostTensor::fromInts(t, {}, {highest ? std::numeric_limits<int64_t>::max()
                                                : std::numeric_limits<int64_t>::min()});
  case DType::I32: return HostTensor::fromInts(t, {}, {highest ? INT32_MAX : INT32_MIN});
  case DType::I8: return HostTensor::fromInts(t, {}, {highest ? INT8_MAX : INT8_MIN});
  case DType::UI8: return HostTensor::fromInts(t, {}, {highest ? UINT8_MAX : 0});
  default: return HostTensor::fromDoubles(t, {}, {highest ? inf : -inf});
  }
}

LogicalResult clipOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  if (x.dtype() == DType::Bool)
    return n.fail("the input must be numeric, got BOOL");
  Operand bounds[2];
  for (int i = 0; i < 2; ++i) {
    bool hi = i == 1;
    if (n.opset < 11) {
      const char *name = hi ? "max" : "min";
      bounds[i] = n.attr(name) ? Operand::of(HostTensor::fromDoubles(x.dtype(), {}, {n.attrFloat(name, 0)}))
                               : Operand::of(lowest(x.dtype(), hi));
      continue;
    }
    if (!n.hasInput(1 + i)) {
      bounds[i] = Operand::of(lowest(x.dtype(), hi));
      continue;
    }
    const Operand &b = n.in(1 + i);
    if (b.numElements() != 1 || b.dtype() != x.dtype())
      return n.fail(Twine(hi ? "max" : "min") + " must be a scalar of the input's type " +
                    typeName(x) + ", got " + shapeString(b.shape()) + " " + typeName(b));
    bounds[i] = reshapeTo(n, b, ArrayRef<int64_t>{});
  }
  if (n.canFold({&x, &bounds[0], &bounds[1]}, x.numElements())) {
    FailureOr<Operand> lo = buildBinary(n, BinaryKind::Max, x, bounds[0]);
    FailureOr<Operand> r = succeeded(lo) ? buildBinary(n, BinaryKind::Min, *lo, bounds[1]) : lo;
    return failed(r) ? failure() : n.set(0, *r);
  }
  return n.set(0, Operand::of(n.create<graph::ClipOp>(x.symShape(), x.dtype(), n.materialize(x),
                                                      n.materialize(bounds[0]),
                                                      n.materialize(bounds[1]))));
}

LogicalResult hardSigmoidOp(NodeContext &n) {
  if (failed(n.expectInputs(1)) || failed(requireFloat(n, n.in(0), "the input")))
    return failure();
  const Operand &x = n.in(0);
  return n.set(0, Operand::of(n.create<graph::HardSigmoidOp>(x.symShape(), x.dtype(), n.materialize(x),
                      n.b.getF32FloatAttr(n.attrFloat("alpha", 0.2f)),
                      n.b.getF32FloatAttr(n.attrFloat("beta", 0.5f)))));
}

LogicalResult isInfOp(NodeContext &n) {
  if (failed(n.expectInputs(1)) || failed(requireFloat(n, n.in(0), "the input")))
    return failure();
  const Operand &x = n.in(0);
  return n.set(0, Operand::of(n.create<graph::IsInfOp>(x.symShape(), DType::Bool, n.materialize(x),
                      n.b.getBoolAttr(n.attrInt("detect_positive", 1) != 0),
                      n.b.getBoolAttr(n.attrInt("detect_negative", 1) != 0))));
}

LogicalResult whereOp(NodeContext &n) {
  if (failed(n.expectInputs(3)))
    return failure();
  const Operand &c = n.in(0), &x = n.in(1), &y = n.in(2);
  if (c.dtype() != DType::Bool)
    return n.fail("the condition must be BOOL, got " + typeName(c));
  if (failed(requireSameType(n, x, y)))
    return failure();
  auto cx = broadcastSym(c.symShape(), x.symShape());
  auto shape = succeeded(cx) ? broadcastSym(*cx, y.symShape()) : cx;
  if (failed(shape))
    return n.fail("input shapes " + n.str(c.symShape()) + ", " + n.str(x.symShape()) + " and " +
                  n.str(y.symShape()) + " do not broadcast");
  if (c.isConst() && (x.isSym() || y.isSym()) && (x.isSym() || x.isConst()) &&
      (y.isSym() || y.isConst()) && shape->size() <= 1) {
    // Picks between shape values by a decided condition.
    auto elems = [](const Operand &v) {
      return v.isSym() ? v.sym->elems : toSym(v.constant->toInts());
    };
    SmallVector<SymExpr> xs = elems(x), ys = elems(y);
    int64_t count = numElements(*staticDims(*shape));
    SymTensor t{x.dtype(), SmallVector<int64_t>(*staticDims(*shape)), {}};
    for (int64_t i = 0; i < count; ++i) {
      bool pick = c.constant->getInt(c.numElements() == 1 ? 0 : i) != 0;
      const SmallVector<SymExpr> &from = pick ? xs : ys;
      t.elems.push_back(from[from.size() == 1 ? 0 : i]);
    }
    return n.set(0, Operand::of(std::move(t)));
  }
  if (n.allInputsConst() && n.canFoldAll(numElements(*staticDims(*shape))))
    return n.set(0, Operand::of(foldWhere(*c.constant, *x.constant, *y.constant, *staticDims(*shape))));
  return n.set(0, Operand::of(n.create<graph::WhereOp>(ArrayRef<SymExpr>(*shape), x.dtype(), n.materialize(c),
                                                       n.materialize(x), n.materialize(y))));
}

/// Cast and CastLike once the target dtype is known.
LogicalResult castTo(NodeContext &n, DType to) {
  const Operand &x = n.in(0);
  if (to == DType::F64 && x.dtype() != to && !n.canFold({&x}, x.numElements()))
    return n.unsupported("value '" + n.node.output(0) + "' has unsupported element type DOUBLE");
  return n.set(0, convertTo(n, x, to));
}

LogicalResult castOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  if (!n.attr("to"))
    return n.fail("attribute 'to' is missing");
  int64_t to = n.attrInt("to", 0);
  std::optional<DType> dt = dtypeFromOnnx(to);
  if (!dt) {
    std::string name =
        onnx::TensorProto_DataType_IsValid(to)
            ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(to))
            : "type " + std::to_string(to);
    return n.unsupported("value '" + n.node.output(0) + "' has unsupported element type " + name);
  }
  return castTo(n, *dt);
}

LogicalResult castLikeOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  return castTo(n, n.in(1).dtype());
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

} // namespace

FailureOr<Operand> buildMatMul(NodeContext &n, const Operand &a, const Operand &b) {
  auto mismatch = [&](const Twine &what) {
    return n.fail(what + ": " + n.str(a.symShape()) + " x " + n.str(b.symShape()));
  };
  if (a.rank() == 0 || b.rank() == 0)
    return mismatch("operands must have rank >= 1");
  if (failed(requireSameType(n, a, b)))
    return failure();
  SmallVector<SymExpr> as = a.symShape(), bs = b.symShape();
  if (as.size() == 1)
    as.insert(as.begin(), SymExpr::constant(1));
  if (bs.size() == 1)
    bs.push_back(SymExpr::constant(1));
  SymExpr m = as[as.size() - 2], k = as.back(), k2 = bs[bs.size() - 2], nn = bs.back();
  if (k != k2)
    return mismatch("inner dims differ (" + n.str(k) + " vs " + n.str(k2) + ")");
  auto batch =
      broadcastSym(ArrayRef<SymExpr>(as).drop_back(2), ArrayRef<SymExpr>(bs).drop_back(2));
  if (failed(batch))
    return mismatch("batch dims do not broadcast");
  SmallVector<SymExpr> shape(*batch);
  if (a.rank() > 1)
    shape.push_back(m);
  if (b.rank() > 1)
    shape.push_back(nn);
  if (a.isConst() && b.isConst()) {
    SmallVector<int64_t> ints = *staticDims(shape);
    int64_t elems = numElements(ints);
    if (n.canFoldAll(elems) && elems * *k.constValue() <= (int64_t(1) << 26))
      return Operand::of(foldMatMul(*a.constant, *b.constant, ints));
  }
  return Operand::of(n.create<graph::MatMulOp>(shape, a.dtype(), n.materialize(a), n.materialize(b)));
}

namespace {

LogicalResult matmulOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  DType t = n.in(0).dtype();
  if (t != DType::F32 && t != DType::F16 && t != DType::I32 && t != DType::I64)
    return n.fail("MatMul of " + Twine(dtypeName(t)) + " is not defined by ONNX (MatMulInteger is)");
  if (n.in(1).fourBit)
    if (std::optional<Operand> r = fourBitMatMul(n, n.in(0), *n.in(1).fourBit, false, 1.0f, {}))
      return n.set(0, *r);
  FailureOr<Operand> r = buildMatMul(n, n.in(0), n.in(1));
  return failed(r) ? failure() : n.set(0, *r);
}

/// Gemm of A by a dequantized 4-bit B: beta * C becomes the bias when it is
/// one value per column, else it is added to the product.
std::optional<Operand> fourBitGemm(NodeContext &n, const FourBitWeight &w, bool transB) {
  const Operand &a = n.in(0);
  float alpha = n.attrFloat("alpha", 1.0f), beta = n.attrFloat("beta", 1.0f);
  std::optional<Operand> c;
  if (n.hasInput(2)) {
    c = n.in(2);
    if (beta != 1.0f) {
      FailureOr<Operand> scaled =
          buildBinary(n, BinaryKind::Mul, *c, Operand::of(HostTensor::fromDoubles(DType::F32, {}, {beta})));
      if (failed(scaled))
        return std::nullopt;
      c = *scaled;
    }
  }
  int64_t N = w.q.shape[transB ? 0 : 1];
  bool perColumn = c && c->dtype() == DType::F32 && c->rank() >= 1 && c->numElements() == N && c->shape().back() == N;
  Value bias = perColumn ? n.materialize(reshapeTo(n, *c, ArrayRef<int64_t>{N})) : Value();
  std::optional<Operand> y = fourBitMatMul(n, a, w, transB, alpha, bias);
  if (!y || !c || perColumn)
    return y;
  FailureOr<Operand> sum = buildBinary(n, BinaryKind::Add, *y, *c);
  return failed(sum) ? std::nullopt : std::optional<Operand>(*sum);
}

LogicalResult gemmOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &a = n.in(0), &b = n.in(1);
  if (a.rank() != 2 || b.rank() != 2)
    return n.fail("A and B must be 2-D, got " + shapeString(a.shape()) + " and " +
                  shapeString(b.shape()));
  if (failed(requireSameType(n, a, b)))
    return failure();
  bool ta = n.attrInt("transA", 0), tb = n.attrInt("transB", 0);
  SmallVector<SymExpr> as = a.symShape(), bs = b.symShape();
  SymExpr m = as[ta ? 1 : 0], k = as[ta ? 0 : 1];
  SymExpr k2 = bs[tb ? 1 : 0], nn = bs[tb ? 0 : 1];
  if (k != k2)
    return n.fail("inner dims differ: " + n.str(as) + (ta ? "^T" : "") + " x " + n.str(bs) +
                  (tb ? "^T" : ""));
  SmallVector<SymExpr> shape{m, nn};
  Value c;
  if (n.hasInput(2)) {
    const Operand &co = n.in(2);
    auto bc = broadcastSym(co.symShape(), shape);
    if (failed(bc) || *bc != shape)
      return n.fail("C of shape " + n.str(co.symShape()) + " does not broadcast to " +
                    n.str(shape));
    if (failed(requireSameType(n, a, co)))
      return failure();
    c = n.materialize(co);
  }
  if (b.fourBit && !ta)
    if (std::optional<Operand> r = fourBitGemm(n, *b.fourBit, tb))
      return n.set(0, *r);
  Value r = n.create<graph::GemmOp>(ArrayRef<SymExpr>(shape), a.dtype(), n.materialize(a), n.materialize(b), c,
                                    n.b.getF32FloatAttr(n.attrFloat("alpha", 1.0f)),
                                    n.b.getF32FloatAttr(n.attrFloat("beta", 1.0f)),
                                    n.b.getBoolAttr(ta), n.b.getBoolAttr(tb));
  return n.set(0, Operand::of(r));
}

//===----------------------------------------------------------------------===//
// Normalisations and reductions
//===----------------------------------------------------------------------===//

/// Softmax and LogSoftmax.
template <typename OpT> LogicalResult softmaxOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  if (failed(requireFloat(n, x, "the input")))
    return failure();
  if (x.rank() == 0)
    return n.fail("the input must have rank >= 1");
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", n.opset >= 13 ? -1 : 1), x.rank());
  if (failed(axis))
    return failure();
  if (n.opset >= 13 || *axis == x.rank() - 1) {
    Value r = n.create<OpT>(x.symShape(), x.dtype(), n.materialize(x), n.b.getI64IntegerAttr(*axis));
    return n.set(0, Operand::of(r));
  }
  // Before opset 13 the input is coerced to 2-D at `axis`.
  SmallVector<SymExpr> shape = x.symShape();
  std::optional<SymExpr> outer = numElementsExpr(ArrayRef<SymExpr>(shape).take_front(*axis)),
                         inner = numElementsExpr(ArrayRef<SymExpr>(shape).drop_front(*axis));
  if (!outer || !inner)
    return n.fail("the element count of " + n.str(shape) + " overflows");
  SmallVector<SymExpr> flat{*outer, *inner};
  Operand f = reshapeTo(n, x, flat);
  Operand s =
      Operand::of(n.create<OpT>(ArrayRef<SymExpr>(flat), x.dtype(), n.materialize(f), n.b.getI64IntegerAttr(1)));
  return n.set(0, reshapeTo(n, s, shape));
}

LogicalResult layerNormOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &x = n.in(0), &scale = n.in(1);
  if (failed(requireFloat(n, x, "the input")))
    return failure();
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", -1), x.rank());
  if (failed(axis))
    return failure();
  float epsilon = n.attrFloat("epsilon", 1e-5f);
  if ((n.outputUsed(1) || n.outputUsed(2)) && x.hasSymbolicDims())
    return n.unsupported("the Mean and InvStdDev outputs of a symbolic-size LayerNormalization are not "
                  "supported");
  if (n.outputUsed(1) || n.outputUsed(2)) {
    // Mean and InvStdDev (training outputs), in float32 as stash_type says.
    SmallVector<int64_t> axes;
    for (int64_t d = *axis; d < x.rank(); ++d)
      axes.push_back(d);
    Operand xf = convertTo(n, x, DType::F32);
    Operand mean = buildReduce(n, xf, ReduceKind::Mean, "mean", axes, true);
    Chain centered{n, xf};
    centered.bin(BinaryKind::Sub, mean);
    if (failed(centered.v))
      return failure();
    Chain sq = centered;
    sq.bin(BinaryKind::Mul, *centered.v);
    if (failed(sq.v))
      return failure();
    Chain inv{n, buildReduce(n, *sq.v, ReduceKind::Mean, "mean", axes, true)};
    inv.bin(BinaryKind::Add, Operand::of(HostTensor::fromDoubles(DType::F32, {}, {epsilon})))
        .un(UnaryKind::Sqrt)
        .un(UnaryKind::Reciprocal);
    if (failed(inv.v) || failed(n.set(1, mean)) || failed(n.set(2, *inv.v)))
      return failure();
  }
  SmallVector<SymExpr> xs = x.symShape();
  ArrayRef<SymExpr> norm = ArrayRef<SymExpr>(xs).drop_front(*axis);
  Value bias;
  for (size_t i = 1; i <= 2; ++i) {
    if (!n.hasInput(i))
      continue;
    const Operand &p = n.in(i);
    auto bc = broadcastSym(norm, p.symShape());
    if (failed(bc) || ArrayRef<SymExpr>(*bc) != norm)
      return n.fail((i == 1 ? "scale" : "bias") + Twine(" of shape ") + n.str(p.symShape()) +
                    " does not broadcast to the normalised shape " + n.str(norm));
    if (failed(requireSameType(n, x, p)))
      return failure();
  }
  if (n.hasInput(2))
    bias = n.materialize(n.in(2));
  Value r = n.create<graph::LayerNormOp>(x.symShape(), x.dtype(), n.materialize(x),
                                         n.materialize(scale), bias, n.b.getI64IntegerAttr(*axis),
                                         n.b.getF32FloatAttr(epsilon));
  return n.set(0, Operand::of(r));
}

} // namespace

Operand buildReduce(NodeContext &n, const Operand &x, ReduceKind kind, StringRef kindName,
                    ArrayRef<int64_t> axes, bool keepdims) {
  // Kept dims may be symbolic; reduce() refuses symbolic reduced ones.
  SmallVector<SymExpr> xs = x.symShape(), shape;
  for (int64_t d = 0; d < x.rank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(xs[d]);
    else if (keepdims)
      shape.push_back(SymExpr::constant(1));
  }
  if (!x.hasSymbolicDims()) {
    SmallVector<int64_t> out;
    for (const SymExpr &e : shape)
      out.push_back(*e.constValue());
    if (n.canFold({&x}, numElements(out)))
      return Operand::of(foldReduce(kind, *x.constant, axes, keepdims));
  }
  return Operand::of(n.create<graph::ReduceOp>(shape, x.dtype(), n.materialize(x),
                                               graph::ReduceKindAttr::get(n.b.getContext(), *graph::symbolizeReduceKind(kindName)), n.i64Array(axes),
                                               n.b.getBoolAttr(keepdims)));
}

namespace {

LogicalResult reduce(NodeContext &n, ReduceKind kind, StringRef kindName) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  bool floatOnly = kind == ReduceKind::L2 || kind == ReduceKind::LogSum ||
                   kind == ReduceKind::LogSumExp;
  if (floatOnly && failed(requireFloat(n, x, "the input")))
    return failure();
  if (x.dtype() == DType::Bool)
    return n.fail("the input must be numeric, got BOOL");
  auto axesOr = n.intsAttrOrInput("axes", kind == ReduceKind::Sum ? 13 : 18, 1);
  if (failed(axesOr))
    return failure();
  bool keepdims = n.attrInt("keepdims", 1) != 0;
  SmallVector<int64_t> axes;
  if (!*axesOr || (*axesOr)->empty()) {
    if (n.attrInt("noop_with_empty_axes", 0))
      return n.set(0, x);
    for (int64_t d = 0; d < x.rank(); ++d)
      axes.push_back(d);
  } else {
    for (int64_t a : **axesOr) {
      FailureOr<int64_t> na = n.normAxis(a, x.rank());
      if (failed(na))
        return failure();
      axes.push_back(*na);
    }
    llvm::sort(axes);
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  }
  if (axes.empty())
    return n.set(0, x);
  SmallVector<SymExpr> xs = x.symShape();
  for (int64_t a : axes)
    if (!xs[a].isConst())
      return n.unsupported("a reduction over the symbolic dim " + Twine(a) + " of " + n.str(xs) +
                           "; pin it with --shape NAME=N");
  return n.set(0, buildReduce(n, x, kind, kindName, axes, keepdims));
}

LogicalResult reduceMean(NodeContext &n) { return reduce(n, ReduceKind::Mean, "mean"); }
LogicalResult reduceSum(NodeContext &n) { return reduce(n, ReduceKind::Sum, "sum"); }
LogicalResult reduceMax(NodeContext &n) { return reduce(n, ReduceKind::Max, "max"); }
LogicalResult reduceMin(NodeContext &n) { return reduce(n, ReduceKind::Min, "min"); }
LogicalResult reduceProd(NodeContext &n) { return reduce(n, ReduceKind::Prod, "prod"); }
LogicalResult reduceL1(NodeContext &n) { return reduce(n, ReduceKind::L1, "l1"); }
LogicalResult reduceL2(NodeContext &n) { return reduce(n, ReduceKind::L2, "l2"); }
LogicalResult reduceSumSquare(NodeContext &n) {
  return reduce(n, ReduceKind::SumSquare, "sum_square");
}
LogicalResult reduceLogSum(NodeContext &n) { return reduce(n, ReduceKind::LogSum, "log_sum"); }
LogicalResult reduceLogSumExp(NodeContext &n) {
  return reduce(n, ReduceKind::LogSumExp, "log_sum_exp");
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

LogicalResult convOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &x = n.in(0), &w = n.in(1);
  // Only the batch may be symbolic: the spatial arithmetic stays int64.
  SmallVector<SymExpr> xsym = x.symShape();
  for (size_t d = 1; d < xsym.size(); ++d)
    if (!xsym[d].isConst())
      return n.fail("only the batch dim of a Conv input may be symbolic, got " + n.str(xsym));
  if (w.hasSymbolicDims())
    return n.fail("the weight of a Conv must have static dims, got " + n.str(w.symShape()));
  SmallVector<int64_t> xStatic(x.shape());
  if (!xStatic.empty() && x.hasSymbolicDims())
    xStatic[0] = 1;
  ArrayRef<int64_t> xs = xStatic, ws = w.shape();
  if (xs.size() < 3 || ws.size() != xs.size())
    return n.fail("input " + shapeString(xs) + " and weight " + shapeString(ws) +
                  " must have one rank >= 3");
  if (failed(requireFloat(n, x, "the input")) || failed(requireSameType(n, x, w)))
    return failure();
  size_t sp = xs.size() - 2;
  int64_t group = n.attrInt("group", 1);
  auto listAttr = [&](StringRef name, size_t size, int64_t def) -> FailureOr<SmallVector<int64_t>> {
    SmallVector<int64_t> v = n.attrInts(name).value_or(SmallVector<int64_t>(size, def));
    if (v.size() != size)
      return n.fail("attribute '" + name + "' needs " + Twine(size) + " values");
    return v;
  };
  auto strides = listAttr("strides", sp, 1), dilations = listAttr("dilations", sp, 1);
  auto pads = listAttr("pads", 2 * sp, 0);
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  if (auto ks = n.attrInts("kernel_shape"); ks && ArrayRef<int64_t>(*ks) != ws.drop_front(2))
    return n.fail("kernel_shape " + shapeString(*ks) + " differs from the weight's " +
                  shapeString(ws.drop_front(2)));
  // xs[1] == ws[1] * group, without a product that can overflow.
  if (group < 1 || xs[1] % group != 0 || xs[1] / group != ws[1] || ws[0] % group != 0)
    return n.fail("input " + shapeString(xs) + " and weight " + shapeString(ws) +
                  " do not match for group " + Twine(group));
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  SmallVector<int64_t> shape{xs[0], ws[0]};
  for (size_t i = 0; i < sp; ++i) {
    int64_t s = (*strides)[i], d = (*dilations)[i];
    if (s < 1 || d < 1)
      return n.fail("strides and dilations must be positive");
    int64_t &pb = (*pads)[i], &pe = (*pads)[i + sp];
    // Values from the file, bounded so that the arithmetic below stays in int64.
    auto within = [](int64_t v) { return v > -(int64_t(1) << 31) && v < (int64_t(1) << 31); };
    if (!within(xs[2 + i]) || !within(ws[2 + i]) || !within(s) || !within(d) || !within(pb) ||
        !within(pe))
      return n.fail("spatial dims, strides, dilations and pads must lie within +-2^31");
    int64_t eff = d * (ws[2 + i] - 1) + 1;
    if (autoPad == "VALID") {
      pb = pe = 0;
    } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (xs[2 + i] + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + eff - xs[2 + i]);
      pb = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else if (autoPad != "NOTSET") {
      return n.fail("unknown auto_pad '" + autoPad + "'");
    }
    int64_t span = xs[2 + i] + pb + pe - eff;
    if (span < 0 || pb < 0 || pe < 0)
      return n.fail("the kernel " + shapeString(ws) + " does not fit the padded input " +
                    shapeString(xs));
    shape.push_back(span / s + 1);
  }
  Value bias;
  if (n.hasInput(2)) {
    const Operand &bo = n.in(2);
    if (bo.shape() != ArrayRef<int64_t>{ws[0]})
      return n.fail("bias of shape " + shapeString(bo.shape()) + " must be [" + Twine(ws[0]) + "]");
    bias = n.materialize(bo);
  }
  SmallVector<SymExpr> outShape = toSym(shape);
  outShape[0] = xsym[0];
  Value r = n.create<graph::ConvOp>(outShape, x.dtype(), n.materialize(x), n.materialize(w), bias,
                                    n.i64Array(*strides), n.i64Array(*pads), n.i64Array(*dilations),
                                    n.b.getI64IntegerAttr(group));
  return n.set(0, Operand::of(r));
}

} // namespace

void addComputeOpHandlers(StringMap<OpHandler> &h) {
  h["Add"] = binaryOp<BinaryKind::Add>;
  h["Sub"] = binaryOp<BinaryKind::Sub>;
  h["Mul"] = binaryOp<BinaryKind::Mul>;
  h["Div"] = binaryOp<BinaryKind::Div>;
  h["Pow"] = binaryOp<BinaryKind::Pow>;
  h["And"] = binaryOp<BinaryKind::And>;
  h["Or"] = binaryOp<BinaryKind::Or>;
  h["Xor"] = binaryOp<BinaryKind::Xor>;
  h["Mod"] = modOp;
  h["Max"] = maxOp;
  h["Min"] = minOp;
  h["Sum"] = sumOp;
  h["Mean"] = meanOp;
  h["Clip"] = clipOp;
  h["Equal"] = binaryOp<BinaryKind::Equal>;
  h["Greater"] = binaryOp<BinaryKind::Greater>;
  h["GreaterOrEqual"] = binaryOp<BinaryKind::GreaterOrEqual>;
  h["Less"] = binaryOp<BinaryKind::Less>;
  h["LessOrEqual"] = binaryOp<BinaryKind::LessOrEqual>;
  h["Sqrt"] = unaryOp<UnaryKind::Sqrt>;
  h["Erf"] = unaryOp<UnaryKind::Erf>;
  h["Tanh"] = unaryOp<UnaryKind::Tanh>;
  h["Exp"] = unaryOp<UnaryKind::Exp>;
  h["Neg"] = unaryOp<UnaryKind::Neg>;
  h["Relu"] = unaryOp<UnaryKind::Relu>;
  h["Sigmoid"] = unaryOp<UnaryKind::Sigmoid>;
  h["IsNaN"] = unaryOp<UnaryKind::IsNaN>;
  h["Not"] = unaryOp<UnaryKind::Not>;
  h["Abs"] = unaryOp<UnaryKind::Abs>;
  h["Ceil"] = unaryOp<UnaryKind::Ceil>;
  h["Floor"] = unaryOp<UnaryKind::Floor>;
  h["Round"] = unaryOp<UnaryKind::Round>;
  h["Cos"] = unaryOp<UnaryKind::Cos>;
  h["Sin"] = unaryOp<UnaryKind::Sin>;
  h["Log"] = unaryOp<UnaryKind::Log>;
  h["Reciprocal"] = unaryOp<UnaryKind::Reciprocal>;
  h["Sign"] = unaryOp<UnaryKind::Sign>;
  h["Softplus"] = unaryOp<UnaryKind::Softplus>;
  h["HardSigmoid"] = hardSigmoidOp;
  h["IsInf"] = isInfOp;
  h["Gelu"] = geluOp;
  h["Cast"] = castOp;
  h["CastLike"] = castLikeOp;
  h["Where"] = whereOp;
  h["MatMul"] = matmulOp;
  h["Gemm"] = gemmOp;
  h["Softmax"] = softmaxOp<graph::SoftmaxOp>;
  h["LogSoftmax"] = softmaxOp<graph::LogSoftmaxOp>;
  h["LayerNormalization"] = layerNormOp;
  h["ReduceMean"] = reduceMean;
  h["ReduceSum"] = reduceSum;
  h["ReduceMax"] = reduceMax;
  h["ReduceMin"] = reduceMin;
  h["ReduceProd"] = reduceProd;
  h["ReduceL1"] = reduceL1;
  h["ReduceL2"] = reduceL2;
  h["ReduceSumSquare"] = reduceSumSquare;
  h["ReduceLogSum"] = reduceLogSum;
  h["ReduceLogSumExp"] = reduceLogSumExp;
  h["Conv"] = convOp;
}

} // namespace kiln
