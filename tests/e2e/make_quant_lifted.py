#!/usr/bin/env python3
"""Writes tests/e2e/data/quant_lifted: integer matmuls in the forms that
kiln-lift-integer-matmul runs as kernel.qmatmul (VNNI on CPUs that have it),
with onnxruntime's outputs as the reference:
  - DynamicQuantizeLinear -> MatMulInteger (s8 per-column weights, zero
    point 0, as onnxruntime's quantize_dynamic writes them) -> Cast -> Mul ->
    Add bias, over a batched [2, 24, 72] activation (K = 72 is not a multiple
    of the packed panel's 4, N = 100 not one of its width);
  - QuantizeLinear to s8 -> QLinearMatMul with s8 activations and weights
    (the S8S8 form of quantize_static) -> DequantizeLinear;
  - QLinearMatMul with u8 weights whose zero point keeps them within s8
    (w - 128 in [-128, 127]).

  /usr/bin/python3 tests/e2e/make_quant_lifted.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "quant_lifted")
rng = np.random.default_rng(14)

B, M, K, N, P, R = 2, 24, 72, 100, 40, 36
w1 = rng.integers(-127, 128, size=(K, N), dtype=np.int8)
w1_zp = np.zeros(N, np.int8)
w1_scale = (rng.random(N, dtype=np.float32) * 0.004 + 0.001).astype(np.float32)
bias1 = (rng.standard_normal(N) * 0.1).astype(np.float32)
h_scale = np.array(0.03, np.float32)
h_zp = np.array(0, np.int8)
w2 = rng.integers(-128, 128, size=(N, P), dtype=np.int8)
w2_scale = np.array(0.002, np.float32)
w2_zp = np.array(0, np.int8)
y2_scale = np.array(0.05, np.float32)
y2_zp = np.array(-3, np.int8)
q3_scale = np.array(0.04, np.float32)
q3_zp = np.array(128, np.uint8)
w3 = rng.integers(0, 256, size=(P, R), dtype=np.uint8)
w3_scale = np.array(0.003, np.float32)
w3_zp = np.array(128, np.uint8)
y3_scale = np.array(0.02, np.float32)
y3_zp = np.array(120, np.uint8)

inits = [numpy_helper.from_array(v, n) for n, v in [
    ("w1", w1), ("w1_zp", w1_zp), ("w1_scale", w1_scale), ("bias1", bias1), ("h_scale", h_scale),
    ("h_zp", h_zp), ("w2", w2), ("w2_scale", w2_scale), ("w2_zp", w2_zp), ("y2_scale", y2_scale),
    ("y2_zp", y2_zp), ("q3_scale", q3_scale), ("q3_zp", q3_zp), ("w3", w3), ("w3_scale", w3_scale),
    ("w3_zp", w3_zp), ("y3_scale", y3_scale), ("y3_zp", y3_zp)]]
nodes = [
    helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xzp"]),
    helper.make_node("MatMulInteger", ["xq", "w1", "xzp", "w1_zp"], ["acc"]),
    helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
    helper.make_node("Mul", ["xs", "w1_scale"], ["s1"]),
    helper.make_node("Mul", ["accf", "s1"], ["y1"]),
    helper.make_node("Add", ["y1", "bias1"], ["h"]),
    helper.make_node("QuantizeLinear", ["h", "h_scale", "h_zp"], ["hq"]),
    helper.make_node("QLinearMatMul", ["hq", "h_scale", "h_zp", "w2", "w2_scale", "w2_zp", "y2_scale", "y2_zp"],
                     ["y2q"]),
    helper.make_node("DequantizeLinear", ["y2q", "y2_scale", "y2_zp"], ["y2"]),
    helper.make_node("Relu", ["y2"], ["r2"]),
    helper.make_node("QuantizeLinear", ["r2", "q3_scale", "q3_zp"], ["r2q"]),
    helper.make_node("QLinearMatMul", ["r2q", "q3_scale", "q3_zp", "w3", "w3_scale", "w3_zp", "y3_scale", "y3_zp"],
                     ["y3q"]),
    helper.make_node("DequantizeLinear", ["y3q", "y3_scale", "y3_zp"], ["y"]),
]
graph = helper.make_graph(
    nodes, "quant_lifted", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, M, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, M, R]),
     helper.make_tensor_value_info("h", TensorProto.FLOAT, [B, M, N]),
     helper.make_tensor_value_info("y2q", TensorProto.INT8, [B, M, P])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
x = (rng.standard_normal((B, M, K)) * 2).astype(np.float32)
write_case(model, [("x", x)], out)
