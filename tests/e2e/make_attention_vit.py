#!/usr/bin/env python3
"""Writes tests/e2e/data/attention_vit: ViT's self-attention at its 197 tokens
(196 patches + the class token), a length that is no multiple of the kernel's
row tile (8) or key vectors (16). Q, K and V are column slices of one [1, 197,
3 * H * D] tensor, as they are of the merged QKV projection in ViT, so the
kernel reads all three through strided index maps; the scores are divided by
sqrt(D) (the TorchScript exporter's form); the heads merge into [1, 197, H * D].
Scores are scaled up (x4) so the softmax rows are peaked, not flat. 2 heads of
64 (ViT-base has 12). References from onnxruntime.

  /usr/bin/python3 tests/e2e/make_attention_vit.py [--heads H] [--tokens S] [--out DIR]

--heads 12 --out DIR writes ViT-base's full attention, to time the kernel
(kiln-run DIR --repeat 300 --threads 1); --tokens 128 BERT's length.
"""
import argparse
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--heads", type=int, default=2)
ap.add_argument("--tokens", type=int, default=197)
ap.add_argument("--out", default=os.path.join(here, "data", "attention_vit"))
args = ap.parse_args()
S, H, D = args.tokens, args.heads, 64
C = H * D


def const(name, value, dtype=np.int64):
    return numpy_helper.from_array(np.array(value, dtype), name)


inits = [const("split", [C, C, C]), const("heads_shape", [1, S, H, D]), const("out_shape", [1, S, C]),
         const("sqrt_d", np.sqrt(D), np.float32)]
nodes = [helper.make_node("Split", ["qkv", "split"], ["q", "k", "v"], axis=2)]
for n in "qkv":
    nodes.append(helper.make_node("Reshape", [n, "heads_shape"], [n + "4"]))
nodes += [
    helper.make_node("Transpose", ["q4"], ["qh"], perm=[0, 2, 1, 3]),
    helper.make_node("Transpose", ["k4"], ["kt"], perm=[0, 2, 3, 1]),
    helper.make_node("Transpose", ["v4"], ["vh"], perm=[0, 2, 1, 3]),
    helper.make_node("MatMul", ["qh", "kt"], ["s"]),
    helper.make_node("Div", ["s", "sqrt_d"], ["sd"]),
    helper.make_node("Softmax", ["sd"], ["p"], axis=-1),
    helper.make_node("MatMul", ["p", "vh"], ["o"]),
    helper.make_node("Transpose", ["o"], ["ot"], perm=[0, 2, 1, 3]),
    helper.make_node("Reshape", ["ot", "out_shape"], ["y"]),
]
graph = helper.make_graph(nodes, "attention_vit",
                          [helper.make_tensor_value_info("qkv", TensorProto.FLOAT, [1, S, 3 * C])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, S, C])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8

rng = np.random.default_rng(197)
qkv = rng.standard_normal((1, S, 3 * C)).astype(np.float32)
qkv[..., :C] *= 4
write_case(model, [("qkv", qkv)], args.out)
