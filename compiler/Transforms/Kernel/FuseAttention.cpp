//===- FuseAttention.cpp - QK^T, softmax and PV into kernel.attention -===//
//
// Expects: kernel ops after kiln-fuse-elementwise and
// kiln-fuse-matmul-epilogue, so a mask or scale on the scores is the QK^T
// matmul's epilogue and the head split of Q, K and V is one data-movement
// kernel each. Leaves: each matmul -> softmax(last axis) -> matmul chain
// whose intermediates have no other user as one kernel.attention, which
// never writes the [rows, keys] score matrix, with the head split and any
// other pure data movement on q, k and v folded into its operand maps, and
// the head merge after it folded into the layout it writes. Rows, keys and
// batch dims may be symbolic (key_len is then a map over the symbols); the
// head dim, heads and head width stay static. An attention whose constant
// mask is provably causal gets `causal` (CausalMask.h): its kernel skips the
// key blocks above the diagonal.
//
//===----------------------------------------------------------------------===//
#include "compiler/Transforms/Explain.h"
#include "compiler/Transforms/Kernel/CausalMask.h"
#include "compiler/Transforms/Kernel/Fusion.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Utils/SymShape.h"

#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "kiln-fuse-attention"

namespace kiln {
#define GEN_PASS_DEF_FUSEATTENTION
#include "compiler/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

RankedTensorType tt(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The map from (b..., x, y) (nb batch dims) to an operand of `shape`
/// [batch..., X, Y] whose batch dims broadcast against them; `swap` reads it
/// as [batch..., Y, X].
AffineMap operandMap(MLIRContext *ctx, unsigned nb, ArrayRef<int64_t> shape, bool swap) {
  SmallVector<AffineExpr> r;
  size_t ob = shape.size() - 2, offset = nb - ob;
  for (size_t i = 0; i < ob; ++i)
    r.push_back(shape[i] == 1 ? getAffineConstantExpr(0, ctx) : getAffineDimExpr(offset + i, ctx));
  AffineExpr x = getAffineDimExpr(nb, ctx), y = getAffineDimExpr(nb + 1, ctx);
  r.push_back(swap ? y : x);
  r.push_back(swap ? x : y);
  return AffineMap::get(nb + 2, 0, r, ctx);
}

bool isF32(Value v) { return tt(v).getElementType().isF32(); }

/// A kernel.elementwise that maps each element of `x` on its own (every input
/// is `x`, read at the same index) and is its only user: the exporters' NaN
/// guard between softmax and P V.
kernel::ElementwiseOp probsMap(Value x) {
  auto e = dyn_cast<kernel::ElementwiseOp>(*x.getUsers().begin());
  if (!e || !llvm::all_of(x.getUsers(), [&](Operation *u) { return u == e.getOperation(); }) ||
      e.getType() != x.getType())
    return nullptr;
  for (auto [in, map] : llvm::zip(e.getInputs(), e.getMaps()))
    if (in != x || !cast<AffineMapAttr>(map).getValue().isIdentity())
      return nullptr;
  return e;
}

/// The attention that `sm` is the middle of, built; null if it is not one,
/// and then `explain` (the pass option) says why, on `sm`.
kernel::AttentionOp fuseAt(kernel::SoftmaxOp sm, bool explain) {
  auto no = [&](const Twine &why) {
    (void)missed(sm, DEBUG_TYPE, explain, "not fused into attention: " + why);
    return nullptr;
  };
  auto scores = tt(sm.getResult());
  size_t rank = scores.getRank();
  if (sm->use_empty())
    return nullptr; // dead: nothing to fuse, nothing to explain
  if (rank < 2 || sm.getAxis() != (int64_t)rank - 1)
    return no("the softmax is over axis " + Twine(sm.getAxis()) + ", not the last axis of a rank >= 2 score matrix");
  auto qk = sm.getInput().getDefiningOp<kernel::MatMulOp>();
  if (!qk)
    return no("the scores do not come from a kernel.matmul");
  auto otherUser = [](Value v, Operation *user) {
    auto u = llvm::find_if(v.getUsers(), [&](Operation *x) { return x != user; });
    return u == v.getUsers().end() ? std::string() : describe(*u);
  };
  if (std::string u = otherUser(qk.getResult(), sm); !u.empty())
    return no("the score matrix has another user (" + u + ")");
  if (qk.getBias() || qk.getBPanel())
    return no("the QK^T matmul has a bias or a packed B");
  kernel::ElementwiseOp probs = probsMap(sm.getResult());
  Value p = probs ? probs.getResult() : sm.getResult();
  if (p.use_empty())
    return no("the probabilities are unused");
  if (!p.hasOneUse()) {
    // Name the user that is not the P V matmul.
    auto users = p.getUsers();
    auto u = llvm::find_if(users, [&](Operation *x) {
      auto mm = dyn_cast<kernel::MatMulOp>(x);
      return !mm || mm.getLhs() != p;
    });
    return no("the probabilities have another user (" + describe(u != users.end() ? *u : *users.begin()) + ")");
  }
  auto pv = dyn_cast<kernel::MatMulOp>(*p.getUsers().begin());
  if (!pv || pv.getLhs() != p || pv.getRhs() == p)
    return no("the probabilities are not only the lhs of a kernel.matmul (" + describe(*p.getUsers().begin()) + ")");
  if (pv.getBias() || pv.getBPanel() || pv.hasEpilogue() || pv.getTransB() ||
      pv.getAlpha().convertToFloat() != 1.0f)
    return no("the PV matmul has a bias, an epilogue, a packed or transposed B or an alpha (" + describe(pv) + ")");
  if (!isF32(qk.getLhs()) || !isF32(qk.getResult()) || !isF32(pv.getRhs()) || !isF32(pv.getResult()))
    return no("not f32 (the attention kernel computes in f32 only)");
  auto out = tt(pv.getResult());
  SmallVector<SymExpr> outDims = dimExprs(out), scoreDims = dimExprs(scores);
  if (ArrayRef<SymExpr>(outDims).drop_back(2) != ArrayRef<SymExpr>(scoreDims).drop_back(2))
    return no("V has batch dims of its own (the output's batch dims differ from the scores')");
  unsigned nb = rank - 2;
  MLIRContext *ctx = sm.getContext();
  // The head dim sizes the q.k loop, so it stays static; rows and keys may not.
  if (tt(qk.getLhs()).isDynamicDim(tt(qk.getLhs()).getRank() - 1))
    return no("the head dim is symbolic (it sizes the q.k loop)");
  int64_t D = tt(qk.getLhs()).getShape().back();
  Attribute keys = kernel::AttentionOp::keyLenAttr(ctx, scoreDims.back(), numSymbols(scores));
  SmallVector<AffineMap> maps{operandMap(ctx, nb, tt(qk.getLhs()).getShape(), false),
                              operandMap(ctx, nb, tt(qk.getRhs()).getShape(), !qk.getTransB()),
                              operandMap(ctx, nb, tt(pv.getRhs()).getShape(), false)};
  OpBuilder b(pv);
  auto att = b.create<kernel::AttentionOp>(pv.getLoc(), out, qk.getLhs(), qk.getRhs(), pv.getRhs(),
                                           qk.getEpilogueInputs(), b.getAffineMapArrayAttr(maps),
                                           keys, b.getI64IntegerAttr(D), qk.getAlphaAttr(),
                                           qk.getEpilogueMapsAttr(), IntegerAttr(), IntegerAttr(), FloatAttr(), UnitAttr());
  if (qk.hasEpilogue())
    att.getScore().takeBody(qk.getEpilogue());
  if (probs) {
    // Every argument of the guard's body is the probability.
    Block &src = probs.getBody().front();
    Block *body = b.createBlock(&att.getProbs());
    IRMapping mapping;
    Value prob = body->addArgument(b.getF32Type(), probs.getLoc());
    for (BlockArgument a : src.getArguments())
      mapping.map(a, prob);
    for (Operation &op : src)
      b.clone(op, mapping);
  }
  pv.getResult().replaceAllUsesWith(att.getResult());
  pv.erase();
  if (probs)
    probs.erase();
  sm.erase();
  qk.erase();
  return att;
}

/// The constant c of a one-input kernel.elementwise whose body is x * c (or
/// c * x) in f32; nullopt otherwise.
std::optional<float> scalarScale(kernel::ElementwiseOp e) {
  Block &body = e.getBody().front();
  if (e.getInputs().size() != 1 || !isF32(e.getResult()) || body.getOperations().size() != 3)
    return std::nullopt;
  auto mul = dyn_cast<arith::MulFOp>(body.front().getNextNode());
  auto c = dyn_cast<arith::ConstantFloatOp>(&body.front());
  if (!mul || !c || cast<kernel::YieldOp>(body.getTerminator()).getValue() != mul.getResult())
    return std::nullopt;
  Value x = body.getArgument(0), k = c.getResult();
  if (!((mul.getLhs() == x && mul.getRhs() == k) || (mul.getLhs() == k && mul.getRhs() == x)))
    return std::nullopt;
  return (float)c.value().convertToDouble();
}

/// Reads q, k and v through the maps of their single-use data-movement
/// producers, which disappear. A single-use scale of q or k by a constant
/// (the dynamo exporter's SDPA multiplies both q and k^T by sqrt(scale)) is
/// folded into alpha the same way: on a KV cache it would otherwise copy the
/// whole cache, once per query head, on every call.
void absorbOperandMoves(kernel::AttentionOp att) {
  SmallVector<Attribute> maps(att.getOperandMaps().begin(), att.getOperandMaps().end());
  float alpha = att.getAlpha().convertToFloat();
  for (unsigned i = 0; i < 3; ++i) {
    OpOperand &operand = att->getOpOperand(i);
    while (auto e = operand.get().getDefiningOp<kernel::ElementwiseOp>()) {
      if (!e->hasOneUse())
        break;
      if (std::optional<float> c = i < 2 ? scalarScale(e) : std::nullopt)
        alpha *= *c;
      else if (!isDataMovement(e))
        break;
      AffineMap through = cast<AffineMapAttr>(e.getMaps()[0]).getValue();
      maps[i] = AffineMapAttr::get(simplifyAffineMap(composeMaps(through, cast<AffineMapAttr>(maps[i]).getValue())));
      operand.set(e.getInputs()[0]);
      e.erase();
    }
  }
  att.setOperandMapsAttr(ArrayAttr::get(att.getContext(), maps));
  if (alpha != att.getAlpha().convertToFloat())
    att.setAlphaAttr(OpBuilder(att).getF32FloatAttr(alpha));
}

/// Writes the attention's result in the layout of its single-use head merge,
/// a data-movement kernel reading [outer..., H, rows, E] as
/// [outer..., rows, H * E] (or as [rows, H * E] when the outer dims are all
/// 1: GPT-2's Conv1D works on 2-D rows), which disappears.
void absorbHeadMerge(kernel::AttentionOp att) {
  if (att.getMergedHeads() || !att->hasOneUse())
    return;
  auto e = dyn_cast<kernel::ElementwiseOp>(*att->user_begin());
  SmallVector<SymExpr> canon = att.canonicalShapeExprs();
  size_t nb = canon.size() - 2, outer = nb - 1;
  if (!e || !isDataMovement(e) || nb < 1)
    return;
  // Heads and head width size the merged layout's div/mod: static only.
  std::optional<int64_t> H = canon[nb - 1].constValue(), E = canon[nb + 1].constValue();
  if (!H || !E)
    return;
  SymExpr rows = canon[nb];
  SmallVector<SymExpr> got = dimExprs(tt(e.getResult()));
  const SymExpr one = SymExpr::constant(1);
  bool unitOuter = llvm::all_of(ArrayRef<SymExpr>(canon).take_front(outer), [&](const SymExpr &d) { return d == one; });
  bool drop = got.size() == 2 && outer > 0 && unitOuter;
  SmallVector<SymExpr> merged(canon.begin(), canon.begin() + (drop ? 0 : outer));
  merged.append({rows, SymExpr::constant(*H * *E)});
  if (got != merged)
    return;
  // The map from merged (outer..., i, c) to (outer..., c / E, i, c % E); a
  // dim of size 1 may read index 0.
  AffineMap m = simplifyAffineMap(cast<AffineMapAttr>(e.getMaps()[0]).getValue());
  MLIRContext *ctx = att.getContext();
  unsigned n = got.size();
  AffineExpr i = getAffineDimExpr(n - 2, ctx), c = getAffineDimExpr(n - 1, ctx), zero = getAffineConstantExpr(0, ctx);
  ArrayRef<AffineExpr> r = m.getResults();
  for (size_t x = 0; x < outer; ++x)
    if (r[x] != (drop ? zero : getAffineDimExpr(x, ctx)) && !(canon[x] == one && r[x] == zero))
      return;
  AffineExpr h = c.floorDiv(*E);
  if ((r[nb - 1] != h && r[nb - 1] != h % *H) || r[nb] != i ||
      r[nb + 1] != c % *E)
    return;
  if (drop) {
    // The unit outer dims leave the canonical space: they read index 0.
    SmallVector<AffineExpr> dims(outer, zero);
    for (unsigned x = 0; x < 3; ++x)
      dims.push_back(getAffineDimExpr(x, ctx));
    auto shrinkMap = [&](AffineMap am) {
      SmallVector<AffineExpr> syms;
      for (unsigned k = 0; k < am.getNumSymbols(); ++k)
        syms.push_back(getAffineSymbolExpr(k, ctx));
      return simplifyAffineMap(am.replaceDimsAndSymbols(dims, syms, 3, am.getNumSymbols()));
    };
    auto shrink = [&](ArrayAttr maps) {
      SmallVector<AffineMap> out;
      for (Attribute a : maps)
        out.push_back(shrinkMap(cast<AffineMapAttr>(a).getValue()));
      return OpBuilder(att).getAffineMapArrayAttr(out);
    };
    att.setOperandMapsAttr(shrink(att.getOperandMaps()));
    if (auto sm = att.getScoreMaps())
      att.setScoreMapsAttr(shrink(*sm));
    att.walk([&](kernel::IndexExprOp ix) { ix.setMapAttr(AffineMapAttr::get(shrinkMap(ix.getMap()))); });
  }
  att.getResult().setType(e.getType());
  att.setMergedHeadsAttr(OpBuilder(att).getI64IntegerAttr(*H));
  e.getResult().replaceAllUsesWith(att.getResult());
  e.erase();
}

struct FuseAttentionPass : kiln::impl::FuseAttentionBase<FuseAttentionPass> {
  using FuseAttentionBase::FuseAttentionBase;
  void runOnOperation() override {
    SmallVector<kernel::SoftmaxOp> work;
    getOperation().walk([&](kernel::SoftmaxOp sm) { work.push_back(sm); });
    for (kernel::SoftmaxOp sm : work)
      if (kernel::AttentionOp att = fuseAt(sm, explain)) {
        absorbOperandMoves(att);
        absorbHeadMerge(att);
        if (std::optional<int64_t> past = provenCausalPast(att))
          att.setCausalAttr(OpBuilder(att).getI64IntegerAttr(*past));
        // Approximate, asked for: the lowering takes it past 512 keys.
        if (sparseThreshold > 0 && att.keyLen().isConst())
          att.setSparseThresholdAttr(OpBuilder(att).getF32FloatAttr(sparseThreshold));
      }
  }
};

} // namespace
