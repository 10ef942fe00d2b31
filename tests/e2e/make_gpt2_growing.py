#!/usr/bin/env python3
"""Writes tests/e2e/data/gpt2_growing: a tiny GPT-2 decoder with a growing KV
cache in the node patterns torch.onnx's TorchScript exporter writes for
GPT2LMHeadModel with use_cache and dynamic axes (optimum's decoder export):

- every Reshape's shape built from Shape, Gather, Unsqueeze and Concat, so no
  size is baked in; Conv1D as Reshape, Gemm, Reshape; the fused QKV Split;
- the causal mask sliced from the registered bool buffer `bias` [1, 1, n_ctx,
  n_ctx] at rows [past, past + seq) and columns [0, past + seq), applied with
  Where(mask, scores, finfo.min); the padding mask as (1 - mask) * finfo.min;
- tanh-GELU with Pow, LayerNormalization, learned position embeddings read at
  the position_ids input, lm_head tied to wte (its transpose an initializer).

Inputs: input_ids and position_ids [batch_size, sequence_length], attention_mask
[batch_size, past_sequence_length + sequence_length], past_key_values.L.key/value
[batch_size, 4, past_sequence_length, 8]. Outputs: logits and present.L.key/value.
Data sets (onnxruntime's outputs as references): a prefill (past 0, 5 tokens), a
decode step (past 5), and a batch of 2 with the second row left-padded by 2
(past 4, 3 tokens, position ids counting from its first real token).
gpt2_growing_1layer: the same with one layer.

  /usr/bin/python3 tests/e2e/make_gpt2_growing.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

VOCAB, HIDDEN, HEADS, LAYERS, N_CTX = 128, 32, 4, 2, 64
D, FFN = HIDDEN // HEADS, 4 * HIDDEN
FMIN = float(np.finfo(np.float32).min)
PAST, SEQ, TOTAL = "past_sequence_length", "sequence_length", "past_sequence_length + sequence_length"

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1602)
inits, nodes = [], []


def const(value, dtype=np.float32, name=None):
    name = name or f"onnx::Const_{len(inits)}"
    inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
    return name


def weight(name, *shape, scale=None):
    scale = scale if scale is not None else 1.0 / np.sqrt(shape[0])
    return const(rng.standard_normal(shape) * scale, name=name)


def node(op, ins, scope, n_out=1, **attrs):
    base = f"{scope}/{op}_{len(nodes)}"
    outs = [f"{base}_output_{i}" for i in range(n_out)]
    nodes.append(helper.make_node(op, ins, outs, name=base, **attrs))
    return outs[0] if n_out == 1 else outs


def dim(x, axis, scope):
    """Unsqueeze(Gather(Shape(x), axis)): one dim as a 1-element tensor."""
    g = node("Gather", [node("Shape", [x], scope), const(axis, np.int64)], scope, axis=0)
    return node("Unsqueeze", [g, const([0], np.int64)], scope)


def layer_norm(x, scope):
    g = const(1 + rng.standard_normal(HIDDEN) * 0.1, name=scope.strip("/").replace("/", ".") + ".weight")
    b = const(rng.standard_normal(HIDDEN) * 0.1, name=scope.strip("/").replace("/", ".") + ".bias")
    return node("LayerNormalization", [x, g, b], scope, axis=-1, epsilon=1e-5)


def conv1d(x, scope, n_in, n_out):
    """Conv1D: flatten the rows, Gemm, restore [batch, seq, n_out] from x's shape."""
    p = scope.strip("/").replace("/", ".")
    flat = node("Reshape", [x, const([-1, n_in], np.int64)], scope)
    y = node("Gemm", [flat, weight(p + ".weight", n_in, n_out), weight(p + ".bias", n_out, scale=0.02)], scope)
    shape = node("Concat", [dim(x, 0, scope), dim(x, 1, scope), const([n_out], np.int64)], scope, axis=0)
    return node("Reshape", [y, shape], scope)


def split_heads(x, scope):
    shape = node("Concat", [dim(x, 0, scope), dim(x, 1, scope), const([HEADS, D], np.int64)], scope, axis=0)
    return node("Transpose", [node("Reshape", [x, shape], scope)], scope, perm=[0, 2, 1, 3])


def gelu_tanh(x, scope):
    cube = node("Pow", [x, const(3.0)], scope)
    inner = node("Add", [x, node("Mul", [cube, const(0.044715)], scope)], scope)
    t = node("Tanh", [node("Mul", [inner, const(0.7978845608028654)], scope)], scope)
    return node("Mul", [node("Mul", [x, const(0.5)], scope), node("Add", [t, const(1.0)], scope)], scope)


def build(layers=LAYERS):
    inits.clear()
    nodes.clear()
    wte = weight("transformer.wte.weight", VOCAB, HIDDEN, scale=1.0)
    x = node("Add", [node("Gather", [wte, "input_ids"], "/transformer/wte"),
                     node("Gather", [weight("transformer.wpe.weight", N_CTX, HIDDEN, scale=0.5), "position_ids"],
                                    "/transformer/wpe")], "/transformer")
    s = "/transformer"
    m = node("Cast", [node("Unsqueeze", ["attention_mask", const([1, 2], np.int64)], s)], s, to=TensorProto.FLOAT)
    additive = node("Mul", [node("Sub", [const(1.0), m], s), const(FMIN)], s)
    # bias[:, :, past : past + seq, : past + seq], past + seq from the mask's width.
    tri = const(np.tril(np.ones((N_CTX, N_CTX), bool))[None, None], np.bool_, name="transformer.h.0.attn.bias")
    total = dim("attention_mask", 1, s)
    past = node("Sub", [total, dim("input_ids", 1, s)], s)
    causal = node("Slice", [tri, node("Concat", [past, const([0], np.int64)], s, axis=0),
                            node("Concat", [total, total], s, axis=0), const([2, 3], np.int64)], s)
    presents = []
    for layer in range(layers):
        s = f"/transformer/h.{layer}"
        h = layer_norm(x, f"{s}/ln_1")
        q, k, v = node("Split", [conv1d(h, f"{s}/attn/c_attn", HIDDEN, 3 * HIDDEN), const([HIDDEN] * 3, np.int64)],
                       f"{s}/attn", n_out=3, axis=2)
        q, k, v = (split_heads(t, f"{s}/attn") for t in (q, k, v))
        k = node("Concat", [f"past_key_values.{layer}.key", k], f"{s}/attn", axis=-2)
        v = node("Concat", [f"past_key_values.{layer}.value", v], f"{s}/attn", axis=-2)
        presents += [(k, f"present.{layer}.key"), (v, f"present.{layer}.value")]
        sc = node("Div", [node("MatMul", [q, node("Transpose", [k], f"{s}/attn", perm=[0, 1, 3, 2])], f"{s}/attn"),
                          const(float(np.sqrt(D)))], f"{s}/attn")
        sc = node("Add", [node("Where", [causal, sc, const(FMIN)], f"{s}/attn"), additive], f"{s}/attn")
        o = node("MatMul", [node("Softmax", [sc], f"{s}/attn", axis=-1), v], f"{s}/attn")
        o = node("Transpose", [o], f"{s}/attn", perm=[0, 2, 1, 3])
        shape = node("Concat", [dim(o, 0, f"{s}/attn"), dim(o, 1, f"{s}/attn"), const([HIDDEN], np.int64)],
                     f"{s}/attn", axis=0)
        o = conv1d(node("Reshape", [o, shape], f"{s}/attn"), f"{s}/attn/c_proj", HIDDEN, HIDDEN)
        x = node("Add", [o, x], s)
        h = gelu_tanh(conv1d(layer_norm(x, f"{s}/ln_2"), f"{s}/mlp/c_fc", HIDDEN, FFN), f"{s}/mlp/act")
        x = node("Add", [x, conv1d(h, f"{s}/mlp/c_proj", FFN, HIDDEN)], s)
    x = layer_norm(x, "/transformer/ln_f")
    wte_t = numpy_helper.to_array(next(t for t in inits if t.name == wte)).T.copy()
    logits = node("MatMul", [x, const(wte_t, name="onnx::MatMul_lm_head")], "/lm_head")
    renames = {logits: "logits", **dict(presents)}
    for n in nodes:
        n.output[:] = [renames.get(o, o) for o in n.output]
        n.input[:] = [renames.get(i, i) for i in n.input]
    vi = helper.make_tensor_value_info
    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    inputs = [vi("input_ids", i64, ["batch_size", SEQ]), vi("position_ids", i64, ["batch_size", SEQ]),
              vi("attention_mask", i64, ["batch_size", TOTAL])]
    outputs = [vi("logits", f32, ["batch_size", SEQ, VOCAB])]
    for layer in range(layers):
        for kind in ("key", "value"):
            inputs.append(vi(f"past_key_values.{layer}.{kind}", f32, ["batch_size", HEADS, PAST, D]))
            outputs.append(vi(f"present.{layer}.{kind}", f32, ["batch_size", HEADS, TOTAL, D]))
    model = helper.make_model(helper.make_graph(nodes, "gpt2_growing", inputs, outputs, inits),
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def write(name, layers):
    model = build(layers)
    data_rng = np.random.default_rng(3)
    out = os.path.join(here, "data", name)
    for k, (batch, past, seq, pad) in enumerate([(1, 0, 5, 0), (1, 5, 1, 0), (2, 4, 3, 2)]):
        mask = np.ones((batch, past + seq), np.int64)
        mask[batch - 1, :pad] = 0
        # Position ids count real tokens only (the padded row starts later).
        pos = np.cumsum(mask, axis=1)[:, past:] - 1
        inputs = [("input_ids", data_rng.integers(0, VOCAB, (batch, seq)).astype(np.int64)),
                  ("position_ids", pos.astype(np.int64)), ("attention_mask", mask)]
        for layer in range(layers):
            for kind in ("key", "value"):
                inputs.append((f"past_key_values.{layer}.{kind}",
                               data_rng.standard_normal((batch, HEADS, past, D)).astype(np.float32)))
        write_case(model, inputs, out, data_set=k)


def main():
    write("gpt2_growing", LAYERS)
    # One layer: the causal slice has one reader, so its copy fuses into the
    # attention's score map (rows d + past of the 64-row buffer, in range only
    # while past + seq <= 64: checked at run time).
    write("gpt2_growing_1layer", 1)


if __name__ == "__main__":
    main()
