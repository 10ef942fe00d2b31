//===- Sparsify.cpp - Weight matmuls to kernel.sparse_matmul where the zeros pay -===//
//
// Expects: kernel ops from convert-graph-to-kernel, before quantization and
// fusion. Leaves: each weight matmul whose expected gain (SparsityModel) reaches
// min-gain as a kernel.sparse_matmul over its nonzero blocks, or with `int8`
// and blocks of 4k x 1 as its rows quantized feeding a kernel.sparse_qmatmul;
// the others as they were. See the pass description in Passes.td.
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
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

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

/// W's nonzero blocks of `blk`, per column block, as kernel.sparse_matmul
/// stores them, each column block's list padded with zero blocks to a
/// multiple of `group`: which blocks is decided by W (`at`), what they hold
/// by `value(k, n)` (W times alpha in f32, its s8 quantization in int8).
/// Returns the indices and offsets; `values` receives the blocks.
template <typename T>
std::pair<std::vector<int32_t>, std::vector<int32_t>>
encodeBlocks(int64_t K, int64_t N, const std::function<float(int64_t, int64_t)> &at,
             const std::function<T(int64_t, int64_t)> &value, sparsity::Block blk, int64_t group,
             std::vector<T> &values) {
  int64_t BK = blk.bk, BN = blk.bn, rowBlocks = (K + BK - 1) / BK, colBlocks = (N + BN - 1) / BN;
  std::vector<int32_t> indices, offsets{0};
  for (int64_t j = 0; j < colBlocks; ++j) {
    for (int64_t r = 0; r < rowBlocks; ++r) {
      SmallVector<T> v(BK * BN, T(0));
      bool any = false;
      for (int64_t i = 0; i < BK; ++i)
        for (int64_t c = 0; c < BN; ++c) {
          int64_t k = r * BK + i, n = j * BN + c;
          if (k < K && n < N && at(k, n) != 0.0f) {
            v[i * BN + c] = value(k, n);
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
      values.insert(values.end(), BK * BN, T(0));
    }
    offsets.push_back((int32_t)indices.size());
  }
  return {indices, offsets};
}

/// W as the N:M form stores it (1x1 blocks): per column, for each group of
/// M consecutive k, its nonzero entries in order of k, padded to exactly N
/// with zero weights at k of the same group (so a chunk of entries reads the
/// same band of A in every column, and the product is that of the dense
/// weight, whose zeros multiply A too). Returns the indices and offsets.
std::pair<std::vector<int32_t>, std::vector<int32_t>>
encodeNM(int64_t K, int64_t N, const std::function<float(int64_t, int64_t)> &at, int64_t nmN, int64_t nmM,
         float alpha, std::vector<float> &values) {
  std::vector<int32_t> indices, offsets{0};
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t g = 0; g < K; g += nmM) {
      int64_t end = std::min(K, g + nmM), kept = 0;
      SmallVector<int64_t> zeros;
      for (int64_t k = g; k < end; ++k)
        if (at(k, n) != 0.0f) {
          indices.push_back((int32_t)k);
          values.push_back(at(k, n) * alpha);
          ++kept;
        } else {
          zeros.push_back(k);
        }
      // A short last group (M does not divide K) may have fewer zeros than
      // padding entries: they repeat its last k.
      for (int64_t i = 0; kept < nmN; ++kept, ++i) {
        indices.push_back((int32_t)(i < (int64_t)zeros.size() ? zeros[i] : end - 1));
        values.push_back(0.0f);
      }
    }
    offsets.push_back((int32_t)indices.size());
  }
  return {indices, offsets};
}

/// Per-column lists (`offsets` per column block) cut into chunks of `chunk`
/// block rows and laid out chunk-major, kernel.sparse_matmul's `chunk` form:
/// list (c, j) holds column block j's blocks whose row is in [c*chunk,
/// (c+1)*chunk), in their order. Each column's list must have its chunks in
/// order (encodeBlocks' and encodeNM's rows never go back a chunk), so one
/// cursor per column walks it once. Each block is `blockSize` values.
/// Returns the longest list.
template <typename T>
int64_t chunkMajor(std::vector<int32_t> &indices, std::vector<T> &values, std::vector<int32_t> &offsets, int64_t chunk,
                   int64_t rowBlocks, int64_t blockSize) {
  int64_t colBlocks = offsets.size() - 1, chunks = (rowBlocks + chunk - 1) / chunk, longest = 0;
  std::vector<int32_t> ci, co{0}, cursor(offsets.begin(), offsets.end() - 1);
  std::vector<T> cv;
  ci.reserve(indices.size());
  cv.reserve(values.size());
  for (int64_t c = 0; c < chunks; ++c)
    for (int64_t j = 0; j < colBlocks; ++j) {
      for (int32_t &p = cursor[j]; p < offsets[j + 1] && indices[p] / chunk == c; ++p) {
        ci.push_back(indices[p]);
        cv.insert(cv.end(), values.begin() + p * blockSize, values.begin() + (p + 1) * blockSize);
      }
      co.push_back((int32_t)ci.size());
      longest = std::max<int64_t>(longest, co.back() - co[co.size() - 2]);
    }
  assert(ci.size() == indices.size() && "a column's rows went back a chunk");
  indices = std::move(ci);
  values = std::move(cv);
  offsets = std::move(co);
  return longest;
}

struct SparseWeight {
  Value values, indices, offsets;
};

/// The tables as constants `<key>_sp_*`, values of element type `et`.
template <typename T>
SparseWeight tableConstants(OpBuilder &b, Location loc, sparsity::Block blk, Type et, const std::vector<T> &values,
                            const std::vector<int32_t> &indices, const std::vector<int32_t> &offsets,
                            const std::string &key) {
  int64_t nnzb = indices.size(), colBlocks = offsets.size() - 1;
  Type i32 = IntegerType::get(b.getContext(), 32);
  Value vals = resourceConstant<T>(b, loc, {nnzb, blk.bk, blk.bn}, et, values, key + "_sp_values"), idx;
  if (std::all_of(indices.begin(), indices.end(), [](int32_t r) { return r <= INT16_MAX; })) {
    // i16 when every row block fits: a decode step streams its tables from
    // memory, and 6 bytes per f32 nonzero read instead of 8 is its time.
    std::vector<int16_t> narrow(indices.begin(), indices.end());
    idx = resourceConstant<int16_t>(b, loc, {nnzb}, IntegerType::get(b.getContext(), 16), narrow,
                                    key + "_sp_indices");
  } else {
    idx = resourceConstant<int32_t>(b, loc, {nnzb}, i32, indices, key + "_sp_indices");
  }
  return {vals, idx,
          resourceConstant<int32_t>(b, loc, {colBlocks + 1}, i32, offsets, key + "_sp_offsets")};
}

/// Whether the int8 form (kernel.sparse_qmatmul) takes blocks of `blk`: 4
/// consecutive k of one column per i32 lane of vpdpbusd, a vector of rows.
bool int8Block(sparsity::Block blk, int64_t rows, int64_t lanes) {
  return blk.bk % 4 == 0 && blk.bn == 1 && rows >= lanes;
}

/// How much faster dense int8 (kernel.qmatmul) runs a weight than dense f32,
/// at least: BERT-base s128 took 167 ms in f32 and 53 ms in int8-dynamic on a
/// 2-vCPU Xeon with AVX512-VNNI, 1 thread, the time outside the matmuls in
/// both.
constexpr double kInt8DenseSpeedup = 3.0;

/// Under int8 the dense alternative is int8: a block shape of the int8 form
/// keeps its gain (sparse int8 over dense int8 measured as sparse f32 over
/// dense f32: 1.55x both on BERT-base 4x1 80%), one of the f32 form has it
/// divided by kInt8DenseSpeedup. The best of them, or null when none reaches
/// `minGain`.
const sparsity::BlockFit *int8Choice(const sparsity::Analysis &an, int64_t rows, int64_t lanes, double minGain) {
  const sparsity::BlockFit *best = nullptr;
  double bestGain = 0;
  for (const sparsity::BlockFit &f : an.fits) {
    // kernel.sparse_qmatmul keeps one list per column: priced as such.
    double g = int8Block(f.block, rows, lanes) ? f.listGain : f.gain / kInt8DenseSpeedup;
    if (g > bestGain) {
      best = &f;
      bestGain = g;
    }
  }
  return bestGain >= minGain ? best : nullptr;
}

struct SparsifyPass : kiln::impl::SparsifyBase<SparsifyPass> {
  using SparsifyBase::SparsifyBase;

  void runOnOperation() override {
    auto module = getOperation()->getParentOfType<ModuleOp>();
    int64_t lanes = (module ? halide::getVectorBytes(module) : 32) / 4;
    // Static A only: the sparsity model prices the kernels at A's row count.
    for (kernel::MatMulOp op : weightMatMuls(getOperation(), skip, /*symbolicRows=*/false)) {
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
      const sparsity::BlockFit *fit = an.sparse ? &an.best : nullptr;
      if (fit && int8)
        fit = int8Choice(an, rows, lanes, minGain);
      bool q8 = fit && int8 && int8Block(fit->block, rows, lanes);
      if (report) {
        std::string node = nodeName(op.getLoc());
        llvm::errs() << "kiln: sparsity '" << (node.empty() ? constantKey(c) : node) << "' "
                     << sparsity::describe(an);
        bool other = fit && (fit->block.bk != an.best.block.bk || fit->block.bn != an.best.block.bn);
        if (q8) // kernel.sparse_qmatmul: one list per column, never chunked
          llvm::errs() << ", in int8" << (other ? " as " + std::to_string(fit->block.bk) + "x" +
                                                      std::to_string(fit->block.bn) + " blocks"
                                                : std::string())
                       << " (one list per column: expected " << llvm::format("%.2f", fit->listGain) << "x)";
        else if (other)
          llvm::errs() << " as " << fit->block.bk << "x" << fit->block.bn << " blocks (expected "
                       << llvm::format("%.2f", fit->gain) << "x)";
        if (an.sparse && !fit)
          llvm::errs() << "; stays dense in int8: no form expected " << llvm::format("%.2f", (double)minGain)
                       << "x over it";
        llvm::errs() << "\n";
      }
      if (!fit)
        continue;
      float alpha = op.getAlpha().convertToFloat();
      std::string key = constantKey(c);
      OpBuilder b(op);
      Operation *sp;
      if (q8) {
        // int8-dynamic's scheme: A per row to u8, W per column to s8.
        PerColumnInt8 qw = quantizePerColumn(K, N, at, alpha);
        std::vector<int8_t> values;
        auto [indices, offsets] = encodeBlocks<int8_t>(
            K, N, at, [&](int64_t k, int64_t n) { return qw.q[k * N + n]; }, fit->block, 1, values);
        SparseWeight sw;
        Value scale, colsum;
        {
          OpBuilder cb(c);
          MLIRContext *ctx = cb.getContext();
          sw = tableConstants<int8_t>(cb, c.getLoc(), fit->block, IntegerType::get(ctx, 8), values, indices,
                                      offsets, key);
          scale = resourceConstant<float>(cb, c.getLoc(), {N}, Float32Type::get(ctx), qw.scale, key + "_sp_scale");
          colsum = resourceConstant<int32_t>(cb, c.getLoc(), {N}, IntegerType::get(ctx, 32), qw.colsum,
                                             key + "_sp_colsum");
        }
        auto [q, aScale, aZero] = quantizeRows(b, op.getLoc(), op.getLhs());
        sp = b.create<kernel::SparseQMatMulOp>(
            op.getLoc(), op.getResult().getType(), q, sw.values, sw.indices, sw.offsets, aScale, aZero, scale,
            colsum, op.getBias(), ValueRange(), b.getI64IntegerAttr(fit->block.bk),
            b.getI64IntegerAttr(fit->block.bn), b.getI64IntegerAttr(fit->maxPerColumn), ArrayAttr());
      } else {
        // Fewer rows than a vector: the kernel's FMAs are scalar, one chain per
        // output unless the lists come in groups of independent partial sums.
        int64_t group = rows < lanes ? kDecodeGroup : 1;
        int64_t maxBlocks = (fit->maxPerColumn + group - 1) / group * group;
        std::vector<float> values;
        auto [indices, offsets] =
            fit->nm ? encodeNM(K, N, at, an.nmN, an.nmM, alpha, values)
                    : encodeBlocks<float>(
                          K, N, at, [&](int64_t k, int64_t n) { return at(k, n) * alpha; }, fit->block, group,
                          values);
        if (fit->chunk)
          maxBlocks = chunkMajor(indices, values, offsets, fit->chunk, (K + fit->block.bk - 1) / fit->block.bk,
                                 fit->block.bk * fit->block.bn);
        SparseWeight sw;
        {
          OpBuilder cb(c);
          sw = tableConstants<float>(cb, c.getLoc(), fit->block, Float32Type::get(cb.getContext()), values,
                                     indices, offsets, key);
        }
        sp = b.create<kernel::SparseMatMulOp>(
            op.getLoc(), op.getResult().getType(), op.getLhs(), sw.values, sw.indices, sw.offsets, op.getBias(),
            ValueRange(), b.getI64IntegerAttr(fit->block.bk), b.getI64IntegerAttr(fit->block.bn),
            b.getI64IntegerAttr(maxBlocks), ArrayAttr(), b.getI64IntegerAttr(group),
            fit->chunk ? b.getI64IntegerAttr(fit->chunk) : IntegerAttr());
      }
      op.getResult().replaceAllUsesWith(sp->getResult(0));
      op.erase();
      if (c->use_empty())
        c.erase();
    }
  }
};

} // namespace
