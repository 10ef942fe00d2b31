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
    if (rows >= vectorLanes)
      f.gain = sparseEfficiency(b) * double(K) * double(N) / (kDenseEfficiency * double(std::max<int64_t>(stored, 1)));
    else
      f.gain = memoryGain(K, N, stored, f.blocks, rows);
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
  if (a.sparse)
    os << "; sparse " << b.block.bk << "x" << b.block.bn << " blocks (" << b.blocks << ", fill "
       << llvm::format("%.2f", b.fill) << "), expected " << llvm::format("%.2f", b.gain) << "x";
  else if (a.fits.empty())
    os << "; dense: " << a.reason;
  else
    os << "; dense: " << a.reason << " (best " << b.block.bk << "x" << b.block.bn << ")";
  return s;
}
