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
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

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

  if (panel) {
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
  kb.recipe(panel ? halide::Recipe::QMatMulPacked : halide::Recipe::QMatMul);
  if (panel)
    kb.op().setBPanel(NR);
  return success();
}
