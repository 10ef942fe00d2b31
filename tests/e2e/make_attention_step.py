#!/usr/bin/env python3
"""Writes tests/e2e/data/attention_step: attention for one query row over 40
keys (a decode step's shape: K and V as given, an additive padding mask),
with onnxruntime's outputs as the reference. 40 keys pad to 64 in the fused
kernel; before the padded keys' exp was zeroed by index, one query row summed
garbage there (fast math made exp(-inf - max) nonzero).

  /usr/bin/python3 tests/e2e/make_attention_step.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "attention_step")
rng = np.random.default_rng(3)
S, Sq, H, D = 40, 1, 4, 8

nodes = [helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
         helper.make_node("MatMul", ["q", "kt"], ["s"]),
         helper.make_node("Mul", ["s", "scale"], ["ss"]),
         helper.make_node("Add", ["ss", "mask"], ["sm"]),
         helper.make_node("Softmax", ["sm"], ["p"], axis=-1),
         helper.make_node("MatMul", ["p", "v"], ["y"])]
graph = helper.make_graph(
    nodes, "attention_step",
    [helper.make_tensor_value_info("q", TensorProto.FLOAT, [1, H, Sq, D]),
     helper.make_tensor_value_info("k", TensorProto.FLOAT, [1, H, S, D]),
     helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, H, S, D]),
     helper.make_tensor_value_info("mask", TensorProto.FLOAT, [1, 1, 1, S])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, H, Sq, D])],
    [numpy_helper.from_array(np.array(1 / np.sqrt(D), np.float32), "scale")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
mask = np.zeros((1, 1, 1, S), np.float32)
mask[..., S - 3:] = np.finfo(np.float32).min
inputs = [("q", rng.standard_normal((1, H, Sq, D))), ("k", rng.standard_normal((1, H, S, D))),
          ("v", rng.standard_normal((1, H, S, D))), ("mask", mask)]
write_case(model, [(n, x.astype(np.float32)) for n, x in inputs], out)
