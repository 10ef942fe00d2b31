//===- ScheduleCpu.cpp - the kiln-schedule-cpu pass -===//
//
// Writes `halide.schedule cpu` from each kernel's recipe. The vector width
// is the module's halide.target's (32 bytes without one).
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Halide/Schedules.h"
#include "compiler/Transforms/Passes.h"

#include <algorithm>
#include <numeric>

namespace kiln {
#define GEN_PASS_DEF_SCHEDULECPU
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using schedule::var;

/// Rows a matmul's register tile assumes for a symbolic M.
static constexpr int64_t kAssumedRows = 1024;

namespace {
/// The attention recipes (the funcs of Attention.cpp): out in tiles of TI
/// query rows, every stage but K^T computed per tile (blocked: per block of
/// keys, inside the loop of the running state's update).
struct AttentionCpu {
  OpBuilder &s;
  Location l;
  schedule::AttentionLayout a;
  // TI rows x NR vectors of accumulators per register tile, at most
  // `accumulators` of them: 24 of AVX-512's 32 registers, 8 of AVX2's 16
  // (the rest hold the loaded vectors and broadcasts).
  int64_t TI, accumulators;
  bool tiled;
  std::string i, tile, headLoop;

  AttentionCpu(OpBuilder &s, halide::KernelOp kernel)
      : s(s), l(s.getUnknownLoc()), a(kernel), TI(rowTile(a)), accumulators(a.W >= 16 ? 24 : 8),
        tiled(schedule::staticOr(a.rows, TI) >= TI), i(var(a.nb)) {} // symbolic rows: guarded tiles

  /// Rows per tile: 8 on AVX-512 (4 on AVX2), or 6 where fewer rows are
  /// computed: the last tile shifts inwards, so ceil(rows / TI) * TI rows
  /// are. ViT's 197: 198 rows in tiles of 6, whose P V tile then holds all
  /// of E = 64 (6 x 4 vectors): 4-5% faster than tiles of 8 (200 rows, P V
  /// in two passes of 8 x 2 vectors); BERT's 128 stays at 8 (6: 3% slower).
  static int64_t rowTile(const schedule::AttentionLayout &a) {
    if (a.W < 16)
      return 4;
    if (a.sparse) // the lowering's explicit tiles (sparseRowTile)
      return 8;
    int64_t rows = a.rows;
    auto computed = [&](int64_t t) { return (rows + t - 1) / t * t; };
    if (ShapedType::isDynamic(rows) || rows < 8 || computed(6) >= computed(8))
      return 8;
    return 6;
  }

  /// out's loops: batch..., heads, row tiles, rows, e (vectorized); with
  /// merged heads, out's last dim c splits into heads (c_o) and e (c_i).
  void out() {
    size_t nb = a.nb, outer = nb;
    std::string oi = i, oe = var(nb + 1), head = nb ? var(nb - 1) : "";
    if (a.merged) {
      std::string c = var(nb);
      oi = var(nb - 1);
      oe = c + "_i";
      head = c + "_o";
      outer = nb - 1;
      s.create<halide::SplitOp>(l, "out", c, head, oe, a.E, 0);
    }
    tile = tiled ? oi + "_o" : head;
    if (tiled)
      s.create<halide::SplitOp>(l, "out", oi, oi + "_o", oi + "_i", TI, 0);
    SmallVector<std::string> order{oe, tiled ? oi + "_i" : oi};
    if (tiled)
      order.push_back(oi + "_o");
    if (a.merged)
      order.push_back(head);
    for (size_t x = outer; x-- > 0;)
      order.push_back(var(x));
    s.create<halide::ReorderOp>(l, "out", s.getStrArrayAttr(SmallVector<StringRef>(order.begin(), order.end())), 0);
    if (a.E >= a.W && (!a.merged || a.E % a.W == 0))
      s.create<halide::VectorizeOp>(l, "out", oe, a.W, 0);
    std::string par = a.merged ? head : (tiled ? oi + "_o" : "");
    // A symbolic batch may be 1 at run time: heads or row tiles stay parallel.
    for (size_t x = 0; x < outer; ++x)
      if (a.shape[x] > 1) {
        par = var(x);
        break;
      }
    if (!par.empty())
      s.create<halide::ParallelOp>(l, "out", par, 0);
    headLoop = head;
    transposeK(head);
    packV(head);
  }

  /// V per head into a dense [keys, E] block when more than one row tile
  /// reads it: the QKV projection's rows lie 3 * heads * E apart (9 KB in
  /// ViT-base, a TLB miss per key and no prefetch), so P V waited on its
  /// loads (ViT, 197 tokens: P V at 64% of the FMA peak, 80% packed).
  void packV(StringRef head) {
    if (!a.vt || head.empty() || schedule::staticOr(a.rows, 2 * TI) <= TI)
      return;
    s.create<halide::ComputeAtOp>(l, "vt", "out", head);
    if (a.E >= a.W)
      s.create<halide::VectorizeOp>(l, "vt", var(a.nb + 1), a.W, 0);
  }

  /// K^T once per head (at loop `head` of out, root without one). The
  /// transpose (kt, or kin when kt pads the keys) goes in blocks of W keys x
  /// W of the head dim: a vector of W keys per unrolled d, its loads from the
  /// block's W rows of K, which stay in L1 across the block. ViT-base (1
  /// thread, Intel Xeon with AVX-512, Linux perf): 4.5% of the kernel's
  /// time; scalar copies key by key took 10-15% (a TLB miss per key row of
  /// the QKV buffer, 9 KB apart), both dims vectorized 7%, and a vector of
  /// keys with d outermost (no blocks) made the kernel a third slower. kt
  /// then copies kin in vectors.
  void transposeK(StringRef head) {
    for (StringRef f : {"kin", "kt"}) {
      if (f == "kin" && !a.kin)
        continue;
      if (!head.empty())
        s.create<halide::ComputeAtOp>(l, f, "out", head);
      else
        s.create<halide::ComputeRootOp>(l, f);
    }
    std::string d = var(a.nb), j = var(a.nb + 1);
    StringRef t = a.kin ? "kin" : "kt";
    if (a.kin)
      s.create<halide::VectorizeOp>(l, "kt", j, a.W, 0);
    s.create<halide::SplitOp>(l, t, j, j + "_o", j + "_i", a.W, 0);
    s.create<halide::SplitOp>(l, t, d, d + "_o", d + "_i", a.W, 0);
    s.create<halide::ReorderOp>(l, t, s.getStrArrayAttr({j + "_i", d + "_i", j + "_o", d + "_o"}), 0);
    s.create<halide::VectorizeOp>(l, t, j + "_i", a.W, 0);
    s.create<halide::UnrollOp>(l, t, d + "_i", 0);
  }

  /// Computes `f` at loop `v` of `at`, or by default per row tile of out.
  void computeAt(StringRef f, StringRef at = "", StringRef v = "") {
    if (!at.empty())
      s.create<halide::ComputeAtOp>(l, f, at, v);
    else if (tile.empty())
      s.create<halide::ComputeRootOp>(l, f);
    else
      s.create<halide::ComputeAtOp>(l, f, "out", tile);
  }

  /// A rows x NR register tile of update `f` over its last dim `x` (extent n,
  /// a multiple of W), the reduction outermost in it: NR is 4, 2 or 1
  /// vectors, the most that divides n within the accumulator budget. NR must
  /// divide n: with a tail, Halide's split update stage accumulated some
  /// columns twice. `dot4`: an i32 dot-product update (int8), whose 4
  /// products per lane (r0) are vectorized atomically inside the NR columns
  /// and the rest of its reduction (r1) is outermost: the VectorReduce Halide
  /// matches to vpdpbusd, as the packed qmatmul's.
  void registerTile(StringRef f, const std::string &x, int64_t n, std::string row = "", bool dot4 = false) {
    if (row.empty())
      row = i;
    int64_t W = a.W, NR = W;
    for (int64_t k : {4, 2})
      if (n % (k * W) == 0 && TI * k <= accumulators) {
        NR = k * W;
        break;
      }
    s.create<halide::VectorizeOp>(l, f, x, W, 0);
    s.create<halide::SplitOp>(l, f, x, x + "_o", x + "_i", NR, 1);
    if (dot4) {
      s.create<halide::ReorderOp>(l, f, s.getStrArrayAttr({"r0", x + "_i", row, "r1", x + "_o"}), 1);
      s.create<halide::AtomicOp>(l, f, 1);
      s.create<halide::VectorizeOp>(l, f, "r0", 4, 1);
    } else {
      s.create<halide::ReorderOp>(l, f, s.getStrArrayAttr({x + "_i", row, "r0", x + "_o"}), 1);
    }
    s.create<halide::VectorizeOp>(l, f, x + "_i", W, 1);
    s.create<halide::UnrollOp>(l, f, x + "_i", 1);
    // A symbolic row count's tile has a constant extent too: the translation
    // specializes out on rows >= TI (a shifted last tile) and else tiles by 1.
    if (tiled)
      s.create<halide::UnrollOp>(l, f, row, 1);
  }

  /// A row reduction over rows of rank `rowRank` and, with partials, its
  /// vector-wide partials (lane var var(rowRank)), computed at `at`.
  void rowReduction(StringRef f, size_t rowRank, StringRef at = "", StringRef v = "", bool parts = true) {
    computeAt(f, at, v);
    if (!a.parts || !parts)
      return;
    std::string p = (f + "_part").str(), lane = var(rowRank);
    computeAt(p, at, v);
    s.create<halide::VectorizeOp>(l, p, lane, a.W, 0);
    s.create<halide::VectorizeOp>(l, p, lane, a.W, 1);
    // The partials' lanes in one horizontal reduction, not W scalar steps
    // in a chain.
    s.create<halide::AtomicOp>(l, f, 1);
    s.create<halide::VectorizeOp>(l, f, "r0", a.W, 1);
  }

  /// One pass over all keys per row tile; scores a TI x NR register tile of
  /// s, the head dim outermost in it; P V a TI x E tile of o.
  void rowBlock() {
    std::string j = var(a.nb + 1);
    computeAt("s");
    computeAt("sc");
    bool symKeys = ShapedType::isDynamic(a.Kp);
    registerTile("s", j, symKeys ? 2 * a.W : a.Kp); // a symbolic Kp is a multiple of 2W
    s.create<halide::VectorizeOp>(l, "sc", j, a.W, 0);
    rowReduction("mx", a.nb + 1);
    rowReduction("sum", a.nb + 1);
    if (a.rsum)
      computeAt("rsum");
    computeAt("ex");
    s.create<halide::VectorizeOp>(l, "ex", j, a.W, 0);
    if (a.probs) {
      computeAt("p");
      s.create<halide::VectorizeOp>(l, "p", j, a.W, 0);
    }
    computeAt("o");
    if (a.E % a.W == 0)
      registerTile("o", j, a.E);
  }

  /// The int8 row-block form: K's and V's scales and packed bytes once per
  /// head (4 bytes of one key or value column to an i32 lane), the rest per
  /// row tile as rowBlock, Q K^T and P V as i32 register tiles.
  void rowBlockInt8() {
    size_t nb = a.nb;
    std::string j = var(nb + 1), lane = var(nb + 2), x = var(nb);
    for (StringRef f : {"kmx", "kinv", "kt8", "kq", "ksum", "vmx", "vinv", "vt8", "vq"}) {
      if (!headLoop.empty())
        s.create<halide::ComputeAtOp>(l, f, "out", headLoop);
      else
        s.create<halide::ComputeRootOp>(l, f);
    }
    // kmx(b, j), ksum(b, j), vmx(b, e): the keys (columns) in vectors, the
    // reduction outside them.
    for (StringRef f : {"kmx", "ksum", "vmx"}) {
      if (f == "vmx" && a.E < a.W)
        continue;
      s.create<halide::VectorizeOp>(l, f, x, a.W, 0);
      s.create<halide::ReorderOp>(l, f, s.getStrArrayAttr(f == "ksum" ? ArrayRef<StringRef>{x, "r0", "r1"}
                                                                       : ArrayRef<StringRef>{x, "r0"}), 1);
      s.create<halide::VectorizeOp>(l, f, x, a.W, 1);
    }
    // kt8(b, d, j), vt8(b, j, e) in vectors of keys and of values; kq(b,
    // d/4, j, d%4), vq(b, j/4, e, j%4) interleave 4 of them: 4 bytes x W
    // lanes a vector.
    s.create<halide::VectorizeOp>(l, "kinv", x, a.W, 0);
    if (a.E >= a.W)
      s.create<halide::VectorizeOp>(l, "vinv", x, a.W, 0);
    s.create<halide::VectorizeOp>(l, "kt8", j, a.W, 0);
    if (a.E >= a.W)
      s.create<halide::VectorizeOp>(l, "vt8", j, a.W, 0);
    s.create<halide::VectorizeOp>(l, "kq", lane, 4, 0);
    s.create<halide::VectorizeOp>(l, "kq", j, a.W, 0);
    s.create<halide::VectorizeOp>(l, "vq", lane, 4, 0);
    if (a.E >= a.W)
      s.create<halide::VectorizeOp>(l, "vq", j, a.W, 0);

    rowReduction("qmx", nb + 1, "", "", a.qparts);
    computeAt("qinv");
    computeAt("qu");
    if (a.D >= a.W)
      s.create<halide::VectorizeOp>(l, "qu", j, a.W, 0);
    computeAt("s");
    computeAt("sc");
    registerTile("s", j, a.Kp, "", /*dot4=*/true);
    s.create<halide::VectorizeOp>(l, "sc", j, a.W, 0);
    rowReduction("mx", nb + 1);
    rowReduction("sum", nb + 1);
    computeAt("mref");
    computeAt("rsum");
    for (StringRef f : {"ex", "pu"}) {
      computeAt(f);
      s.create<halide::VectorizeOp>(l, f, j, a.W, 0);
    }
    computeAt("o");
    if (a.E % a.W == 0)
      registerTile("o", j, a.E, "", /*dot4=*/true);
  }

  /// The state per row tile, its update's loop over blocks outermost; each
  /// block's scores, exps, sums and P V are computed inside that loop.
  void blocked() {
    std::string e = var(a.nb + 1), jj = var(a.nb + 2);
    computeAt("st");
    s.create<halide::VectorizeOp>(l, "st", e, a.W, 0);
    s.create<halide::ReorderOp>(l, "st", s.getStrArrayAttr({e, i, "r0"}), 1);
    s.create<halide::VectorizeOp>(l, "st", e, a.W, 1);
    for (StringRef f : {"s", "sc", "bref", "ex", "bo"})
      computeAt(f, "st", "r0");
    registerTile("s", jj, a.KB);
    s.create<halide::VectorizeOp>(l, "sc", jj, a.W, 0);
    rowReduction("bmx", a.nb + 2, "st", "r0");
    rowReduction("bsum", a.nb + 2, "st", "r0");
    s.create<halide::VectorizeOp>(l, "ex", jj, a.W, 0);
    registerTile("bo", jj, a.E);
  }

  /// Block-sparse: the block funcs gain the tile's lane ii (var nb + 1)
  /// before the block; the state's update runs the blocks inside the tile t
  /// and outside its lanes, so keep(tile, block), a predicate of both, guards
  /// the block's stages. The block choice is computed per head.
  void sparse() {
    size_t nb = a.nb;
    std::string t = var(nb), ii = var(nb + 1), e = var(nb + 2), jj = var(nb + 3);
    computeAt("st");
    s.create<halide::VectorizeOp>(l, "st", e, a.W, 0);
    s.create<halide::ReorderOp>(l, "st", s.getStrArrayAttr({e, ii, "r0", t}), 1);
    s.create<halide::VectorizeOp>(l, "st", e, a.W, 1);
    for (StringRef f : {"s", "sc", "bref", "ex", "bo"})
      computeAt(f, "st", "r0");
    registerTile("s", jj, a.KB, ii);
    s.create<halide::VectorizeOp>(l, "sc", jj, a.W, 0);
    rowReduction("bmx", nb + 3, "st", "r0");
    rowReduction("bsum", nb + 3, "st", "r0");
    s.create<halide::VectorizeOp>(l, "ex", jj, a.W, 0);
    registerTile("bo", jj, a.E, ii);
    selection();
  }

  /// XAttention's estimate and choice, once per head: K^T's strided columns
  /// kst, the antidiagonal products raw in 4 strided rows x 2 vectors of j'
  /// (the head dim outermost in them), their mean est, its softmax and the
  /// per-block masses, all vectorized over j'; the per-block ranks (a few
  /// hundred values a head) scalar.
  void selection() {
    size_t nb = a.nb;
    std::string ip = var(nb), jp2 = var(nb + 2), jp1 = var(nb + 1);
    auto at = [&](StringRef f) {
      if (headLoop.empty())
        s.create<halide::ComputeRootOp>(l, f);
      else
        s.create<halide::ComputeAtOp>(l, f, "out", headLoop);
    };
    for (StringRef f : {"kst", "raw", "est", "emx", "ee", "esum", "mass", "tot", "above", "keep"})
      at(f);
    s.create<halide::VectorizeOp>(l, "kst", jp2, a.W, 0);
    // raw(b, i', t, j'): j' innermost (var nb + 2).
    s.create<halide::VectorizeOp>(l, "raw", jp2, a.W, 0);
    s.create<halide::SplitOp>(l, "raw", ip, ip + "_o", ip + "_i", 4, 1);
    s.create<halide::SplitOp>(l, "raw", jp2, jp2 + "_o", jp2 + "_i", 2 * a.W, 1);
    s.create<halide::ReorderOp>(l, "raw", s.getStrArrayAttr({jp2 + "_i", ip + "_i", "r0", jp2 + "_o"}), 1);
    s.create<halide::VectorizeOp>(l, "raw", jp2 + "_i", a.W, 1);
    s.create<halide::UnrollOp>(l, "raw", jp2 + "_i", 1);
    s.create<halide::UnrollOp>(l, "raw", ip + "_i", 1);
    for (int64_t stage : {0, 1})
      s.create<halide::VectorizeOp>(l, "est", jp1, a.W, stage);
    s.create<halide::VectorizeOp>(l, "ee", jp1, a.W, 0);
    for (StringRef f : {"emx", "esum"}) {
      if (!a.parts)
        continue;
      std::string p = (f + "_part").str();
      at(p);
      s.create<halide::VectorizeOp>(l, p, var(nb + 1), a.W, 0);
      s.create<halide::VectorizeOp>(l, p, var(nb + 1), a.W, 1);
    }
  }

  void run() {
    out();
    if (a.sparse)
      sparse();
    else if (a.int8)
      rowBlockInt8();
    else
      a.blocked ? blocked() : rowBlock();
  }
};

struct CpuScheduler {
  halide::KernelOp kernel;
  OpBuilder s;
  int64_t vectorBytes;
  Location l;
  halide::OutputOp out;
  SmallVector<int64_t> shape; // the output's, row-major
  Type outType;

  int64_t minParallel, w4Prefetch;

  CpuScheduler(halide::KernelOp kernel, int64_t vectorBytes, int64_t minParallel, int64_t w4Prefetch)
      : kernel(kernel), s(schedule::scheduleRegion(kernel, halide::ScheduleTarget::Cpu)),
        vectorBytes(vectorBytes), l(s.getUnknownLoc()), out(schedule::outputOf(kernel)),
        shape(schedule::rowMajorShape(out.getExtents())),
        outType(schedule::funcNamed(kernel, out.getFunc()).getResultType()), minParallel(minParallel), w4Prefetch(w4Prefetch) {}

  void pointwise() { schedule::cpuPointwise(s, out.getFunc(), shape, outType, vectorBytes, minParallel); }

  /// Each func marked root: at root, its update parallel over its outermost
  /// dim (a static one > 1 first: a symbolic one may be 1 at run time).
  void roots() {
    for (halide::FuncOp f : schedule::rootFuncs(kernel, halide::Recipe::RootUpdate)) {
      ArrayRef<int64_t> rs = schedule::rootShape(f);
      s.create<halide::ComputeRootOp>(l, f.getSymName());
      int64_t par = -1;
      for (size_t d = 0; d < rs.size() && par < 0; ++d)
        if (rs[d] > 1)
          par = d;
      for (size_t d = 0; d < rs.size() && par < 0; ++d)
        if (ShapedType::isDynamic(rs[d]))
          par = d;
      // The work: the root's points times its reduction's extent, when static.
      SmallVector<int64_t> work(rs);
      for (auto u : kernel.getBody().front().getOps<halide::UpdateOp>())
        if (u.getFunc() == f.getSymName())
          for (unsigned i = 1; i < u.getRdom().getNumResults(); i += 2) {
            auto c = dyn_cast<AffineConstantExpr>(u.getRdom().getResult(i));
            work.push_back(c ? c.getValue() : ShapedType::kDynamic);
          }
      if (par >= 0 && schedule::cappedProduct(work, minParallel) >= minParallel)
        s.create<halide::ParallelOp>(l, f.getSymName(), var(par), 1);
    }
  }

  /// Row sums per row inside out's (parallel) row loop, their partials
  /// (one more dim: the vector lane) vectorized.
  void rowSums() {
    int64_t rank = shape.size(), W = vectorBytes / 4;
    for (halide::FuncOp f : schedule::rootFuncs(kernel, halide::Recipe::RowSums)) {
      s.create<halide::ComputeAtOp>(l, f.getSymName(), out.getFunc(), var(rank - 2));
      if ((int64_t)schedule::rootShape(f).size() == rank)
        for (int64_t stage = 0; stage <= 1; ++stage)
          s.create<halide::VectorizeOp>(l, f.getSymName(), var(rank - 1), W, stage);
    }
  }

  /// kernel.qmatmul's own row quantization (QMatMul.cpp): the row stages nst
  /// (LayerNorm's mean and 1 / std) and arow (scale, inverse, zero) at root,
  /// each row's reductions (their vector partials vectorized) inside its row
  /// loop while the row is in L1; then aq, the u8 A, at root as a pointwise
  /// func. Parallel over rows only when the work passes minParallel, as
  /// cpuPointwise decides for the separate kernels this replaces.
  void ownRowQuantization() {
    halide::FuncOp aq = schedule::funcNamed(kernel, "aq");
    if (!aq)
      return;
    ArrayRef<int64_t> aShape = schedule::rootShape(aq);
    size_t rows = aShape.size() - 1;
    int64_t W = vectorBytes / 4;
    bool parallel = schedule::cappedProduct(aShape, minParallel) >= minParallel;
    auto rowStage = [&](StringRef stage, ArrayRef<StringRef> reductions) {
      if (!schedule::funcNamed(kernel, stage))
        return;
      std::string m = var(rows - 1);
      s.create<halide::ComputeRootOp>(l, stage);
      if (parallel)
        s.create<halide::ParallelOp>(l, stage, m, 0);
      for (StringRef r : reductions) {
        std::string part = (r + "_part").str();
        if (schedule::funcNamed(kernel, part)) {
          s.create<halide::ComputeAtOp>(l, part, stage, m);
          for (int64_t st = 0; st <= 1; ++st)
            s.create<halide::VectorizeOp>(l, part, var(rows), W, st);
        }
        s.create<halide::ComputeAtOp>(l, r, stage, m);
      }
    };
    rowStage("nst", {"nsum", "nsq"});
    rowStage("arow", {"alo", "ahi"});
    s.create<halide::ComputeRootOp>(l, "aq");
    schedule::cpuPointwise(s, "aq", aShape, aq.getResultType(), vectorBytes, minParallel);
  }

  /// The outermost batch dim > 1, else `fallback`.
  std::string parallelVar(StringRef fallback) {
    for (size_t i = 0; i + 2 < shape.size(); ++i)
      if (shape[i] > 1)
        return var(i);
    return fallback.str();
  }

  /// MR x NR register tile of out; acc computed per tile, K outermost in it.
  /// Activation B (attention) or small shapes: acc per output row instead.
  void matmul() {
    size_t rank = shape.size(), batch = rank - 2;
    int64_t W = vectorBytes / 4, M = schedule::staticOr(shape[rank - 2], kAssumedRows), N = shape[rank - 1];
    std::string n = var(rank - 1), m = var(rank - 2);
    const int64_t MR = 4;
    int64_t NR = N >= 3 * W ? 3 * W : (N >= 2 * W ? 2 * W : W);
    if (N >= W && M >= MR && !kernel.getTransB()) {
      s.create<halide::SplitOp>(l, "out", n, n + "_o", n + "_i", NR, 0);
      s.create<halide::SplitOp>(l, "out", m, m + "_o", m + "_i", MR, 0);
      SmallVector<std::string> order{n + "_i", m + "_i", n + "_o", m + "_o"};
      for (size_t i = batch; i-- > 0;)
        order.push_back(var(i));
      s.create<halide::ReorderOp>(l, "out", s.getStrArrayAttr(SmallVector<StringRef>(order.begin(), order.end())), 0);
      s.create<halide::VectorizeOp>(l, "out", n + "_i", W, 0);
      s.create<halide::UnrollOp>(l, "out", m + "_i", 0);
      s.create<halide::ParallelOp>(l, "out", parallelVar(m + "_o"), 0);
      s.create<halide::ComputeAtOp>(l, "acc", "out", n + "_o");
      s.create<halide::VectorizeOp>(l, "acc", n, W, 0);
      s.create<halide::UnrollOp>(l, "acc", m, 0);
      s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({n, m, "r0"}), 1);
      s.create<halide::VectorizeOp>(l, "acc", n, W, 1);
      s.create<halide::UnrollOp>(l, "acc", m, 1);
      return;
    }
    s.create<halide::ComputeAtOp>(l, "acc", "out", m);
    if (N >= W) {
      s.create<halide::VectorizeOp>(l, "acc", n, W, 0);
      s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({n, m, "r0"}), 1);
      s.create<halide::VectorizeOp>(l, "acc", n, W, 1);
    }
    pointwise();
  }

  /// B pre-packed as panels of NR (b_panel): an MR x NR register tile with
  /// the full K loop inside it, unrolled by 4, panels outermost and parallel.
  void packedMatmul() {
    size_t rank = shape.size();
    int64_t W = vectorBytes / 4;
    std::string tile = outPanelTiles(*kernel.getBPanel(), rowTile(), /*unrollRows=*/true);
    // acc vars: ni = d<rank>, m = d<rank-1>, no = d<rank-2>.
    std::string ani = var(rank), am = var(rank - 1);
    s.create<halide::ComputeAtOp>(l, "acc", "out", tile);
    s.create<halide::VectorizeOp>(l, "acc", ani, W, 0);
    s.create<halide::UnrollOp>(l, "acc", ani, 0);
    s.create<halide::UnrollOp>(l, "acc", am, 0);
    s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({ani, am, "r0"}), 1);
    s.create<halide::VectorizeOp>(l, "acc", ani, W, 1);
    s.create<halide::UnrollOp>(l, "acc", ani, 1);
    s.create<halide::UnrollOp>(l, "acc", am, 1);
    if (schedule::reductionExtent(kernel, "acc") % 4 == 0) {
      s.create<halide::SplitOp>(l, "acc", "r0", "r0_o", "r0_i", 4, 1);
      s.create<halide::UnrollOp>(l, "acc", "r0_i", 1);
    }
  }

  /// Rows per register tile of the packed matmuls: 4, or fewer for a few rows
  /// (a tile may not be taller than the output).
  int64_t rowTile() {
    int64_t M = schedule::staticOr(shape[shape.size() - 2], kAssumedRows);
    return M % 4 == 0 || M > 8 ? 4 : (M >= 2 ? 2 : 1);
  }

  /// out in tiles of MR rows x NR columns over panel-packed weights: columns
  /// vectorized, rows unrolled when `unrollRows`, panels in parallel. The
  /// accumulator is computed per tile, at the returned row-tile var.
  std::string outPanelTiles(int64_t NR, int64_t MR, bool unrollRows, bool rowsOuter = false) {
    size_t rank = shape.size();
    int64_t W = vectorBytes / 4;
    std::string n = var(rank - 1), m = var(rank - 2);
    SmallVector<std::string> order{n + "_i", m + "_i", m + "_o", n + "_o"};
    if (rowsOuter)
      std::swap(order[2], order[3]);
    for (size_t i = rank - 2; i-- > 0;)
      order.push_back(var(i));
    s.create<halide::SplitOp>(l, "out", n, n + "_o", n + "_i", NR, 0);
    s.create<halide::SplitOp>(l, "out", m, m + "_o", m + "_i", MR, 0);
    s.create<halide::ReorderOp>(l, "out", s.getStrArrayAttr(SmallVector<StringRef>(order.begin(), order.end())), 0);
    if (NR % W == 0)
      s.create<halide::VectorizeOp>(l, "out", n + "_i", W, 0);
    if (unrollRows)
      s.create<halide::UnrollOp>(l, "out", m + "_i", 0);
    if (rowsOuter) {
      s.create<halide::FuseOp>(l, "out", n + "_o", m + "_o", "mn", 0);
      s.create<halide::ParallelOp>(l, "out", parallelVar("mn"), 0);
      return "mn";
    }
    s.create<halide::ParallelOp>(l, "out", parallelVar(n + "_o"), 0);
    return m + "_o";
  }

  /// B packed as [N/NR, K/4, NR, 4] (kernel.qmatmul's b_panel): an MR x NR
  /// register tile of i32 accumulators; in the update the 4 k of one i32 lane
  /// are vectorized atomically (r0) inside the NR columns, the VectorReduce
  /// Halide turns into vpdpbusd on AVX512-VNNI (measured 440-650 GOP/s per
  /// core on BERT-base's shapes on a Xeon with it, 3-3.7x its fp32 FMA peak).
  void packedQMatmul() {
    // acc rvars: r0 = k % 4, r1 = k / 4.
    packedQAcc(/*innerLanes=*/4);
  }

  /// The MR x NR i32 accumulator tile of the packed int8 forms, computed at
  /// the out tile; its update vectorizes r0 (`innerLanes` of them: the 4 k of
  /// a vpdpbusd lane, or the 2 pairs of a vpmaddwd) atomically inside the NR
  /// columns, rows unrolled. Returns acc's row var (m).
  std::string packedQAcc(int64_t innerLanes) {
    size_t rank = shape.size();
    int64_t W = vectorBytes / 4, NR = *kernel.getBPanel();
    std::string tile = outPanelTiles(NR, rowTile(), /*unrollRows=*/true);
    // acc vars: ni = d<rank>, m = d<rank-1>.
    std::string ani = var(rank), am = var(rank - 1);
    int64_t w = NR % W == 0 ? W : NR;
    s.create<halide::ComputeAtOp>(l, "acc", "out", tile);
    s.create<halide::VectorizeOp>(l, "acc", ani, w, 0);
    s.create<halide::UnrollOp>(l, "acc", ani, 0);
    s.create<halide::UnrollOp>(l, "acc", am, 0);
    s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({"r0", ani, am, "r1"}), 1);
    s.create<halide::AtomicOp>(l, "acc", 1);
    s.create<halide::VectorizeOp>(l, "acc", "r0", innerLanes, 1);
    s.create<halide::VectorizeOp>(l, "acc", ani, w, 1);
    s.create<halide::UnrollOp>(l, "acc", ani, 1);
    s.create<halide::UnrollOp>(l, "acc", am, 1);
    return am;
  }

  /// The 7-bit pair form (QMatMul.cpp, AVX2 without VNNI): the same MR x NR
  /// tile of i32 accumulators; per row and group of 4 k, pr (2 pairs x NR
  /// columns of i16) is computed with its pair sum vectorized atomically
  /// (vpmaddubsw on 32 bytes), and acc's update vectorizes the two pairs into
  /// the column lanes (vpmaddwd by ones, then vpaddd). A Halide prototype of
  /// this loop ran at 146-166 GOP/s on one core of an Intel Xeon with AVX2 code
  /// (K, N = 768 and 3072), about twice the AVX2 fp32 rate.
  void pairsQMatmul() {
    size_t rank = shape.size();
    // acc rvars: r0 = h (pair), r1 = k / 4.
    std::string am = packedQAcc(/*innerLanes=*/2);
    int64_t W = vectorBytes / 4, NR = *kernel.getBPanel(), w = NR % W == 0 ? W : NR;
    // pr vars: h = d<rank+2>, ni = d<rank+1>; rvar r0 = the pair's k.
    std::string ph = var(rank + 2), pni = var(rank + 1);
    s.create<halide::ComputeAtOp>(l, "pr", "acc", am);
    s.create<halide::VectorizeOp>(l, "pr", ph, 2, 0);
    s.create<halide::VectorizeOp>(l, "pr", pni, w, 0);
    s.create<halide::UnrollOp>(l, "pr", pni, 0);
    s.create<halide::ReorderOp>(l, "pr", s.getStrArrayAttr({"r0", ph, pni}), 1);
    s.create<halide::AtomicOp>(l, "pr", 1);
    s.create<halide::VectorizeOp>(l, "pr", "r0", 2, 1);
    s.create<halide::VectorizeOp>(l, "pr", ph, 2, 1);
    s.create<halide::VectorizeOp>(l, "pr", pni, w, 1);
    s.create<halide::UnrollOp>(l, "pr", pni, 1);
  }

  /// kernel.w4matmul (W4MatMul.cpp): out tiles of MR rows x NR columns, panels
  /// in parallel; per tile, acc's update loops over the blocks, and per block
  /// blk is computed for the tile: NR/W vectors x MR rows of accumulators,
  /// two k per unpacked byte (jl unrolled: constant shifts). asum (a's
  /// block sums) is tiny and computed first.
  void w4Matmul() {
    size_t rank = shape.size();
    int64_t W = vectorBytes / 4, M = schedule::staticOr(shape[rank - 2], kAssumedRows);
    const int64_t MR = M >= 4 ? 4 : M;
    int64_t NR = *kernel.getBPanel(), w = NR % W == 0 ? W : NR;
    std::string tile = outPanelTiles(NR, MR, /*unrollRows=*/false);
    // acc [batch..., no, m, ni]: ni = d<rank>, m = d<rank-1>; rvar r0 = kb.
    std::string ani = var(rank), am = var(rank - 1);
    s.create<halide::ComputeAtOp>(l, "acc", "out", tile);
    s.create<halide::VectorizeOp>(l, "acc", ani, w, 0);
    s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({ani, am, "r0"}), 1);
    // Optionally the weights (in1) some blocks ahead: cold 4-bit panels
    // streamed at 6.0 GB/s without, 7.1 with 2 ahead in a Halide prototype
    // (K = 768, 1 thread), but the bench's GPT-2 decode step showed no gain
    // within its noise, so it is off by default.
    if (w4Prefetch > 0)
      s.create<halide::PrefetchOp>(l, "acc", "in1", "r0", "r0", w4Prefetch, 1);
    s.create<halide::VectorizeOp>(l, "acc", ani, w, 1);
    s.create<halide::UnrollOp>(l, "acc", ani, 1);
    s.create<halide::UnrollOp>(l, "acc", am, 1);
    // blk [batch..., no, kb, m, ni]: ni = d<rank+1>, m = d<rank>; rvars r0 = jl, r1 = j2.
    std::string bni = var(rank + 1), bm = var(rank);
    s.create<halide::ComputeAtOp>(l, "blk", "acc", "r0");
    s.create<halide::VectorizeOp>(l, "blk", bni, w, 0);
    s.create<halide::UnrollOp>(l, "blk", bni, 0);
    s.create<halide::UnrollOp>(l, "blk", bm, 0);
    s.create<halide::ReorderOp>(l, "blk", s.getStrArrayAttr({bni, "r0", bm, "r1"}), 1);
    s.create<halide::VectorizeOp>(l, "blk", bni, w, 1);
    s.create<halide::UnrollOp>(l, "blk", bni, 1);
    s.create<halide::UnrollOp>(l, "blk", "r0", 1);
    s.create<halide::UnrollOp>(l, "blk", bm, 1);
    s.create<halide::ComputeRootOp>(l, "asum");
  }

  /// kernel.outlier_matmul (OutlierMatMul.cpp): out row by row, the rows in
  /// parallel; per row, t's update runs k outermost, so the mask predicate is
  /// tested once per k and a marked k is one vector pass over the row's n.
  void outlierMatmul() {
    size_t rank = shape.size();
    int64_t W = vectorBytes / 4;
    std::string n = var(rank - 1), m = var(rank - 2);
    int64_t N = shape[rank - 1];
    if (N >= W) {
      s.create<halide::VectorizeOp>(l, "out", n, W, 0);
    }
    if (shape[rank - 2] > 1)
      s.create<halide::ParallelOp>(l, "out", m, 0);
    s.create<halide::ComputeAtOp>(l, "t", "out", m);
    if (N >= W) {
      s.create<halide::VectorizeOp>(l, "t", n, W, 0);
      s.create<halide::ReorderOp>(l, "t", s.getStrArrayAttr({n, "r0"}), 1);
      s.create<halide::VectorizeOp>(l, "t", n, W, 1);
    }
  }

  /// kernel.sparse_matmul (SparseMatMul.cpp): out tiles of MT rows x NT
  /// columns (NT a multiple of BN), the tiles of columns in parallel. Per tile,
  /// acc [nb, ni, m] holds the tile's accumulators; its update walks each
  /// column block's own blocks (the predicated r1) and per block does BK x BN
  /// x MT/W FMAs of broadcast weights against rows of at, each row loaded once
  /// for the BN columns. Up to 8 vectors of rows per column (BN = 1): one FMA
  /// per loaded vector, so the loop is bound by loads, about 50 GFLOP/s of
  /// useful work per core on a Xeon with AVX-512 where a dense tile reaches
  /// 150. at (A transposed, so a row of M is one vector load) is computed at
  /// root, once per call.
  void sparseMatmul() {
    size_t rank = shape.size();
    int64_t W = vectorBytes / 4, M = shape[rank - 2], N = shape[rank - 1];
    SmallVector<int64_t> v = schedule::inputShape(kernel, "in1");
    int64_t BN = v[2];
    // acc's leading dim g of partial sums (kernel.sparse_matmul's group > 1).
    bool grouped = false;
    for (auto f : kernel.getBody().front().getOps<halide::FuncOp>())
      if (f.getSymName() == "acc")
        grouped = f.getVars().size() == rank + 2;
    // Row tiles are whole vectors (out shifts its last tile inwards, so acc's
    // extent stays constant and its loops unroll); fewer rows than a vector
    // stay scalar.
    int64_t w = M >= W ? W : 1;
    int64_t vecs = std::clamp<int64_t>(16 / BN, 1, 8);
    int64_t MT = w > 1 ? std::min(vecs * W, M / W * W) : M;
    // Single nonzeros (1 x 1 blocks) read a random row of at each: 32-row
    // tiles, row tiles outermost (each thread's share is whole row tiles), so
    // the at rows a thread reads stay in its L2. BERT-base 90% magnitude-
    // pruned, AMD EPYC (Zen 4): 0.93 of the time of 128-row tiles at 1 and 2
    // threads; 16 rows 1.17; 4 x 1 blocks (4 rows of at per block) 1.03-1.06,
    // so they keep the tall tiles.
    // Chunked lists (the chunk rvar r2) take the chunked tiles only with a
    // vector of rows; either way the chunk loop stays outermost in acc.
    bool chunkLists = kernel.getRecipe() == halide::Recipe::SparseMatMulChunked, chunked = chunkLists && w > 1;
    bool singles = w > 1 && v[1] == 1 && BN == 1 && MT > 32 && 32 % W == 0 && !chunked;
    if (singles)
      MT = 32;
    bool rowsOuter = singles || chunked;
    int64_t NT = std::lcm(BN, W);
    // The chunked form: tiles of up to 8 vectors of rows by panels of 192
    // columns, in parallel, each walking all its columns per chunk (below).
    // BERT-base's 2:4 shapes at 128 rows (Zen 4, kiln-run): 128-row tiles
    // took 0.94 of the time of 64-row ones on 1 thread; panels of 192
    // columns 0.97-0.99 of panels of 384, and give a 128-row tile 4 to 16
    // tasks for the threads.
    if (chunked)
      NT = (192 + W - 1) / W * W;
    if (NT > N)
      NT = N;
    std::string tile;
    if (w > 1) {
      tile = outPanelTiles(NT, MT, /*unrollRows=*/false, rowsOuter);
    } else {
      // A few rows (a decode step): acc per column block, so its loop over
      // the blocks is one column's list with its partial sums in registers
      // (scalar FMAs: no vector of columns to fill), tasks of 64 columns.
      std::string n = var(rank - 1), m = var(rank - 2);
      int64_t T = std::max<int64_t>(BN, 64 / BN * BN);
      s.create<halide::SplitOp>(l, "out", n, n + "_o", n + "_i", T, 0);
      s.create<halide::SplitOp>(l, "out", n + "_i", n + "_io", n + "_ii", BN, 0);
      SmallVector<std::string> order{n + "_ii", m, n + "_io", n + "_o"};
      for (size_t i = rank - 2; i-- > 0;)
        order.push_back(var(i));
      s.create<halide::ReorderOp>(l, "out", s.getStrArrayAttr(SmallVector<StringRef>(order.begin(), order.end())), 0);
      s.create<halide::ParallelOp>(l, "out", parallelVar(n + "_o"), 0);
      tile = n + "_io";
    }
    // out reads acc transposed: W rows unrolled under the vector of columns
    // become a W x W shuffle transpose (gathers measured 3x slower).
    std::string om = var(rank - 2) + "_i";
    if (w > 1 && NT % W == 0) {
      s.create<halide::SplitOp>(l, "out", om, om + "_o", om + "_i", W, 0);
      s.create<halide::UnrollOp>(l, "out", om + "_i", 0);
    }
    // acc [batch..., (g,) nb, ni, m]: m = d<rank+g>, ni = d<rank-1+g>, nb =
    // d<rank-2+g>, g = d<rank-2>; rvars r0 = i (< BK), r1 = the block (group).
    size_t gd = grouped;
    std::string am = var(rank + gd), ani = var(rank - 1 + gd), anb = var(rank - 2 + gd), ag = var(rank - 2);
    s.create<halide::ComputeAtOp>(l, "acc", "out", tile);
    if (w > 1)
      s.create<halide::VectorizeOp>(l, "acc", am, w, 0);
    if (schedule::reductionExtent(kernel, "acc") == 0)
      return; // an all-zero weight: no update, and at is never read
    if (grouped) {
      s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({ag, am, ani, "r0", "r1", anb}), 1);
      s.create<halide::UnrollOp>(l, "acc", ag, 1);
    } else if (chunkLists) {
      // r0 = i (< BK), r1 = the block in its list, r2 = the chunk: the
      // tile's column blocks between the last two, so the chunk's band of at
      // stays in L1 across the columns.
      s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({am, ani, "r0", "r1", anb, "r2"}), 1);
    } else {
      s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({am, ani, "r0", "r1", anb}), 1);
    }
    if (w > 1)
      s.create<halide::VectorizeOp>(l, "acc", am, w, 1);
    s.create<halide::UnrollOp>(l, "acc", am, 1);
    s.create<halide::UnrollOp>(l, "acc", ani, 1);
    s.create<halide::UnrollOp>(l, "acc", "r0", 1);
    // at [batch..., k, m], whole, in W x W tiles: m vectorized, k unrolled,
    // which Halide turns into a shuffle transpose (0.33 ns per element at
    // K = 3072 against 1.2 for a vector of rows gathered from A).
    std::string k = var(rank - 2), m = var(rank - 1);
    s.create<halide::ComputeRootOp>(l, "at");
    if (w > 1) {
      s.create<halide::SplitOp>(l, "at", m, m + "_o", m + "_i", W, 0);
      s.create<halide::SplitOp>(l, "at", k, k + "_o", k + "_i", W, 0);
      s.create<halide::ReorderOp>(l, "at", s.getStrArrayAttr({m + "_i", k + "_i", m + "_o", k + "_o"}), 0);
      s.create<halide::VectorizeOp>(l, "at", m + "_i", W, 0);
      s.create<halide::UnrollOp>(l, "at", k + "_i", 0);
      s.create<halide::ParallelOp>(l, "at", k + "_o", 0);
    }
    // Fewer rows than a vector: at is A itself, K floats; no threads for it.
  }

  /// kernel.sparse_qmatmul (SparseQMatMul.cpp): sparseMatmul()'s tiles and
  /// loops in int8. Per block of a column, the 4 k of one i32 lane (r0) are
  /// vectorized atomically inside each vector of W rows: one broadcast i32 of
  /// 4 s8 weights against 64 bytes of at4, the VectorReduce Halide 14 turns
  /// into vpdpbusd on AVX512-VNNI, up to 8 vectors of rows per column: per
  /// block 9 loads and 8 vpdpbusd beside the table reads. On a 2-vCPU Xeon
  /// with AVX512-VNNI (BERT-base s128 pruned 4x1 at 80%, 1 thread), 8 vectors
  /// ran the model in 34 ms, 4 in 38 and 2 in 57 (the table reads per block
  /// dominate short tiles).
  void sparseQMatmul() {
    size_t rank = shape.size();
    int64_t W = vectorBytes / 4, M = shape[rank - 2], N = shape[rank - 1];
    int64_t BN = schedule::inputShape(kernel, "in1")[2];
    int64_t w = M >= W ? W : 1;
    int64_t vecs = std::clamp<int64_t>(16 / BN, 1, 8);
    int64_t MT = w > 1 ? std::min(vecs * W, M / W * W) : M;
    int64_t NT = std::min(std::lcm(BN, W), N);
    std::string tile = outPanelTiles(NT, MT, /*unrollRows=*/false);
    // out reads acc transposed: a W x W shuffle transpose, as sparseMatmul().
    std::string om = var(rank - 2) + "_i";
    if (w > 1 && NT % W == 0) {
      s.create<halide::SplitOp>(l, "out", om, om + "_o", om + "_i", W, 0);
      s.create<halide::UnrollOp>(l, "out", om + "_i", 0);
    }
    // acc [batch..., nb, ni, m]: m = d<rank>, ni = d<rank-1>, nb = d<rank-2>;
    // rvars r0 = ki (< 4), r1 = io (< BK/4), r2 = the block.
    std::string am = var(rank), ani = var(rank - 1), anb = var(rank - 2);
    s.create<halide::ComputeAtOp>(l, "acc", "out", tile);
    if (w > 1)
      s.create<halide::VectorizeOp>(l, "acc", am, w, 0);
    if (schedule::reductionExtent(kernel, "acc") == 0)
      return; // an all-zero weight: no update, and at4 is never read
    s.create<halide::ReorderOp>(l, "acc", s.getStrArrayAttr({"r0", am, ani, "r1", "r2", anb}), 1);
    s.create<halide::AtomicOp>(l, "acc", 1);
    s.create<halide::VectorizeOp>(l, "acc", "r0", 4, 1);
    if (w > 1)
      s.create<halide::VectorizeOp>(l, "acc", am, w, 1);
    s.create<halide::UnrollOp>(l, "acc", am, 1);
    s.create<halide::UnrollOp>(l, "acc", ani, 1);
    s.create<halide::UnrollOp>(l, "acc", "r1", 1);
    // at4 [batch..., ko, m, ki], whole: one 4-byte load and store per (ko,
    // m), W rows unrolled, the k groups in parallel.
    std::string ki = var(rank), m = var(rank - 1), ko = var(rank - 2);
    s.create<halide::ComputeRootOp>(l, "at4");
    s.create<halide::VectorizeOp>(l, "at4", ki, 4, 0);
    if (w > 1) {
      s.create<halide::SplitOp>(l, "at4", m, m + "_o", m + "_i", W, 0);
      s.create<halide::UnrollOp>(l, "at4", m + "_i", 0);
    }
    s.create<halide::ParallelOp>(l, "at4", ko, 0);
  }

  LogicalResult run(halide::Recipe recipe) {
    switch (recipe) {
    case halide::Recipe::Pointwise:
      pointwise();
      break;
    case halide::Recipe::RootUpdate:
      roots();
      pointwise();
      break;
    case halide::Recipe::MatMul:
      matmul();
      break;
    case halide::Recipe::MatMulPacked:
      packedMatmul();
      break;
    case halide::Recipe::QMatMul:
      matmul();
      ownRowQuantization();
      break;
    case halide::Recipe::QMatMulPacked:
      packedQMatmul();
      ownRowQuantization();
      break;
    case halide::Recipe::QMatMulPairs:
      pairsQMatmul();
      ownRowQuantization();
      break;
    case halide::Recipe::W4MatMul:
      w4Matmul();
      break;
    case halide::Recipe::OutlierMatMul:
      outlierMatmul();
      break;
    case halide::Recipe::SparseMatMul:
    case halide::Recipe::SparseMatMulChunked:
      sparseMatmul();
      break;
    case halide::Recipe::SparseQMatMul:
      sparseQMatmul();
      break;
    case halide::Recipe::RowSums:
      pointwise();
      rowSums();
      break;
    case halide::Recipe::Conv:
      s.create<halide::ComputeAtOp>(l, "acc", "out", var(1));
      pointwise();
      break;
    case halide::Recipe::Attention:
    case halide::Recipe::AttentionBlocked:
    case halide::Recipe::AttentionInt8:
      AttentionCpu(s, kernel).run();
      break;
    }
    return success();
  }
};

struct ScheduleCpuPass : kiln::impl::ScheduleCpuBase<ScheduleCpuPass> {
  using ScheduleCpuBase::ScheduleCpuBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t vectorBytes = halide::getVectorBytes(module);
    for (auto kernel : module.getOps<halide::KernelOp>()) {
      std::optional<halide::Recipe> recipe = kernel.getRecipe();
      if (!recipe) {
        kernel.emitOpError("has no recipe to schedule");
        return signalPassFailure();
      }
      if (schedule::hasSchedule(kernel, halide::ScheduleTarget::Cpu)) {
        kernel.emitOpError("is already scheduled for cpu");
        return signalPassFailure();
      }
      if (!schedule::outputOf(kernel)) {
        kernel.emitOpError("has no halide.output to schedule");
        return signalPassFailure();
      }
      if (failed(CpuScheduler(kernel, vectorBytes, minParallel, w4Prefetch).run(*recipe)))
        return signalPassFailure();
    }
  }
};
} // namespace
