//===- SparsityModel.cpp - A weight's zero structure and the sparse format it pays to use -===//
#include "compiler/Transforms/Kernel/SparsityModel.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace kiln;
using namespace kiln::sparsity;

namespace {

// The dense kernel's share of the FMA peak on BERT-base's shapes (measured:
// 84-93%, docs/benchmark.md).
constexpr double kDenseEfficiency = 0.85;

/// The sparse kernel's share of the FMA peak per stored multiply-add, when A
/// has a vector of rows or more. Its inner loop does one FMA per vector of
/// A's rows loaded, and those loads come from L2 (a row of A is reused by
/// few columns), so it runs at the L2's bandwidth; a row loaded for a block
/// of bn columns along N feeds bn FMAs. Measured with the Halide profiler on
/// BERT-base pruned by kiln-compile --prune (s128, 1 thread, Xeon with
/// AVX-512): 1x1 blocks at 90% 0.21, 4x1 at 80% 0.28, 1x4 at 80% 0.49 of
/// the peak the dense kernel runs at 0.85 of.
double sparseEfficiency(Block b) {
  double e = 0.21 * (1.0 + 0.45 * double(b.bn - 1));
  if (b.bk > 1)
    e *= 1.0 + 0.15 * std::log2(double(b.bk)); // 4x1: 0.27
  return std::min(e, 0.7);
}

/// The chunked kernels' share of the peak per stored multiply-add. Lists
/// cut into chunks of 64 k, walked chunk by chunk with the columns inside, so
/// a chunk's band of A's rows (32 KiB at 128 rows) stays in L1 while the
/// columns go by, and the accumulators are loaded and stored once per chunk
/// and column (kiln-run and Halide prototypes, Zen 4, 1 thread, 128 rows,
/// the transposes of A and of the result included):
/// - the N:M form (2:4 and 4:8: every list the same length, no predicate):
///   BERT-base's 2:4 shapes in 0.68-0.71 of the dense kernel's time, 0.70 of
///   the peak per stored FMA;
/// - 4x1 blocks at 80%: 0.51-0.55 of the peak (0.32-0.42 with one list per
///   column, the form below): 4 rows of the band per index and 8 FMAs per
///   row. Lists of 3 blocks per chunk and column on average; 8x1 blocks, 2 per
///   list, are priced the same.
constexpr double kNmEfficiency = 0.6;
constexpr double kChunkedBlockEfficiency = 0.5;

/// Band of K per chunk: 64 k (chunks of 32 entries of 2:4 ran 0.93-0.97 of
/// the time of 16; 4x1 blocks in chunks of 16 block rows 0.67-0.85 of 8 or 32).
constexpr int64_t kChunkK = 64;

/// Gain when A has fewer rows than a vector (a decode step): both kernels
/// are bound by the bytes they read. Dense reads 4 bytes per weight; sparse
/// 4 per stored entry and per block index, plus its scalar FMAs, each
/// costing about what reading 4 bytes does at one core's bandwidth.
double memoryGain(int64_t K, int64_t N, int64_t stored, int64_t blocks, int64_t rows) {
  double dense = 4.0 * double(K) * double(N);
  double sparse = 4.0 * double(stored) + 4.0 * double(blocks) + 4.0 * double(stored) * double(rows);
  return dense / std::max(sparse, 1.0);
}

const Block kCandidates[] = {{1, 1}, {2, 1}, {4, 1}, {8, 1}, {1, 4}, {1, 8}, {1, 16}, {4, 4}};

} // namespace

Analysis sparsity::analyze(int64_t K, int64_t N, const std::function<float(int64_t, int64_t)> &at, int64_t rows,
                           int64_t vectorLanes, double minGain) {
  Analysis a;
  a.K = K;
  a.N = N;
  std::vector<uint8_t> nz(K * N);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      if (at(k, n) != 0.0f) {
        nz[k * N + n] = 1;
        ++a.nonzeros;
      }
  a.density = double(a.nonzeros) / double(std::max<int64_t>(K * N, 1));
  // Past this density no block shape pays (the best, 1x16 blocks, needs
  // under 0.7 / 0.85 / 1.25 = 66% stored): skip measuring them.
  if (a.density > 0.7) {
    llvm::raw_string_ostream(a.reason) << "dense weight";
    return a;
  }

  // N:M along K, per column, groups aligned at k = 0.
  for (int64_t m : {4, 8}) {
    int64_t most = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t g = 0; g < K; g += m) {
        int64_t c = 0;
        for (int64_t k = g; k < std::min(K, g + m); ++k)
          c += nz[k * N + n];
        most = std::max(most, c);
      }
    // Only a pattern the density fills (2:4 at 50%), not any sparse weight.
    if (a.nonzeros && most <= m / 2 && a.density >= 0.9 * double(most) / double(m) &&
        (!a.nmM || double(most) / m < double(a.nmN) / a.nmM)) {
      a.nmN = most;
      a.nmM = m;
    }
  }

  for (Block b : kCandidates) {
    if (b.bk > K || b.bn > N)
      continue;
    BlockFit f;
    f.block = b;
    int64_t rowBlocks = (K + b.bk - 1) / b.bk, colBlocks = (N + b.bn - 1) / b.bn;
    for (int64_t j = 0; j < colBlocks; ++j) {
      int64_t count = 0;
      for (int64_t r = 0; r < rowBlocks; ++r) {
        bool any = false;
        for (int64_t k = r * b.bk; k < std::min(K, (r + 1) * b.bk) && !any; ++k)
          for (int64_t n = j * b.bn; n < std::min(N, (j + 1) * b.bn) && !any; ++n)
            any = nz[k * N + n];
        count += any;
      }
      f.blocks += count;
      f.maxPerColumn = std::max(f.maxPerColumn, count);
    }
    int64_t stored = f.blocks * b.bk * b.bn;
    f.fill = stored ? double(a.nonzeros) / double(stored) : 1.0;
    // Blocks of 4 or more along K, one column wide, run chunked.
    bool chunked = rows >= vectorLanes && b.bn == 1 && b.bk >= 4;
    if (chunked)
      f.chunk = kChunkK / b.bk;
    double perStored = double(K) * double(N) / (kDenseEfficiency * double(std::max<int64_t>(stored, 1)));
    if (rows >= vectorLanes) {
      f.listGain = sparseEfficiency(b) * perStored;
      f.gain = chunked ? kChunkedBlockEfficiency * perStored : f.listGain;
    } else {
      f.gain = f.listGain = memoryGain(K, N, stored, f.blocks, rows);
    }
    a.fits.push_back(f);
    if (f.gain > a.best.gain)
      a.best = f;
  }
  // The N:M form: columns padded to exactly nmN entries per group.
  if (a.nmM && 2 * a.nmN == a.nmM && rows >= vectorLanes) {
    int64_t perColumn = (K + a.nmM - 1) / a.nmM * a.nmN;
    BlockFit f;
    f.blocks = perColumn * N;
    f.maxPerColumn = perColumn;
    f.fill = double(a.nonzeros) / double(f.blocks);
    f.gain = kNmEfficiency * double(K) * double(N) / (kDenseEfficiency * double(f.blocks));
    f.chunk = kChunkK;
    f.nm = true;
    a.fits.push_back(f);
    if (f.gain > a.best.gain)
      a.best = f;
  }
  a.sparse = a.best.gain >= minGain;
  if (!a.sparse) {
    llvm::raw_string_ostream os(a.reason);
    os << "expected gain " << llvm::format("%.2f", a.best.gain) << "x < " << llvm::format("%.2f", minGain) << "x";
  }
  return a;
}

std::string sparsity::describe(const Analysis &a) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << a.K << "x" << a.N << " (K x N): density " << llvm::format("%.3f", a.density);
  if (a.nmM)
    os << ", " << a.nmN << ":" << a.nmM;
  const BlockFit &b = a.best;
  if (a.sparse && b.nm)
    os << "; sparse " << a.nmN << ":" << a.nmM << " (" << b.blocks << " entries, fill " << llvm::format("%.2f", b.fill)
       << ", chunks of " << b.chunk * b.block.bk << " k), expected " << llvm::format("%.2f", b.gain) << "x";
  else if (a.sparse)
    os << "; sparse " << b.block.bk << "x" << b.block.bn << " blocks (" << b.blocks << ", fill "
       << llvm::format("%.2f", b.fill) << (b.chunk ? ", chunks of " + std::to_string(b.chunk * b.block.bk) + " k" : "")
       << "), expected " << llvm::format("%.2f", b.gain) << "x";
  else if (a.fits.empty())
    os << "; dense: " << a.reason;
  else
    os << "; dense: " << a.reason << " (best " << (b.nm ? "N:M" : std::to_string(b.block.bk) + "x" + std::to_string(b.block.bn)) << ")";
  return s;
}
