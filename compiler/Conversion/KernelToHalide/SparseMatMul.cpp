//===- SparseMatMul.cpp - kernel.sparse_matmul to a halide.kernel -===//
//
// The weight's zero structure is fixed at compile time, so the loops visit
// its stored blocks only. Vectorised along M (the tokens), not N: a column's
// nonzeros are scattered along K, and a vector of 16 columns would find a
// nonzero in most of its k rows (notes/sparse-on-halide14.md). So A is first
// transposed, at[k, m], and each stored block broadcasts its weights against
// rows of at:
//   at[batch..., k, m]         = a[batch..., m, k] (0 past K)
//   acc[batch..., nb, ni, m]   = sum over the blocks p of column block nb,
//                                 i < BK: values[p, i, ni] * at[indices[p]*BK + i, m]
//   out[batch..., m, n]        = acc[n / BN, n % BN, m] (+ bias), then the epilogue
// The block loop's extent is each column block's own count: an RDom of
// max_blocks with the predicate r < offsets[nb+1] - offsets[nb], which Halide
// turns into the loop bound (it trims an inner RVar against an outer var). The
// table reads are clamped into range, so a table that lies cannot make the
// kernel read outside its buffers. With group G > 1 (one row of A: scalar
// FMAs), acc has a leading dim g < G of partial sums, block r*G + g adding
// into partial g, and out sums them: G independent FMA chains per output.
// With chunk C the lists are per (chunk, column block), chunk-major: the
// rdom is (chunk, block, i), block predicated on list (chunk * NB + nb)'s
// count, and the schedule puts the column blocks between the block and the
// chunk: one band of at serves every column before the next, and the tables
// stream in order. When constant offsets give every list max_blocks (the
// N:M form) the predicate and the offsets' reads go: p = list * max + block.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Halide/HalideOps.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

bool kiln::checkedSparseTables(Value indices, Value offsets) {
  return matchPattern(indices, m_Constant()) && matchPattern(offsets, m_Constant());
}

// Constant tables were checked by the op's verifier (offsets from 0 to nnzb,
// non-decreasing; indices inside K): promising their reads in range spares a
// clamp per read, which cost a decode step half its instructions.
Value kiln::sparseTableIndex(OpBuilder &b, Value v, int64_t hi, bool checked) {
  if (!checked)
    return KernelBuilder::clampToSize(b, v, hi + 1);
  return b.create<halide::PromiseClampedOp>(b.getUnknownLoc(), v.getType(), v, KernelBuilder::i32(b, 0),
                                            KernelBuilder::i32(b, hi));
}

Value kiln::sparseRow(OpBuilder &b, StringRef idx, Value indices, Value p) {
  Type et = tt(indices).getElementType(), i32 = b.getI32Type();
  Value row = KernelBuilder::call(b, idx, et, {p});
  return et == i32 ? row : b.create<arith::ExtSIOp>(b.getUnknownLoc(), i32, row).getResult();
}

LogicalResult kiln::lowerSparseMatMul(kernel::SparseMatMulOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  auto lhs = tt(op.getLhs());
  if (!lhs.hasStaticShape() || !res.hasStaticShape())
    return op.emitOpError("needs static shapes to lower");
  MLIRContext *ctx = op.getContext();
  Type i32 = IntegerType::get(ctx, 32), f32 = Float32Type::get(ctx);
  size_t rank = res.getRank(), batch = rank - 2;
  int64_t K = op.k(), M = lhs.getDimSize(rank - 2), BK = op.getBlockK(), BN = op.getBlockN();
  int64_t rowBlocks = (K + BK - 1) / BK, nnzb = tt(op.getIndices()).getDimSize(0);
  int64_t maxBlocks = op.getMaxBlocks(), G = op.getGroup();

  std::string a = kb.input(op.getLhs()), vals = kb.input(op.getValues());
  std::string idx = kb.input(op.getIndices()), off = kb.input(op.getOffsets());
  std::string bias = op.getBias() ? kb.input(op.getBias()) : "";
  SmallVector<std::string> epi;
  for (Value in : op.getEpilogueInputs())
    epi.push_back(kb.input(in));

  auto c32 = [](OpBuilder &b, int64_t v) { return KernelBuilder::i32(b, v); };
  bool checked = checkedSparseTables(op.getIndices(), op.getOffsets());

  // at: [batch..., k, m] over rowBlocks * BK rows of k. The schedule may
  // compute whole row tiles past M: m is clamped so those rows read real data.
  kb.func("at", rank, f32, [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value k = d[rank - 2], m = d[rank - 1];
    SmallVector<Value> ai(d.begin(), d.begin() + batch);
    ai.push_back(KernelBuilder::clampToSize(b, m, M));
    ai.push_back(K % BK ? KernelBuilder::clampToSize(b, k, K) : k);
    Value v = KernelBuilder::call(b, a, f32, ai);
    if (K % BK == 0)
      return v;
    // The padding rows multiply stored zeros: keep them 0, not A's last row
    // (0 * inf would be NaN).
    Value in = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, k, c32(b, K));
    Value zero = b.create<arith::ConstantOp>(l, b.getF32FloatAttr(0.0f));
    return b.create<arith::SelectOp>(l, in, v, zero).getResult();
  });

  // acc: [batch..., (g,) nb, ni, m]; rdom (i < BK, r < max_blocks / G) where
  // r * G < count(nb).
  size_t grouped = G > 1, accRank = rank + 1 + grouped;
  kb.func("acc", accRank, f32, [&](OpBuilder &b, KernelBuilder::Idx) {
    return b.create<arith::ConstantOp>(b.getUnknownLoc(), b.getF32FloatAttr(0.0f)).getResult();
  });
  // Entry first + blk's weight i (of its block, column ni) times at at its k
  // and row m.
  auto product = [&](OpBuilder &b, KernelBuilder::Idx d, Value first, Value blk, Value i, Value ni, Value m) {
    Location l = b.getUnknownLoc();
    Value p = sparseTableIndex(b, b.create<arith::AddIOp>(l, first, blk), std::max<int64_t>(nnzb - 1, 0), checked);
    Value row = sparseTableIndex(b, sparseRow(b, idx, op.getIndices(), p), rowBlocks - 1, checked);
    Value k = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, row, c32(b, BK)), i);
    SmallVector<Value> ai(d.begin(), d.begin() + batch);
    ai.append({k, m});
    Value w = KernelBuilder::call(b, vals, f32, {p, i, ni});
    return b.create<arith::MulFOp>(l, w, KernelBuilder::call(b, "at", f32, ai)).getResult();
  };
  // An all-zero weight stores no block: acc stays 0 and the (empty) tables
  // are never read.
  if (nnzb > 0 && op.getChunk()) {
    int64_t chunks = (rowBlocks + *op.getChunk() - 1) / *op.getChunk(), colBlocks = (op.n() + BN - 1) / BN;
    std::optional<std::vector<int32_t>> o = kernel::constantI32(op.getOffsets());
    bool uniform = o && llvm::all_of(llvm::seq<int64_t>(0, chunks * colBlocks),
                                     [&](int64_t l) { return (*o)[l + 1] - (*o)[l] == maxBlocks; });
    auto body = [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
      Location l = b.getUnknownLoc();
      Value nb = d[batch], ni = d[batch + 1], m = d[batch + 2], c = r[0], blk = r[1], i = r[2];
      Value list = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, c, c32(b, colBlocks)), nb);
      Value first, keep;
      if (uniform) {
        first = b.create<arith::MulIOp>(l, list, c32(b, maxBlocks));
      } else {
        first = KernelBuilder::call(b, off, i32, {list});
        Value next = KernelBuilder::call(b, off, i32, {b.create<arith::AddIOp>(l, list, c32(b, 1))});
        keep = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, blk, b.create<arith::SubIOp>(l, next, first));
      }
      Value v = product(b, d, first, blk, i, ni, m);
      return keep ? SmallVector<Value>{v, keep} : SmallVector<Value>{v};
    };
    if (uniform)
      kb.update("acc", accRank, {chunks, maxBlocks, BK}, halide::Combine::Add, f32,
                [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) { return body(b, d, r)[0]; });
    else
      kb.updateWhere("acc", accRank, {chunks, maxBlocks, BK}, halide::Combine::Add, f32, body);
  } else if (nnzb > 0) {
    kb.updateWhere("acc", accRank, {maxBlocks / G, BK}, halide::Combine::Add, f32,
                   [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
                     Location l = b.getUnknownLoc();
                     Value nb = d[batch + grouped], ni = d[batch + grouped + 1], m = d[batch + grouped + 2];
                     Value blk = r[0], i = r[1], start = blk;
                     if (grouped) {
                       start = b.create<arith::MulIOp>(l, r[0], c32(b, G));
                       blk = b.create<arith::AddIOp>(l, start, d[batch]);
                     }
                     Value first = KernelBuilder::call(b, off, i32, {nb});
                     Value next = KernelBuilder::call(b, off, i32, {b.create<arith::AddIOp>(l, nb, c32(b, 1))});
                     Value count = b.create<arith::SubIOp>(l, next, first);
                     Value v = product(b, d, first, blk, i, ni, m);
                     Value keep = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, start, count);
                     return SmallVector<Value>{v, keep};
                   });
  }

  kb.func("out", rank, res.getElementType(), [&](OpBuilder &b, KernelBuilder::Idx d) {
    Location l = b.getUnknownLoc();
    Value n = d[rank - 1];
    Value v;
    for (int64_t g = 0; g < G; ++g) {
      SmallVector<Value> idx(d.begin(), d.begin() + batch);
      if (grouped)
        idx.push_back(c32(b, g));
      idx.push_back(b.create<arith::FloorDivSIOp>(l, n, c32(b, BN)));
      idx.push_back(b.create<arith::RemSIOp>(l, n, c32(b, BN)));
      idx.push_back(d[rank - 2]);
      Value part = KernelBuilder::call(b, "acc", f32, idx);
      v = v ? b.create<arith::AddFOp>(l, v, part).getResult() : part;
    }
    return matmulTail(b, op, v, bias, epi, d);
  });
  kb.output("out", res);
  kb.recipe(op.getChunk() ? halide::Recipe::SparseMatMulChunked : halide::Recipe::SparseMatMul);
  return success();
}
