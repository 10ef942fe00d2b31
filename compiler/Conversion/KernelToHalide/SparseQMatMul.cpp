//===- SparseQMatMul.cpp - kernel.sparse_qmatmul to a halide.kernel -===//
//
// kernel.sparse_matmul's loops (SparseMatMul.cpp: vectorised along M, the
// stored blocks only) in int8, Intel's scheme (arXiv 2306.16601). A (u8) is
// laid out so that 4 consecutive k of one row share an i32 lane:
//   at4[batch..., ko, m, ki]   = a[batch..., m, 4 ko + ki]
//   acc[batch..., nb, ni, m]   = sum over the blocks p of column block nb,
//                                 io < BK/4, ki < 4:
//                                 i32(values[p, 4 io + ki, ni]) * i32(at4[indices[p]*BK/4 + io, m, ki])
//   out[batch..., m, n]        = f32(acc[n / BN, n % BN, m] - a_zero[m] * b_colsum[n])
//                                 * (a_scale[m] * b_scale[n]) (+ bias), then the epilogue
// The schedule vectorizes ki atomically inside the vector of m: per block,
// one broadcast i32 of 4 weights against 16 rows x 4 k of at4, the
// VectorReduce of 4 u8 x s8 products Halide 14 turns into one vpdpbusd (64
// MACs per vector load, 16 in f32). The block loop and the table reads
// (promised in range when the tables are constants, clamped otherwise) are
// sparse_matmul's.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Halide/HalideOps.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

LogicalResult kiln::lowerSparseQMatMul(kernel::SparseQMatMulOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  auto lhs = tt(op.getLhs());
  if (!lhs.hasStaticShape() || !res.hasStaticShape())
    return op.emitOpError("needs static shapes to lower");
  MLIRContext *ctx = op.getContext();
  Type i32 = IntegerType::get(ctx, 32), f32 = Float32Type::get(ctx);
  Type u8 = lhs.getElementType(), s8 = tt(op.getValues()).getElementType();
  size_t rank = res.getRank(), batch = rank - 2;
  int64_t K = op.k(), M = lhs.getDimSize(rank - 2), BK = op.getBlockK(), BN = op.getBlockN();
  int64_t rowBlocks = (K + BK - 1) / BK, nnzb = tt(op.getIndices()).getDimSize(0);
  int64_t maxBlocks = op.getMaxBlocks(), Q = BK / 4;

  std::string a = kb.input(op.getLhs()), vals = kb.input(op.getValues());
  std::string idx = kb.input(op.getIndices()), off = kb.input(op.getOffsets());
  std::string aScale = kb.input(op.getAScale()), aZero = kb.input(op.getAZero());
  std::string bScale = kb.input(op.getBScale()), colsum = kb.input(op.getBColsum());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  SmallVector<std::string> epi;
  for (Value in : op.getEpilogueInputs())
    epi.push_back(kb.input(in));

  auto c32 = [](OpBuilder &b, int64_t v) { return KernelBuilder::i32(b, v); };
  bool checked = checkedSparseTables(op.getIndices(), op.getOffsets());

  // at4: [batch..., ko, m, ki]. Past K the stored weights are 0, so A's last
  // column stands in (u8: no NaN to keep out); m is clamped for the row
  // tiles the schedule computes past M.
  kb.func("at4", rank + 1, u8, [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value ko = d[batch], m = d[batch + 1], ki = d[batch + 2];
    Value k = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, ko, c32(b, 4)), ki);
    SmallVector<Value> ai(d.begin(), d.begin() + batch);
    ai.push_back(KernelBuilder::clampToSize(b, m, M));
    ai.push_back(K % 4 ? KernelBuilder::clampToSize(b, k, K) : k);
    return KernelBuilder::call(b, a, u8, ai);
  });

  // acc: [batch..., nb, ni, m]; rdom (ki < 4, io < BK/4, r < max_blocks)
  // where r < count(nb).
  kb.func("acc", rank + 1, i32, [&](OpBuilder &b, KernelBuilder::Idx) { return c32(b, 0); });
  if (nnzb > 0) // an all-zero weight stores no block: acc stays 0
    kb.updateWhere("acc", rank + 1, {maxBlocks, Q, 4}, halide::Combine::Add, i32,
                   [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
                     Location l = b.getUnknownLoc();
                     Value nb = d[batch], ni = d[batch + 1], m = d[batch + 2];
                     Value blk = r[0], io = r[1], ki = r[2];
                     Value first = KernelBuilder::call(b, off, i32, {nb});
                     Value next = KernelBuilder::call(b, off, i32, {b.create<arith::AddIOp>(l, nb, c32(b, 1))});
                     Value count = b.create<arith::SubIOp>(l, next, first);
                     Value p = sparseTableIndex(b, b.create<arith::AddIOp>(l, first, blk), std::max<int64_t>(nnzb - 1, 0), checked);
                     Value row = sparseTableIndex(b, sparseRow(b, idx, op.getIndices(), p), rowBlocks - 1, checked);
                     Value ko = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, row, c32(b, Q)), io);
                     SmallVector<Value> ai(d.begin(), d.begin() + batch);
                     ai.append({ko, m, ki});
                     Value i = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, io, c32(b, 4)), ki);
                     Value x = widen(b, KernelBuilder::call(b, "at4", u8, ai), i32);
                     Value w = widen(b, KernelBuilder::call(b, vals, s8, {p, i, ni}), i32);
                     Value v = b.create<arith::MulIOp>(l, w, x);
                     Value keep = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, blk, count);
                     return SmallVector<Value>{v, keep};
                   });

  auto perRow = [&](OpBuilder &b, Value param, KernelBuilder::Idx d) {
    SmallVector<Value> i;
    if (tt(param).getRank() != 0) {
      i.assign(d.begin(), d.end() - 1);
      i.push_back(c32(b, 0));
    }
    return i;
  };
  kb.func("out", rank, res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value n = d[rank - 1];
    SmallVector<Value> ai(d.begin(), d.begin() + batch);
    ai.push_back(b.create<arith::FloorDivSIOp>(l, n, c32(b, BN)));
    ai.push_back(b.create<arith::RemSIOp>(l, n, c32(b, BN)));
    ai.push_back(d[rank - 2]);
    Value acc = KernelBuilder::call(b, "acc", i32, ai);
    Value za = KernelBuilder::call(b, aZero, i32, perRow(b, op.getAZero(), d));
    Value cs = KernelBuilder::call(b, colsum, i32, {n});
    acc = b.create<arith::SubIOp>(l, acc, b.create<arith::MulIOp>(l, za, cs));
    Value sa = KernelBuilder::call(b, aScale, f32, perRow(b, op.getAScale(), d));
    SmallVector<Value> ci;
    if (tt(op.getBScale()).getRank() != 0)
      ci.push_back(n);
    Value sb = KernelBuilder::call(b, bScale, f32, ci);
    Value v = b.create<arith::MulFOp>(l, b.create<arith::SIToFPOp>(l, f32, acc), b.create<arith::MulFOp>(l, sa, sb));
    return matmulTail(b, op, v, bias, epi, d);
  });
  kb.output("out", res);
  kb.recipe(halide::Recipe::SparseQMatMul);
  return success();
}
