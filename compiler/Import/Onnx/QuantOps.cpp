//===- QuantOps.cpp - ONNX quantization boundary ops to graph ops ----------===//
//
// Expects: NodeContexts for QuantizeLinear, DequantizeLinear (opsets 13..23:
// per-tensor, per-axis and, from 21, blocked scales), DynamicQuantizeLinear,
// MatMulInteger and QLinearMatMul, with INT8 or UINT8 quantized values;
// DequantizeLinear also takes INT4/UINT4 constants (opset 21).
// Produces: a plain, exact decomposition into graph ops (Cast, Div, Round,
// Add, Max, Min, MatMul on INT32) that kiln-lift-integer-matmul and
// kiln-lift-qdq-matmul turn into quantized kernels. Rounding is half to even
// and results saturate, as the ONNX reference does. A blocked 4-bit weight
// also carries its FourBitWeight (ImportContext.h) for the MatMul or Gemm that
// reads it. Other quantized types (INT16, FLOAT8, 4-bit outputs) are reported
// as not supported.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ImportContext.h"

using namespace mlir;
using namespace llvm;

namespace kiln {
namespace {

bool isQuantType(DType t) { return t == DType::I8 || t == DType::UI8; }

/// A 4-bit constant as the 8-bit type of its stored bytes (one value each,
/// INT4 sign-extended): the same values, which every op here takes.
Operand widenFourBit(const Operand &x) {
  if (!x.isConst() || !isFourBit(x.dtype()))
    return x;
  HostTensor h = *x.constant; // shares the bytes
  h.dtype = x.dtype() == DType::I4 ? DType::I8 : DType::UI8;
  return Operand::of(std::move(h));
}

/// Block sizes kernel.w4matmul is built and tested for (powers of 2 from 16
/// to 256, as --quantize-group); other blocked 4-bit weights fold to f32.
bool isW4BlockSize(int64_t g) { return g >= 16 && g <= 256 && (g & (g - 1)) == 0; }

Operand scalarF32(double v) { return Operand::of(HostTensor::fromDoubles(DType::F32, {}, {v})); }

/// A scale or zero point shaped to broadcast against a value of shape `xs`:
/// a scalar (or one element) as a scalar, a 1-D tensor along `axis`, or with
/// `blockSize` > 0 a tensor of x's rank holding one value per block of
/// `blockSize` elements along `axis`, repeated over its block.
FailureOr<Operand> paramFor(NodeContext &n, const Operand &p, ArrayRef<int64_t> xs, int64_t axis,
                            int64_t blockSize, StringRef what) {
  int64_t rank = xs.size();
  if (blockSize <= 0) {
    if (p.numElements() == 1 && p.rank() <= 1)
      return reshapeTo(n, p, ArrayRef<int64_t>{});
    if (p.rank() != 1 || p.shape()[0] != xs[axis])
      return n.fail(what + " must be a scalar or a 1-D tensor of " + Twine(xs[axis]) + " (the size of axis " +
                    Twine(axis) + "), got " + shapeString(p.shape()));
    SmallVector<int64_t> shape(rank, 1);
    shape[axis] = xs[axis];
    return reshapeTo(n, p, shape);
  }
  int64_t blocks = (xs[axis] + blockSize - 1) / blockSize;
  SmallVector<int64_t> want(xs);
  want[axis] = blocks;
  if (p.shape() != ArrayRef<int64_t>(want))
    return n.fail(what + " must have shape " + shapeString(want) + " for block_size " + Twine(blockSize) +
                  ", got " + shapeString(p.shape()));
  SmallVector<int64_t> split(want);
  split.insert(split.begin() + axis + 1, 1);
  Operand r = reshapeTo(n, p, split);
  split[axis + 1] = blockSize;
  r = expandTo(n, r, split);
  SmallVector<int64_t> joined(want);
  joined[axis] = blocks * blockSize;
  r = reshapeTo(n, r, joined);
  if (joined[axis] != xs[axis])
    r = sliceBy(n, r, SmallVector<int64_t>(rank, 0), SmallVector<int64_t>(rank, 1), xs);
  return r;
}

/// The axis, block size and the scale and zero point of a (De)QuantizeLinear,
/// shaped for x.
struct QuantParams {
  Operand scale;
  std::optional<Operand> zeroPoint;
};

FailureOr<QuantParams> quantParams(NodeContext &n, ArrayRef<int64_t> xs) {
  const Operand &scale = n.in(1);
  if (!isFloatDType(scale.dtype()))
    return n.fail("the scale must be floating-point, got " + Twine(dtypeName(scale.dtype())));
  int64_t blockSize = n.opset >= 21 ? n.attrInt("block_size", 0) : 0;
  int64_t axis = 0;
  if (scale.numElements() != 1 || blockSize > 0 || scale.rank() > 1) {
    if (xs.empty())
      return n.fail("a per-axis scale needs an input of rank >= 1");
    FailureOr<int64_t> a = n.normAxis(n.attrInt("axis", 1), xs.size());
    if (failed(a))
      return failure();
    axis = *a;
  }
  QuantParams q;
  FailureOr<Operand> s = paramFor(n, convertTo(n, scale, DType::F32), xs, axis, blockSize, "the scale");
  if (failed(s))
    return failure();
  q.scale = *s;
  if (n.hasInput(2)) {
    Operand zp = widenFourBit(n.in(2));
    if (zp.shape() != scale.shape())
      return n.fail("the zero point's shape " + shapeString(zp.shape()) + " differs from the scale's " +
                    shapeString(scale.shape()));
    FailureOr<Operand> z = paramFor(n, zp, xs, axis, blockSize, "the zero point");
    if (failed(z))
      return failure();
    q.zeroPoint = *z;
  }
  return q;
}

/// saturate(rounded + zeroPoint) as `to` (INT8 or UINT8); `rounded` is float.
FailureOr<Operand> saturate(NodeContext &n, Chain rounded, std::optional<Operand> zeroPoint, DType to) {
  double lo = to == DType::I8 ? -128 : 0, hi = to == DType::I8 ? 127 : 255;
  if (zeroPoint)
    rounded.bin(BinaryKind::Add, convertTo(n, *zeroPoint, DType::F32));
  rounded.bin(BinaryKind::Max, scalarF32(lo)).bin(BinaryKind::Min, scalarF32(hi));
  if (failed(rounded.v))
    return failure();
  return convertTo(n, *rounded.v, to);
}

/// saturate(round(x / scale) + zeroPoint) as `to` (INT8 or UINT8), x float.
FailureOr<Operand> quantize(NodeContext &n, const Operand &x, const Operand &scale,
                            std::optional<Operand> zeroPoint, DType to) {
  Chain c{n, convertTo(n, x, DType::F32)};
  c.bin(BinaryKind::Div, scale).un(UnaryKind::Round);
  return saturate(n, c, zeroPoint, to);
}

LogicalResult quantizeLinearOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &x = n.in(0);
  if (!isFloatDType(x.dtype()))
    return n.fail("the input must be floating-point, got " + Twine(dtypeName(x.dtype())));
  std::optional<DType> to;
  if (n.hasInput(2)) {
    to = n.in(2).dtype();
  } else if (int64_t od = n.opset >= 21 ? n.attrInt("output_dtype", 0) : 0) {
    to = dtypeFromOnnx(od);
    if (!to)
      return n.unsupported("output_dtype " +
                    Twine(onnx::TensorProto_DataType_IsValid(od)
                              ? onnx::TensorProto_DataType_Name((onnx::TensorProto_DataType)od)
                              : std::to_string(od)) +
                    " is not supported (INT8 and UINT8 are)");
  } else {
    to = DType::UI8;
  }
  if (!isQuantType(*to))
    return n.unsupported("quantized type " + Twine(dtypeName(*to)) + " is not supported (INT8 and UINT8 are)");
  FailureOr<QuantParams> q = quantParams(n, x.shape());
  if (failed(q))
    return failure();
  FailureOr<Operand> y = quantize(n, x, q->scale, q->zeroPoint, *to);
  return failed(y) ? failure() : n.set(0, *y);
}

/// The FourBitWeight of a DequantizeLinear of the 4-bit constant `x`, when
/// its constant scales are blocked along an axis of a 2-D x by a size
/// kernel.w4matmul takes.
std::shared_ptr<const FourBitWeight> fourBitWeight(NodeContext &n, const Operand &x) {
  int64_t g = n.attrInt("block_size", 0);
  const Operand &scale = n.in(1);
  if (!x.isConst() || x.rank() != 2 || !isW4BlockSize(g) || !scale.isConst() ||
      (n.hasInput(2) && !n.in(2).isConst()))
    return nullptr;
  auto w = std::make_shared<FourBitWeight>();
  w->q = *x.constant;
  w->scale = foldCast(*scale.constant, DType::F32);
  if (n.hasInput(2))
    w->zero = *n.in(2).constant;
  int64_t axis = n.attrInt("axis", 1); // checked by quantParams
  w->axis = axis < 0 ? axis + 2 : axis;
  w->blockSize = g;
  return w;
}

LogicalResult dequantizeLinearOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  const Operand &x4 = n.in(0);
  if (!isQuantType(x4.dtype()) && !isFourBit(x4.dtype()) && x4.dtype() != DType::I32)
    return n.unsupported("quantized type " + Twine(dtypeName(x4.dtype())) +
                         " is not supported (INT4, UINT4, INT8, UINT8 and INT32 are)");
  if (isFourBit(x4.dtype()) && n.opset < 21)
    return n.fail("an " + Twine(dtypeName(x4.dtype())) + " input needs opset 21, the model has " +
                  Twine(n.opset));
  if (n.hasInput(2) && n.in(2).dtype() != x4.dtype())
    return n.fail("the zero point is " + Twine(dtypeName(n.in(2).dtype())) + ", the input " +
                  dtypeName(x4.dtype()));
  Operand x = widenFourBit(x4);
  FailureOr<QuantParams> q = quantParams(n, x.shape());
  if (failed(q))
    return failure();
  // The integer weight of a static QDQ matmul stays in the IR (not folded to
  // f32) for kiln-lift-qdq-matmul; blocked scales are left to fold.
  bool keepInteger = x.isConst() && isQuantType(x.dtype()) && x.rank() == 2 &&
                     !(n.opset >= 21 && n.attrInt("block_size", 0) > 0) && n.outputIsQdqWeight(0);
  Chain c{n, keepInteger ? Operand::of(n.create<graph::CastOp>(x.symShape(), DType::F32, n.materialize(x)))
                         : convertTo(n, x, DType::F32)};
  if (q->zeroPoint)
    c.bin(BinaryKind::Sub, convertTo(n, *q->zeroPoint, DType::F32));
  c.bin(BinaryKind::Mul, q->scale);
  if (failed(c.v))
    return failure();
  Operand y = convertTo(n, *c.v, n.in(1).dtype());
  if (isFourBit(x4.dtype()))
    y.fourBit = fourBitWeight(n, x4);
  return n.set(0, std::move(y));
}

/// The whole tensor reduced to a scalar.
Operand reduceAll(NodeContext &n, const Operand &x, ReduceKind kind, StringRef kindName) {
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < x.rank(); ++d)
    axes.push_back(d);
  return buildReduce(n, x, kind, kindName, axes, false);
}

/// UINT8 with scale (max(x, 0) - min(x, 0)) / 255 and the zero point that
/// maps 0 exactly.
LogicalResult dynamicQuantizeLinearOp(NodeContext &n) {
  if (failed(n.expectInputs(1)))
    return failure();
  const Operand &x = n.in(0);
  if (x.dtype() != DType::F32)
    return n.fail("the input must be FLOAT, got " + Twine(dtypeName(x.dtype())));
  if (x.numElements() == 0)
    return n.fail("the input is empty: its range is undefined");
  Chain lo{n, reduceAll(n, x, ReduceKind::Min, "min")}, hi{n, reduceAll(n, x, ReduceKind::Max, "max")};
  lo.bin(BinaryKind::Min, scalarF32(0));
  hi.bin(BinaryKind::Max, scalarF32(0));
  if (failed(lo.v) || failed(hi.v))
    return failure();
  Chain scale{n, *hi.v};
  scale.bin(BinaryKind::Sub, *lo.v).bin(BinaryKind::Div, scalarF32(255));
  if (failed(scale.v))
    return failure();
  Chain zp{n, scalarF32(0)};
  zp.bin(BinaryKind::Sub, *lo.v)
      .bin(BinaryKind::Div, *scale.v)
      .un(UnaryKind::Round)
      .bin(BinaryKind::Max, scalarF32(0))
      .bin(BinaryKind::Min, scalarF32(255));
  if (failed(zp.v))
    return failure();
  FailureOr<Operand> y = quantize(n, x, *scale.v, *zp.v, DType::UI8);
  if (failed(y))
    return failure();
  if (failed(n.set(0, *y)) || failed(n.set(1, *scale.v)))
    return failure();
  return n.set(2, convertTo(n, *zp.v, DType::UI8));
}

/// x - zeroPoint as INT32. A zero point of more than one element is per row
/// of A (`perRow`: shape [M], applied along dim -2) or per column of B ([N],
/// along the last dim).
FailureOr<Operand> centered(NodeContext &n, const Operand &x, const Operand *zeroPoint, bool perRow,
                            StringRef what) {
  if (!isQuantType(x.dtype()))
    return n.fail(what + " must be INT8 or UINT8, got " + Twine(dtypeName(x.dtype())));
  Operand x32 = convertTo(n, x, DType::I32);
  if (!zeroPoint)
    return x32;
  if (zeroPoint->dtype() != x.dtype())
    return n.fail(what + "'s zero point is " + Twine(dtypeName(zeroPoint->dtype())) + ", " + what + " " +
                  dtypeName(x.dtype()));
  Operand zp = convertTo(n, *zeroPoint, DType::I32);
  if (zp.numElements() == 1) {
    zp = reshapeTo(n, zp, ArrayRef<int64_t>{});
  } else {
    if (x.rank() < 2)
      return n.fail(what + "'s zero point must be a scalar for a 1-D operand");
    int64_t dim = x.shape()[x.rank() - (perRow ? 2 : 1)];
    if (zp.numElements() != dim)
      return n.fail(what + "'s zero point must be a scalar or hold " + Twine(dim) + " values (one per " +
                    (perRow ? "row" : "column") + "), got " + shapeString(zp.shape()));
    zp = reshapeTo(n, zp, perRow ? ArrayRef<int64_t>{dim, 1} : ArrayRef<int64_t>{dim});
  }
  return buildBinary(n, BinaryKind::Sub, x32, zp);
}

/// (A - a_zero_point) x (B - b_zero_point) in INT32.
FailureOr<Operand> integerMatMul(NodeContext &n, size_t a, std::optional<size_t> azp, size_t b,
                                 std::optional<size_t> bzp) {
  auto opt = [&](std::optional<size_t> i) -> const Operand * {
    return i && n.hasInput(*i) ? &n.in(*i) : nullptr;
  };
  FailureOr<Operand> ca = centered(n, n.in(a), opt(azp), true, "A");
  FailureOr<Operand> cb = succeeded(ca) ? centered(n, n.in(b), opt(bzp), false, "B") : ca;
  if (failed(cb))
    return failure();
  return buildMatMul(n, *ca, *cb);
}

LogicalResult matMulIntegerOp(NodeContext &n) {
  if (failed(n.expectInputs(2)))
    return failure();
  FailureOr<Operand> r = integerMatMul(n, 0, 2, 1, 3);
  return failed(r) ? failure() : n.set(0, *r);
}

/// A per-row (A) or per-column (B) scale shaped for the [.., M, N] product.
FailureOr<Operand> matmulScale(NodeContext &n, const Operand &s, const Operand &x, bool perRow,
                               StringRef what) {
  if (!isFloatDType(s.dtype()))
    return n.fail(what + " must be floating-point, got " + Twine(dtypeName(s.dtype())));
  Operand f = convertTo(n, s, DType::F32);
  if (f.numElements() == 1)
    return reshapeTo(n, f, ArrayRef<int64_t>{});
  int64_t dim = x.rank() >= 2 ? x.shape()[x.rank() - (perRow ? 2 : 1)] : -1;
  if (f.numElements() != dim)
    return n.fail(what + " must be a scalar or hold one value per " + (perRow ? "row" : "column") +
                  ", got " + shapeString(s.shape()));
  return reshapeTo(n, f, perRow ? ArrayRef<int64_t>{dim, 1} : ArrayRef<int64_t>{dim});
}

LogicalResult qlinearMatMulOp(NodeContext &n) {
  if (failed(n.expectInputs(8)))
    return failure();
  const Operand &a = n.in(0), &b = n.in(3), &yzp = n.in(7);
  if (!isQuantType(yzp.dtype()))
    return n.unsupported("the output type " + Twine(dtypeName(yzp.dtype())) + " is not supported (INT8 and UINT8 are)");
  if (yzp.numElements() != 1)
    return n.fail("y_zero_point must be a scalar, got " + shapeString(yzp.shape()));
  FailureOr<Operand> acc = integerMatMul(n, 0, 2, 3, 5);
  if (failed(acc))
    return failure();
  FailureOr<Operand> as = matmulScale(n, n.in(1), a, true, "a_scale");
  FailureOr<Operand> bs = succeeded(as) ? matmulScale(n, n.in(4), b, false, "b_scale") : as;
  FailureOr<Operand> ys = succeeded(bs) ? matmulScale(n, n.in(6), b, false, "y_scale") : bs;
  if (failed(ys))
    return failure();
  if (ys->numElements() != 1)
    return n.fail("y_scale must be a scalar");
  // The requantization multiplier a_scale * b_scale / y_scale, as ONNX's reference.
  Chain mult{n, *as};
  mult.bin(BinaryKind::Mul, *bs).bin(BinaryKind::Div, *ys);
  if (failed(mult.v))
    return failure();
  Chain y{n, convertTo(n, *acc, DType::F32)};
  y.bin(BinaryKind::Mul, *mult.v).un(UnaryKind::Round);
  FailureOr<Operand> out = saturate(n, y, reshapeTo(n, yzp, ArrayRef<int64_t>{}), yzp.dtype());
  return failed(out) ? failure() : n.set(0, *out);
}

} // namespace

void addQuantOpHandlers(StringMap<OpHandler> &h) {
  h["QuantizeLinear"] = quantizeLinearOp;
  h["DequantizeLinear"] = dequantizeLinearOp;
  h["DynamicQuantizeLinear"] = dynamicQuantizeLinearOp;
  h["MatMulInteger"] = matMulIntegerOp;
  h["QLinearMatMul"] = qlinearMatMulOp;
}

} // namespace kiln
