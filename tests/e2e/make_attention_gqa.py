#!/usr/bin/env python3
"""Writes tests/e2e/data/attention_{mqa,gqa5d}: grouped K/V heads shared by
MatMul broadcasting instead of repeat_kv (make_attention.py has that form):

- attention_mqa: multi-query attention, one K/V head [1, 1, S, D] broadcast
  over 4 query heads by the QK^T and PV MatMuls (a size-1 head dim);
- attention_gqa5d: 4 query heads over 2 K/V heads with Q reshaped to
  [1, kv_heads, group, S, D] and K/V unsqueezed to [1, kv_heads, 1, S, D]; the
  5-D MatMuls broadcast the group, a Reshape merges it back.

Both have a causal additive mask; references from onnxruntime.

  /usr/bin/python3 tests/e2e/make_attention_gqa.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1607)
H, KVH, S, D = 4, 2, 24, 16
f32 = TensorProto.FLOAT
node = helper.make_node
vi = helper.make_tensor_value_info


def const(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


causal = np.triu(np.full((S, S), -1e9, np.float32), 1)


def case(name, kv_heads, nodes, inits):
    graph = helper.make_graph(
        nodes, name,
        [vi("q", f32, [1, H, S, D]), vi("k", f32, [1, kv_heads, S, D]), vi("v", f32, [1, kv_heads, S, D])],
        [vi("y", f32, [1, H, S, D])],
        inits + [const("scale", 1 / np.sqrt(D)), const("mask", causal)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    randn = lambda *s: rng.standard_normal(s).astype(np.float32)
    write_case(model, [("q", randn(1, H, S, D)), ("k", randn(1, kv_heads, S, D)), ("v", randn(1, kv_heads, S, D))],
               os.path.join(here, "data", name))


def core(q, kt, v, out, extra_axes=()):
    return [node("MatMul", [q, kt], ["s"]), node("Mul", ["s", "scale"], ["ss"]), node("Add", ["ss", "mask"], ["sm"]),
            node("Softmax", ["sm"], ["p"], axis=-1), node("MatMul", ["p", v], [out])]


# MQA: [1, 4, S, D] x [1, 1, D, S] broadcasts the single K/V head.
case("attention_mqa", 1,
     [node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2])] + core("q", "kt", "v", "y"), [])

# GQA through 5-D broadcasting: q -> [1, KVH, H/KVH, S, D], k/v -> [1, KVH, 1, S, D].
case("attention_gqa5d", KVH,
     [node("Reshape", ["q", "q5shape"], ["q5"]),
      node("Unsqueeze", ["k", "ax2"], ["k5"]), node("Unsqueeze", ["v", "ax2"], ["v5"]),
      node("Transpose", ["k5"], ["kt"], perm=[0, 1, 2, 4, 3])]
     + core("q5", "kt", "v5", "y5")
     + [node("Reshape", ["y5", "yshape"], ["y"])],
     [const("q5shape", [1, KVH, H // KVH, S, D], np.int64), const("ax2", [2], np.int64),
      const("yshape", [1, H, S, D], np.int64)])
