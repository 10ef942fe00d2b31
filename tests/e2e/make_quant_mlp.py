#!/usr/bin/env python3
"""Writes tests/e2e/data/quant_mlp: a small quantized MLP made of the ONNX
quantization boundary ops as onnxruntime's dynamic and static quantizers emit
them (DynamicQuantizeLinear -> MatMulInteger with per-column weight zero
points, QuantizeLinear/DequantizeLinear pairs with per-axis scales,
QLinearMatMul), with onnxruntime's outputs as the reference.

  /usr/bin/python3 tests/e2e/make_quant_mlp.py   # then see the printed node command
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "quant_mlp")
rng = np.random.default_rng(7)

M, K, N, P = 8, 64, 96, 32
w1 = rng.integers(-127, 128, size=(K, N), dtype=np.int8)
w1_zp = rng.integers(-3, 4, size=(N,), dtype=np.int8)          # per column
w1_scale = (rng.random(N, dtype=np.float32) * 0.01 + 0.002).astype(np.float32)
a_scale = np.array(0.05, np.float32)                            # y1 fake-quant, per axis below
y1_scale = (rng.random(N, dtype=np.float32) * 0.05 + 0.01).astype(np.float32)
y1_zp = rng.integers(100, 156, size=(N,), dtype=np.uint8)
q_scale = np.array(0.04, np.float32)
q_zp = np.array(128, np.uint8)
w2 = rng.integers(0, 256, size=(N, P), dtype=np.uint8)
w2_scale = np.array(0.003, np.float32)
w2_zp = np.array(127, np.uint8)
out_scale = np.array(0.02, np.float32)
out_zp = np.array(120, np.uint8)

inits = [numpy_helper.from_array(v, n) for n, v in [
    ("w1", w1), ("w1_zp", w1_zp), ("w1_scale", w1_scale), ("y1_scale", y1_scale), ("y1_zp", y1_zp),
    ("q_scale", q_scale), ("q_zp", q_zp), ("w2", w2), ("w2_scale", w2_scale), ("w2_zp", w2_zp),
    ("out_scale", out_scale), ("out_zp", out_zp)]]
nodes = [
    helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xzp"]),
    helper.make_node("MatMulInteger", ["xq", "w1", "xzp", "w1_zp"], ["acc"]),
    helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
    helper.make_node("Mul", ["xs", "w1_scale"], ["s1"]),
    helper.make_node("Mul", ["accf", "s1"], ["y1"]),
    helper.make_node("QuantizeLinear", ["y1", "y1_scale", "y1_zp"], ["y1q"], axis=1),
    helper.make_node("DequantizeLinear", ["y1q", "y1_scale", "y1_zp"], ["y1d"], axis=1),
    helper.make_node("Relu", ["y1d"], ["h"]),
    helper.make_node("QuantizeLinear", ["h", "q_scale", "q_zp"], ["hq"]),
    helper.make_node("QLinearMatMul", ["hq", "q_scale", "q_zp", "w2", "w2_scale", "w2_zp", "out_scale", "out_zp"],
                     ["yq"]),
    helper.make_node("DequantizeLinear", ["yq", "out_scale", "out_zp"], ["y"]),
]
graph = helper.make_graph(
    nodes, "quant_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [M, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [M, P]),
     helper.make_tensor_value_info("acc", TensorProto.INT32, [M, N]),
     helper.make_tensor_value_info("yq", TensorProto.UINT8, [M, P])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
x = (rng.standard_normal((M, K)) * 2).astype(np.float32)
write_case(model, [("x", x)], out)
