#!/usr/bin/env python3
"""Writes the causal attention cases of tests/e2e/data, whose masks are
constants that kiln-fuse-attention proves causal (kernel.attention's `causal`
attribute: the kernel skips the key blocks above the diagonal), with
onnxruntime's outputs as the reference. Past 512 keys the kernel takes keys in
blocks of 256 (the online softmax), where the skipping happens:
  - attention_causal: 523 tokens (no multiple of a row tile or of a key
    block), one head of 16, GPT-2's mask: Where(tril bool buffer, s / 4,
    finfo.min), heads merged;
  - attention_causal_past: 300 query rows after a past of 300 keys (keys =
    past + rows), an additive constant tril of 0 and -inf with offset 300
    built in the graph (Trilu of a ConstantOfShape), so rows below 212 skip
    the third block;
  - attention_causal_weak: 520 tokens with a -1e4 additive mask (Trilu of a
    ConstantOfShape) and scores up to about 4e4: exp(-1e4 + s - max) does
    not vanish there, the kernel must not skip (it is exact only unskipped).

  /usr/bin/python3 tests/e2e/make_attention_causal.py
  /usr/bin/python3 tests/e2e/make_attention_causal.py --bench DIR [--tokens 2048]
      [--no-mask] [--local | --peaked]

--bench writes one case, GPT-2's attention core (12 heads x 64, the Where
mask, or none) at --tokens, to DIR for timing with kiln-run --repeat or the
model driver; --local and --peaked shape its attention (docs/sparsity.md's
error table for --sparse-attention).
"""
import argparse
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
FMIN = np.finfo(np.float32).min


def model(name, H, Sq, S, D, mask_nodes, inits, merge=True):
    """Softmax(mask(q @ k^T / sqrt(D))) @ v; `mask_nodes` turn "s" into "sm"."""
    f32 = TensorProto.FLOAT
    nodes = [helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
             helper.make_node("MatMul", ["q", "kt"], ["s0"]),
             helper.make_node("Div", ["s0", "sqrt_d"], ["s"])] + mask_nodes + [
             helper.make_node("Softmax", ["sm"], ["p"], axis=-1),
             helper.make_node("MatMul", ["p", "v"], ["o"]),
             helper.make_node("Transpose", ["o"], ["ot"], perm=[0, 2, 1, 3]),
             helper.make_node("Reshape", ["ot", "shape"], ["y"])]
    inits = inits + [numpy_helper.from_array(np.array(np.sqrt(D), np.float32), "sqrt_d"),
                     numpy_helper.from_array(np.array([1, Sq, H * D], np.int64), "shape")]
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("q", f32, [1, H, Sq, D]),
         helper.make_tensor_value_info("k", f32, [1, H, S, D]),
         helper.make_tensor_value_info("v", f32, [1, H, S, D])],
        [helper.make_tensor_value_info("y", f32, [1, Sq, H * D])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def where_tril(S):
    """GPT-2: Where(bias, s, finfo.min), bias a lower-triangular bool buffer."""
    tri = numpy_helper.from_array(np.tril(np.ones((S, S), bool))[None, None], "bias")
    fmin = numpy_helper.from_array(np.array(FMIN, np.float32), "fmin")
    return [helper.make_node("Where", ["bias", "s", "fmin"], ["sm"])], [tri, fmin]


def inputs(rng, H, Sq, S, D, q_scale=1.0):
    return [("q", (rng.standard_normal((1, H, Sq, D)) * q_scale).astype(np.float32)),
            ("k", rng.standard_normal((1, H, S, D)).astype(np.float32)),
            ("v", rng.standard_normal((1, H, S, D)).astype(np.float32))]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bench", help="write only the timing case to this folder")
    p.add_argument("--tokens", type=int, default=2048)
    p.add_argument("--no-mask", action="store_true", help="--bench: no mask (BERT-like self-attention)")
    p.add_argument("--local", action="store_true", help="--bench: local attention (rotary-like positions)")
    p.add_argument("--peaked", action="store_true",
                   help="--bench: each query close to a few keys (peaked attention, as trained models have)")
    args = p.parse_args()
    rng = np.random.default_rng(17)
    if args.bench:
        S, H, D = args.tokens, 12, 64
        nodes, inits = ([helper.make_node("Identity", ["s"], ["sm"])], []) if args.no_mask else where_tril(S)
        x = inputs(rng, H, S, S, D)
        if args.peaked:
            # Query i near key i - lag for 3 lags (a local and two far
            # heads of attention): the rest of its row weighs ~exp(-20).
            k = x[1][1]
            q = np.zeros_like(k)
            for lag in (0, 37, 700):
                q += 1.6 * np.roll(k, lag, axis=2) * (np.arange(S) >= lag)[None, None, :, None]
            x[0] = ("q", (q + 0.3 * rng.standard_normal(q.shape)).astype(np.float32))
        if args.local:
            # Rotary-like position features: q_i . k_j ~ sum_f cos(w_f (i - j)),
            # a peak at j = i decaying over tens of keys (local attention).
            w = 10000.0 ** (-np.arange(D // 2) / (D // 2))
            ang = np.arange(S)[:, None] * w[None, :]
            pos = np.concatenate([np.cos(ang), np.sin(ang)], axis=1) * 2.0
            x[0] = ("q", (pos[None, None] + 0.5 * rng.standard_normal((1, H, S, D))).astype(np.float32))
            x[1] = ("k", (pos[None, None] + 0.5 * rng.standard_normal((1, H, S, D))).astype(np.float32))
        write_case(model("attention_causal_bench", H, S, S, D, nodes, inits), x, args.bench)
        return

    S, H, D = 523, 1, 16
    nodes, inits = where_tril(S)
    write_case(model("attention_causal", H, S, S, D, nodes, inits), inputs(rng, H, S, S, D),
               os.path.join(here, "data", "attention_causal"))

    # keys = past + rows; the mask: Trilu(0 - inf, k = past + 1) above the
    # offset diagonal, 0 on and below it.
    past, Sq = 300, 300
    S = past + Sq
    shape = numpy_helper.from_array(np.array([1, 1, Sq, S], np.int64), "mask_shape")
    ninf = helper.make_tensor("ninf", TensorProto.FLOAT, [1], [-np.inf])
    offset = numpy_helper.from_array(np.array(past + 1, np.int64), "offset")
    nodes = [helper.make_node("ConstantOfShape", ["mask_shape"], ["full"], value=ninf),
             helper.make_node("Trilu", ["full", "offset"], ["mask"], upper=1),
             helper.make_node("Add", ["s", "mask"], ["sm"])]
    write_case(model("attention_causal_past", H, Sq, S, D, nodes, [shape, offset]), inputs(rng, H, Sq, S, D),
               os.path.join(here, "data", "attention_causal_past"))

    # -1e4 above the diagonal (Trilu of a ConstantOfShape), scores up to
    # about 4e4: masked keys keep weight.
    S = 520
    shape = numpy_helper.from_array(np.array([1, 1, S, S], np.int64), "mask_shape")
    weak = helper.make_tensor("weak", TensorProto.FLOAT, [1], [-1e4])
    one = numpy_helper.from_array(np.array(1, np.int64), "one")
    nodes = [helper.make_node("ConstantOfShape", ["mask_shape"], ["full"], value=weak),
             helper.make_node("Trilu", ["full", "one"], ["mask"], upper=1),
             helper.make_node("Add", ["s", "mask"], ["sm"])]
    x = inputs(rng, H, S, S, D, q_scale=10000.0)
    write_case(model("attention_causal_weak", H, S, S, D, nodes, [shape, one]), x,
               os.path.join(here, "data", "attention_causal_weak"))
    # The case means something only if skipping would change the result:
    # rows of the first key block give weight to the second block's keys.
    q, k = x[0][1], x[1][1]
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(D) + np.triu(np.full((S, S), -1e4), k=1)
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    assert (w[..., :248, 256:].sum(-1) > 1e-3).any(), "no row weighs a skippable block: the case checks nothing"


if __name__ == "__main__":
    main()
