//===- LiftQdqMatMul.cpp - Static QDQ matmuls to kernel.qmatmul ------------===//
//
// Expects: kernel ops from convert-graph-to-kernel, before fusion. The static
// QDQ form (QuantizeLinear -> DequantizeLinear on the activation,
// DequantizeLinear of an integer initializer as the weight, then MatMul or
// Gemm) reaches it as a f32 kernel.matmul of two dequantizations
// `(f32(q) - zero) * scale`: per tensor for the activation, per tensor or per
// output column for the weight (the importer keeps that weight unfolded, see
// QuantOps.cpp). Leaves: each such matmul, where the weight less its zero
// point fits s8, as a kernel.qmatmul of the quantized activation (s8 flipped
// to u8) by that weight, with the activation's scale and zero point, the
// weight's scales (times Gemm's alpha) and column sums, and Gemm's bias.
//
// The value changes by rounding only: the float form sums K f32 products of
// rounded dequantized values in f32, within about (K + 2) * 2^-24 *
// sum_k |x_k w_k| of the exact sum; the kernel sums the integer products
// exactly and scales once (two or three roundings). On e2e quant_qdq (|h| up
// to 14.5) the float form is 3.8e-6 from the exact sum, this one 1 ulp (9.5e-7).
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

#define DEBUG_TYPE "kiln-lift-qdq-matmul"

namespace kiln {
#define GEN_PASS_DEF_LIFTQDQMATMUL
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The ops of a kernel.elementwise's body before its yield, when its first
/// input is read with the result's own indices and has its shape.
std::optional<SmallVector<Operation *>> bodyOver(kernel::ElementwiseOp ew) {
  if (!ew || ew.getInputs().empty() || tt(ew.getInputs()[0]).getShape() != tt(ew.getResult()).getShape())
    return std::nullopt;
  if (!(*ew.getMaps().getAsValueRange<AffineMapAttr>().begin()).isIdentity())
    return std::nullopt;
  SmallVector<Operation *> ops;
  for (Operation &op : ew.getBody().front().without_terminator())
    ops.push_back(&op);
  return ops;
}

/// A scale or zero point: one value (`dim` < 0) or one per index of the
/// operand's dim `dim`.
struct Param {
  std::vector<float> v{0.0f};
  int64_t dim = -1;
};

/// `x op p` with p a f32 constant: folded into the body (one value), or a
/// graph.constant input broadcast along at most one dim of x (the importer's
/// [1, N] or [N, 1] per-axis parameter). Returns x and p.
template <typename OpT> std::optional<std::pair<Value, Param>> constantStep(Value v) {
  auto ew = v.getDefiningOp<kernel::ElementwiseOp>();
  auto ops = bodyOver(ew);
  if (!ops || !tt(v).getElementType().isF32())
    return std::nullopt;
  Block &body = ew.getBody().front();
  Value x = ew.getInputs()[0];
  if (ew.getInputs().size() == 1 && ops->size() == 2) {
    auto c = dyn_cast<arith::ConstantOp>((*ops)[0]);
    auto op = dyn_cast<OpT>((*ops)[1]);
    if (!c || !op || op.getLhs() != body.getArgument(0) || op.getRhs() != c.getResult() ||
        !isa<FloatAttr>(c.getValue()))
      return std::nullopt;
    return std::pair{x, Param{{float(cast<FloatAttr>(c.getValue()).getValueAsDouble())}, -1}};
  }
  if (ew.getInputs().size() != 2 || ops->size() != 1)
    return std::nullopt;
  auto op = dyn_cast<OpT>((*ops)[0]);
  auto pc = ew.getInputs()[1].getDefiningOp<graph::ConstantOp>();
  if (!op || !pc || op.getLhs() != body.getArgument(0) || op.getRhs() != body.getArgument(1) ||
      !tt(pc).getElementType().isF32())
    return std::nullopt;
  // The parameter's map reads it at (0, .., d_j, .., 0): at most one dim of x.
  AffineMap m = *std::next(ew.getMaps().getAsValueRange<AffineMapAttr>().begin());
  Param p;
  for (auto [i, e] : llvm::enumerate(m.getResults())) {
    if (auto d = dyn_cast<AffineDimExpr>(e)) {
      if (p.dim >= 0 || tt(pc).getDimSize(i) != tt(x).getDimSize(d.getPosition()))
        return std::nullopt;
      p.dim = d.getPosition();
    } else if (auto c = dyn_cast<AffineConstantExpr>(e); !c || c.getValue() != 0) {
      return std::nullopt;
    }
  }
  std::vector<char> bytes = constantBytes(pc.getValue());
  const float *f = reinterpret_cast<const float *>(bytes.data());
  p.v.assign(f, f + bytes.size() / 4);
  if (p.v.size() != size_t(p.dim < 0 ? 1 : tt(x).getDimSize(p.dim)))
    return std::nullopt;
  return std::pair{x, p};
}

/// The u8 or s8 tensor that `v` converts to f32 (the importer's Cast), or null.
Value convertedFrom(Value v) {
  auto ew = v.getDefiningOp<kernel::ElementwiseOp>();
  auto ops = bodyOver(ew);
  if (!ops || !tt(v).getElementType().isF32())
    return {};
  return eightBitOperand<arith::UIToFPOp, arith::SIToFPOp>(ew, *ops);
}

/// DequantizeLinear as the importer writes it: (f32(q) - zero) * scale, the
/// subtraction absent without a zero point.
struct Dequant {
  Value q;
  Param zero, scale;
};

std::optional<Dequant> matchDequant(Value v) {
  auto mul = constantStep<arith::MulFOp>(v);
  if (!mul)
    return std::nullopt;
  Dequant d;
  d.scale = mul->second;
  Value x = mul->first;
  if (auto sub = constantStep<arith::SubFOp>(x)) {
    d.zero = sub->second;
    x = sub->first;
  }
  d.q = convertedFrom(x);
  // Zero points are integers of the quantized type.
  if (!d.q || llvm::any_of(d.zero.v, [](float z) { return z != std::nearbyint(z) || std::fabs(z) > 255; }))
    return std::nullopt;
  return d;
}

struct LiftQdqMatMulPass : kiln::impl::LiftQdqMatMulBase<LiftQdqMatMulPass> {
  void runOnOperation() override {
    SmallVector<kernel::MatMulOp> work;
    getOperation().walk([&](kernel::MatMulOp op) { work.push_back(op); });
    for (kernel::MatMulOp op : work)
      lift(op);
  }

  void lift(kernel::MatMulOp op) {
    auto r = tt(op.getResult());
    if (!r.getElementType().isF32() || op.hasEpilogue() || op.getBPanel() || !tt(op.getLhs()).hasStaticShape() ||
        tt(op.getLhs()).getRank() < 2 || tt(op.getRhs()).getRank() != 2)
      return;
    if (op.getBias() && !tt(op.getBias()).getElementType().isF32())
      return;
    // The activation per tensor (a per-axis QDQ of it would scale along K).
    std::optional<Dequant> a = matchDequant(op.getLhs());
    if (!a || a->scale.dim >= 0 || a->zero.dim >= 0)
      return;
    // The weight: an integer constant, per tensor or per output column.
    bool trans = op.getTransB();
    int64_t nDim = trans ? 0 : 1;
    std::optional<Dequant> w = matchDequant(op.getRhs());
    auto wc = w ? w->q.getDefiningOp<graph::ConstantOp>() : graph::ConstantOp();
    if (!wc || (w->scale.dim >= 0 && w->scale.dim != nDim) || (w->zero.dim >= 0 && w->zero.dim != nDim))
      return;
    auto wt = tt(w->q);
    int64_t R = wt.getDimSize(0), C = wt.getDimSize(1), K = trans ? C : R, N = trans ? R : C;
    std::vector<char> bytes = constantBytes(wc.getValue());
    if ((int64_t)bytes.size() != R * C)
      return;
    bool unsignedW = wt.getElementType().isUnsignedInteger(8);
    std::vector<int8_t> q8(K * N);
    for (int64_t k = 0; k < K; ++k)
      for (int64_t n = 0; n < N; ++n) {
        int64_t i = trans ? n * C + k : k * C + n;
        int64_t v = unsignedW ? int64_t(uint8_t(bytes[i])) : int64_t(int8_t(bytes[i]));
        v -= int64_t(w->zero.v[w->zero.dim < 0 ? 0 : n]);
        if (v < -128 || v > 127)
          return; // Needs 9 bits: the float matmul stays.
        q8[k * N + n] = int8_t(v);
      }

    MLIRContext *ctx = &getContext();
    Type i32 = IntegerType::get(ctx, 32), f32 = Float32Type::get(ctx);
    Location loc = op.getLoc();
    OpBuilder b(op);
    auto scalar = [&](Type et, Attribute v) {
      auto t = RankedTensorType::get({}, et);
      return b.create<graph::ConstantOp>(loc, t, DenseElementsAttr::get(t, v)).getResult();
    };
    std::string key = constantKey(wc);
    auto [bq, bsum] = s8WeightConstants(b, loc, q8, K, N, key);
    // Gemm's alpha scales the weight.
    float alpha = op.getAlpha().convertToFloat();
    std::vector<float> bs(w->scale.v);
    for (float &s : bs)
      s *= alpha;
    Value bScale = w->scale.dim < 0 ? scalar(f32, b.getF32FloatAttr(bs[0]))
                                    : resourceConstant<float>(b, loc, {N}, f32, bs, key + "_s8_scale");
    Value q = a->q;
    int32_t zero = int32_t(a->zero.v[0]);
    if (tt(q).getElementType().isSignlessInteger(8)) {
      q = flipToUnsigned(b, loc, q);
      zero += 128;
    }
    auto qm = b.create<kernel::QMatMulOp>(loc, r, q, bq, scalar(f32, b.getF32FloatAttr(a->scale.v[0])),
                                          scalar(i32, b.getI32IntegerAttr(zero)), bScale, bsum, op.getBias(),
                                          Value(), Value(), ValueRange(), IntegerAttr(), ArrayAttr(), FloatAttr());
    op.getResult().replaceAllUsesWith(qm.getResult());
    Value lhs = op.getLhs(), rhs = op.getRhs();
    op.erase();
    // The dequantizations, when nothing else reads them, and the integer weight.
    for (Value v : {lhs, rhs})
      eraseDeadChain(v);
  }
};

} // namespace
