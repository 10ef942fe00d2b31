//===- Sparsify.cpp - Weight matmuls to kernel.sparse_matmul where the zeros pay -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before quantization and
// fusion. Leaves: each weight matmul whose expected gain (SparsityModel) reaches
// min-gain as a kernel.sparse_matmul over its nonzero blocks; the others as
// they were. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Kernel/QuantBuilders.h"
#include "compiler/Transforms/Kernel/SparsityModel.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Utils/ConstantData.h"
#include "dialects/Graph/GraphOps.h"
#include "dialects/Halide/HalideAttrs.h"
#include "dialects/Kernel/KernelOps.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#define DEBUG_TYPE "kiln-sparsify"

namespace kiln {
#define GEN_PASS_DEF_SPARSIFY
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Partial sums per output for a single row of A: scalar FMAs have a 4-cycle
/// latency and two issue per cycle, so 4 chains keep them busy.
constexpr int64_t kDecodeGroup = 4;

struct SparseWeight {
  Value values, indices, offsets;
};

/// W's nonzero blocks of `b`, per column block, as kernel.sparse_matmul
/// stores them, each column block's list padded with zero blocks to a
/// multiple of `group`; alpha folds into the values.
SparseWeight encode(OpBuilder &b, Location loc, int64_t K, int64_t N,
                    const std::function<float(int64_t, int64_t)> &at, sparsity::Block blk, float alpha,
                    int64_t group, const std::string &key) {
  int64_t BK = blk.bk, BN = blk.bn, rowBlocks = (K + BK - 1) / BK, colBlocks = (N + BN - 1) / BN;
  std::vector<float> values;
  std::vector<int32_t> indices, offsets{0};
  for (int64_t j = 0; j < colBlocks; ++j) {
    for (int64_t r = 0; r < rowBlocks; ++r) {
      SmallVector<float> v(BK * BN, 0.0f);
      bool any = false;
      for (int64_t i = 0; i < BK; ++i)
        for (int64_t c = 0; c < BN; ++c) {
          int64_t k = r * BK + i, n = j * BN + c;
          if (k < K && n < N && at(k, n) != 0.0f) {
            v[i * BN + c] = at(k, n) * alpha;
            any = true;
          }
        }
      if (!any)
        continue;
      indices.push_back((int32_t)r);
      values.insert(values.end(), v.begin(), v.end());
    }
    // Padding repeats the last row read (it stays in cache) with weight 0.
    while ((indices.size() - offsets.back()) % group) {
      indices.push_back(indices.size() > size_t(offsets.back()) ? indices.back() : 0);
      values.insert(values.end(), BK * BN, 0.0f);
    }
    offsets.push_back((int32_t)indices.size());
  }
  int64_t nnzb = indices.size();
  MLIRContext *ctx = b.getContext();
  Type f32 = Float32Type::get(ctx), i32 = IntegerType::get(ctx, 32);
  return {resourceConstant<float>(b, loc, {nnzb, BK, BN}, f32, values, key + "_sp_values"),
          resourceConstant<int32_t>(b, loc, {nnzb}, i32, indices, key + "_sp_indices"),
          resourceConstant<int32_t>(b, loc, {colBlocks + 1}, i32, offsets, key + "_sp_offsets")};
}

struct SparsifyPass : kiln::impl::SparsifyBase<SparsifyPass> {
  using SparsifyBase::SparsifyBase;

  void runOnOperation() override {
    auto module = getOperation()->getParentOfType<ModuleOp>();
    int64_t lanes = (module ? halide::getVectorBytes(module) : 32) / 4;
    for (kernel::MatMulOp op : weightMatMuls(getOperation(), skip)) {
      auto c = op.getRhs().getDefiningOp<graph::ConstantOp>();
      auto wt = tt(op.getRhs()), a = tt(op.getLhs());
      bool trans = op.getTransB();
      int64_t K = trans ? wt.getDimSize(1) : wt.getDimSize(0), N = trans ? wt.getDimSize(0) : wt.getDimSize(1);
      std::vector<char> bytes = constantBytes(c.getValue());
      if (bytes.size() != size_t(K * N * 4))
        continue; // elided data: nothing to measure
      const float *w = reinterpret_cast<const float *>(bytes.data());
      auto at = [&](int64_t k, int64_t n) { return trans ? w[n * K + k] : w[k * N + n]; };
      int64_t rows = a.getDimSize(a.getRank() - 2);
      sparsity::Analysis an = sparsity::analyze(K, N, at, rows, lanes, minGain);
      if (report) {
        std::string node = nodeName(op.getLoc());
        llvm::errs() << "kiln: sparsity '" << (node.empty() ? constantKey(c) : node) << "' "
                     << sparsity::describe(an) << "\n";
      }
      if (!an.sparse)
        continue;
      // Fewer rows than a vector: the kernel's FMAs are scalar, one chain per
      // output unless the lists come in groups of independent partial sums.
      int64_t group = rows < lanes ? kDecodeGroup : 1;
      int64_t maxBlocks = (an.best.maxPerColumn + group - 1) / group * group;
      SparseWeight sw;
      {
        OpBuilder cb(c);
        sw = encode(cb, c.getLoc(), K, N, at, an.best.block, op.getAlpha().convertToFloat(), group,
                    constantKey(c));
      }
      OpBuilder b(op);
      auto sp = b.create<kernel::SparseMatMulOp>(
          op.getLoc(), op.getResult().getType(), op.getLhs(), sw.values, sw.indices, sw.offsets, op.getBias(),
          ValueRange(), b.getI64IntegerAttr(an.best.block.bk), b.getI64IntegerAttr(an.best.block.bn),
          b.getI64IntegerAttr(maxBlocks), ArrayAttr(), b.getI64IntegerAttr(group));
      op.getResult().replaceAllUsesWith(sp.getResult());
      op.erase();
      if (c->use_empty())
        c.erase();
    }
  }
};

} // namespace
