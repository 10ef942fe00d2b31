//===- QMatMul.cpp - kernel.qmatmul to a halide.kernel -===//
//
// acc = sum_k i32(A u8) * i32(B s8), exact in int32; then
// out = f32(acc - a_zero * b_colsum) * (a_scale * b_scale) (+ bias), then the
// epilogue. With B packed (b_panel = NR, [N/NR, K/4, NR, 4]) the reduction
// runs over (k/4, k%4) so that the schedule can vectorize k%4 atomically into
// the column lanes: Halide then matches the VectorReduce of 4 u8 x s8
// products per i32 lane to vpdpbusd (AVX512-VNNI), and to pmaddwd pairs
// elsewhere (exact: no int16 saturation).
//
// On an x86 target without an int8 dot product, packed constant weights that
// fit 7 bits (|b| <= 63: --quantize's weights for such targets) take the
// pair form instead: pr = saturating sums of u8 x s8 pairs in i16, which
// Halide matches to vpmaddubsw, and acc += i32(widening_mul(pr, 1)) over the
// two pairs of each group of 4, vpmaddwd by ones. 255 * 63 * 2 = 32130 fits
// int16, so nothing saturates and the sum is exact.
//
// Without a_scale (int8-dynamic), A is f32 and the kernel quantizes it per
// row first (quantizeRowsInKernel), after a LayerNorm when the op has a norm.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Halide/HalideAttrs.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Index of a per-tensor (rank 0) or per-row ([..., M, 1]) parameter at
/// result index `d`.
static SmallVector<Value> rowParamIndex(OpBuilder &b, Value param, KernelBuilder::Idx d) {
  if (tt(param).getRank() == 0)
    return {};
  SmallVector<Value> idx(d.begin(), d.end() - 1);
  idx.push_back(KernelBuilder::i32(b, 0));
  return idx;
}

/// Index of a per-tensor or per-column ([N]) parameter at result column `n`.
static SmallVector<Value> colParamIndex(Value param, Value n) {
  if (tt(param).getRank() == 0)
    return {};
  return {n};
}

/// Whether `op`'s packed weights take the vpmaddubsw pair form: an AVX2 x86
/// target with no int8 dot product, and constant weights within [-63, 63].
static bool usePairs(kernel::QMatMulOp op) {
  auto module = op->getParentOfType<ModuleOp>();
  halide::TargetAttr target = module ? halide::getTarget(module) : halide::TargetAttr();
  if (!op.getBPanel() || !target || target.isCuda() || target.getArch() != "x86" || !target.hasFeature("avx2") ||
      halide::hasInt8DotProduct(module))
    return false;
  auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
  if (!c)
    return false;
  std::vector<char> bytes = constantBytes(c.getValue());
  return llvm::all_of(bytes, [](char v) { return (int8_t)v >= -63 && (int8_t)v <= 63; });
}

/// The kernel's own per-row quantization of its f32 A (kernel.qmatmul with
/// no a_scale), int8-dynamic's rule (ScalarBuilder's row rule, shared with
/// quantizeRows): `arow`(row) = (scale, 1 / scale, zero) from the row's
/// minimum `alo` and maximum `ahi`, and `aq`(row, k) the u8 A. With a norm,
/// A is first kernel.layer_norm's value over K, from the row's mean and
/// 1 / std in `nst`(row) (sums `nsum` and `nsq` of the centred squares, as
/// lowerLayerNorm computes them). Scheduled by name (ScheduleCpu/Cuda).
static void quantizeRowsInKernel(kernel::QMatMulOp op, KernelBuilder &kb, const std::string &x,
                                 const std::string &g, const std::string &beta) {
  size_t rows = tt(op.getLhs()).getRank() - 1;
  int64_t K = op.k(), W = kb.options().vectorBytes / 4;
  MLIRContext *ctx = op.getContext();
  Type f32 = Float32Type::get(ctx);
  auto read = [&](OpBuilder &b, KernelBuilder::Idx row, Value k) {
    SmallVector<Value> idx(row.begin(), row.end());
    idx.push_back(k);
    return KernelBuilder::call(b, x, f32, idx);
  };
  std::function<Value(OpBuilder &, KernelBuilder::Idx, Value)> value = read;
  if (op.getNormScale()) {
    auto mean = [&](OpBuilder &b, KernelBuilder::Idx row) -> Value {
      return b.create<arith::MulFOp>(b.getUnknownLoc(), KernelBuilder::call(b, "nsum", f32, row),
                                     KernelBuilder::constant(b, f32, 1.0 / K));
    };
    buildLastAxisReduction(kb, "nsum", rows, K, W, halide::Combine::Add, f32, read);
    buildLastAxisReduction(kb, "nsq", rows, K, W, halide::Combine::Add, f32,
                           [&](OpBuilder &b, KernelBuilder::Idx row, Value k) -> Value {
                             Location l = b.getUnknownLoc();
                             Value c = b.create<arith::SubFOp>(l, read(b, row, k), mean(b, row));
                             return b.create<arith::MulFOp>(l, c, c);
                           });
    float eps = op.getNormEpsilon()->convertToFloat();
    kb.tupleFunc("nst", rows, f32, 2, [&](OpBuilder &b, KernelBuilder::Idx row) -> SmallVector<Value> {
      return {mean(b, row), layerNormRstd(b, KernelBuilder::call(b, "nsq", f32, row), K, eps)};
    });
    value = [&](OpBuilder &b, KernelBuilder::Idx row, Value k) -> Value {
      Value c = b.create<arith::SubFOp>(b.getUnknownLoc(), read(b, row, k),
                                        KernelBuilder::callElement(b, "nst", f32, row, 0));
      return layerNormValue(b, c, KernelBuilder::callElement(b, "nst", f32, row, 1), KernelBuilder::call(b, g, f32, {k}),
                            beta.empty() ? Value() : KernelBuilder::call(b, beta, f32, {k}));
    };
  }
  buildLastAxisReduction(kb, "alo", rows, K, W, halide::Combine::Min, f32, value);
  buildLastAxisReduction(kb, "ahi", rows, K, W, halide::Combine::Max, f32, value);
  kb.tupleFunc("arow", rows, f32, 3, [&](OpBuilder &b, KernelBuilder::Idx row) -> SmallVector<Value> {
    ScalarBuilder s{b, b.getUnknownLoc()};
    Value lo = KernelBuilder::call(b, "alo", f32, row), hi = KernelBuilder::call(b, "ahi", f32, row);
    Value scale = s.rowScale(lo, hi);
    return {scale, s.rowInverse(scale), s.rowZero(lo, scale)};
  });
  kb.func("aq", rows + 1, IntegerType::get(ctx, 8, IntegerType::Unsigned), [&](OpBuilder &b, KernelBuilder::Idx d) {
    ScalarBuilder s{b, b.getUnknownLoc()};
    KernelBuilder::Idx row = d.drop_back();
    Value q = s.quantizeU8(value(b, row, d.back()), KernelBuilder::callElement(b, "arow", f32, row, 1),
                           KernelBuilder::callElement(b, "arow", f32, row, 2));
    // Straight to u8 (q is in [0, 255]); through i8 the values past 127
    // would be out of range for the signed conversion.
    return s.toU8(q);
  });
  ArrayRef<int64_t> aShape = tt(op.getLhs()).getShape();
  kb.markRoot("aq", aShape);
  kb.markRoot("arow", aShape.drop_back());
  if (op.getNormScale())
    kb.markRoot("nst", aShape.drop_back());
}

LogicalResult kiln::lowerQMatMul(kernel::QMatMulOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  Type i32 = IntegerType::get(op.getContext(), 32), f32 = Float32Type::get(op.getContext());
  Type u8 = IntegerType::get(op.getContext(), 8, IntegerType::Unsigned), s8 = tt(op.getRhs()).getElementType();
  size_t rank = res.getRank(), batch = rank - 2;
  int64_t K = op.k();
  std::optional<int64_t> panel = op.getBPanel();
  int64_t NR = panel ? *panel : 0;

  // The inputs in operand order (the launch passes the operands so). A (u8)
  // and its per-row or per-tensor scale and zero point are inputs, or the
  // kernel's own row quantization of an f32 A.
  bool ownRows = op.quantizesRows();
  auto optional = [&](Value v) { return v ? kb.input(v) : std::string(); };
  std::string a = kb.input(op.getLhs()), bName = kb.input(op.getRhs());
  std::string aScale = optional(op.getAScale()), aZero = optional(op.getAZero());
  std::string bScale = kb.input(op.getBScale()), colsum = kb.input(op.getBColsum());
  std::string bias = optional(op.getBias());
  std::string normScale = optional(op.getNormScale()), normBias = optional(op.getNormBias());
  SmallVector<std::string> epi;
  for (Value in : op.getEpilogueInputs())
    epi.push_back(kb.input(in));
  if (ownRows) {
    quantizeRowsInKernel(op, kb, a, normScale, normBias);
    a = "aq";
  }

  auto product = [&](OpBuilder &b, SmallVector<Value> ai, Value k, SmallVector<Value> bi) {
    ai.push_back(k);
    Value x = widen(b, KernelBuilder::call(b, a, u8, ai), i32);
    Value y = widen(b, KernelBuilder::call(b, bName, s8, bi), i32);
    return b.create<arith::MulIOp>(b.getUnknownLoc(), x, y).getResult();
  };

  bool pairs = usePairs(op);
  if (pairs) {
    // pr row-major dims: [batch..., no, kq, m, ni, h]: pair h (k = 4 kq + 2 h +
    // rp) of column ni; rdom (rp). B is zero past K, A's read is clamped.
    Type i16 = IntegerType::get(op.getContext(), 16);
    auto i16c = [&](OpBuilder &b, int64_t v) {
      return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getIntegerAttr(i16, v)).getResult();
    };
    kb.func("pr", rank + 3, i16, [&](OpBuilder &b, KernelBuilder::Idx) { return i16c(b, 0); });
    kb.update("pr", rank + 3, {2}, halide::Combine::SatAdd, i16,
              [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
                Location l = b.getUnknownLoc();
                Value no = d[rank - 2], kq = d[rank - 1], m = d[rank], ni = d[rank + 1], h = d[rank + 2];
                Value two = KernelBuilder::i32(b, 2);
                Value ki = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, h, two), r[0]);
                Value k = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, kq, KernelBuilder::i32(b, 4)), ki);
                if (K % 4)
                  k = b.create<arith::MinSIOp>(l, k, KernelBuilder::i32(b, K - 1));
                SmallVector<Value> ai(d.begin(), d.begin() + batch);
                ai.append({m, k});
                Value x = widen(b, KernelBuilder::call(b, a, u8, ai), i16);
                Value y = widen(b, KernelBuilder::call(b, bName, s8, {no, kq, ni, ki}), i16);
                return b.create<arith::MulIOp>(l, x, y).getResult();
              });
    // acc row-major dims: [batch..., no, m, ni]; rdom (kq, h).
    kb.func("acc", rank + 1, i32, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::i32(b, 0); });
    kb.update("acc", rank + 1, {(K + 3) / 4, 2}, halide::Combine::Add, i32,
              [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
                Location l = b.getUnknownLoc();
                SmallVector<Value> pi(d.begin(), d.begin() + batch);
                pi.append({d[rank - 2], r[0], d[rank - 1], d[rank], r[1]});
                Value p = b.create<arith::ExtSIOp>(l, i32, KernelBuilder::call(b, "pr", i16, pi));
                Value one = b.create<arith::ExtSIOp>(l, i32, i16c(b, 1));
                return b.create<arith::MulIOp>(l, p, one).getResult();
              });
  } else if (panel) {
    // acc row-major dims: [batch..., no, m, ni]; rdom (ko, ki).
    kb.func("acc", rank + 1, i32, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::i32(b, 0); });
    kb.update("acc", rank + 1, {(K + 3) / 4, 4}, halide::Combine::Add, i32,
              [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
                Location l = b.getUnknownLoc();
                Value no = d[rank - 2], m = d[rank - 1], ni = d[rank], ko = r[0], ki = r[1];
                Value k = b.create<arith::AddIOp>(
                    l, b.create<arith::MulIOp>(l, ko, KernelBuilder::i32(b, 4)), ki);
                if (K % 4) // B is zero past K; keep A's read in bounds
                  k = b.create<arith::MinSIOp>(l, k, KernelBuilder::i32(b, K - 1));
                SmallVector<Value> ai(d.begin(), d.begin() + batch);
                ai.push_back(m);
                return product(b, ai, k, {no, ko, ni, ki});
              });
  } else {
    kb.func("acc", rank, i32, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::i32(b, 0); });
    kb.update("acc", rank, {K}, halide::Combine::Add, i32, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
      SmallVector<Value> ai(d.begin(), d.end() - 1);
      return product(b, ai, r[0], {r[0], d[rank - 1]});
    });
  }

  kb.func("out", rank, res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value n = d[rank - 1];
    SmallVector<Value> idx(d.begin(), d.end());
    if (panel) {
      idx.assign(d.begin(), d.begin() + batch);
      idx.push_back(b.create<arith::FloorDivSIOp>(l, n, KernelBuilder::i32(b, NR)));
      idx.push_back(d[rank - 2]);
      idx.push_back(b.create<arith::RemSIOp>(l, n, KernelBuilder::i32(b, NR)));
    }
    Value acc = KernelBuilder::call(b, "acc", i32, idx);
    Value za, sa;
    if (ownRows) {
      za = b.create<arith::FPToSIOp>(l, i32, KernelBuilder::callElement(b, "arow", f32, d.drop_back(), 2));
      sa = KernelBuilder::callElement(b, "arow", f32, d.drop_back(), 0);
    } else {
      za = KernelBuilder::call(b, aZero, i32, rowParamIndex(b, op.getAZero(), d));
      sa = KernelBuilder::call(b, aScale, f32, rowParamIndex(b, op.getAScale(), d));
    }
    Value cs = KernelBuilder::call(b, colsum, i32, {n});
    acc = b.create<arith::SubIOp>(l, acc, b.create<arith::MulIOp>(l, za, cs));
    Value sb = KernelBuilder::call(b, bScale, f32, colParamIndex(op.getBScale(), n));
    Value v = b.create<arith::MulFOp>(l, b.create<arith::SIToFPOp>(l, f32, acc),
                                      b.create<arith::MulFOp>(l, sa, sb));
    return matmulTail(b, op, v, bias, epi, d);
  });
  kb.output("out", res);
  kb.recipe(pairs ? halide::Recipe::QMatMulPairs : panel ? halide::Recipe::QMatMulPacked : halide::Recipe::QMatMul);
  if (panel)
    kb.op().setBPanel(NR);
  return success();
}
