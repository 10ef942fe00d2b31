//===- PruneModel.h - kiln-compile --prune: zero weights of an ONNX model -===//
//
// How users make sparse models for Kiln's sparse kernels (docs/sparsity.md).
// The pruner edits the ModelProto, not the compiled module, so the pruned
// model can be written out (--emit-onnx) and run by any ONNX engine.
//
// What is pruned: each f32 initializer of rank 2 whose every use is the B
// operand of a MatMul or a Gemm (the same orientation at each use), viewed as
// the matmul's [K, N] (a Gemm with transB=1 stores [N, K]). Anything else
// (embeddings, biases, norms, weights computed by nodes, Constant nodes) is
// left as it is.
//
// Ranking, for every method: a smaller |w| (block: L2 norm) is pruned first;
// on a tie the later entry (block) is pruned first, so the count is exact and
// the result does not depend on the sort; NaN ranks above everything (kept).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_COMMON_PRUNEMODEL_H
#define KILN_TOOLS_COMMON_PRUNEMODEL_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::tools {

struct PruneSpec {
  enum class Method { Magnitude, NM, Block };
  Method method = Method::Magnitude;
  /// Magnitude, Block: the share of entries (blocks) zeroed, in [0, 100].
  double percent = 0;
  /// NM: keep the N largest of every M consecutive entries along K.
  int64_t n = 0, m = 0;
  /// Block: R along K by C along N.
  int64_t rows = 0, cols = 0;
  std::string text; ///< as the user wrote it
};

/// Parses magnitude:P%, nm:N:M or block:RxC:P%. False with `error` set.
bool parsePruneSpec(llvm::StringRef text, PruneSpec &spec, std::string &error);

/// How many of `total` entries (blocks) P% is: rounded to the nearest, half up.
int64_t prunedCount(int64_t total, double percent);

/// Prunes one weight in place. Entry (k, n) of the [K, N] matmul view is
/// w[k * strideK + n * strideN].
void pruneWeight(float *w, int64_t K, int64_t N, int64_t strideK, int64_t strideN, const PruneSpec &spec);

/// One pruned initializer, for --stats.
struct PrunedWeight {
  std::string name;
  std::vector<int64_t> shape; ///< as stored
  bool transposed = false;    ///< stored [N, K] (Gemm transB=1)
  int64_t nonzeros = 0, total = 0;
};

/// Reads the model at `input` (binary, or ONNX text when it ends in .onnxtxt),
/// prunes it by `spec` and writes it to `output` as a binary ModelProto:
/// every tensor inline while the model stays under protobuf's 2 GiB, else the
/// large ones in one external-data file beside it (OUTPUT.data). External
/// data of the input is read with the importer's checks (it may not leave the
/// model's folder). Nothing but the pruned weights' values changes (and the
/// storage of external tensors). `output` appears only when all went well.
/// False with `error` set, naming the initializer where one is at fault.
bool pruneModelFile(const std::string &input, const std::string &output, const PruneSpec &spec,
                    std::vector<PrunedWeight> &pruned, std::string &error);

/// One --stats line per pruned weight: name, stored shape, density.
void printPruneStats(const std::vector<PrunedWeight> &pruned, llvm::raw_ostream &os);

} // namespace kiln::tools

#endif
