//===- Attention.cpp - kernel.attention to a halide.kernel -===//
//
// Row-major funcs over the batch dims b... (nb of them):
//   kt(b, d, j)  = k[k_map(b, j, d)]           K transposed once per head
//   s(b, i, j)   = sum_d q[q_map(b, i, d)] * kt(b, d, j)
//   sc(b, i, j)  = score(alpha * s, inputs...)  mask, bias
//   mx(b, i)     = max_j sc;  ex = exp(sc - mx);  sum(b, i) = sum_j ex
//   vt(b, j, e)  = v[v_map(b, j, e)]           packed per head, or inline
//   o(b, i, e)   = sum_j ex(b, i, j) * vt(b, j, e)
//   out(b, i, e) = o * rsum,  rsum(b, i) = 1 / sum
// With a probs region, p = probs(ex / sum) weighs v instead and out = o.
// Scores are padded to whole vectors of keys (-inf added past the last key,
// weight 0; K^T there repeats the last key: kt(b, d, j) = kin(b, d, min(j,
// last)), kin = K^T of the real keys); the row max and sum reduce a vector
// of partial results first. The
// kiln-schedule-* passes write the schedules from the attention recipe and
// the sizes recorded on the kernel (head_dim, value_dim, lanes, padded_keys):
// on the CPU everything but kt is computed per tile of TI query rows, so
// only a [TI, keys] block of scores exists at a time (in L1/L2): a row-block
// flash attention, the score matrix never reaches memory.
//
// Past kOnlineMinKeys keys (without a probs region) the keys go in blocks of
// kKeyBlock under an online softmax instead, so a tile holds [TI, kKeyBlock]
// scores however long the context:
//   s, sc(b, i, kb, jj)      block kb's scores
//   bmx(b, i, kb)            its max; ex = exp(sc - bmx), bsum = sum_jj ex,
//   bo(b, i, kb, e)          = sum_jj ex * v
//   st(b, i, e) = (o, l, m)  the running state, a recurrence over the blocks:
//     m' = max(m, bmx);  o' = o exp(m - m') + bo exp(bmx - m');  l' likewise
//   out(b, i, e) = o / l
// l and m are per row but kept per column: Halide lets a func's update read
// the func only at its own point. The attention_blocked recipe also records
// key_block. With `causal`, the state's update has a `where`: block kb only
// if it starts at or before the row's diagonal key.
//
// With `int8` (the row-block form over static keys, no probs region but the
// exporters' NaN guard) Q K^T
// and P V are u8 x s8 dot products, which the schedule vectorizes 4 products
// to an i32 lane (vpdpbusd), quantized at run time:
//   kmx(b, j) = max_d |kt|;  kt8(b, d, j) = s8 round(kt kinv), kinv = 127 / kmx
//   kq(b, d/4, j, d%4) = kt8(b, d, j)
//   ksum(b, j) = sum_d kq    (q's offset of 128, subtracted once per score)
//   qmx(b, i) = max_d |q|;   qu(b, i, d) = u8 round(q qinv) + 128, qinv = 127 / qmx
//   s(b, i, j) = sum_d qu kq (i32);  sc = score(alpha (s - 128 ksum) qmx kmx / 127^2)
//   pu(b, i, j) = u8 round(255 exp(sc - mx));  sum = sum_j pu  (0 when masked)
//   vmx(b, e) = max_j |v|;   vt8(b, j, e) = s8 round(v vinv), 0 past the keys
//   vq(b, j/4, e, j%4) = vt8(b, j, e)
//   o(b, i, e) = sum_j pu vq (i32);  out = o vmx / 127 / sum
// The quantized weights are renormalised by their own sum.
//
// With `sparse_threshold` (XAttention, approximate) the rows go in explicit
// tiles, st(b, t, ii, e) for row t * TI + ii, and the blocks are chosen per
// head before the state runs: est(b, i', j') averages the S scores on an
// antidiagonal of each S x S cell (rows i' S + S-1-t, keys j' S + t),
// softmax over j', summed per 128 x 128 block into mass(b, qb, kb); keep(b,
// qb, kb) holds for the largest blocks whose cumulative mass reaches the
// threshold, key block 0 and the diagonal ones. The state's update visits
// block kb where keep(b, t's query block, kb): a predicate of the tile, so
// Halide tests it once around the block's stages.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"
#include "dialects/Halide/HalideAttrs.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;
using namespace kiln;

namespace {

/// Keys above which the online (key-blocked) softmax takes over, and its
/// block. Up to 512 keys a tile's scores fit in L1/L2 and one exact pass is
/// as fast; 256 keys is a whole number of vector pairs on AVX2 and AVX-512.
constexpr int64_t kOnlineMinKeys = 512;
constexpr int64_t kKeyBlock = 256;
/// Block-sparse attention (sparse_threshold): blocks of 128 keys and of 128
/// query rows as XAttention's, each estimated from antidiagonals of stride 16
/// (a sixteenth of Q K^T's work), in row tiles of sparseRowTile(W) rows,
/// which ScheduleCpu.cpp's tile for it mirrors.
constexpr int64_t kSparseBlock = 128;
constexpr int64_t kSparseStride = 16;
int64_t sparseRowTile(int64_t W) { return W >= 16 ? 8 : 4; }

using Idx = KernelBuilder::Idx;

/// Index lists in row-major terms: leading dims, then up to two more.
SmallVector<Value> with(Idx lead, ArrayRef<Value> rest) {
  SmallVector<Value> idx(lead.begin(), lead.end());
  idx.append(rest.begin(), rest.end());
  return idx;
}

RankedTensorType tt(Value x) { return cast<RankedTensorType>(x.getType()); }

/// Whether a probs region is the exporters' guard `isnan(p) ? 0 : p`: the
/// identity on every probability, 0 for a fully masked row's NaNs.
bool isNanGuard(Region &probs) {
  Block &body = probs.front();
  if (body.getNumArguments() != 1)
    return false;
  Value p = body.getArgument(0);
  auto yield = dyn_cast<kernel::YieldOp>(body.getTerminator());
  auto sel = yield && yield->getNumOperands() == 1 ? yield->getOperand(0).getDefiningOp<arith::SelectOp>() : nullptr;
  if (!sel || sel.getFalseValue() != p)
    return false;
  auto nan = sel.getCondition().getDefiningOp<arith::CmpFOp>();
  FloatAttr zero;
  return nan && nan.getPredicate() == arith::CmpFPredicate::UNO && nan.getLhs() == p && nan.getRhs() == p &&
         matchPattern(sel.getTrueValue(), m_Constant(&zero)) && zero.getValue().isZero();
}

/// What both forms share: operands, K^T, the score of a key, the output
/// layout and what its schedules need.
struct Lowering {
  kernel::AttentionOp op;
  KernelBuilder &kb;
  Type et;
  SmallVector<int64_t> shape;
  size_t nb;
  bool merged, probs;
  int64_t E, keys, D, W, Kp = 0;
  // Symbolic keys (a growing context, a padded batch): keyExpr over the
  // module's symbols, keys = Kp = kDynamic, and the row-block form only, its keys
  // padded to whole vector pairs (kpExpr).
  bool symKeys = false;
  AffineExpr keyExpr, kpExpr;
  std::string q, k, v;
  SmallVector<std::string> scoreIn;

  Lowering(kernel::AttentionOp op, KernelBuilder &kb) : op(op), kb(kb) {
    et = tt(op.getResult()).getElementType();
    shape = op.canonicalShape();
    nb = op.numBatchDims();
    merged = op.getMergedHeads().has_value();
    probs = op.hasProbs();
    E = shape[nb + 1], D = op.getHeadDim();
    SymExpr keyLen = op.keyLen();
    symKeys = !keyLen.isConst();
    keys = symKeys ? ShapedType::kDynamic : *keyLen.constValue();
    W = kb.options().vectorBytes / 4;
    if (symKeys) {
      unsigned n = 0; // the module's symbol count, from any symbolic type
      for (Type t : op->getOperandTypes())
        n = std::max(n, numSymbols(t));
      keyExpr = keyLen.toAffine(op.getContext(), std::max(n, numSymbols(op.getResult().getType())));
      kpExpr = (keyExpr + (2 * W - 1)).floorDiv(2 * W) * (2 * W);
    }
    q = kb.input(op.getQ()), k = kb.input(op.getK()), v = kb.input(op.getV());
    for (Value in : op.getScoreInputs())
      scoreIn.push_back(kb.input(in));
  }

  LogicalResult lowerRowBlock();
  LogicalResult lowerRowBlockInt8();
  /// The row-block forms' padded keys (static): one vector, or whole vector pairs.
  int64_t rowBlockKeys() const { return keys <= W ? W : (keys + 2 * W - 1) / (2 * W) * (2 * W); }
  LogicalResult lowerOnline();
  LogicalResult lowerSparse(double threshold);
  void defineBlockSelection(double threshold, int64_t KB, int64_t blocks);

  Idx batchOf(Idx d) const { return d.take_front(nb); }
  Value read(OpBuilder &b, unsigned operand, StringRef name, Idx idx) {
    return KernelBuilder::call(b, name, et,
                               KernelBuilder::mapIndices(b, op.operandMap(operand), idx, tt(op->getOperand(operand))));
  }
  /// Padded keys read K, V and the score inputs at the last real key.
  Value clampKey(OpBuilder &b, Value j) const {
    if (Kp == keys && !symKeys)
      return j;
    Value last = symKeys ? KernelBuilder::affine(b, keyExpr - 1, {}) : KernelBuilder::i32(b, keys - 1);
    return b.create<arith::MinSIOp>(b.getUnknownLoc(), j, last);
  }
  Value isRealKey(OpBuilder &b, Value j) const {
    Value n = symKeys ? KernelBuilder::affine(b, keyExpr, {}) : KernelBuilder::i32(b, keys);
    return b.create<arith::CmpIOp>(b.getUnknownLoc(), arith::CmpIPredicate::slt, j, n);
  }
  bool padded() const { return symKeys || Kp != keys; }
  /// K^T, kt(b..., d, j). Padded keys repeat the last key (their scores are
  /// -inf by then): kt copies kin, K^T of the real keys only, at min(j,
  /// last). Transposing straight from K at min(j, last) made every vector of
  /// the transpose a gather (14% of ViT's kernel); kin has no clamp, so
  /// Halide computes it over the real keys, its last vector guarded.
  void defineKt() {
    auto kT = [&](OpBuilder &b, Idx d) { return read(b, 1, k, with(batchOf(d), {d[nb + 1], d[nb]})); };
    if (!padded()) {
      kb.func("kt", nb + 2, et, kT);
      return;
    }
    kb.func("kin", nb + 2, et, kT);
    kb.func("kt", nb + 2, et, [&](OpBuilder &b, Idx d) {
      return KernelBuilder::call(b, "kin", et, with(batchOf(d), {d[nb], clampKey(b, d[nb + 1])}));
    });
  }
  /// The score at (b..., i) and key j from the raw product s: alpha, the
  /// score region, -inf past the last key. The -inf is added, not selected:
  /// Halide narrows what a select's branch reads to the keys its condition
  /// admits, so s and K^T were computed for the real keys only: a row stride
  /// of 197 floats in ViT (unaligned vectors) and a last register tile of
  /// masked loads and stores through memory, once per step over D (about a
  /// fifth more time in s).
  Value score(OpBuilder &b, Idx row, Value j, Value s) {
    Location l = b.getUnknownLoc();
    float alpha = op.getAlpha().convertToFloat();
    if (alpha != 1.0f)
      s = b.create<arith::MulFOp>(l, s, KernelBuilder::constant(b, et, alpha));
    if (op.hasScore())
      s = KernelBuilder::inlineBody(b, op.getScore().front(), s, op.getScoreInputs(),
                                    op.getScoreMaps().value_or(ArrayAttr()), scoreIn, with(row, {clampKey(b, j)}));
    if (!padded())
      return s;
    Value ninf = KernelBuilder::constant(b, et, -std::numeric_limits<double>::infinity());
    Value pad = b.create<arith::SelectOp>(l, isRealKey(b, j), KernelBuilder::constant(b, et, 0), ninf);
    return b.create<arith::AddFOp>(l, s, pad);
  }
  /// exp(x - m) for key j, exactly 0 for a padded key: exp(-inf - m) is not 0
  /// under fast math (a one-row step summed garbage there).
  Value weight(OpBuilder &b, Value x, Value m, Value j) const {
    Location l = b.getUnknownLoc();
    Value ex = b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, x, m));
    if (!padded())
      return ex;
    return b.create<arith::SelectOp>(l, isRealKey(b, j), ex, KernelBuilder::constant(b, et, 0));
  }
  /// out from the canonical result fin(b..., i, e); with merged heads
  /// out(outer..., i, c) = fin(outer..., c / E, i, c % E).
  void defineOut(const KernelBuilder::BodyFn &fin) {
    if (!merged) {
      kb.func("out", nb + 2, et, fin);
    } else {
      kb.func("fin", nb + 2, et, fin);
      kb.func("out", nb + 1, et, [&](OpBuilder &b, Idx d) -> Value {
        Location l = b.getUnknownLoc();
        Value c = d[nb], bigE = KernelBuilder::i32(b, E);
        SmallVector<Value> idx(d.begin(), d.begin() + nb - 1);
        idx.append({b.create<arith::DivSIOp>(l, c, bigE), d[nb - 1], b.create<arith::RemSIOp>(l, c, bigE)});
        return KernelBuilder::call(b, "fin", et, idx);
      });
    }
    kb.output("out", tt(op.getResult()));
  }

  /// Records the recipe and the sizes its schedules read: the padded keys
  /// (absent when symbolic) and the vector lanes they and the partial row
  /// reductions are padded to.
  void record(halide::Recipe recipe) {
    halide::KernelOp kernel = kb.op();
    kb.recipe(recipe);
    kernel.setHeadDim(D);
    kernel.setValueDim(E);
    kernel.setLanes(W);
    if (!symKeys)
      kernel.setPaddedKeys(Kp);
  }
};

} // namespace

/// One pass over all keys per tile of rows: exact max, exp, sum, P V.
LogicalResult Lowering::lowerRowBlock() {
  // Scores are computed for keys padded to whole vectors, Kp. Past one
  // vector, Kp is a whole number of vector pairs: the score tile is then 8
  // rows x 2 vectors (16 accumulators), not x 1 (8 accumulators waiting on 8
  // broadcasts of q). ViT's 197 keys: 224, not 208.
  Kp = symKeys ? ShapedType::kDynamic : rowBlockKeys();
  // Reductions over the padded keys: whole-vector partials need a static
  // count; a symbolic one reduces key by key.
  auto keyReduction = [&](StringRef name, halide::Combine combine,
                          const std::function<Value(OpBuilder &, Idx, Value)> &value) {
    if (!symKeys)
      return buildLastAxisReduction(kb, name, nb + 1, Kp, W, combine, et, value);
    kb.func(name, nb + 1, et, [&](OpBuilder &b, Idx) { return typedConstant(b, et, combineIdentity(combine, et)); });
    kb.update(name, nb + 1, ArrayRef<AffineExpr>{kpExpr}, combine, et,
              [&](OpBuilder &b, Idx d, Idx r) { return value(b, d, r[0]); });
    return false;
  };
  defineKt();
  kb.func("s", nb + 2, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("s", nb + 2, {D}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value x = read(b, 0, q, with(batchOf(d), {d[nb], r[0]}));
    Value y = KernelBuilder::call(b, "kt", et, with(batchOf(d), {r[0], d[nb + 1]}));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), x, y);
  });
  kb.func("sc", nb + 2, et, [&](OpBuilder &b, Idx d) {
    return score(b, d.take_front(nb + 1), d[nb + 1], KernelBuilder::call(b, "s", et, d));
  });
  keyReduction("mx", halide::Combine::Max, [&](OpBuilder &b, Idx row, Value j) {
    return KernelBuilder::call(b, "sc", et, with(row, {j}));
  });
  kb.func("ex", nb + 2, et, [&](OpBuilder &b, Idx d) {
    return weight(b, KernelBuilder::call(b, "sc", et, d), KernelBuilder::call(b, "mx", et, d.drop_back()), d[nb + 1]);
  });
  keyReduction("sum", halide::Combine::Add, [&](OpBuilder &b, Idx row, Value j) {
    return KernelBuilder::call(b, "ex", et, with(row, {j}));
  });
  // Without a probs region the division by the row sum waits until after P V.
  StringRef weights = probs ? "p" : "ex";
  if (probs)
    kb.func("p", nb + 2, et, [&](OpBuilder &b, Idx d) {
      Value sum = KernelBuilder::call(b, "sum", et, d.drop_back());
      Value p = b.create<arith::DivFOp>(b.getUnknownLoc(), KernelBuilder::call(b, "ex", et, d), sum);
      return KernelBuilder::inlineBody(b, op.getProbs().front(), p, ValueRange(), ArrayAttr(), {}, d);
    });
  kb.func("o", nb + 2, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  SmallVector<AffineExpr> keyExtent{symKeys ? keyExpr : getAffineConstantExpr(keys, op.getContext())};
  // V as P V reads it, vt(b..., j, e): the CPU schedule packs it per head
  // when several row tiles read it (see ScheduleCpu.cpp), else it is inline.
  kb.func("vt", nb + 2, et, [&](OpBuilder &b, Idx d) { return read(b, 2, v, d); });
  kb.update("o", nb + 2, keyExtent, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value p = KernelBuilder::call(b, weights, et, with(batchOf(d), {d[nb], r[0]}));
    Value x = KernelBuilder::call(b, "vt", et, with(batchOf(d), {r[0], d[nb + 1]}));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), p, x);
  });
  // One division per row, then a product per value: a vector division
  // costs 8-16x a product.
  if (!probs)
    kb.func("rsum", nb + 1, et, [&](OpBuilder &b, Idx d) {
      return b.create<arith::DivFOp>(b.getUnknownLoc(), KernelBuilder::constant(b, et, 1),
                                     KernelBuilder::call(b, "sum", et, d));
    });
  defineOut([&](OpBuilder &b, Idx d) -> Value {
    Value o = KernelBuilder::call(b, "o", et, d);
    if (probs)
      return o;
    return b.create<arith::MulFOp>(b.getUnknownLoc(), o, KernelBuilder::call(b, "rsum", et, d.drop_back()));
  });
  // A fully masked row is -inf - -inf = NaN in ex, which the probs region
  // (the exporters' NaN guard) must see; p itself is strict already (its body
  // tests for NaN, see buildHalideExpr).
  if (probs)
    kb.strictFloat("ex");

  record(halide::Recipe::Attention);
  return success();
}

/// The row-block form with Q K^T and P V in int8 (see the top).
LogicalResult Lowering::lowerRowBlockInt8() {
  MLIRContext *ctx = op.getContext();
  Type i32 = IntegerType::get(ctx, 32), s8 = IntegerType::get(ctx, 8);
  Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  Kp = rowBlockKeys();
  const int64_t DQ = D / 4, KQ = (keys + 3) / 4;
  auto c32 = [](OpBuilder &b, int64_t v) { return KernelBuilder::i32(b, v); };
  auto cf = [&](OpBuilder &b, double v) { return KernelBuilder::constant(b, et, v); };
  auto absf = [](OpBuilder &b, Value x) { return b.create<math::AbsFOp>(b.getUnknownLoc(), x).getResult(); };
  // x * inv rounded to even, within [-127, 127], as i32.
  auto quant = [&](OpBuilder &b, Value x, Value inv) -> Value {
    Location l = b.getUnknownLoc();
    Value r = b.create<math::RoundEvenOp>(l, b.create<arith::MulFOp>(l, x, inv));
    Value q = b.create<arith::FPToSIOp>(l, i32, r);
    return b.create<arith::MaxSIOp>(l, b.create<arith::MinSIOp>(l, q, c32(b, 127)), c32(b, -127));
  };
  // inv(...) = 127 / mx(...), or 0 for an all-zero row (its quantized values
  // are then 0): one division per key, row or value column, not per value.
  auto inverse = [&](StringRef inv, StringRef mx, size_t rank) {
    kb.func(inv, rank, et, [&](OpBuilder &b, Idx d) -> Value {
      Location l = b.getUnknownLoc();
      Value m = KernelBuilder::call(b, mx, et, d);
      Value pos = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, m, cf(b, 0));
      return b.create<arith::SelectOp>(l, pos, b.create<arith::DivFOp>(l, cf(b, 127), m), cf(b, 0));
    });
  };
  auto dOf = [&](OpBuilder &b, Value dq, Value dr) -> Value {
    Location l = b.getUnknownLoc();
    return b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, dq, c32(b, 4)), dr);
  };
  auto product = [&](OpBuilder &b, Value x, Value y) {
    return b.create<arith::MulIOp>(b.getUnknownLoc(), widen(b, x, i32), widen(b, y, i32)).getResult();
  };
  auto maxAbs = [&](StringRef name, size_t rank, int64_t n, const std::function<Value(OpBuilder &, Idx, Value)> &x) {
    kb.func(name, rank, et, [&](OpBuilder &b, Idx) { return cf(b, 0); });
    kb.update(name, rank, {n}, halide::Combine::Max, et,
              [&](OpBuilder &b, Idx d, Idx r) { return absf(b, x(b, d, r[0])); });
  };

  // K per key, packed as the dot product reads it: 4 d of one key together.
  defineKt();
  maxAbs("kmx", nb + 1, D, [&](OpBuilder &b, Idx d, Value r) {
    return KernelBuilder::call(b, "kt", et, with(batchOf(d), {r, d[nb]}));
  });
  inverse("kinv", "kmx", nb + 1);
  // Quantized in K^T's layout (vectors of keys), then interleaved as bytes:
  // 4 vectors of 16 bytes into one, where interleaving the floats first
  // took a scalar insert per value.
  kb.func("kt8", nb + 2, s8, [&](OpBuilder &b, Idx d) {
    Value x = KernelBuilder::call(b, "kt", et, d);
    Value inv = KernelBuilder::call(b, "kinv", et, with(batchOf(d), {d[nb + 1]}));
    return narrow(b, quant(b, x, inv), s8);
  });
  kb.func("kq", nb + 3, s8, [&](OpBuilder &b, Idx d) {
    return KernelBuilder::call(b, "kt8", s8, with(batchOf(d), {dOf(b, d[nb], d[nb + 2]), d[nb + 1]}));
  });
  kb.func("ksum", nb + 1, i32, [&](OpBuilder &b, Idx) { return c32(b, 0); });
  kb.update("ksum", nb + 1, {DQ, 4}, halide::Combine::Add, i32, [&](OpBuilder &b, Idx d, Idx r) {
    return widen(b, KernelBuilder::call(b, "kq", s8, with(batchOf(d), {r[0], d[nb], r[1]})), i32);
  });
  // Q per row, offset by 128 into u8.
  buildLastAxisReduction(kb, "qmx", nb + 1, D, W, halide::Combine::Max, et, [&](OpBuilder &b, Idx row, Value dd) {
    return absf(b, read(b, 0, q, with(row, {dd})));
  });
  inverse("qinv", "qmx", nb + 1);
  kb.func("qu", nb + 2, u8, [&](OpBuilder &b, Idx d) {
    Location l = b.getUnknownLoc();
    Value inv = KernelBuilder::call(b, "qinv", et, d.drop_back());
    Value x = quant(b, read(b, 0, q, d), inv);
    return narrow(b, b.create<arith::AddIOp>(l, x, c32(b, 128)), u8);
  });
  kb.func("s", nb + 2, i32, [&](OpBuilder &b, Idx) { return c32(b, 0); });
  kb.update("s", nb + 2, {DQ, 4}, halide::Combine::Add, i32, [&](OpBuilder &b, Idx d, Idx r) {
    Value x = KernelBuilder::call(b, "qu", u8, with(batchOf(d), {d[nb], dOf(b, r[0], r[1])}));
    Value y = KernelBuilder::call(b, "kq", s8, with(batchOf(d), {r[0], d[nb + 1], r[1]}));
    return product(b, x, y);
  });
  kb.func("sc", nb + 2, et, [&](OpBuilder &b, Idx d) {
    Location l = b.getUnknownLoc();
    Idx row = d.take_front(nb + 1);
    Value j = d[nb + 1];
    Value ks = KernelBuilder::call(b, "ksum", i32, with(batchOf(d), {j}));
    Value acc = b.create<arith::SubIOp>(l, KernelBuilder::call(b, "s", i32, d),
                                        b.create<arith::MulIOp>(l, ks, c32(b, 128)));
    Value scale = b.create<arith::MulFOp>(l, KernelBuilder::call(b, "qmx", et, row),
                                          KernelBuilder::call(b, "kmx", et, with(batchOf(d), {j})));
    scale = b.create<arith::MulFOp>(l, scale, cf(b, 1.0 / (127.0 * 127.0)));
    return score(b, row, j, b.create<arith::MulFOp>(l, b.create<arith::SIToFPOp>(l, et, acc), scale));
  });
  buildLastAxisReduction(kb, "mx", nb + 1, Kp, W, halide::Combine::Max, et, [&](OpBuilder &b, Idx row, Value j) {
    return KernelBuilder::call(b, "sc", et, with(row, {j}));
  });
  // The row max, at least the lowest float (strict, as the online form's
  // bref): a fully masked row then weighs exp(-inf) = 0 everywhere, not
  // exp(-inf - -inf) = NaN, and its sum is 0.
  kb.func("mref", nb + 1, et, [&](OpBuilder &b, Idx d) -> Value {
    return b.create<arith::MaximumFOp>(b.getUnknownLoc(), KernelBuilder::call(b, "mx", et, d),
                                       cf(b, -std::numeric_limits<float>::max()));
  });
  kb.strictFloat("mref");
  kb.func("ex", nb + 2, et, [&](OpBuilder &b, Idx d) {
    return weight(b, KernelBuilder::call(b, "sc", et, d), KernelBuilder::call(b, "mref", et, d.drop_back()),
                  d[nb + 1]);
  });
  // The weights in 255 steps (the row's largest is 1); 0 past the keys.
  kb.func("pu", nb + 2, u8, [&](OpBuilder &b, Idx d) {
    Location l = b.getUnknownLoc();
    Value x = b.create<arith::MulFOp>(l, KernelBuilder::call(b, "ex", et, d), cf(b, 255));
    Value p = b.create<arith::FPToSIOp>(l, i32, b.create<arith::AddFOp>(l, x, cf(b, 0.5)));
    return narrow(b, b.create<arith::MinSIOp>(l, p, c32(b, 255)), u8);
  });
  buildLastAxisReduction(kb, "sum", nb + 1, Kp, W, halide::Combine::Add, et, [&](OpBuilder &b, Idx row, Value j) {
    Value p = widen(b, KernelBuilder::call(b, "pu", u8, with(row, {j})), i32);
    return b.create<arith::SIToFPOp>(b.getUnknownLoc(), et, p).getResult();
  });
  // V per value column, packed as P V reads it: 4 keys of one column together.
  // Read straight from v (no f32 copy): vmx and vt8 go along a key's values.
  maxAbs("vmx", nb + 1, keys, [&](OpBuilder &b, Idx d, Value r) { return read(b, 2, v, with(batchOf(d), {r, d[nb]})); });
  inverse("vinv", "vmx", nb + 1);
  // vt8 covers whole groups of 4 keys (the last key repeated, quantized to 0).
  kb.func("vt8", nb + 2, s8, [&](OpBuilder &b, Idx d) {
    Location l = b.getUnknownLoc();
    Value j = d[nb], e = d[nb + 1];
    Value inv = KernelBuilder::call(b, "vinv", et, with(batchOf(d), {e}));
    Value real = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, j, c32(b, keys));
    Value x = quant(b, read(b, 2, v, with(batchOf(d), {clampKey(b, j), e})), inv);
    return narrow(b, b.create<arith::SelectOp>(l, real, x, c32(b, 0)), s8);
  });
  kb.func("vq", nb + 3, s8, [&](OpBuilder &b, Idx d) {
    return KernelBuilder::call(b, "vt8", s8, with(batchOf(d), {dOf(b, d[nb], d[nb + 2]), d[nb + 1]}));
  });
  kb.func("o", nb + 2, i32, [&](OpBuilder &b, Idx) { return c32(b, 0); });
  kb.update("o", nb + 2, {KQ, 4}, halide::Combine::Add, i32, [&](OpBuilder &b, Idx d, Idx r) {
    Value x = KernelBuilder::call(b, "pu", u8, with(batchOf(d), {d[nb], dOf(b, r[0], r[1])}));
    Value y = KernelBuilder::call(b, "vq", s8, with(batchOf(d), {r[0], d[nb + 1], r[1]}));
    return product(b, x, y);
  });
  // A fully masked row: 0 under the NaN guard, else 0 * inf = NaN as in
  // the f32 form.
  kb.func("rsum", nb + 1, et, [&](OpBuilder &b, Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value sum = KernelBuilder::call(b, "sum", et, d);
    Value r = b.create<arith::DivFOp>(l, cf(b, 1.0 / 127.0), sum);
    if (!probs)
      return r;
    Value pos = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, sum, cf(b, 0));
    return b.create<arith::SelectOp>(l, pos, r, cf(b, 0));
  });
  defineOut([&](OpBuilder &b, Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value o = b.create<arith::SIToFPOp>(l, et, KernelBuilder::call(b, "o", i32, d));
    Value vs = KernelBuilder::call(b, "vmx", et, with(batchOf(d), {d[nb + 1]}));
    return b.create<arith::MulFOp>(l, b.create<arith::MulFOp>(l, o, vs),
                                   KernelBuilder::call(b, "rsum", et, d.drop_back()));
  });
  record(halide::Recipe::AttentionInt8);
  return success();
}

/// Keys in blocks of kKeyBlock merged by an online softmax (see the top).
LogicalResult Lowering::lowerOnline() {
  const int64_t KB = kKeyBlock, blocks = (keys + KB - 1) / KB;
  Kp = blocks * KB;
  const double lowest = -std::numeric_limits<float>::max();
  defineKt();
  // Block funcs are row-major (b..., i, kb, jj); key j = kb * KB + jj.
  auto keyOf = [&](OpBuilder &b, Value blk, Value jj) -> Value {
    Location l = b.getUnknownLoc();
    return b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, blk, KernelBuilder::i32(b, KB)), jj);
  };
  kb.func("s", nb + 3, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("s", nb + 3, {D}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value x = read(b, 0, q, with(batchOf(d), {d[nb], r[0]}));
    Value y = KernelBuilder::call(b, "kt", et, with(batchOf(d), {r[0], keyOf(b, d[nb + 1], d[nb + 2])}));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), x, y);
  });
  kb.func("sc", nb + 3, et, [&](OpBuilder &b, Idx d) {
    return score(b, d.take_front(nb + 1), keyOf(b, d[nb + 1], d[nb + 2]), KernelBuilder::call(b, "s", et, d));
  });
  buildLastAxisReduction(kb, "bmx", nb + 2, KB, W, halide::Combine::Max, et, [&](OpBuilder &b, Idx row, Value jj) {
    return KernelBuilder::call(b, "sc", et, with(row, {jj}));
  });
  // A block's max, at least the lowest float: a block of -inf (masked) scores
  // then weighs exp(-inf) = 0, not exp(-inf - -inf) = NaN, and the state's
  // max stays finite. A row of -inf scores still ends as 0 / 0, as in
  // onnxruntime.
  kb.func("bref", nb + 2, et, [&](OpBuilder &b, Idx d) -> Value {
    return b.create<arith::MaximumFOp>(b.getUnknownLoc(), KernelBuilder::call(b, "bmx", et, d),
                                       KernelBuilder::constant(b, et, lowest));
  });
  kb.strictFloat("bref");
  kb.func("ex", nb + 3, et, [&](OpBuilder &b, Idx d) {
    return weight(b, KernelBuilder::call(b, "sc", et, d), KernelBuilder::call(b, "bref", et, d.drop_back()),
                  keyOf(b, d[nb + 1], d[nb + 2]));
  });
  buildLastAxisReduction(kb, "bsum", nb + 2, KB, W, halide::Combine::Add, et, [&](OpBuilder &b, Idx row, Value jj) {
    return KernelBuilder::call(b, "ex", et, with(row, {jj}));
  });
  kb.func("bo", nb + 3, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("bo", nb + 3, {KB}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value p = KernelBuilder::call(b, "ex", et, with(batchOf(d), {d[nb], d[nb + 1], r[0]}));
    Value j = clampKey(b, keyOf(b, d[nb + 1], r[0]));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), p, read(b, 2, v, with(batchOf(d), {j, d[nb + 2]})));
  });
  kb.tupleFunc("st", nb + 2, et, 3, [&](OpBuilder &b, Idx) {
    return SmallVector<Value>{KernelBuilder::constant(b, et, 0), KernelBuilder::constant(b, et, 0),
                              KernelBuilder::constant(b, et, lowest)};
  });
  std::optional<uint64_t> past = op.getCausal();
  auto stBody = [&](OpBuilder &b, Idx d, Idx r) -> SmallVector<Value> {
    Location l = b.getUnknownLoc();
    Idx row = d.take_front(nb + 1);
    Value blk = r[0];
    Value o = KernelBuilder::callElement(b, "st", et, d, 0), sum = KernelBuilder::callElement(b, "st", et, d, 1);
    Value m = KernelBuilder::callElement(b, "st", et, d, 2);
    Value bm = KernelBuilder::call(b, "bref", et, with(row, {blk}));
    Value m2 = b.create<arith::MaximumFOp>(l, m, bm);
    Value keep = b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, m, m2));
    Value add = b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, bm, m2));
    auto fma = [&](Value acc, Value part) {
      return b.create<arith::AddFOp>(l, b.create<arith::MulFOp>(l, acc, keep), b.create<arith::MulFOp>(l, part, add));
    };
    Value bo = KernelBuilder::call(b, "bo", et, with(row, {blk, d[nb + 1]}));
    Value bsum = KernelBuilder::call(b, "bsum", et, with(row, {blk}));
    SmallVector<Value> res{fma(o, bo), fma(sum, bsum), m2};
    // Causal: only the blocks that start at or before the row's diagonal
    // key; the rest weigh exactly 0 (see kernel.attention's `causal`). The
    // predicate reads the row: Halide trims the block loop to the tile's
    // last row, so a tile computes no block wholly above its diagonal.
    if (past) {
      Value first = b.create<arith::MulIOp>(l, blk, KernelBuilder::i32(b, KB));
      Value diag = *past ? b.create<arith::AddIOp>(l, d[nb], KernelBuilder::i32(b, *past)) : d[nb];
      res.push_back(b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sle, first, diag));
    }
    return res;
  };
  if (past)
    kb.updateWhere("st", nb + 2, {blocks}, halide::Combine::Set, et, stBody);
  else
    kb.tupleUpdate("st", nb + 2, {blocks}, et, stBody);
  defineOut([&](OpBuilder &b, Idx d) -> Value {
    return b.create<arith::DivFOp>(b.getUnknownLoc(), KernelBuilder::callElement(b, "st", et, d, 0),
                                   KernelBuilder::callElement(b, "st", et, d, 1));
  });

  record(halide::Recipe::AttentionBlocked);
  kb.op().setKeyBlock(KB);
  return success();
}

/// XAttention's block selection (see the top): est, the antidiagonal
/// estimate of each strided (i', j') cell; its softmax over j' (ee / esum);
/// mass(b, qb, kb), each block's share of its query block's probability;
/// keep(b, qb, kb), whether the block is among the largest whose cumulative
/// mass reaches `threshold`, or is key block 0 or on the diagonal.
void Lowering::defineBlockSelection(double threshold, int64_t KB, int64_t blocks) {
  const int64_t S = kSparseStride, C = KB / S, rows = shape[nb];
  const int64_t keysS = (keys + S - 1) / S, rowsS = (rows + S - 1) / S, past = keys - rows;
  // Strided keys padded to whole vector pairs: every stage over j' vectorizes
  // without a tail (the ones past keysS are left out of every sum).
  const int64_t KS = (blocks * C + 2 * W - 1) / (2 * W) * (2 * W);
  const double lowest = -std::numeric_limits<float>::max();
  auto c = [](OpBuilder &b, int64_t v) { return KernelBuilder::i32(b, v); };
  auto minI = [](OpBuilder &b, Value x, Value y) { return b.create<arith::MinSIOp>(b.getUnknownLoc(), x, y); };
  auto mulAdd = [](OpBuilder &b, Value x, Value m, Value a) {
    Location l = b.getUnknownLoc();
    return b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, x, m), a);
  };
  // Cell (i', j') of the strided matrix sums S scores on an antidiagonal:
  // row i' S + S-1-t with key j' S + t.
  auto rowOf = [&](OpBuilder &b, Value ip, Value t) -> Value {
    Location l = b.getUnknownLoc();
    Value r = b.create<arith::SubIOp>(l, mulAdd(b, ip, c(b, S), c(b, S - 1)), t);
    return minI(b, r, c(b, rows - 1));
  };
  auto keyOfS = [&](OpBuilder &b, Value jp, Value t) { return mulAdd(b, minI(b, jp, c(b, keysS - 1)), c(b, S), t); };
  // K^T's strided columns per t, so the estimate reads whole vectors of j'.
  kb.func("kst", nb + 3, et, [&](OpBuilder &b, Idx d) {
    Value j = minI(b, keyOfS(b, d[nb + 2], d[nb]), c(b, keys - 1));
    return KernelBuilder::call(b, "kt", et, with(batchOf(d), {d[nb + 1], j}));
  });
  kb.func("raw", nb + 3, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("raw", nb + 3, {D}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value x = read(b, 0, q, with(batchOf(d), {rowOf(b, d[nb], d[nb + 1]), r[0]}));
    Value y = KernelBuilder::call(b, "kst", et, with(batchOf(d), {d[nb + 1], r[0], d[nb + 2]}));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), x, y);
  });
  // The mean of the cell's S scores after alpha and the score region (a
  // masked score makes it -inf).
  kb.func("est", nb + 2, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("est", nb + 2, {S}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value raw = KernelBuilder::call(b, "raw", et, with(batchOf(d), {d[nb], r[0], d[nb + 1]}));
    Value sc = score(b, with(batchOf(d), {rowOf(b, d[nb], r[0])}), keyOfS(b, d[nb + 1], r[0]), raw);
    return b.create<arith::MulFOp>(b.getUnknownLoc(), sc, KernelBuilder::constant(b, et, 1.0 / S));
  });
  auto realKeyS = [&](OpBuilder &b, Value jp) {
    return b.create<arith::CmpIOp>(b.getUnknownLoc(), arith::CmpIPredicate::slt, jp, c(b, keysS));
  };
  buildLastAxisReduction(kb, "emx", nb + 1, KS, W, halide::Combine::Max, et, [&](OpBuilder &b, Idx row, Value jp) {
    Value e = KernelBuilder::call(b, "est", et, with(row, {jp}));
    return b.create<arith::SelectOp>(b.getUnknownLoc(), realKeyS(b, jp), e, KernelBuilder::constant(b, et, lowest));
  });
  // exp(-inf - m) must be 0: strict, with the max at least the lowest float.
  kb.func("ee", nb + 2, et, [&](OpBuilder &b, Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value m = b.create<arith::MaximumFOp>(l, KernelBuilder::call(b, "emx", et, d.drop_back()),
                                          KernelBuilder::constant(b, et, lowest));
    Value e = b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, KernelBuilder::call(b, "est", et, d), m));
    return b.create<arith::SelectOp>(l, realKeyS(b, d[nb + 1]), e, KernelBuilder::constant(b, et, 0));
  });
  kb.strictFloat("ee");
  buildLastAxisReduction(kb, "esum", nb + 1, KS, W, halide::Combine::Add, et, [&](OpBuilder &b, Idx row, Value jp) {
    return KernelBuilder::call(b, "ee", et, with(row, {jp}));
  });
  // Each block's share: its C x C cells' probabilities over the query
  // block's real strided rows.
  kb.func("mass", nb + 2, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("mass", nb + 2, {C, C}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) -> Value {
    Location l = b.getUnknownLoc();
    Value ip = mulAdd(b, d[nb], c(b, C), r[0]), jp = mulAdd(b, d[nb + 1], c(b, C), r[1]);
    Value ic = minI(b, ip, c(b, rowsS - 1));
    Value p = b.create<arith::DivFOp>(l, KernelBuilder::call(b, "ee", et, with(batchOf(d), {ic, jp})),
                                      KernelBuilder::call(b, "esum", et, with(batchOf(d), {ic})));
    Value real = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, ip, c(b, rowsS));
    return b.create<arith::SelectOp>(l, real, p, KernelBuilder::constant(b, et, 0));
  });
  kb.func("tot", nb + 1, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("tot", nb + 1, {blocks}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    return KernelBuilder::call(b, "mass", et, with(d, {r[0]}));
  });
  // The mass of the blocks ranked above kb (larger, or equal and earlier):
  // kb is kept while that is at most the threshold, so the kept blocks are
  // the fewest, largest first, that pass it (all of them at 1).
  kb.func("above", nb + 2, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("above", nb + 2, {blocks}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) -> Value {
    Location l = b.getUnknownLoc();
    Value m = KernelBuilder::call(b, "mass", et, d), o = KernelBuilder::call(b, "mass", et, with(batchOf(d), {d[nb], r[0]}));
    Value gt = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, o, m);
    Value eq = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, o, m);
    Value before = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, r[0], d[nb + 1]);
    Value ranked = b.create<arith::OrIOp>(l, gt, b.create<arith::AndIOp>(l, eq, before));
    return b.create<arith::SelectOp>(l, ranked, o, KernelBuilder::constant(b, et, 0));
  });
  kb.func("keep", nb + 2, IntegerType::get(op.getContext(), 1), [&](OpBuilder &b, Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value qb = d[nb], blk = d[nb + 1];
    Value goal = b.create<arith::MulFOp>(l, KernelBuilder::call(b, "tot", et, d.drop_back()),
                                         KernelBuilder::constant(b, et, threshold));
    Value wanted = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OLE, KernelBuilder::call(b, "above", et, d), goal);
    // The query block's diagonal keys [qb KB + past, qb KB + KB - 1 + past].
    Value first = b.create<arith::MulIOp>(l, blk, c(b, KB));
    Value last = mulAdd(b, blk, c(b, KB), c(b, KB - 1));
    Value lo = mulAdd(b, qb, c(b, KB), c(b, past)), hi = mulAdd(b, qb, c(b, KB), c(b, KB - 1 + past));
    Value diag = b.create<arith::AndIOp>(l, b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sle, first, hi),
                                         b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, last, lo));
    Value sink = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, blk, c(b, 0));
    return b.create<arith::OrIOp>(l, wanted, b.create<arith::OrIOp>(l, diag, sink));
  });
}

/// The online form over blocks of kSparseBlock keys for row tiles of TI
/// rows made explicit (t, ii): the state's update visits block kb only where
/// keep(b, the tile's query block, kb) holds, a predicate of the tile and the
/// block alone, which Halide tests once per block, around the block's stages.
LogicalResult Lowering::lowerSparse(double threshold) {
  const int64_t KB = kSparseBlock, blocks = (keys + KB - 1) / KB, TI = sparseRowTile(W), rows = shape[nb];
  Kp = blocks * KB;
  const double lowest = -std::numeric_limits<float>::max();
  defineKt();
  defineBlockSelection(threshold, KB, blocks);
  auto keyOf = [&](OpBuilder &b, Value blk, Value jj) -> Value {
    Location l = b.getUnknownLoc();
    return b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, blk, KernelBuilder::i32(b, KB)), jj);
  };
  // Row of lane ii of tile t; the last tile's lanes past the rows repeat the last.
  auto rowOf = [&](OpBuilder &b, Value t, Value ii) -> Value {
    Location l = b.getUnknownLoc();
    Value r = b.create<arith::AddIOp>(l, b.create<arith::MulIOp>(l, t, KernelBuilder::i32(b, TI)), ii);
    return b.create<arith::MinSIOp>(l, r, KernelBuilder::i32(b, rows - 1));
  };
  // Block funcs are (b..., t, ii, kb, jj).
  auto rowIdx = [&](OpBuilder &b, Idx d) { return with(batchOf(d), {rowOf(b, d[nb], d[nb + 1])}); };
  kb.func("s", nb + 4, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("s", nb + 4, {D}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value x = read(b, 0, q, with(rowIdx(b, d), {r[0]}));
    Value y = KernelBuilder::call(b, "kt", et, with(batchOf(d), {r[0], keyOf(b, d[nb + 2], d[nb + 3])}));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), x, y);
  });
  kb.func("sc", nb + 4, et, [&](OpBuilder &b, Idx d) {
    return score(b, rowIdx(b, d), keyOf(b, d[nb + 2], d[nb + 3]), KernelBuilder::call(b, "s", et, d));
  });
  buildLastAxisReduction(kb, "bmx", nb + 3, KB, W, halide::Combine::Max, et, [&](OpBuilder &b, Idx row, Value jj) {
    return KernelBuilder::call(b, "sc", et, with(row, {jj}));
  });
  kb.func("bref", nb + 3, et, [&](OpBuilder &b, Idx d) -> Value {
    return b.create<arith::MaximumFOp>(b.getUnknownLoc(), KernelBuilder::call(b, "bmx", et, d),
                                       KernelBuilder::constant(b, et, lowest));
  });
  kb.strictFloat("bref");
  kb.func("ex", nb + 4, et, [&](OpBuilder &b, Idx d) {
    return weight(b, KernelBuilder::call(b, "sc", et, d), KernelBuilder::call(b, "bref", et, d.drop_back()),
                  keyOf(b, d[nb + 2], d[nb + 3]));
  });
  buildLastAxisReduction(kb, "bsum", nb + 3, KB, W, halide::Combine::Add, et, [&](OpBuilder &b, Idx row, Value jj) {
    return KernelBuilder::call(b, "ex", et, with(row, {jj}));
  });
  kb.func("bo", nb + 4, et, [&](OpBuilder &b, Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("bo", nb + 4, {KB}, halide::Combine::Add, et, [&](OpBuilder &b, Idx d, Idx r) {
    Value p = KernelBuilder::call(b, "ex", et, with(d.take_front(nb + 3), {r[0]}));
    Value j = clampKey(b, keyOf(b, d[nb + 2], r[0]));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), p, read(b, 2, v, with(batchOf(d), {j, d[nb + 3]})));
  });
  kb.tupleFunc("st", nb + 3, et, 3, [&](OpBuilder &b, Idx) {
    return SmallVector<Value>{KernelBuilder::constant(b, et, 0), KernelBuilder::constant(b, et, 0),
                              KernelBuilder::constant(b, et, lowest)};
  });
  std::optional<uint64_t> past = op.getCausal();
  kb.updateWhere("st", nb + 3, {blocks}, halide::Combine::Set, et, [&](OpBuilder &b, Idx d, Idx r) {
    Location l = b.getUnknownLoc();
    Idx tile = d.take_front(nb + 2);
    Value blk = r[0];
    Value o = KernelBuilder::callElement(b, "st", et, d, 0), sum = KernelBuilder::callElement(b, "st", et, d, 1);
    Value m = KernelBuilder::callElement(b, "st", et, d, 2);
    Value bm = KernelBuilder::call(b, "bref", et, with(tile, {blk}));
    Value m2 = b.create<arith::MaximumFOp>(l, m, bm);
    Value keep = b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, m, m2));
    Value add = b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, bm, m2));
    auto fma = [&](Value acc, Value part) {
      return b.create<arith::AddFOp>(l, b.create<arith::MulFOp>(l, acc, keep), b.create<arith::MulFOp>(l, part, add));
    };
    Value bo = KernelBuilder::call(b, "bo", et, with(tile, {blk, d[nb + 2]}));
    Value bsum = KernelBuilder::call(b, "bsum", et, with(tile, {blk}));
    // The tile's query block; with a causal mask also no block past the
    // tile's last diagonal key (as lowerOnline).
    Value qb = b.create<arith::DivSIOp>(l, d[nb], KernelBuilder::i32(b, KB / TI));
    Value pred = KernelBuilder::call(b, "keep", b.getI1Type(), with(batchOf(d), {qb, blk}));
    if (past) {
      Value first = b.create<arith::MulIOp>(l, blk, KernelBuilder::i32(b, KB));
      Value diag = b.create<arith::AddIOp>(
          l, b.create<arith::MulIOp>(l, d[nb], KernelBuilder::i32(b, TI)), KernelBuilder::i32(b, TI - 1 + *past));
      pred = b.create<arith::AndIOp>(l, pred, b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sle, first, diag));
    }
    return SmallVector<Value>{fma(o, bo), fma(sum, bsum), m2, pred};
  });
  defineOut([&](OpBuilder &b, Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value t = b.create<arith::DivSIOp>(l, d[nb], KernelBuilder::i32(b, TI));
    Value ii = b.create<arith::RemSIOp>(l, d[nb], KernelBuilder::i32(b, TI));
    SmallVector<Value> tile = with(batchOf(d), {t, ii, d[nb + 1]});
    return b.create<arith::DivFOp>(l, KernelBuilder::callElement(b, "st", et, tile, 0),
                                   KernelBuilder::callElement(b, "st", et, tile, 1));
  });
  record(halide::Recipe::AttentionBlocked);
  kb.op().setKeyBlock(KB);
  return success();
}

LogicalResult kiln::lowerAttention(kernel::AttentionOp op, KernelBuilder &kb) {
  Lowering lowering(op, kb);
  bool online = !lowering.symKeys && !lowering.probs && lowering.keys > kOnlineMinKeys && lowering.E % lowering.W == 0;
  // The sparse form's row tiles and estimate are sized from static rows.
  if (auto t = op.getSparseThreshold(); t && online && !ShapedType::isDynamic(lowering.shape[lowering.nb]))
    return lowering.lowerSparse(t->convertToDouble());
  if (online)
    return lowering.lowerOnline();
  // int8 covers the row-block form over static rows and keys, without a
  // probs region, on a target with an int8 dot product (kernel.attention).
  if (op.getInt8() && !lowering.symKeys && (!lowering.probs || isNanGuard(op.getProbs())) &&
      !ShapedType::isDynamic(lowering.shape[lowering.nb]) && halide::hasInt8DotProduct(op->getParentOfType<ModuleOp>()))
    return lowering.lowerRowBlockInt8();
  return lowering.lowerRowBlock();
}
