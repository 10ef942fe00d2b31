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
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
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

LogicalResult kiln::lowerQMatMul(kernel::QMatMulOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  Type i32 = IntegerType::get(op.getContext(), 32), f32 = Float32Type::get(op.getContext());
  Type u8 = tt(op.getLhs()).getElementType(), s8 = tt(op.getRhs()).getElementType();
  size_t rank = res.getRank(), batch = rank - 2;
  int64_t K = op.k();
  std::optional<int64_t> panel = op.getBPanel();
  int64_t NR = panel ? *panel : 0;

  std::string a = kb.input(op.getLhs()), bName = kb.input(op.getRhs());
  std::string aScale = kb.input(op.getAScale()), aZero = kb.input(op.getAZero());
  std::string bScale = kb.input(op.getBScale()), colsum = kb.input(op.getBColsum());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  SmallVector<std::string> epi;
  for (Value in : op.getEpilogueInputs())
    epi.push_back(kb.input(in));

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
    Value za = KernelBuilder::call(b, aZero, i32, rowParamIndex(b, op.getAZero(), d));
    Value cs = KernelBuilder::call(b, colsum, i32, {n});
    acc = b.create<arith::SubIOp>(l, acc, b.create<arith::MulIOp>(l, za, cs));
    Value sa = KernelBuilder::call(b, aScale, f32, rowParamIndex(b, op.getAScale(), d));
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
