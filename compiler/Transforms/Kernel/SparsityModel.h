//===- SparsityModel.h - A weight's zero structure and the sparse format it pays to use -*- C++ -*-===//
//
// kiln-sparsify measures each constant weight at compile time and asks this
// model whether a kernel.sparse_matmul beats the dense kernel, at which
// block shape. The costs are per multiply-add relative to the dense
// kernel's, measured on the kernels Kiln generates (see Sparsify.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TRANSFORMS_KERNEL_SPARSITYMODEL_H
#define KILN_TRANSFORMS_KERNEL_SPARSITYMODEL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <functional>
#include <string>

namespace kiln::sparsity {

/// A block shape: bk rows along K by bn columns along N.
struct Block {
  int64_t bk = 1, bn = 1;
};

/// One block shape's fit to a weight.
struct BlockFit {
  Block block;
  int64_t blocks = 0;      ///< blocks holding a nonzero
  int64_t maxPerColumn = 0; ///< the most in one column block (the loop bound)
  double fill = 0;         ///< nonzeros / stored entries (blocks * bk * bn)
  double gain = 0;         ///< expected dense time / sparse time
  /// Block rows per chunk of the chunked kernel (kernel.sparse_matmul's
  /// `chunk`: lists per chunk of K and column, the columns walked inside each
  /// chunk), or 0 for one list per column.
  int64_t chunk = 0;
  bool nm = false; ///< the N:M form: 1x1, every column padded to N per group of M
  double listGain = 0; ///< the gain with one list per column (no chunks)
};

/// What the model measured and chose for one weight W [K, N].
struct Analysis {
  int64_t K = 0, N = 0, nonzeros = 0;
  double density = 0;
  /// The finest N:M along K every column meets (N of each M consecutive k,
  /// M in {4, 8}, N <= M / 2), or {0, 0}.
  int64_t nmN = 0, nmM = 0;
  llvm::SmallVector<BlockFit> fits; ///< every candidate block shape
  BlockFit best;                    ///< the highest gain
  bool sparse = false;              ///< best.gain >= the pass's threshold
  std::string reason;               ///< why it stayed dense, when it did
};

/// Measures W (read through `at(k, n)`) for the candidate block shapes and
/// picks the best for `rows` rows of A (M) at `vectorLanes` f32 lanes.
Analysis analyze(int64_t K, int64_t N, const std::function<float(int64_t, int64_t)> &at, int64_t rows,
                 int64_t vectorLanes, double minGain);

/// One line for --stats: density, N:M, the choice and its expected gain.
std::string describe(const Analysis &a);

} // namespace kiln::sparsity

#endif // KILN_TRANSFORMS_KERNEL_SPARSITYMODEL_H
