//===- W4MatMul.cpp - kernel.w4matmul to a halide.kernel -===//
//
// The weight stays 4-bit until a register unpacks it. Per block of G k:
//   asum[m, kb]          = sum_j a[m, kb*G + j]
//   blk[no, kb, m, ni]   = sum_j a[m, kb*G + j] * q[kb*G + j, no*NR + ni]
//   acc[no, m, ni]       = sum_kb scale[no, kb, ni] * (blk - zero[no, kb, ni] * asum[m, kb])
//   out[m, n]            = acc[n / NR, m, n % NR] (+ bias), then the epilogue
// so the zero point and the scale cost two operations per block and column,
// and the inner loop is an unpack, a convert and an FMA per weight. blk's
// reduction runs over (j2, jl) with k = kb*G + 2*j2 + jl: jl picks the byte's
// nibble, a constant shift once the schedule unrolls it.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

LogicalResult kiln::lowerW4MatMul(kernel::W4MatMulOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  MLIRContext *ctx = op.getContext();
  Type i32 = IntegerType::get(ctx, 32), f32 = Float32Type::get(ctx), u8 = tt(op.getRhs()).getElementType();
  Type scaleType = tt(op.getScale()).getElementType(), zeroType = tt(op.getZero()).getElementType();
  size_t rank = res.getRank(), batch = rank - 2;
  int64_t K = op.k(), G = op.getGroupSize(), NR = op.getBPanel();
  int64_t KB = (K + G - 1) / G;

  std::string a = kb.input(op.getLhs()), bName = kb.input(op.getRhs());
  std::string scale = kb.input(op.getScale()), zero = kb.input(op.getZero());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  SmallVector<std::string> epi;
  for (Value in : op.getEpilogueInputs())
    epi.push_back(kb.input(in));

  auto c32 = [](OpBuilder &b, int64_t v) { return KernelBuilder::i32(b, v); };
  // a[batch..., m, k], 0 past K (the packed weight's padding holds q = 0,
  // but its block's zero point need not be 0).
  auto readA = [&](OpBuilder &b, ArrayRef<Value> bm, Value k) -> Value {
    Location l = b.getUnknownLoc();
    SmallVector<Value> idx(bm.begin(), bm.end());
    if (K % G == 0) {
      idx.push_back(k);
      return KernelBuilder::call(b, a, f32, idx);
    }
    idx.push_back(b.create<arith::MinSIOp>(l, k, c32(b, K - 1)));
    Value in = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, k, c32(b, K));
    Value zeroF = b.create<arith::ConstantOp>(l, b.getF32FloatAttr(0.0f));
    return b.create<arith::SelectOp>(l, in, KernelBuilder::call(b, a, f32, idx), zeroF);
  };
  auto blockK = [&](OpBuilder &b, Value kbIdx, Value j) {
    Location l = b.getUnknownLoc();
    return b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, kbIdx, c32(b, G)), j).getResult();
  };

  // asum: [batch..., m, kb].
  kb.func("asum", rank, f32, [&](OpBuilder &b, KernelBuilder::Idx) {
    return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getF32FloatAttr(0.0f)).getResult();
  });
  kb.update("asum", rank, {G}, halide::Combine::Add, f32, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    SmallVector<Value> bm(d.begin(), d.begin() + batch + 1);
    return readA(b, bm, blockK(b, d[rank - 1], r[0]));
  });

  // blk: [batch..., no, kb, m, ni]; rdom (j2, jl).
  size_t blkRank = rank + 2;
  kb.func("blk", blkRank, f32, [&](OpBuilder &b, KernelBuilder::Idx) {
    return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getF32FloatAttr(0.0f)).getResult();
  });
  kb.update("blk", blkRank, {G / 2, 2}, halide::Combine::Add, f32,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
              Location l = b.getUnknownLoc();
              Value no = d[batch], kbIdx = d[batch + 1], m = d[batch + 2], ni = d[batch + 3];
              Value j2 = r[0], jl = r[1];
              Value kk = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, kbIdx, c32(b, G / 2)), j2);
              Value byte = widen(b, KernelBuilder::call(b, bName, u8, {no, kk, ni}), i32);
              Value shift = b.create<arith::MulIOp>(l, jl, c32(b, 4));
              Value q = b.create<arith::AndIOp>(l, b.create<arith::ShRUIOp>(l, byte, shift), c32(b, 15));
              Value k = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, j2, c32(b, 2)), jl);
              SmallVector<Value> bm(d.begin(), d.begin() + batch);
              bm.push_back(m);
              Value av = readA(b, bm, blockK(b, kbIdx, k));
              return b.create<arith::MulFOp>(l, av, b.create<arith::SIToFPOp>(l, f32, q)).getResult();
            });

  // acc: [batch..., no, m, ni]; rdom kb.
  kb.func("acc", rank + 1, f32, [&](OpBuilder &b, KernelBuilder::Idx) {
    return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getF32FloatAttr(0.0f)).getResult();
  });
  kb.update("acc", rank + 1, {KB}, halide::Combine::Add, f32,
            [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
              Location l = b.getUnknownLoc();
              Value no = d[batch], m = d[batch + 1], ni = d[batch + 2], kbIdx = r[0];
              SmallVector<Value> bi(d.begin(), d.begin() + batch);
              bi.append({no, kbIdx, m, ni});
              Value blk = KernelBuilder::call(b, "blk", f32, bi);
              SmallVector<Value> si(d.begin(), d.begin() + batch);
              si.append({m, kbIdx});
              Value as = KernelBuilder::call(b, "asum", f32, si);
              Value s = KernelBuilder::call(b, scale, scaleType, {no, kbIdx, ni});
              if (!scaleType.isF32())
                s = b.create<arith::ExtFOp>(l, f32, s);
              Value z = KernelBuilder::call(b, zero, zeroType, {no, kbIdx, ni});
              if (!zeroType.isF32())
                z = b.create<arith::SIToFPOp>(l, f32, widen(b, z, i32));
              Value centered = b.create<arith::SubFOp>(l, blk, b.create<arith::MulFOp>(l, z, as));
              return b.create<arith::MulFOp>(l, s, centered).getResult();
            });

  kb.func("out", rank, res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value n = d[rank - 1];
    SmallVector<Value> idx(d.begin(), d.begin() + batch);
    idx.push_back(b.create<arith::FloorDivSIOp>(l, n, c32(b, NR)));
    idx.push_back(d[rank - 2]);
    idx.push_back(b.create<arith::RemSIOp>(l, n, c32(b, NR)));
    Value v = KernelBuilder::call(b, "acc", f32, idx);
    return matmulTail(b, op, v, bias, epi, d);
  });
  kb.output("out", res);
  kb.recipe(halide::Recipe::W4MatMul);
  kb.op().setBPanel(NR);
  return success();
}
