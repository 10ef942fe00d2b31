//===- Attention.cpp - kernel.attention to a halide.kernel -===//
//
// Row-major funcs over the batch dims b... (nb of them):
//   kt(b, d, j)  = k[k_map(b, j, d)]           K transposed once per head
//   s(b, i, j)   = sum_d q[q_map(b, i, d)] * kt(b, d, j)
//   sc(b, i, j)  = score(alpha * s, inputs...)  mask, bias
//   mx(b, i)     = max_j sc;  ex = exp(sc - mx);  sum(b, i) = sum_j ex
//   o(b, i, e)   = sum_j ex(b, i, j) * v[v_map(b, j, e)]
//   out(b, i, e) = o / sum
// With a probs region, p = probs(ex / sum) weighs v instead and out = o.
// On the CPU everything but kt is computed per tile of TI query rows, so only
// a [TI, keys] block of scores exists at a time (in L1/L2): a row-block
// flash attention, the score matrix never reaches memory. Scores are padded
// to whole vectors of keys (-inf past the last key); the row max and sum
// reduce a vector of partial results first.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelToHalide/Lowerings.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace kiln;

static RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

namespace {

/// Index lists in row-major terms: batch dims, then up to two more.
SmallVector<Value> with(KernelBuilder::Idx batch, ArrayRef<Value> rest) {
  SmallVector<Value> idx(batch.begin(), batch.end());
  idx.append(rest.begin(), rest.end());
  return idx;
}

} // namespace

LogicalResult kiln::lowerAttention(kernel::AttentionOp op, KernelBuilder &kb) {
  auto res = tt(op.getResult());
  Type et = res.getElementType();
  SmallVector<int64_t> shape = op.canonicalShape();
  size_t nb = op.numBatchDims();
  bool merged = op.getMergedHeads().has_value();
  int64_t rows = shape[nb], E = shape[nb + 1], keys = op.getKeyLen(), D = op.getHeadDim();
  SmallVector<int64_t> batch(shape.begin(), shape.begin() + nb);
  std::string q = kb.input(op.getQ()), k = kb.input(op.getK()), v = kb.input(op.getV());
  SmallVector<std::string> scoreIn;
  for (Value in : op.getScoreInputs())
    scoreIn.push_back(kb.input(in));
  auto read = [&](OpBuilder &b, unsigned i, StringRef name, KernelBuilder::Idx idx) {
    Value operand = op->getOperand(i);
    return KernelBuilder::call(b, name, et, KernelBuilder::mapIndices(b, op.operandMap(i), idx, tt(operand).getShape()));
  };
  auto b_ = [&](KernelBuilder::Idx d) { return d.take_front(nb); };

  // Scores are computed for keys padded to whole vectors, Kp: K is read at a
  // clamped key and padded scores are -inf (their exp is 0).
  // Past one vector, Kp is a whole number of vector pairs: the score tile is
  // then 8 rows x 2 vectors (16 accumulators), not x 1 (8 accumulators
  // waiting on 8 broadcasts of q). ViT's 197 keys: 224, not 208.
  int64_t W = kb.options().vectorBytes / 4;
  int64_t Kp = keys <= W ? W : (keys + 2 * W - 1) / (2 * W) * (2 * W);
  auto clampKey = [&](OpBuilder &b, Value j) -> Value {
    if (Kp == keys)
      return j;
    return b.create<arith::MinSIOp>(b.getUnknownLoc(), j, KernelBuilder::i32(b, keys - 1));
  };
  kb.func("kt", nb + 2, et, [&](OpBuilder &b, KernelBuilder::Idx d) {
    return read(b, 1, k, with(b_(d), {clampKey(b, d[nb + 1]), d[nb]}));
  });
  kb.func("s", nb + 2, et, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("s", nb + 2, {D}, "add", et, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    Value x = read(b, 0, q, with(b_(d), {d[nb], r[0]}));
    Value y = KernelBuilder::call(b, "kt", et, with(b_(d), {r[0], d[nb + 1]}));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), x, y);
  });
  kb.func("sc", nb + 2, et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value s = KernelBuilder::call(b, "s", et, d);
    float alpha = op.getAlpha().convertToFloat();
    if (alpha != 1.0f)
      s = b.create<arith::MulFOp>(l, s, KernelBuilder::constant(b, et, alpha));
    if (op.hasScore()) {
      SmallVector<Value> dc(d.begin(), d.end());
      dc[nb + 1] = clampKey(b, d[nb + 1]);
      s = KernelBuilder::inlineBody(b, op.getScore().front(), s, op.getScoreInputs(),
                                    op.getScoreMaps().value_or(ArrayAttr()), scoreIn, dc);
    }
    if (Kp == keys)
      return s;
    Value real = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, d[nb + 1], KernelBuilder::i32(b, keys));
    Value ninf = KernelBuilder::constant(b, et, -std::numeric_limits<double>::infinity());
    return b.create<arith::SelectOp>(l, real, s, ninf);
  });
  auto sc = [&](OpBuilder &b, KernelBuilder::Idx row, Value j) {
    return KernelBuilder::call(b, "sc", et, with(row, {j}));
  };
  bool parts = buildLastAxisReduction(kb, "mx", nb + 1, Kp, W, "max", et, sc);
  kb.func("ex", nb + 2, et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Location l = b.getUnknownLoc();
    Value m = KernelBuilder::call(b, "mx", et, d.drop_back());
    Value ex = b.create<math::ExpOp>(l, b.create<arith::SubFOp>(l, KernelBuilder::call(b, "sc", et, d), m));
    if (Kp == keys)
      return ex;
    // Padded keys weigh exactly 0 by their index: exp(-inf - mx) is not 0
    // under fast math (a one-row step summed garbage there).
    Value real = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, d[nb + 1], KernelBuilder::i32(b, keys));
    return b.create<arith::SelectOp>(l, real, ex, KernelBuilder::constant(b, et, 0));
  });
  buildLastAxisReduction(kb, "sum", nb + 1, Kp, W, "add", et, [&](OpBuilder &b, KernelBuilder::Idx row, Value j) {
    return KernelBuilder::call(b, "ex", et, with(row, {j}));
  });
  // Without a probs region the division by the row sum waits until after P V.
  bool probs = op.hasProbs();
  StringRef weights = probs ? "p" : "ex";
  if (probs)
    kb.func("p", nb + 2, et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
      Value sum = KernelBuilder::call(b, "sum", et, d.drop_back());
      Value p = b.create<arith::DivFOp>(b.getUnknownLoc(), KernelBuilder::call(b, "ex", et, d), sum);
      return KernelBuilder::inlineBody(b, op.getProbs().front(), p, ValueRange(), ArrayAttr(), {}, d);
    });
  kb.func("o", nb + 2, et, [&](OpBuilder &b, KernelBuilder::Idx) { return KernelBuilder::constant(b, et, 0); });
  kb.update("o", nb + 2, {keys}, "add", et, [&](OpBuilder &b, KernelBuilder::Idx d, KernelBuilder::Idx r) {
    Value p = KernelBuilder::call(b, weights, et, with(b_(d), {d[nb], r[0]}));
    return b.create<arith::MulFOp>(b.getUnknownLoc(), p, read(b, 2, v, with(b_(d), {r[0], d[nb + 1]})));
  });
  StringRef fin = merged ? "fin" : "out";
  kb.func(fin, nb + 2, et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
    Value o = KernelBuilder::call(b, "o", et, d);
    if (probs)
      return o;
    return b.create<arith::DivFOp>(b.getUnknownLoc(), o, KernelBuilder::call(b, "sum", et, d.drop_back()));
  });
  if (merged) {
    // out(outer..., i, c) = fin(outer..., c / E, i, c % E).
    kb.func("out", nb + 1, et, [&](OpBuilder &b, KernelBuilder::Idx d) -> Value {
      Location l = b.getUnknownLoc();
      Value c = d[nb], bigE = KernelBuilder::i32(b, E);
      SmallVector<Value> idx(d.begin(), d.begin() + nb - 1);
      idx.append({b.create<arith::DivSIOp>(l, c, bigE), d[nb - 1], b.create<arith::RemSIOp>(l, c, bigE)});
      return KernelBuilder::call(b, "fin", et, idx);
    });
  }
  kb.output("out", res.getShape());
  // A fully masked row is -inf - -inf = NaN in ex, which the probs region
  // (the exporters' NaN guard) must see; p itself is strict already (its body
  // tests for NaN, see buildHalideExpr).
  if (probs)
    kb.strictFloat("ex");

  // CPU. Loops of out: batch..., heads, row tiles, rows, e (vectorized); with
  // merged heads, out's last dim c splits into heads (c_o) and e (c_i).
  OpBuilder s = kb.cpu();
  Location l = s.getUnknownLoc();
  std::string i = KernelBuilder::var(nb), j = KernelBuilder::var(nb + 1), e = j;
  // out's names for the row and value loops, and the loop K^T is computed at.
  std::string oi = i, oe = e, head = nb ? KernelBuilder::var(nb - 1) : "";
  size_t outer = nb;
  if (merged) {
    std::string c = KernelBuilder::var(nb);
    oi = KernelBuilder::var(nb - 1);
    oe = c + "_i";
    head = c + "_o";
    outer = nb - 1;
    s.create<halide::SplitOp>(l, "out", c, head, oe, E, 0);
  }
  // TI rows x 2 vectors of accumulators: 16 registers of AVX-512's 32, 8 of AVX2's 16.
  const int64_t TI = W >= 16 ? 8 : 4;
  bool tiled = rows >= TI;
  std::string tile = tiled ? oi + "_o" : head;
  if (tiled)
    s.create<halide::SplitOp>(l, "out", oi, oi + "_o", oi + "_i", TI, 0);
  SmallVector<std::string> order{oe, tiled ? oi + "_i" : oi};
  if (tiled)
    order.push_back(oi + "_o");
  if (merged)
    order.push_back(head);
  for (size_t x = outer; x-- > 0;)
    order.push_back(KernelBuilder::var(x));
  SmallVector<StringRef> refs(order.begin(), order.end());
  s.create<halide::ReorderOp>(l, "out", s.getStrArrayAttr(refs), 0);
  if (E >= W && (!merged || E % W == 0))
    s.create<halide::VectorizeOp>(l, "out", oe, W, 0);
  std::string par = merged ? head : (tiled ? oi + "_o" : "");
  for (size_t x = 0; x < outer; ++x)
    if (shape[x] > 1) {
      par = KernelBuilder::var(x);
      break;
    }
  if (!par.empty())
    s.create<halide::ParallelOp>(l, "out", par, 0);
  // K^T once per head (innermost batch loop), keys vectorized.
  if (!head.empty())
    s.create<halide::ComputeAtOp>(l, "kt", "out", head);
  else
    s.create<halide::ComputeRootOp>(l, "kt");
  s.create<halide::VectorizeOp>(l, "kt", j, W, 0);
  auto perTile = [&](StringRef f) {
    if (tile.empty())
      s.create<halide::ComputeRootOp>(l, f);
    else
      s.create<halide::ComputeAtOp>(l, f, "out", tile);
  };
  perTile("s");
  perTile("sc");
  // A rows x NR register tile of update `f` over its last dim `x` (extent n,
  // a multiple of W), the reduction outermost in it. NR must divide n: with a
  // tail, Halide's split update stage accumulated some columns twice.
  auto registerTile = [&](StringRef f, const std::string &x, int64_t n) {
    int64_t NR = n % (2 * W) == 0 ? 2 * W : W;
    s.create<halide::VectorizeOp>(l, f, x, W, 0);
    s.create<halide::SplitOp>(l, f, x, x + "_o", x + "_i", NR, 1);
    s.create<halide::ReorderOp>(l, f, s.getStrArrayAttr({x + "_i", i, "r0", x + "_o"}), 1);
    s.create<halide::VectorizeOp>(l, f, x + "_i", W, 1);
    s.create<halide::UnrollOp>(l, f, x + "_i", 1);
    if (tiled)
      s.create<halide::UnrollOp>(l, f, i, 1);
  };
  // Scores: a TI x NR register tile of s, the head dim outermost in it.
  registerTile("s", j, Kp);
  s.create<halide::VectorizeOp>(l, "sc", j, W, 0);
  for (StringRef f : {"mx", "sum"}) {
    perTile(f);
    if (parts) {
      std::string p = (f + "_part").str();
      perTile(p);
      s.create<halide::VectorizeOp>(l, p, j, W, 0);
      s.create<halide::VectorizeOp>(l, p, j, W, 1);
    }
  }
  perTile("ex");
  s.create<halide::VectorizeOp>(l, "ex", j, W, 0);
  if (probs) {
    perTile("p");
    s.create<halide::VectorizeOp>(l, "p", j, W, 0);
  }
  // P V: a TI x E tile of o with the keys outermost in it.
  perTile("o");
  if (E % W == 0)
    registerTile("o", e, E);

  // CUDA: every stage at root, one thread per element.
  OpBuilder c = kb.cuda();
  auto ext = [&](ArrayRef<int64_t> rest) {
    SmallVector<int64_t> x(batch);
    x.append(rest.begin(), rest.end());
    return x;
  };
  auto root = [&](StringRef f, ArrayRef<int64_t> fshape, bool update) {
    c.create<halide::ComputeRootOp>(l, f);
    kb.scheduleCudaPointwise(f, fshape, update);
  };
  root("kt", ext({D, Kp}), false);
  root("s", ext({rows, Kp}), true);
  root("sc", ext({rows, Kp}), false);
  for (StringRef f : {"mx", "sum"}) {
    if (parts)
      root((f + "_part").str(), ext({rows, W}), true);
    root(f, ext({rows}), true);
  }
  root("ex", ext({rows, Kp}), false);
  if (probs)
    root("p", ext({rows, Kp}), false);
  root("o", ext({rows, E}), true);
  kb.scheduleCudaPointwise("out", res.getShape());
  return success();
}
