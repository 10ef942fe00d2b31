//===- Opset23Ops.cpp - RMSNormalization, RotaryEmbedding and Attention ---===//
//
// Expects: NodeContexts of the three transformer ops ONNX added in opset 23,
// with static shapes except RMSNormalization's outer dims (the importer
// refuses symbolic dims for the other two before their handlers run).
// Produces: the graph ops the exporters' decomposed forms import to, so the
// rest of the pipeline treats them alike: graph.rms_norm; RotaryEmbedding as
// slices, a gather of the caches by position id, muls, adds and concats;
// Attention as the head split, K/V concatenated to the past and repeated per
// query head (GQA), QK^T, scale, softcap, mask, softmax with the exporters'
// NaN guard and PV, which kiln-fuse-attention turns into one kernel.attention.
//
// Where the spec's reference implementation and onnxruntime 1.30 (Kiln's
// oracle) differ, this follows onnxruntime: query head h reads KV head
// h / (q_num_heads / kv_num_heads); is_causal aligns the diagonal to the
// last key (query i sees keys <= i + past); softcap applies before the
// mask; is_causal and attn_mask add; a fully masked row gives 0.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ImportContext.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace llvm;

namespace kiln {
namespace {

/// The three ops exist from opset 23 on; an older import names another op.
LogicalResult requireOpset23(NodeContext &n) {
  if (n.opset >= 23)
    return success();
  return n.fail(n.node.op_type() + " is defined from opset 23 on, the model imports opset " + Twine(n.opset));
}

LogicalResult requireF32(NodeContext &n, const Operand &x, StringRef what) {
  if (x.dtype() == DType::F32)
    return success();
  return n.unsupported(what + " of " + Twine(dtypeName(x.dtype())) + " is not supported (FLOAT is)");
}

Operand scalar(float v) { return Operand::of(HostTensor::fromDoubles(DType::F32, {}, {v})); }

/// The last dim of `x` from `start`, every `step`-th, `count` of them.
Operand lastDimSlice(NodeContext &n, const Operand &x, int64_t start, int64_t step, int64_t count) {
  SmallVector<int64_t> starts(x.rank(), 0), steps(x.rank(), 1), shape(x.shape());
  starts.back() = start;
  steps.back() = step;
  shape.back() = count;
  return sliceBy(n, x, starts, steps, shape);
}

Operand concatLast(NodeContext &n, ArrayRef<Operand> parts) {
  SmallVector<int64_t> shape(parts.front().shape());
  shape.back() = 0;
  SmallVector<Value> vals;
  for (const Operand &p : parts) {
    shape.back() += p.shape().back();
    vals.push_back(n.materialize(p));
  }
  return Operand::of(n.create<graph::ConcatOp>(ArrayRef<int64_t>(shape), parts.front().dtype(), vals,
                                               n.b.getI64IntegerAttr(shape.size() - 1)));
}

//===----------------------------------------------------------------------===//
// RMSNormalization
//===----------------------------------------------------------------------===//

LogicalResult rmsNormOp(NodeContext &n) {
  if (failed(requireOpset23(n)) || failed(n.expectInputs(2)))
    return failure();
  const Operand &x = n.in(0), &scale = n.in(1);
  if (!isFloatDType(x.dtype()) || x.dtype() != scale.dtype())
    return n.fail("X and scale must be of one floating-point type, got " + Twine(dtypeName(x.dtype())) + " and " +
                  dtypeName(scale.dtype()));
  // graph.rms_norm computes f16 in f32: stash_type 1 (FLOAT), the default.
  if (int64_t stash = n.attrInt("stash_type", 1); stash != 1)
    return n.unsupported("stash_type = " + Twine(stash) + " is not supported (1, FLOAT, is)");
  FailureOr<int64_t> axis = n.normAxis(n.attrInt("axis", -1), x.rank());
  if (failed(axis))
    return failure();
  // Batch and sequence may be symbolic; the normalised dims size the
  // reduction, so they stay static.
  SmallVector<SymExpr> xs = x.symShape();
  ArrayRef<SymExpr> norm = ArrayRef<SymExpr>(xs).drop_front(*axis);
  if (!staticDims(norm))
    return n.unsupported("symbolic normalised dims " + n.str(norm) + " are not supported (axis " + Twine(*axis) +
                         " of " + n.str(xs) + ")");
  if (scale.hasSymbolicDims())
    return n.unsupported("a scale of symbolic shape " + n.str(scale.symShape()) + " is not supported");
  auto bc = broadcastShapes(*staticDims(norm), scale.shape());
  if (!bc || ArrayRef<int64_t>(*bc) != ArrayRef<int64_t>(*staticDims(norm)))
    return n.fail("scale of shape " + shapeString(scale.shape()) + " does not broadcast to the normalised shape " +
                  n.str(norm));
  Value r = n.create<graph::RMSNormOp>(x.symShape(), x.dtype(), n.materialize(x), n.materialize(scale),
                                       n.b.getI64IntegerAttr(*axis),
                                       n.b.getF32FloatAttr(n.attrFloat("epsilon", 1e-5f)));
  return n.set(0, Operand::of(r));
}

//===----------------------------------------------------------------------===//
// RotaryEmbedding
//===----------------------------------------------------------------------===//

LogicalResult rotaryEmbeddingOp(NodeContext &n) {
  if (failed(requireOpset23(n)) || failed(n.expectInputs(3)))
    return failure();
  const Operand &x = n.in(0), &cosCache = n.in(1), &sinCache = n.in(2);
  if (!isFloatDType(x.dtype()) || cosCache.dtype() != x.dtype() || sinCache.dtype() != x.dtype())
    return n.fail("X, cos_cache and sin_cache must be of one floating-point type, got " +
                  Twine(dtypeName(x.dtype())) + ", " + dtypeName(cosCache.dtype()) + " and " +
                  dtypeName(sinCache.dtype()));
  int64_t interleaved = n.attrInt("interleaved", 0), heads = n.attrInt("num_heads", 0),
          rot = n.attrInt("rotary_embedding_dim", 0);
  if (interleaved != 0 && interleaved != 1)
    return n.fail("interleaved must be 0 or 1, got " + Twine(interleaved));
  if (heads < 0 || rot < 0)
    return n.fail("num_heads and rotary_embedding_dim must be >= 0, got " + Twine(heads) + " and " + Twine(rot));
  // Work on [B, S, H, D] (3-D X, split into heads) or X's own [B, H, S, D].
  ArrayRef<int64_t> xs = x.shape();
  int64_t B, S, H, D;
  if (x.rank() == 4) {
    B = xs[0], H = xs[1], S = xs[2], D = xs[3];
    if (heads && heads != H)
      return n.fail("num_heads = " + Twine(heads) + " differs from X's dim 1 (" + Twine(H) + ") in " +
                    shapeString(xs));
  } else if (x.rank() == 3) {
    if (!heads)
      return n.fail("a 3-D X [batch, seq, hidden] needs num_heads");
    if (xs[2] % heads)
      return n.fail("num_heads = " + Twine(heads) + " does not divide the hidden size " + Twine(xs[2]));
    B = xs[0], S = xs[1], H = heads, D = xs[2] / heads;
  } else {
    return n.fail("X must be 3-D [batch, seq, hidden] or 4-D [batch, heads, seq, head_size], got " +
                  shapeString(xs));
  }
  if (!rot)
    rot = D;
  if (rot < 2 || rot > D || rot % 2)
    return n.fail("rotary_embedding_dim = " + Twine(rot) + " must be even, >= 2 and at most the head size " +
                  Twine(D));
  int64_t half = rot / 2;
  // The caches: [max_position, rot/2] read at position_ids [B, S], or
  // [B, S, rot/2] as they are (the spec's shapes; onnxruntime refuses wider).
  ArrayRef<int64_t> cs = cosCache.shape();
  Operand cosv = cosCache, sinv = sinCache;
  if (n.hasInput(3)) {
    const Operand &pos = n.in(3);
    if (pos.dtype() != DType::I64 || pos.shape() != ArrayRef<int64_t>{B, S})
      return n.fail("position_ids must be INT64 [" + Twine(B) + "," + Twine(S) + "], got " +
                    dtypeName(pos.dtype()) + " " + shapeString(pos.shape()));
    if (cs.size() != 2 || sinCache.shape() != cs || cs[1] != half)
      return n.fail("with position_ids, cos_cache and sin_cache must be one shape [max_position," + Twine(half) +
                    "], got " + shapeString(cs) + " and " + shapeString(sinCache.shape()));
    if (pos.isConst())
      for (int64_t i = 0, e = pos.numElements(); i < e; ++i)
        if (int64_t p = pos.constant->getInt(i); p < 0 || p >= cs[0])
          return n.fail("position id " + Twine(p) + " is outside the caches' [0, " + Twine(cs[0]) + ")");
    SmallVector<int64_t> gathered{B, S, half};
    auto gather = [&](const Operand &cache) {
      return Operand::of(n.create<graph::GatherOp>(ArrayRef<int64_t>(gathered), cache.dtype(),
                                                   n.materialize(cache), n.materialize(pos),
                                                   n.b.getI64IntegerAttr(0)));
    };
    cosv = gather(cosCache);
    sinv = gather(sinCache);
  } else if (cs.size() != 3 || sinCache.shape() != cs || cs[0] != B || cs[1] != S || cs[2] != half) {
    return n.fail("without position_ids, cos_cache and sin_cache must be one shape [" + Twine(B) + "," + Twine(S) +
                  "," + Twine(half) + "], got " + shapeString(cs) + " and " + shapeString(sinCache.shape()));
  }
  // [B, S, half] -> beside the heads: [B, S, 1, half] or [B, 1, S, half].
  SmallVector<int64_t> trig = x.rank() == 3 ? SmallVector<int64_t>{B, S, 1, half}
                                            : SmallVector<int64_t>{B, 1, S, half};
  Operand c = reshapeTo(n, cosv, trig), s = reshapeTo(n, sinv, trig);
  Operand xh = x.rank() == 3 ? reshapeTo(n, x, ArrayRef<int64_t>{B, S, H, D}) : x;
  Operand x1 = interleaved ? lastDimSlice(n, xh, 0, 2, half) : lastDimSlice(n, xh, 0, 1, half);
  Operand x2 = interleaved ? lastDimSlice(n, xh, 1, 2, half) : lastDimSlice(n, xh, half, 1, half);
  // real = cos x1 - sin x2, imag = sin x1 + cos x2.
  auto prod = [&](const Operand &a, const Operand &b) { return buildBinary(n, BinaryKind::Mul, a, b); };
  FailureOr<Operand> cx1 = prod(c, x1), sx2 = prod(s, x2), sx1 = prod(s, x1), cx2 = prod(c, x2);
  if (failed(cx1) || failed(sx2) || failed(sx1) || failed(cx2))
    return failure();
  FailureOr<Operand> real = buildBinary(n, BinaryKind::Sub, *cx1, *sx2),
                     imag = buildBinary(n, BinaryKind::Add, *sx1, *cx2);
  if (failed(real) || failed(imag))
    return failure();
  Operand rotated;
  if (interleaved) {
    // Pairs (real, imag) back at (2i, 2i + 1).
    SmallVector<int64_t> pair(xh.shape()), flat(xh.shape());
    pair.back() = half;
    pair.push_back(1);
    flat.back() = rot;
    rotated = reshapeTo(n, concatLast(n, {reshapeTo(n, *real, pair), reshapeTo(n, *imag, pair)}), flat);
  } else {
    rotated = concatLast(n, {*real, *imag});
  }
  Operand y = rot == D ? rotated : concatLast(n, {rotated, lastDimSlice(n, xh, rot, 1, D - rot)});
  return n.set(0, x.rank() == 3 ? reshapeTo(n, y, xs) : y);
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// q, k or v as [B, heads, seq, head_size]: a 4-D input as it is, a 3-D
/// [B, seq, heads * head_size] split into `heads` (given by the attribute).
FailureOr<Operand> toHeads(NodeContext &n, const Operand &x, StringRef what, int64_t heads) {
  if (x.rank() == 4)
    return x;
  ArrayRef<int64_t> s = x.shape();
  if (s[2] % heads)
    return n.fail(what + " hidden size " + Twine(s[2]) + " is not a multiple of its " + Twine(heads) + " heads");
  Operand r = reshapeTo(n, x, ArrayRef<int64_t>{s[0], s[1], heads, s[2] / heads});
  return transposeBy(n, r, {0, 2, 1, 3});
}

LogicalResult attentionOp(NodeContext &n) {
  if (failed(requireOpset23(n)) || failed(n.expectInputs(3)))
    return failure();
  const Operand &q = n.in(0), &k = n.in(1), &v = n.in(2);
  if (failed(requireF32(n, q, "Q")) || failed(requireF32(n, k, "K")) || failed(requireF32(n, v, "V")))
    return failure();
  if (int64_t mode = n.attrInt("qk_matmul_output_mode", 0); mode != 0)
    return n.unsupported("qk_matmul_output_mode = " + Twine(mode) + " is not supported (0 is)");
  if (n.outputUsed(3))
    return n.unsupported("output 3 (qk_matmul_output) is not supported");
  if (const onnx::AttributeProto *a = n.attr("softmax_precision"); a && a->i() != 1)
    return n.unsupported("softmax_precision = " + Twine(a->i()) + " is not supported (1, FLOAT, is)");
  int64_t causal = n.attrInt("is_causal", 0);
  if (causal != 0 && causal != 1)
    return n.fail("is_causal must be 0 or 1, got " + Twine(causal));
  float softcap = n.attrFloat("softcap", 0.0f);
  if (!(softcap >= 0.0f) || std::isinf(softcap))
    return n.fail("softcap must be finite and >= 0, got " + formatv("{0}", softcap));
  int64_t rank = q.rank();
  if ((rank != 3 && rank != 4) || k.rank() != rank || v.rank() != rank)
    return n.fail("Q, K and V must all be 3-D or all 4-D, got " + shapeString(q.shape()) + ", " +
                  shapeString(k.shape()) + " and " + shapeString(v.shape()));
  int64_t qHeads = n.attrInt("q_num_heads", 0), kvHeads = n.attrInt("kv_num_heads", 0);
  if (rank == 3 && (qHeads < 1 || kvHeads < 1))
    return n.fail("3-D Q, K and V need q_num_heads and kv_num_heads >= 1, got " + Twine(qHeads) + " and " +
                  Twine(kvHeads));
  if (rank == 4) {
    if ((qHeads && qHeads != q.shape()[1]) || (kvHeads && kvHeads != k.shape()[1]))
      return n.fail("q_num_heads = " + Twine(qHeads) + " and kv_num_heads = " + Twine(kvHeads) +
                    " differ from the heads of Q " + shapeString(q.shape()) + " and K " + shapeString(k.shape()));
    qHeads = q.shape()[1];
    kvHeads = k.shape()[1];
    if (qHeads < 1 || kvHeads < 1)
      return n.fail("Q and K need at least one head, got " + shapeString(q.shape()) + " and " +
                    shapeString(k.shape()));
  }
  FailureOr<Operand> qh = toHeads(n, q, "Q", qHeads), kh = toHeads(n, k, "K", kvHeads),
                     vh = toHeads(n, v, "V", kvHeads);
  if (failed(qh) || failed(kh) || failed(vh))
    return failure();
  ArrayRef<int64_t> qs = qh->shape(), ks = kh->shape(), vs = vh->shape();
  int64_t B = qs[0], Sq = qs[2], D = qs[3], Skv = ks[2], Dv = vs[3];
  if (ks[0] != B || vs[0] != B || ks[3] != D || vs[1] != kvHeads || vs[2] != Skv)
    return n.fail("K " + shapeString(ks) + " and V " + shapeString(vs) + " as heads do not fit Q " +
                  shapeString(qs) + " (batch, KV heads and key count must agree, K's head size must be Q's)");
  if (D < 1 || Dv < 1)
    return n.fail("head sizes must be >= 1, got " + Twine(D) + " for Q and K and " + Twine(Dv) + " for V");
  if (qHeads % kvHeads)
    return n.fail("q_num_heads = " + Twine(qHeads) + " is not a multiple of kv_num_heads = " + Twine(kvHeads));
  // The past: [B, kv_heads, past, head_size], keys and values alike.
  Operand keys = *kh, values = *vh;
  if (n.hasInput(4) != n.hasInput(5))
    return n.fail("past_key and past_value must be given together");
  if (n.hasInput(4)) {
    const Operand &pk = n.in(4), &pv = n.in(5);
    if (failed(requireF32(n, pk, "past_key")) || failed(requireF32(n, pv, "past_value")))
      return failure();
    if (pk.rank() != 4 || pv.rank() != 4 || pk.shape()[0] != B || pk.shape()[1] != kvHeads || pk.shape()[3] != D ||
        pv.shape()[0] != B || pv.shape()[1] != kvHeads || pv.shape()[2] != pk.shape()[2] || pv.shape()[3] != Dv)
      return n.fail("past_key " + shapeString(pk.shape()) + " and past_value " + shapeString(pv.shape()) +
                    " must be [" + Twine(B) + "," + Twine(kvHeads) + ",past," + Twine(D) + "] and [" + Twine(B) +
                    "," + Twine(kvHeads) + ",past," + Twine(Dv) + "]");
    auto cat = [&](const Operand &past, const Operand &now) {
      SmallVector<int64_t> shape(now.shape());
      shape[2] += past.shape()[2];
      return Operand::of(n.create<graph::ConcatOp>(ArrayRef<int64_t>(shape), DType::F32,
                                                   ValueRange{n.materialize(past), n.materialize(now)},
                                                   n.b.getI64IntegerAttr(2)));
    };
    keys = pk.shape()[2] ? cat(pk, keys) : keys;
    values = pv.shape()[2] ? cat(pv, values) : values;
  }
  int64_t T = keys.shape()[2];
  if (T == 0)
    return n.fail("there are no keys (K and the past hold 0 positions)");
  if (failed(n.set(1, keys)) || failed(n.set(2, values)))
    return failure();
  // GQA: each KV head serves qHeads / kvHeads query heads in a row, repeated
  // as Llama's repeat_kv (which kiln-fuse-attention reads through its maps).
  auto repeat = [&](const Operand &x) {
    if (qHeads == kvHeads)
      return x;
    int64_t g = qHeads / kvHeads, E = x.shape()[3];
    Operand x5 = reshapeTo(n, x, ArrayRef<int64_t>{B, kvHeads, 1, T, E});
    Operand e = expandTo(n, x5, ArrayRef<int64_t>{B, kvHeads, g, T, E});
    return reshapeTo(n, e, ArrayRef<int64_t>{B, qHeads, T, E});
  };
  Operand kr = repeat(keys), vr = repeat(values);
  float scale = 1.0f / std::sqrt(float(D));
  if (const onnx::AttributeProto *a = n.attr("scale"))
    scale = a->f();
  if (!std::isfinite(scale))
    return n.fail("scale must be finite, got " + formatv("{0}", scale));
  Chain scores{n, buildMatMul(n, *qh, transposeBy(n, kr, {0, 1, 3, 2}))};
  scores.bin(BinaryKind::Mul, scalar(scale));
  if (softcap > 0.0f)
    scores.bin(BinaryKind::Div, scalar(softcap)).un(UnaryKind::Tanh).bin(BinaryKind::Mul, scalar(softcap));
  const float ninf = -std::numeric_limits<float>::infinity();
  bool masked = causal || n.hasInput(3);
  if (causal) {
    // Query i sits at position T - Sq + i and sees the keys up to it.
    HostTensor bias = HostTensor::zeros(DType::F32, {Sq, T});
    for (int64_t i = 0; i < Sq; ++i)
      for (int64_t j = std::max<int64_t>(0, T - Sq + i + 1); j < T; ++j)
        bias.setDouble(i * T + j, ninf);
    scores.bin(BinaryKind::Add, Operand::of(std::move(bias)));
  }
  if (n.hasInput(3)) {
    const Operand &m = n.in(3);
    SmallVector<int64_t> full{B, qHeads, Sq, T};
    auto bc = broadcastShapes(full, m.shape());
    if (m.rank() > 4 || !bc || ArrayRef<int64_t>(*bc) != ArrayRef<int64_t>(full))
      return n.fail("attn_mask " + shapeString(m.shape()) + " does not broadcast to [batch, q_heads, q_seq, keys] " +
                    shapeString(full));
    Operand bias = m;
    if (m.dtype() == DType::Bool) {
      // True attends; false adds -inf.
      bias = Operand::of(n.create<graph::WhereOp>(m.shape(), DType::F32, n.materialize(m),
                                                  n.materialize(scalar(0.0f)), n.materialize(scalar(ninf))));
    } else if (m.dtype() != DType::F32) {
      return n.fail("attn_mask must be BOOL or Q's FLOAT, got " + Twine(dtypeName(m.dtype())));
    }
    scores.bin(BinaryKind::Add, bias);
  }
  if (failed(scores.v))
    return failure();
  Operand p = Operand::of(n.create<graph::SoftmaxOp>(scores.v->shape(), DType::F32, n.materialize(*scores.v),
                                                     n.b.getI64IntegerAttr(3)));
  if (masked) {
    // A fully masked row: softmax gives NaN, onnxruntime 0 (the exporters' guard).
    FailureOr<Operand> nan = buildUnary(n, UnaryKind::IsNaN, p);
    if (failed(nan))
      return failure();
    p = Operand::of(n.create<graph::WhereOp>(p.shape(), DType::F32, n.materialize(*nan),
                                             n.materialize(scalar(0.0f)), n.materialize(p)));
  }
  FailureOr<Operand> o = buildMatMul(n, p, vr);
  if (failed(o))
    return failure();
  if (rank == 4)
    return n.set(0, *o);
  Operand merged = transposeBy(n, *o, {0, 2, 1, 3});
  return n.set(0, reshapeTo(n, merged, ArrayRef<int64_t>{B, Sq, qHeads * Dv}));
}

} // namespace

void addOpset23OpHandlers(StringMap<OpHandler> &h) {
  h["RMSNormalization"] = rmsNormOp;
  h["RotaryEmbedding"] = rotaryEmbeddingOp;
  h["Attention"] = attentionOp;
}

} // namespace kiln
