#!/usr/bin/env python3
"""Writes examples/gpt_decode/tiny_gpt.onnx: a GPT-2-style decoder (pre-LayerNorm
blocks, tanh GELU, a learned LM head) that decodes one token per call against a
fixed-size KV cache, the layout ahead-of-time deployments use (a "static
cache"): for each layer, past.L.key/past.L.value [1, H, MAX_CTX, D] in and
present.L.key/present.L.value out, where present is past with this token's
key/value written at `position`. Attention covers positions <= `position`
(a mask built from Range, LessOrEqual and Where); the position id also picks
the learned position embedding. Weights are seeded random numbers.

  /usr/bin/python3 examples/gpt_decode/make_tiny_gpt.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VOCAB, HIDDEN, HEADS, LAYERS, MAX_CTX = 128, 64, 4, 2, 32
D = HIDDEN // HEADS
rng = np.random.default_rng(2026)
inits, nodes = [], []


def const(name, value, dtype=np.float32):
    if not any(t.name == name for t in inits):
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
    return name


def weight(name, *shape, scale=0.08):
    return const(name, rng.standard_normal(shape) * scale)


def node(op, ins, outs=None, **attrs):
    outs = outs or [f"{op.lower()}_{len(nodes)}"]
    nodes.append(helper.make_node(op, ins, outs, name=f"{op}_{len(nodes)}", **attrs))
    return outs[0] if len(outs) == 1 else outs


def layer_norm(x, prefix):
    g = const(prefix + ".g", 1 + rng.standard_normal(HIDDEN) * 0.1)
    b = const(prefix + ".b", rng.standard_normal(HIDDEN) * 0.1)
    return node("LayerNormalization", [x, g, b], axis=-1, epsilon=1e-5)


def linear(x, prefix, n_in, n_out):
    return node("Add", [node("MatMul", [x, weight(prefix + ".w", n_in, n_out)]),
                        weight(prefix + ".b", n_out, scale=0.02)])


def gelu_tanh(x):  # GPT-2's gelu_new, as the TorchScript exporter writes it
    x3 = node("Pow", [x, const("three", 3.0)])
    inner = node("Mul", [node("Add", [x, node("Mul", [x3, const("c044715", 0.044715)])]),
                         const("sqrt_2_over_pi", np.sqrt(2 / np.pi))])
    return node("Mul", [node("Mul", [x, const("half", 0.5)]),
                        node("Add", [node("Tanh", [inner]), const("one", 1.0)])])


def heads(x):  # [1, 1, HIDDEN] -> [1, HEADS, 1, D]
    return node("Transpose", [node("Reshape", [x, const("heads_shape", [1, 1, HEADS, D], np.int64)])],
                perm=[0, 2, 1, 3])


wte = weight("wte", VOCAB, HIDDEN, scale=0.2)
wpe = weight("wpe", MAX_CTX, HIDDEN, scale=0.2)
x = node("Add", [node("Gather", [wte, "input_ids"]),                      # [1, 1, HIDDEN]
                 node("Gather", [wpe, "position"])])                     # [1, HIDDEN]
slots = node("Range", [const("zero", 0, np.int64), const("max_ctx", MAX_CTX, np.int64),
                       const("step", 1, np.int64)])                      # [MAX_CTX]
here = node("Reshape", [node("Equal", [slots, "position"]),
                        const("slot_shape", [1, 1, MAX_CTX, 1], np.int64)])
visible = node("Reshape", [node("LessOrEqual", [slots, "position"]),
                           const("mask_shape", [1, 1, 1, MAX_CTX], np.int64)])
inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, 1]),
          helper.make_tensor_value_info("position", TensorProto.INT64, [1])]
outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1, VOCAB])]
cache = [1, HEADS, MAX_CTX, D]
for l in range(LAYERS):
    p = f"h{l}"
    h = layer_norm(x, p + ".ln1")
    q, k, v = (heads(linear(h, f"{p}.{n}", HIDDEN, HIDDEN)) for n in "qkv")
    kv = []
    for name, new in (("key", k), ("value", v)):
        past, present = f"past.{l}.{name}", f"present.{l}.{name}"
        inputs.append(helper.make_tensor_value_info(past, TensorProto.FLOAT, cache))
        outputs.append(helper.make_tensor_value_info(present, TensorProto.FLOAT, cache))
        node("Where", [here, new, past], [present])                      # write this slot
        kv.append(present)
    scores = node("Mul", [node("MatMul", [q, node("Transpose", [kv[0]], perm=[0, 1, 3, 2])]),
                          const(f"{p}.scale", 1 / np.sqrt(D))])          # [1, HEADS, 1, MAX_CTX]
    scores = node("Where", [visible, scores, const("neg_inf", -np.inf)])
    att = node("MatMul", [node("Softmax", [scores], axis=-1), kv[1]])     # [1, HEADS, 1, D]
    att = node("Reshape", [node("Transpose", [att], perm=[0, 2, 1, 3]),
                           const("merge_shape", [1, 1, HIDDEN], np.int64)])
    x = node("Add", [x, linear(att, p + ".proj", HIDDEN, HIDDEN)])
    m = gelu_tanh(linear(layer_norm(x, p + ".ln2"), p + ".fc", HIDDEN, 4 * HIDDEN))
    x = node("Add", [x, linear(m, p + ".fc_proj", 4 * HIDDEN, HIDDEN)])
logits = node("MatMul", [layer_norm(x, "ln_f"), weight("lm_head", HIDDEN, VOCAB, scale=0.3)], ["logits"])

# Inputs and outputs in a stable order: ids, position, past...; logits, present...
graph = helper.make_graph(nodes, "tiny_gpt", inputs, outputs, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          producer_name="kiln examples/gpt_decode/make_tiny_gpt.py")
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_gpt.onnx")
onnx.save(model, out)
print(f"wrote {out}: vocab {VOCAB}, hidden {HIDDEN}, heads {HEADS}, layers {LAYERS}, context {MAX_CTX}")
