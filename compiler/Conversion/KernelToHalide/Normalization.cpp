//===- Normalization.cpp - reduce, softmax, layer_norm to halide.kernels -===//
//
// Each reduction is a func over the kept dims with an update over an RDom of
// the reduced dims, computed at root (parallel over its outer dims, the
// reduction innermost), then a pointwise output. Softmax subtracts the row
// max before exp; layer norm takes the mean, then the mean of squared
// deviations (two passes: one-pass E[x^2]-E[x]^2 loses digits in float32).
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Utils/Shape.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Builds `name`(kept dims) = combine over the dims in `reduced` of value(full index).
/// `keptShape` is the row-major shape of the kept dims.
static void buildReduction(KernelBuilder &kb, StringRef name, ArrayRef<int64_t> fullShape,
                           ArrayRef<bool> reduced, StringRef combine, Type et, double init,
                           const std::function<Value(OpBuilder &, KernelBuilder::Idx)> &value) {
  SmallVector<int64_t> keptShape, rext;
  for (size_t i = 0; i < fullShape.size(); ++i)
    (reduced[i] ? rext : keptShape).push_back(fullShape[i]);
  kb.func(name, keptShape.size(), et,
          [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::constant(b, et, init); });
  kb.update(name, keptShape.size(), rext, combine, et,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
              SmallVector<Value> full;
              size_t di = 0, ri = 0;
              for (size_t i = 0; i < fullShape.size(); ++i)
                full.push_back(reduced[i] ? r[ri++] : d[di++]);
              return value(b, full);
            });
  // CPU: at root, parallel over the outermost kept dim; CUDA: one thread per kept point.
  OpBuilder s = kb.cpu();
  Location l = s.getUnknownLoc();
  auto sym = StringRef(name);
  s.create<halide::ComputeRootOp>(l, sym);
  for (size_t d = 0; d < keptShape.size(); ++d)
    if (keptShape[d] > 1) {
      s.create<halide::ParallelOp>(l, sym, KernelBuilder::var(d), 1);
      break;
    }
  kb.cuda().create<halide::ComputeRootOp>(l, sym);
  kb.scheduleCudaPointwise(name, keptShape, /*hasUpdate=*/true);
}

/// Picks the kept dims out of a full row-major index.
static SmallVector<Value> kept(KernelBuilder::Idx full, ArrayRef<bool> reduced) {
  SmallVector<Value> out;
  for (size_t i = 0; i < full.size(); ++i)
    if (!reduced[i])
      out.push_back(full[i]);
  return out;
}

LogicalResult kiln::lowerReduce(kernel::ReduceOp op, KernelBuilder &kb) {
  auto in = tt(op.getInput()), res = tt(op.getResult());
  Type et = in.getElementType();
  bool isF = isa<FloatType>(et);
  SmallVector<bool> reduced(in.getRank(), false);
  int64_t count = 1;
  for (Attribute a : op.getAxes()) {
    int64_t ax = cast<IntegerAttr>(a).getInt();
    reduced[ax] = true;
    count *= in.getDimSize(ax);
  }
  StringRef kind = op.getKind();
  StringRef combine = kind == "mean" ? "add" : kind == "sum" ? "add" : kind == "prod" ? "mul" : kind;
  double inf = std::numeric_limits<double>::infinity();
  double init = combine == "add" ? 0 : combine == "mul" ? 1 : combine == "max" ? (isF ? -inf : -9.2e18)
                                                                                : (isF ? inf : 9.2e18);
  std::string x = kb.input(op.getInput());
  buildReduction(kb, "red", in.getShape(), reduced, combine, et, init,
                 [&](OpBuilder &b, KernelBuilder::Idx i) { return KernelBuilder::call(b, x, et, i); });
  kb.func("out", res.getRank(), et, [&](OpBuilder &b, KernelBuilder::Idx d) {
    // With keepdims the reduced dims are size 1 in `out` and absent in `red`.
    SmallVector<Value> idx;
    if (op.getKeepdims())
      idx = kept(d, reduced);
    else
      idx.assign(d.begin(), d.end());
    Value v = KernelBuilder::call(b, "red", et, idx);
    if (kind == "mean") {
      Location l = b.getUnknownLoc();
      v = isF ? b.create<arith::DivFOp>(l, v, KernelBuilder::constant(b, et, count)).getResult()
              : b.create<arith::DivSIOp>(l, v, KernelBuilder::constant(b, et, count)).getResult();
    }
    return v;
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
  buildReduction(kb, "row_max", type.getShape(), reduced, "max", et,
                 -std::numeric_limits<double>::infinity(),
                 [&](OpBuilder &b, KernelBuilder::Idx i) { return KernelBuilder::call(b, x, et, i); });
  auto shifted = [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
    Location l = b.getUnknownLoc();
    Value v = KernelBuilder::call(b, x, et, i);
    Value mx = KernelBuilder::call(b, "row_max", et, kept(i, reduced));
    return b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, v, mx));
  };
  buildReduction(kb, "row_sum", type.getShape(), reduced, "add", et, 0, shifted);
  kb.func("out", type.getRank(), et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Value s = KernelBuilder::call(b, "row_sum", et, kept(d, reduced));
    return b.create<arith::DivFOp>(b.getUnknownLoc(), shifted(b, d), s);
  });
  kb.pointwiseOutput("out", type);
  return success();
}

LogicalResult kiln::lowerLayerNorm(kernel::LayerNormOp op, KernelBuilder &kb) {
  auto type = tt(op.getInput());
  Type et = type.getElementType();
  int64_t axis = op.getAxis(), rank = type.getRank();
  SmallVector<bool> reduced(rank, false);
  int64_t count = 1;
  for (int64_t i = axis; i < rank; ++i) {
    reduced[i] = true;
    count *= type.getDimSize(i);
  }
  std::string x = kb.input(op.getInput()), scale = kb.input(op.getScale());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  auto inv = [&](OpBuilder &b, Value v) -> Value {
    return b.create<arith::MulFOp>(b.getUnknownLoc(), v, KernelBuilder::constant(b, et, 1.0 / count));
  };
  buildReduction(kb, "sum", type.getShape(), reduced, "add", et, 0,
                 [&](OpBuilder &b, KernelBuilder::Idx i) { return KernelBuilder::call(b, x, et, i); });
  auto centered = [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
    Value mean = inv(b, KernelBuilder::call(b, "sum", et, kept(i, reduced)));
    return b.create<arith::SubFOp>(b.getUnknownLoc(), KernelBuilder::call(b, x, et, i), mean);
  };
  buildReduction(kb, "sq_sum", type.getShape(), reduced, "add", et, 0,
                 [&](OpBuilder &b, KernelBuilder::Idx i) -> Value {
                   Value c = centered(b, i);
                   return b.create<arith::MulFOp>(b.getUnknownLoc(), c, c);
                 });
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
    Location l = b.getUnknownLoc();
    Value var = inv(b, KernelBuilder::call(b, "sq_sum", et, kept(d, reduced)));
    Value rstd = b.create<math::RsqrtOp>(
        l, b.create<arith::AddFOp>(l, var, KernelBuilder::constant(b, et, eps)));
    Value v = b.create<arith::MulFOp>(l, centered(b, d), rstd);
    v = b.create<arith::MulFOp>(l, v, KernelBuilder::call(b, scale, et, trailing(b, op.getScale(), d)));
    if (!bias.empty())
      v = b.create<arith::AddFOp>(l, v, KernelBuilder::call(b, bias, et, trailing(b, op.getBias(), d)));
    return v;
  });
  kb.pointwiseOutput("out", type);
  return success();
}
