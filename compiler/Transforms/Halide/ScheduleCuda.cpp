//===- ScheduleCuda.cpp - the kiln-schedule-cuda pass -===//
//
// Writes `halide.schedule cuda` from each kernel's recipe: every stage that
// is not the output computed at root, each stage gpu_tile'd one thread per
// point.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Halide/Schedules.h"
#include "compiler/Transforms/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_SCHEDULECUDA
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

/// The attention recipes: every stage but out at root over its canonical
/// [batch..., rest...] extents, one thread per element; symbolic extents
/// (rows, padded keys) tiled as if large. The blocked form's loop over key
/// blocks stays serial inside each thread of the state (with `causal` or the
/// sparse form's choice, a thread skips its blocks; the block stages at root
/// are computed whole: correct, not faster).
static void scheduleAttention(OpBuilder &s, halide::KernelOp kernel) {
  schedule::AttentionLayout a(kernel);
  SmallVector<int64_t> batch(a.shape.begin(), a.shape.begin() + a.nb);
  auto root = [&](StringRef f, ArrayRef<int64_t> rest, bool update) {
    SmallVector<int64_t> x(batch);
    x.append(rest.begin(), rest.end());
    s.create<halide::ComputeRootOp>(s.getUnknownLoc(), f);
    schedule::cudaPointwise(s, f, x, update);
  };
  int64_t rows = a.rows, E = a.E, W = a.W, Kp = a.Kp;
  root("kt", {a.D, Kp}, false);
  if (a.int8) {
    // Built for CPU targets with VNNI only (Attention.cpp); both schedules
    // are written for every kernel, so this one is correct, not tuned.
    root("kmx", {Kp}, true);
    root("ksum", {Kp}, true);
    root("vmx", {E}, true);
    if (a.qparts)
      root("qmx_part", {rows, W}, true);
    root("qmx", {rows}, true);
    root("mref", {rows}, false);
    root("kinv", {Kp}, false);
    root("vinv", {E}, false);
    root("qinv", {rows}, false);
  }
  if (!a.blocked) {
    root("s", {rows, Kp}, true);
    root("sc", {rows, Kp}, false);
    for (StringRef f : {"mx", "sum"}) {
      if (a.parts)
        root((f + "_part").str(), {rows, W}, true);
      root(f, {rows}, true);
    }
    root("ex", {rows, Kp}, false);
    if (a.probs)
      root("p", {rows, Kp}, false);
    root("o", {rows, E}, true);
    return;
  }
  int64_t KB = a.KB, blocks = Kp / KB;
  if (a.sparse) {
    // Explicit row tiles (t, ii) of the lowering's sparseRowTile(W) rows.
    // The estimate's strided dims are tiled as if rows and Kp wide: every
    // read there is clamped, so a grown realization is safe.
    int64_t TI = W >= 16 ? 8 : 4, T = (rows + TI - 1) / TI, QB = (rows + KB - 1) / KB;
    root("kst", {16, a.D, Kp}, false);
    root("raw", {rows, 16, Kp}, true);
    root("est", {rows, Kp}, true);
    for (StringRef f : {"emx", "esum"}) {
      if (a.parts)
        root((f + "_part").str(), {rows, W}, true);
      root(f, {rows}, true);
      if (f == "emx")
        root("ee", {rows, Kp}, false);
    }
    root("mass", {QB, blocks}, true);
    root("tot", {QB}, true);
    root("above", {QB, blocks}, true);
    root("keep", {QB, blocks}, false);
    root("s", {T, TI, blocks, KB}, true);
    root("sc", {T, TI, blocks, KB}, false);
    for (StringRef f : {"bmx", "bsum"}) {
      if (a.parts)
        root((f + "_part").str(), {T, TI, blocks, W}, true);
      root(f, {T, TI, blocks}, true);
    }
    root("bref", {T, TI, blocks}, false);
    root("ex", {T, TI, blocks, KB}, false);
    root("bo", {T, TI, blocks, E}, true);
    root("st", {T, TI, E}, true);
    return;
  }
  root("s", {rows, blocks, KB}, true);
  root("sc", {rows, blocks, KB}, false);
  for (StringRef f : {"bmx", "bsum"}) {
    if (a.parts)
      root((f + "_part").str(), {rows, blocks, W}, true);
    root(f, {rows, blocks}, true);
  }
  root("bref", {rows, blocks}, false);
  root("ex", {rows, blocks, KB}, false);
  root("bo", {rows, blocks, E}, true);
  root("st", {rows, E}, true);
}

/// Appends kernel's cuda schedule for `recipe`.
static void scheduleCuda(halide::KernelOp kernel, halide::Recipe recipe) {
  OpBuilder s = schedule::scheduleRegion(kernel, halide::ScheduleTarget::Cuda);
  Location l = s.getUnknownLoc();
  halide::OutputOp out = schedule::outputOf(kernel);
  SmallVector<int64_t> shape = schedule::rowMajorShape(out.getExtents());
  auto root = [&](StringRef f, ArrayRef<int64_t> fShape) {
    s.create<halide::ComputeRootOp>(l, f);
    schedule::cudaPointwise(s, f, fShape, /*hasUpdate=*/true);
  };
  switch (recipe) {
  case halide::Recipe::Pointwise:
    break;
  case halide::Recipe::RootUpdate:
    for (halide::FuncOp f : schedule::rootFuncs(kernel, recipe))
      root(f.getSymName(), schedule::rootShape(f));
    break;
  case halide::Recipe::RowSums:
    schedule::cudaPointwise(s, out.getFunc(), shape);
    for (halide::FuncOp f : schedule::rootFuncs(kernel, recipe))
      root(f.getSymName(), schedule::rootShape(f));
    return;
  case halide::Recipe::QMatMul: {
    // u8 x s8 in groups of 4 k, vectorized atomically: Halide's PTX backend
    // turns the 4-wide i32 VectorReduce into dp4a (sm_61 and later). B is
    // not packed for CUDA, so the 4 k of B are a strided gather.
    int64_t K = schedule::reductionExtent(kernel, "acc");
    s.create<halide::ComputeRootOp>(l, "acc");
    if (K > 0 && K % 4 == 0) {
      s.create<halide::SplitOp>(l, "acc", "r0", "r0_o", "r0_i", 4, 1);
      s.create<halide::AtomicOp>(l, "acc", 1);
      s.create<halide::VectorizeOp>(l, "acc", "r0_i", 4, 1);
    }
    schedule::cudaPointwise(s, "acc", shape, /*hasUpdate=*/true);
    break;
  }
  case halide::Recipe::MatMul:
  case halide::Recipe::Conv:
    root("acc", shape);
    break;
  case halide::Recipe::OutlierMatMul:
    // Correct, not tuned: t at root, one thread per point, k predicated.
    root("t", shape);
    break;
  case halide::Recipe::Attention:
  case halide::Recipe::AttentionBlocked:
  case halide::Recipe::AttentionInt8:
    scheduleAttention(s, kernel);
    break;
  case halide::Recipe::W4MatMul: {
    // Correct, not tuned: each stage at root, one thread per point. Shapes
    // (W4MatMul.cpp): asum [b..., M, KB], blk [b..., P, KB, M, NR], acc
    // [b..., P, M, NR]; KB from the scales input [P, KB, NR].
    size_t rank = shape.size();
    int64_t NR = *kernel.getBPanel(), M = shape[rank - 2], P = (shape[rank - 1] + NR - 1) / NR;
    int64_t KB = schedule::inputShape(kernel, "in2")[1];
    SmallVector<int64_t> b(shape.begin(), shape.end() - 2), asum(b), blk(b), acc(b);
    asum.append({M, KB});
    blk.append({P, KB, M, NR});
    acc.append({P, M, NR});
    root("asum", asum);
    root("blk", blk);
    root("acc", acc);
    break;
  }
  case halide::Recipe::SparseMatMul:
  case halide::Recipe::SparseMatMulChunked: {
    // One thread per accumulator (column, row): a warp's threads take
    // neighbouring rows, so at's row reads coalesce and the block's weight is
    // one broadcast; each thread walks its column block's own count. Shapes
    // (SparseMatMul.cpp): at [b..., K', M], acc [b..., NB, BN, M]; A is in0,
    // values [nnzb, BK, BN] in1.
    size_t rank = shape.size();
    SmallVector<int64_t> a = schedule::inputShape(kernel, "in0"), v = schedule::inputShape(kernel, "in1");
    int64_t M = shape[rank - 2], K = a.back(), BK = v[1], BN = v[2];
    SmallVector<int64_t> at(shape.begin(), shape.end() - 2), acc(at);
    at.append({(K + BK - 1) / BK * BK, M});
    acc.append({(shape[rank - 1] + BN - 1) / BN, BN, M});
    s.create<halide::ComputeRootOp>(l, "at");
    schedule::cudaPointwise(s, "at", at);
    s.create<halide::ComputeRootOp>(l, "acc");
    // An all-zero weight has no update (SparseMatMul.cpp).
    schedule::cudaPointwise(s, "acc", acc, /*hasUpdate=*/schedule::reductionExtent(kernel, "acc") > 0);
    break;
  }
  case halide::Recipe::SparseQMatMul: {
    // SparseMatMul's threads (one per accumulator, a warp along the rows),
    // with the 4 k of an i32 lane (r0) vectorized atomically: dp4a, as
    // QMatMul. Shapes (SparseQMatMul.cpp): at4 [b..., K'/4, M, 4], acc [b...,
    // NB, BN, M]; A is in0, values [nnzb, BK, BN] in1.
    size_t rank = shape.size();
    SmallVector<int64_t> a = schedule::inputShape(kernel, "in0"), v = schedule::inputShape(kernel, "in1");
    int64_t M = shape[rank - 2], K = a.back(), BK = v[1], BN = v[2];
    SmallVector<int64_t> at4(shape.begin(), shape.end() - 2), acc(at4);
    at4.append({(K + BK - 1) / BK * BK / 4, M, 4});
    acc.append({(shape[rank - 1] + BN - 1) / BN, BN, M});
    s.create<halide::ComputeRootOp>(l, "at4");
    schedule::cudaPointwise(s, "at4", at4);
    s.create<halide::ComputeRootOp>(l, "acc");
    bool update = schedule::reductionExtent(kernel, "acc") > 0; // none for an all-zero weight
    if (update) {
      s.create<halide::AtomicOp>(l, "acc", 1);
      s.create<halide::VectorizeOp>(l, "acc", "r0", 4, 1);
    }
    schedule::cudaPointwise(s, "acc", acc, update);
    break;
  }
  case halide::Recipe::QMatMulPacked:
  case halide::Recipe::QMatMulPairs: // CPU only (AVX2 without VNNI)
  case halide::Recipe::MatMulPacked: {
    // acc in panel coordinates [batch..., N/NR, M, NR]. CUDA does not pack
    // (kiln-pack-weights runs for CPU targets); kept correct anyway.
    size_t rank = shape.size();
    int64_t NR = *kernel.getBPanel();
    SmallVector<int64_t> accShape(shape.begin(), shape.end() - 2);
    accShape.append({shape[rank - 1] / NR, shape[rank - 2], NR});
    root("acc", accShape);
    break;
  }
  }
  // kernel.qmatmul's own row quantization (QMatMul.cpp): each stage at root,
  // one thread per row (the row reductions) or per element; correct, not tuned.
  if (halide::FuncOp aq = schedule::funcNamed(kernel, "aq")) {
    ArrayRef<int64_t> aShape = schedule::rootShape(aq);
    SmallVector<int64_t> rows(aShape.drop_back());
    for (StringRef r : {"nsum", "nsq", "alo", "ahi"}) {
      if (!schedule::funcNamed(kernel, r))
        continue;
      std::string part = (r + "_part").str();
      if (schedule::funcNamed(kernel, part)) {
        SmallVector<int64_t> lanes(rows);
        lanes.push_back(schedule::reductionExtent(kernel, r));
        root(part, lanes);
      }
      root(r, rows);
    }
    for (StringRef f : {"nst", "arow"})
      if (schedule::funcNamed(kernel, f)) {
        s.create<halide::ComputeRootOp>(l, f);
        schedule::cudaPointwise(s, f, rows);
      }
    s.create<halide::ComputeRootOp>(l, "aq");
    schedule::cudaPointwise(s, "aq", aShape);
  }
  schedule::cudaPointwise(s, out.getFunc(), shape);
}

namespace {
struct ScheduleCudaPass : kiln::impl::ScheduleCudaBase<ScheduleCudaPass> {
  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<halide::KernelOp>()) {
      std::optional<halide::Recipe> recipe = kernel.getRecipe();
      bool scheduled = schedule::hasSchedule(kernel, halide::ScheduleTarget::Cuda);
      if (!recipe) {
        kernel.emitOpError("has no recipe to schedule");
        return signalPassFailure();
      }
      if (scheduled) {
        kernel.emitOpError("is already scheduled for cuda");
        return signalPassFailure();
      }
      if (!schedule::outputOf(kernel)) {
        kernel.emitOpError("has no halide.output to schedule");
        return signalPassFailure();
      }
      scheduleCuda(kernel, *recipe);
    }
  }
};
} // namespace
