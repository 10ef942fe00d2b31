//===- Normalization.cpp - reduce, (log) softmax, layer and RMS norm to halide.kernels -===//
//
// Each reduction is a func over the kept dims with an update over an RDom of
// the reduced dims, computed at root (parallel over its outer dims, the
// reduction innermost), then a pointwise output. Softmax, LogSoftmax and
// ReduceLogSumExp subtract the row max before exp; layer norm takes the mean,
// then the mean of squared deviations (two passes: one-pass E[x^2]-E[x]^2
// loses digits in float32). kernel.reduce accumulates f16 in f32 and 8-bit
// integers in i32, as do log_softmax and rms_norm.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Utils/Shape.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

Type kiln::accumulatorType(Type et) {
  if (et.isF16())
    return Float32Type::get(et.getContext());
  if (et.isInteger(8))
    return IntegerType::get(et.getContext(), 32);
  return et;
}

Value kiln::widen(OpBuilder &b, Value v, Type acc) {
  Location l = b.getUnknownLoc();
  Type t = v.getType();
  if (t == acc)
    return v;
  if (isa<FloatType>(t))
    return b.create<arith::ExtFOp>(l, acc, v);
  if (t.isUnsignedInteger()) {
    v = b.create<UnrealizedConversionCastOp>(l, b.getIntegerType(t.getIntOrFloatBitWidth()), v)
            .getResult(0);
    return b.create<arith::ExtUIOp>(l, acc, v);
  }
  return b.create<arith::ExtSIOp>(l, acc, v);
}

Value kiln::narrow(OpBuilder &b, Value v, Type et) {
  Location l = b.getUnknownLoc();
  if (v.getType() == et)
    return v;
  if (isa<FloatType>(et))
    return b.create<arith::TruncFOp>(l, et, v);
  Value t = b.create<arith::TruncIOp>(l, b.getIntegerType(et.getIntOrFloatBitWidth()), v);
  if (et.isUnsignedInteger())
    return b.create<UnrealizedConversionCastOp>(l, et, t).getResult(0);
  return t;
}

double kiln::combineIdentity(halide::Combine combine, Type t) {
  double inf = std::numeric_limits<double>::infinity();
  if (combine == halide::Combine::Add)
    return 0;
  if (combine == halide::Combine::Mul)
    return 1;
  bool isMax = combine == halide::Combine::Max;
  if (isa<FloatType>(t))
    return isMax ? -inf : inf;
  unsigned w = t.getIntOrFloatBitWidth();
  return isMax ? -std::ldexp(1.0, w - 1) : std::ldexp(1.0, w - 1) - 1;
}

Value kiln::typedConstant(OpBuilder &b, Type t, double v) {
  Location l = b.getUnknownLoc();
  if (isa<FloatType>(t))
    return KernelBuilder::constant(b, t, v);
  unsigned w = t.getIntOrFloatBitWidth();
  if (w == 1)
    return b.create<arith::ConstantOp>(l, b.getBoolAttr(v != 0));
  if (t.isUnsignedInteger()) {
    Value c = b.create<arith::ConstantOp>(l, b.getIntegerAttr(b.getIntegerType(w), (uint64_t)v));
    return b.create<UnrealizedConversionCastOp>(l, t, c).getResult(0);
  }
  APInt bits = v >= std::ldexp(1.0, w - 1) - 1 ? APInt::getSignedMaxValue(w)
               : v <= -std::ldexp(1.0, w - 1)  ? APInt::getSignedMinValue(w)
                                               : APInt(w, (int64_t)v, /*isSigned=*/true);
  return b.create<arith::ConstantOp>(l, b.getIntegerAttr(t, bits));
}

void kiln::buildReduction(KernelBuilder &kb, StringRef name, RankedTensorType type,
                           ArrayRef<bool> reduced, halide::Combine combine, Type et, double init,
                           const std::function<Value(OpBuilder &, KernelBuilder::Idx)> &value) {
  ArrayRef<int64_t> fullShape = type.getShape();
  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> rext;
  SmallVector<AffineExpr> dims = KernelBuilder::dims(type);
  for (size_t i = 0; i < fullShape.size(); ++i) {
    if (reduced[i])
      rext.push_back(dims[i]);
    else
      keptShape.push_back(fullShape[i]);
  }
  kb.func(name, keptShape.size(), et,
          [&](OpBuilder &b, KernelBuilder::Idx) { return typedConstant(b, et, init); });
  kb.update(name, keptShape.size(), rext, combine, et,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
              SmallVector<Value> full;
              size_t di = 0, ri = 0;
              for (size_t i = 0; i < fullShape.size(); ++i)
                full.push_back(reduced[i] ? r[ri++] : d[di++]);
              return value(b, full);
            });
  scheduleRootWithUpdate(kb, name, keptShape);
}

bool kiln::buildLastAxisReduction(KernelBuilder &kb, StringRef name, size_t rank, int64_t n, int64_t W,
                                  halide::Combine combine, Type et,
                                  const std::function<Value(OpBuilder &, KernelBuilder::Idx, Value)> &value) {
  auto id = [&](OpBuilder &b, KernelBuilder::Idx) { return typedConstant(b, et, combineIdentity(combine, et)); };
  kb.func(name, rank, et, id);
  if (n % W || n == W) {
    kb.update(name, rank, {n}, combine, et,
              [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) { return value(b, d, r[0]); });
    return false;
  }
  std::string part = (name + "_part").str();
  kb.func(part, rank + 1, et, id);
  kb.update(part, rank + 1, {n / W}, combine, et, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    Location l = b.getUnknownLoc();
    Value j = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, r[0], KernelBuilder::i32(b, W)), d.back());
    return value(b, d.drop_back(), j);
  });
  kb.update(name, rank, {W}, combine, et, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    SmallVector<Value> idx(d.begin(), d.end());
    idx.push_back(r[0]);
    return KernelBuilder::call(b, part, et, idx);
  });
  return true;
}

void kiln::scheduleRootWithUpdate(KernelBuilder &kb, StringRef name, ArrayRef<int64_t> shape) {
  kb.markRoot(name, shape);
  kb.recipe(halide::Recipe::RootUpdate);
}

SmallVector<Value> kiln::kept(KernelBuilder::Idx full, ArrayRef<bool> reduced) {
  SmallVector<Value> out;
  for (size_t i = 0; i < full.size(); ++i)
    if (!reduced[i])
      out.push_back(full[i]);
  return out;
}

LogicalResult kiln::lowerReduce(kernel::ReduceOp op, KernelBuilder &kb) {
  auto in = tt(op.getInput()), res = tt(op.getResult());
  Type et = in.getElementType(), acc = accumulatorType(et);
  bool isF = isa<FloatType>(et);
  SmallVector<bool> reduced(in.getRank(), false);
  int64_t count = 1;
  for (Attribute a : op.getAxes()) {
    int64_t ax = cast<IntegerAttr>(a).getInt();
    reduced[ax] = true;
    count *= in.getDimSize(ax);
  }
  using K = kernel::ReduceKind;
  K kind = op.getKind();
  halide::Combine combine = kind == K::Prod ? halide::Combine::Mul
                            : kind == K::Max ? halide::Combine::Max
                            : kind == K::Min ? halide::Combine::Min
                                             : halide::Combine::Add;
  std::string x = kb.input(op.getInput());
  auto read = [&](OpBuilder &b, KernelBuilder::Idx i) {
    return widen(b, KernelBuilder::call(b, x, et, i), acc);
  };
  // log_sum_exp subtracts the max before exp, as softmax does.
  if (kind == K::LogSumExp)
    buildReduction(kb, "red_max", in, reduced, halide::Combine::Max, acc, combineIdentity(halide::Combine::Max, acc), read);
  buildReduction(kb, "red", in, reduced, combine, acc, combineIdentity(combine, acc),
                 [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
                   Location l = b.getUnknownLoc();
                   Value v = read(b, i);
                   if (kind == K::L1)
                     return isF ? b.create<math::AbsFOp>(l, v).getResult()
                                : b.create<math::AbsIOp>(l, v).getResult();
                   if (kind == K::L2 || kind == K::SumSquare)
                     return isF ? b.create<arith::MulFOp>(l, v, v).getResult()
                                : b.create<arith::MulIOp>(l, v, v).getResult();
                   if (kind == K::LogSumExp) {
                     Value mx = KernelBuilder::call(b, "red_max", acc, kept(i, reduced));
                     return b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, v, mx));
                   }
                   return v;
                 });
  kb.func("out", res.getRank(), et, [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    // With keepdims the reduced dims are size 1 in `out` and absent in `red`.
    SmallVector<Value> idx;
    if (op.getKeepdims())
      idx = kept(d, reduced);
    else
      idx.assign(d.begin(), d.end());
    Value v = KernelBuilder::call(b, "red", acc, idx);
    if (kind == K::Mean) {
      // A count over symbolic dims is the product of the kernel's params.
      Value n = KernelBuilder::constant(b, acc, count);
      if (llvm::any_of(op.getAxes(), [&](Attribute a) { return in.isDynamicDim(cast<IntegerAttr>(a).getInt()); })) {
        Value c = KernelBuilder::i32(b, 1);
        for (Attribute a : op.getAxes())
          c = b.create<arith::MulIOp>(l, c, KernelBuilder::dimSize(b, in, cast<IntegerAttr>(a).getInt()));
        if (isF)
          n = b.create<arith::SIToFPOp>(l, acc, c);
        else if (acc.getIntOrFloatBitWidth() > 32)
          n = b.create<arith::ExtSIOp>(l, acc, c);
        else
          n = c;
      }
      v = isF ? b.create<arith::DivFOp>(l, v, n).getResult() : b.create<arith::DivSIOp>(l, v, n).getResult();
    }
    else if (kind == K::L2)
      v = b.create<math::SqrtOp>(l, v);
    else if (kind == K::LogSum)
      v = b.create<math::LogOp>(l, v);
    else if (kind == K::LogSumExp)
      v = b.create<arith::AddFOp>(l, b.create<math::LogOp>(l, v),
                                  KernelBuilder::call(b, "red_max", acc, idx));
    return narrow(b, v, et);
  });
  kb.pointwiseOutput("out", res);
  return success();
}

LogicalResult kiln::lowerSoftmax(kernel::SoftmaxOp op, KernelBuilder &kb) {
  auto type = tt(op.getInput());
  Type et = type.getElementType();
  int64_t axis = op.getAxis();
  SmallVector<bool> reduced(type.getRank(), false);
  reduced[axis] = true;
  std::string x = kb.input(op.getInput());
  buildReduction(kb, "row_max", type, reduced, halide::Combine::Max, et,
                 -std::numeric_limits<double>::infinity(),
                 [&](OpBuilder &b, KernelBuilder::Idx i) { return KernelBuilder::call(b, x, et, i); });
  auto shifted = [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
    Location l = b.getUnknownLoc();
    Value v = KernelBuilder::call(b, x, et, i);
    Value mx = KernelBuilder::call(b, "row_max", et, kept(i, reduced));
    return b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, v, mx));
  };
  buildReduction(kb, "row_sum", type, reduced, halide::Combine::Add, et, 0, shifted);
  kb.func("out", type.getRank(), et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Value s = KernelBuilder::call(b, "row_sum", et, kept(d, reduced));
    return b.create<arith::DivFOp>(b.getUnknownLoc(), shifted(b, d), s);
  });
  kb.pointwiseOutput("out", type);
  return success();
}

/// Rows may be symbolic; the normalised dims set the count and the vectors.
static LogicalResult requireStaticNormalizedDims(Operation *op, RankedTensorType type, int64_t axis) {
  for (int64_t d = axis; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      return op->emitOpError("symbolic dims are not supported by convert-kernel-to-halide in the "
                             "normalised dims yet");
  return success();
}

/// Marks the dims from `axis` to the last as reduced (layer and RMS norm) and
/// returns how many elements one normalisation covers.
static int64_t normalizedDims(RankedTensorType type, int64_t axis, SmallVector<bool> &reduced) {
  reduced.assign(type.getRank(), false);
  int64_t count = 1;
  for (int64_t i = axis; i < type.getRank(); ++i) {
    reduced[i] = true;
    count *= type.getDimSize(i);
  }
  return count;
}

/// True when a normalisation over dims [axis, rank) is over the last dim
/// alone and that dim holds several whole vectors of f32 (the transformer
/// case): its sums then go row by row through vector-wide partials.
static bool sumsByRow(RankedTensorType type, int64_t axis, Type ct, int64_t W) {
  int64_t rank = type.getRank(), n = type.getShape().back();
  return axis == rank - 1 && rank >= 2 && ct.isF32() && n % W == 0 && n > W;
}

/// `name`(row) = sum over the last dim of value(row..., j), by row (sumsByRow).
static void buildRowSum(KernelBuilder &kb, StringRef name, RankedTensorType type, int64_t W, Type ct,
                        const std::function<Value(OpBuilder &, KernelBuilder::Idx)> &value) {
  buildLastAxisReduction(kb, name, type.getRank() - 1, type.getShape().back(), W, halide::Combine::Add, ct,
                         [&](OpBuilder &b, KernelBuilder::Idx row, Value j) {
                           SmallVector<Value> idx(row.begin(), row.end());
                           idx.push_back(j);
                           return value(b, idx);
                         });
}

/// Computes the row sums `names` per row inside "out"'s (parallel) row loop,
/// their partials (a lane dim of W more) vectorized: the row_sums recipe.
static void scheduleRowSums(KernelBuilder &kb, ArrayRef<StringRef> names, RankedTensorType type, int64_t W) {
  SmallVector<int64_t> rowShape(type.getShape().drop_back());
  for (StringRef name : names) {
    SmallVector<int64_t> partShape(rowShape);
    partShape.push_back(W);
    kb.markRoot((name + "_part").str(), partShape);
    kb.markRoot(name, rowShape);
  }
  kb.recipe(halide::Recipe::RowSums);
}

Value kiln::layerNormRstd(OpBuilder &b, Value sqSum, int64_t count, float eps) {
  Location l = b.getUnknownLoc();
  Type et = sqSum.getType();
  Value var = b.create<arith::MulFOp>(l, sqSum, KernelBuilder::constant(b, et, 1.0 / count));
  return b.create<math::RsqrtOp>(l, b.create<arith::AddFOp>(l, var, KernelBuilder::constant(b, et, eps)));
}

Value kiln::layerNormValue(OpBuilder &b, Value centered, Value rstd, Value scale, Value bias) {
  Location l = b.getUnknownLoc();
  Value v = b.create<arith::MulFOp>(l, b.create<arith::MulFOp>(l, centered, rstd), scale);
  return bias ? b.create<arith::AddFOp>(l, v, bias).getResult() : v;
}

LogicalResult kiln::lowerLayerNorm(kernel::LayerNormOp op, KernelBuilder &kb) {
  auto type = tt(op.getInput());
  Type et = type.getElementType();
  int64_t axis = op.getAxis(), rank = type.getRank();
  if (failed(requireStaticNormalizedDims(op, type, axis)))
    return failure();
  SmallVector<bool> reduced;
  int64_t count = normalizedDims(type, axis, reduced);
  std::string x = kb.input(op.getInput()), scale = kb.input(op.getScale());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  auto inv = [&](OpBuilder &b, Value v) -> Value {
    return b.create<arith::MulFOp>(b.getUnknownLoc(), v, KernelBuilder::constant(b, et, 1.0 / count));
  };
  auto centered = [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
    Value mean = inv(b, KernelBuilder::call(b, "sum", et, kept(i, reduced)));
    return b.create<arith::SubFOp>(b.getUnknownLoc(), KernelBuilder::call(b, x, et, i), mean);
  };
  auto square = [&](OpBuilder &b, Value c) -> Value { return b.create<arith::MulFOp>(b.getUnknownLoc(), c, c); };
  // Over the last dim in whole vectors, the sums go row by row inside the
  // output's parallel row loop; otherwise each is its own pass at root.
  int64_t W = kb.options().vectorBytes / 4;
  bool rows = sumsByRow(type, axis, et, W);
  if (rows) {
    buildRowSum(kb, "sum", type, W, et, [&](OpBuilder &b, KernelBuilder::Idx i) { return KernelBuilder::call(b, x, et, i); });
    buildRowSum(kb, "sq_sum", type, W, et, [&](OpBuilder &b, KernelBuilder::Idx i) { return square(b, centered(b, i)); });
  } else {
    buildReduction(kb, "sum", type, reduced, halide::Combine::Add, et, 0,
                   [&](OpBuilder &b, KernelBuilder::Idx i) { return KernelBuilder::call(b, x, et, i); });
    buildReduction(kb, "sq_sum", type, reduced, halide::Combine::Add, et, 0,
                   [&](OpBuilder &b, KernelBuilder::Idx i) { return square(b, centered(b, i)); });
  }
  float eps = op.getEpsilon().convertToFloat();
  // scale/bias broadcast against the normalised (trailing) dims.
  auto trailing = [&](OpBuilder &b, Value t, KernelBuilder::Idx d) {
    auto s = tt(t).getShape();
    SmallVector<Value> idx;
    for (size_t i = 0; i < s.size(); ++i)
      idx.push_back(s[i] == 1 ? KernelBuilder::i32(b, 0) : d[rank - s.size() + i]);
    return idx;
  };
  kb.func("out", rank, et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Value rstd = layerNormRstd(b, KernelBuilder::call(b, "sq_sum", et, kept(d, reduced)), count, eps);
    return layerNormValue(b, centered(b, d), rstd, KernelBuilder::call(b, scale, et, trailing(b, op.getScale(), d)),
                          bias.empty() ? Value() : KernelBuilder::call(b, bias, et, trailing(b, op.getBias(), d)));
  });
  kb.pointwiseOutput("out", type);
  if (rows)
    scheduleRowSums(kb, {"sum", "sq_sum"}, type, W);
  return success();
}

/// x - max - log(sum(exp(x - max))) along the axis, f16 computed in f32.
LogicalResult kiln::lowerLogSoftmax(kernel::LogSoftmaxOp op, KernelBuilder &kb) {
  auto type = tt(op.getInput());
  Type et = type.getElementType(), ct = accumulatorType(et);
  SmallVector<bool> reduced(type.getRank(), false);
  reduced[op.getAxis()] = true;
  std::string x = kb.input(op.getInput());
  auto read = [&](OpBuilder &b, KernelBuilder::Idx i) {
    return widen(b, KernelBuilder::call(b, x, et, i), ct);
  };
  buildReduction(kb, "row_max", type, reduced, halide::Combine::Max, ct,
                 -std::numeric_limits<double>::infinity(), read);
  auto shifted = [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
    Value mx = KernelBuilder::call(b, "row_max", ct, kept(i, reduced));
    return b.create<arith::SubFOp>(b.getUnknownLoc(), read(b, i), mx);
  };
  buildReduction(kb, "row_sum", type, reduced, halide::Combine::Add, ct, 0,
                 [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
                   return b.create<math::ExpOp>(b.getUnknownLoc(), shifted(b, i));
                 });
  kb.func("out", type.getRank(), et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value lse = b.create<math::LogOp>(l, KernelBuilder::call(b, "row_sum", ct, kept(d, reduced)));
    return narrow(b, b.create<arith::SubFOp>(l, shifted(b, d), lse), et);
  });
  // Strict: Halide's simplifier would turn (x - max) - lse into
  // x - (max + lse), whose rounding at a large max costs up to an ulp of max
  // (2.4e-4 at max = 1e4) where the two steps are exact to an ulp of the result.
  kb.strictFloat("out");
  kb.pointwiseOutput("out", type);
  return success();
}

/// x * rsqrt(mean(x^2) + epsilon) * scale over the dims from `axis` on, f16
/// computed in f32.
LogicalResult kiln::lowerRMSNorm(kernel::RMSNormOp op, KernelBuilder &kb) {
  auto type = tt(op.getInput());
  Type et = type.getElementType(), ct = accumulatorType(et);
  int64_t axis = op.getAxis(), rank = type.getRank();
  if (failed(requireStaticNormalizedDims(op, type, axis)))
    return failure();
  SmallVector<bool> reduced;
  int64_t count = normalizedDims(type, axis, reduced);
  std::string x = kb.input(op.getInput()), scale = kb.input(op.getScale());
  Type st = tt(op.getScale()).getElementType();
  auto read = [&](OpBuilder &b, KernelBuilder::Idx i) {
    return widen(b, KernelBuilder::call(b, x, et, i), ct);
  };
  auto square = [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
    Value v = read(b, i);
    return b.create<arith::MulFOp>(b.getUnknownLoc(), v, v);
  };
  int64_t W = kb.options().vectorBytes / 4;
  bool rows = sumsByRow(type, axis, ct, W) && et.isF32();
  if (rows)
    buildRowSum(kb, "sq_sum", type, W, ct, square);
  else
    buildReduction(kb, "sq_sum", type, reduced, halide::Combine::Add, ct, 0, square);
  float eps = op.getEpsilon().convertToFloat();
  kb.func("out", rank, et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value ms = b.create<arith::MulFOp>(l, KernelBuilder::call(b, "sq_sum", ct, kept(d, reduced)),
                                       KernelBuilder::constant(b, ct, 1.0 / count));
    Value rstd = b.create<math::RsqrtOp>(l, b.create<arith::AddFOp>(l, ms, KernelBuilder::constant(b, ct, eps)));
    auto s = tt(op.getScale()).getShape();
    SmallVector<Value> si;
    for (size_t i = 0; i < s.size(); ++i)
      si.push_back(s[i] == 1 ? KernelBuilder::i32(b, 0) : d[rank - s.size() + i]);
    Value g = widen(b, KernelBuilder::call(b, scale, st, si), ct);
    Value v = b.create<arith::MulFOp>(l, b.create<arith::MulFOp>(l, read(b, d), rstd), g);
    return narrow(b, v, et);
  });
  kb.pointwiseOutput("out", type);
  if (rows)
    scheduleRowSums(kb, {"sq_sum"}, type, W);
  return success();
}
