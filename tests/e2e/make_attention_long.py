#!/usr/bin/env python3
"""Writes tests/e2e/data/attention_long: 9 query rows (a prefill chunk after a
KV cache) attending to 530 keys, which kiln-fuse-attention's kernel takes in
blocks of 256 under an online softmax (530 = 256 + 256 + 18 real keys of the
last block). The additive mask [1, 1, 9, 530] holds causal -inf entries, a
row whose whole second block is -inf (a block of weight 0), a row masked
with the most negative finite float except for 3 keys, and large scores
(x8) so the running max moves between blocks. Heads merge into [1, 9, 64]
(Transpose + Reshape). References from onnxruntime.

  /usr/bin/python3 tests/e2e/make_attention_long.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "attention_long")
rng = np.random.default_rng(5)
S, Sq, H, D = 530, 9, 2, 32

nodes = [helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
         helper.make_node("MatMul", ["q", "kt"], ["s"]),
         helper.make_node("Mul", ["s", "scale"], ["ss"]),
         helper.make_node("Add", ["ss", "mask"], ["sm"]),
         helper.make_node("Softmax", ["sm"], ["p"], axis=-1),
         helper.make_node("MatMul", ["p", "v"], ["o"]),
         helper.make_node("Transpose", ["o"], ["ot"], perm=[0, 2, 1, 3]),
         helper.make_node("Reshape", ["ot", "shape"], ["y"])]
graph = helper.make_graph(
    nodes, "attention_long",
    [helper.make_tensor_value_info("q", TensorProto.FLOAT, [1, H, Sq, D]),
     helper.make_tensor_value_info("k", TensorProto.FLOAT, [1, H, S, D]),
     helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, H, S, D]),
     helper.make_tensor_value_info("mask", TensorProto.FLOAT, [1, 1, Sq, S])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, Sq, H * D])],
    [numpy_helper.from_array(np.array(8 / np.sqrt(D), np.float32), "scale"),
     numpy_helper.from_array(np.array([1, Sq, H * D], np.int64), "shape")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
mask = np.zeros((1, 1, Sq, S), np.float32)
for r in range(Sq):  # causal: query r sits at position S - Sq + r
    mask[0, 0, r, S - Sq + r + 1:] = -np.inf
mask[0, 0, 2, 256:512] = -np.inf
mask[0, 0, 5, :] = np.finfo(np.float32).min
mask[0, 0, 5, [3, 300, 520]] = 0
inputs = [("q", rng.standard_normal((1, H, Sq, D))), ("k", rng.standard_normal((1, H, S, D))),
          ("v", rng.standard_normal((1, H, S, D))), ("mask", mask)]
write_case(model, [(n, x.astype(np.float32)) for n, x in inputs], out)
