#!/usr/bin/env python3
"""Writes examples/llm_decode/tiny_llama.onnx: a LLaMA-style decoder with a
growing KV cache, in the node patterns torch.onnx's dynamo exporter writes for
LlamaForCausalLM (use_cache, dynamic shapes), at opset 17 (Debian's onnx
checker stops there):

- RMSNorm as Pow, ReduceMean, Add(eps), Sqrt, Reciprocal, Mul, Mul(weight);
- rotary embeddings from position ids: inv_freq x positions (MatMul), Concat of
  the frequencies with themselves, Cos/Sin, rotate_half with Slice, Neg, Concat;
- grouped-query attention: 4 query heads over 2 KV heads, the cache repeated
  by repeat_kv (Unsqueeze, Expand, Reshape with shapes taken from Shape ops);
- SDPA's decomposition: q and k^T each scaled by sqrt(1/sqrt(d)), an additive
  mask (causal and padding, built in the graph with Range, LessOrEqual, And,
  Where and finfo(float32).min), Softmax, MatMul;
- SwiGLU MLP (gate * Sigmoid(gate) * up), bias-free linears, an untied LM head.

Inputs: input_ids [batch_size, sequence_length] (int64), attention_mask
[batch_size, past_sequence_length + sequence_length] (int64), and per layer
past_key_values.L.key/value [batch_size, 2, past_sequence_length, 16].
Outputs: logits [batch_size, sequence_length, 256] and present.L.key/value
[batch_size, 2, past_sequence_length + sequence_length, 16]: the Concat of the
past and this call's K/V. Position ids are the past length plus 0..seq-1
(the past length read from past_key_values.0.key's shape), so one call with an
empty past (length 0) is the prefill and every later call one decode step.
Weights are seeded random numbers scaled so the logits are well separated
(greedy decoding does not hinge on rounding).

With --data DIR it also writes kiln-run data sets (onnxruntime's outputs as
the references): a prefill (past 0, 5 tokens), a decode step (past 5, 1 token),
and a batch of 2 with a left-padded mask (past 4, 3 tokens).

  /usr/bin/python3 examples/llm_decode/make_tiny_llama.py [--data DIR]
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VOCAB, HIDDEN, HEADS, KV_HEADS, LAYERS, FFN = 256, 64, 4, 2, 2, 160
D = HIDDEN // HEADS
EPS = 1e-6
THETA = 10000.0
FMIN = float(np.finfo(np.float32).min)
PAST, SEQ, TOTAL = "past_sequence_length", "sequence_length", "past_sequence_length + sequence_length"

rng = np.random.default_rng(2027)
inits, nodes = [], []
count = {}


def const(value, dtype=np.float32, name=None):
    name = name or f"val_{len(inits)}"
    inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
    return name


def weight(name, *shape, scale=None):
    scale = scale if scale is not None else 1.0 / np.sqrt(shape[0])
    return const(rng.standard_normal(shape) * scale, name=name)


def node(op, ins, n_out=1, **attrs):
    """A node named as the dynamo exporter names them (node_Op_N)."""
    k = count[op] = count.get(op, -1) + 1
    outs = [f"{op.lower()}_{k}" + (f"_{i}" if n_out > 1 else "") for i in range(n_out)]
    nodes.append(helper.make_node(op, ins, outs, name=f"node_{op}_{k}", **attrs))
    return outs[0] if n_out == 1 else outs


def dim(x, axis):
    """Shape(x)[axis] as a 1-element int64 tensor (Shape with start/end, as dynamo writes it)."""
    return node("Shape", [x], start=axis, end=axis + 1)


def rms_norm(x, name):
    w = const(1 + rng.standard_normal(HIDDEN) * 0.1, name=name + ".weight")
    var = node("ReduceMean", [node("Pow", [x, const(2.0)])], axes=[-1], keepdims=1)
    inv = node("Reciprocal", [node("Sqrt", [node("Add", [var, const(EPS)])])])
    return node("Mul", [w, node("Mul", [x, inv])])


def linear(x, name, n_in, n_out):
    return node("MatMul", [x, weight(name + ".weight", n_in, n_out)])


def rotate_half(x):
    x1 = node("Slice", [x, const([0], np.int64), const([D // 2], np.int64), const([3], np.int64), const([1], np.int64)])
    x2 = node("Slice", [x, const([D // 2], np.int64), const([2**63 - 1], np.int64), const([3], np.int64),
                        const([1], np.int64)])
    return node("Concat", [node("Neg", [x2]), x1], axis=-1)


def rope(x, cos, sin):
    return node("Add", [node("Mul", [x, cos]), node("Mul", [rotate_half(x), sin])])


def split_heads(x, heads):
    """[b, s, heads*D] -> [b, heads, s, D]."""
    return node("Transpose", [node("Reshape", [x, const([0, 0, heads, D], np.int64)])], perm=[0, 2, 1, 3])


def repeat_kv(x):
    """[b, kv, T, D] -> [b, kv * n_rep, T, D] through a 5-D Expand (transformers' repeat_kv)."""
    n_rep = HEADS // KV_HEADS
    b, t = dim(x, 0), dim(x, 2)
    x5 = node("Unsqueeze", [x, const([2], np.int64)])
    shape5 = node("Concat", [b, const([KV_HEADS, n_rep], np.int64), t, const([D], np.int64)], axis=0)
    shape4 = node("Concat", [b, const([HEADS], np.int64), t, const([D], np.int64)], axis=0)
    return node("Reshape", [node("Expand", [x5, shape5]), shape4])


def build():
    ids = "input_ids"
    h = node("Gather", [weight("model.embed_tokens.weight", VOCAB, HIDDEN, scale=1.0), ids])

    # Positions: past .. past+seq-1, the past length from the cache's shape.
    past_len = node("Squeeze", [dim("past_key_values.0.key", 2)])
    seq_len = node("Squeeze", [dim(ids, 1)])
    total = node("Add", [past_len, seq_len])
    positions = node("Range", [past_len, total, const(1, np.int64)])                      # [s]
    inv_freq = 1.0 / (THETA ** (np.arange(0, D, 2, dtype=np.float32) / D))
    freqs = node("MatMul", [node("Unsqueeze", [node("Cast", [positions], to=TensorProto.FLOAT),
                                               const([1], np.int64)]),                  # [s, 1]
                            const(inv_freq.reshape(1, D // 2))])                          # [s, D/2]
    emb = node("Concat", [freqs, freqs], axis=-1)                                         # [s, D]
    cos = node("Unsqueeze", [node("Cos", [emb]), const([0, 1], np.int64)])                # [1, 1, s, D]
    sin = node("Unsqueeze", [node("Sin", [emb]), const([0, 1], np.int64)])

    # Additive mask [b, 1, s, T]: key j visible to query i when j <= past + i
    # and attention_mask[b, j] is 1.
    keys = node("Range", [const(0, np.int64), total, const(1, np.int64)])                 # [T]
    causal = node("LessOrEqual", [node("Unsqueeze", [keys, const([0], np.int64)]),
                                  node("Unsqueeze", [positions, const([1], np.int64)])])  # [s, T]
    pad = node("Unsqueeze", [node("Cast", ["attention_mask"], to=TensorProto.BOOL), const([1, 2], np.int64)])
    mask = node("Where", [node("And", [causal, pad]), const(0.0), const(FMIN)])           # [b, 1, s, T]

    half_scale = const(np.sqrt(1.0 / np.sqrt(D)))
    presents = []
    for layer in range(LAYERS):
        p = f"model.layers.{layer}"
        x = rms_norm(h, p + ".input_layernorm")
        q = rope(split_heads(linear(x, p + ".self_attn.q_proj", HIDDEN, HEADS * D), HEADS), cos, sin)
        k = rope(split_heads(linear(x, p + ".self_attn.k_proj", HIDDEN, KV_HEADS * D), KV_HEADS), cos, sin)
        v = split_heads(linear(x, p + ".self_attn.v_proj", HIDDEN, KV_HEADS * D), KV_HEADS)
        present_k = node("Concat", [f"past_key_values.{layer}.key", k], axis=2)
        present_v = node("Concat", [f"past_key_values.{layer}.value", v], axis=2)
        presents += [(present_k, f"present.{layer}.key"), (present_v, f"present.{layer}.value")]
        kt = node("Transpose", [repeat_kv(present_k)], perm=[0, 1, 3, 2])
        scores = node("MatMul", [node("Mul", [q, half_scale]), node("Mul", [kt, half_scale])])
        probs = node("Softmax", [node("Add", [scores, mask])], axis=-1)
        o = node("MatMul", [probs, repeat_kv(present_v)])
        o = node("Reshape", [node("Transpose", [o], perm=[0, 2, 1, 3]), const([0, 0, HIDDEN], np.int64)])
        h = node("Add", [h, linear(o, p + ".self_attn.o_proj", HIDDEN, HIDDEN)])
        x = rms_norm(h, p + ".post_attention_layernorm")
        gate = linear(x, p + ".mlp.gate_proj", HIDDEN, FFN)
        up = linear(x, p + ".mlp.up_proj", HIDDEN, FFN)
        act = node("Mul", [node("Mul", [gate, node("Sigmoid", [gate])]), up])
        h = node("Add", [h, linear(act, p + ".mlp.down_proj", FFN, HIDDEN)])
    logits = linear(rms_norm(h, "model.norm"), "lm_head", HIDDEN, VOCAB)

    # Name the graph outputs.
    renames = {logits: "logits", **dict(presents)}
    for n in nodes:
        n.output[:] = [renames.get(o, o) for o in n.output]
        n.input[:] = [renames.get(i, i) for i in n.input]

    vi = helper.make_tensor_value_info
    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    inputs = [vi("input_ids", i64, ["batch_size", SEQ]), vi("attention_mask", i64, ["batch_size", TOTAL])]
    outputs = [vi("logits", f32, ["batch_size", SEQ, VOCAB])]
    for layer in range(LAYERS):
        for kind in ("key", "value"):
            inputs.append(vi(f"past_key_values.{layer}.{kind}", f32, ["batch_size", KV_HEADS, PAST, D]))
            outputs.append(vi(f"present.{layer}.{kind}", f32, ["batch_size", KV_HEADS, TOTAL, D]))
    graph = helper.make_graph(nodes, "tiny_llama", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="kiln examples/llm_decode/make_tiny_llama.py")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def write_data(model, out):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "e2e"))
    from ort_case import write_case
    data_rng = np.random.default_rng(7)
    for k, (batch, past, seq, pad) in enumerate([(1, 0, 5, 0), (1, 5, 1, 0), (2, 4, 3, 2)]):
        mask = np.ones((batch, past + seq), np.int64)
        mask[batch - 1, :pad] = 0  # the last row left-padded
        inputs = [("input_ids", data_rng.integers(0, VOCAB, (batch, seq)).astype(np.int64)),
                  ("attention_mask", mask)]
        for layer in range(LAYERS):
            for kind in ("key", "value"):
                inputs.append((f"past_key_values.{layer}.{kind}",
                               data_rng.standard_normal((batch, KV_HEADS, past, D)).astype(np.float32)))
        write_case(model, inputs, out, data_set=k)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_llama.onnx"))
    ap.add_argument("--data", help="also write kiln-run data sets (model.onnx + test_data_set_N) to this folder")
    args = ap.parse_args()
    model = build()
    onnx.save(model, args.out)
    print("wrote", args.out)
    if args.data:
        write_data(model, args.data)


if __name__ == "__main__":
    main()
