#!/usr/bin/env python3
"""Writes tests/e2e/data/quant_qdq: static QDQ matmuls (the form onnxruntime's
quantize_static(quant_format=QDQ) and the PyTorch/TensorRT-style exporters
write) that kiln-lift-qdq-matmul runs as kernel.qmatmul, with onnxruntime's
outputs as the reference:
  - QuantizeLinear -> DequantizeLinear of a batched [2, 24, 70] activation (u8,
    zero point 121; K = 70 is not a multiple of the packed panel's 4) ->
    MatMul by DequantizeLinear of an s8 weight with per-column scales (axis 1)
    -> Add a constant bias -> Relu;
  - the same pair in s8 (zero point -3) over the rows reshaped to [48, 100] ->
    Gemm with transB = 1 by an s8 [N, K] weight with per-row scales (axis 0)
    and a bias C;
  - a u8 weight at zero point 128 (w - 128 fits s8), per-tensor scale, after
    a u8 pair at zero point 0, as the last MatMul.

  /usr/bin/python3 tests/e2e/make_quant_qdq.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "quant_qdq")
rng = np.random.default_rng(1414)

B, M, K, N, P, R = 2, 24, 70, 100, 40, 36
x_scale, x_zp = np.array(0.025, np.float32), np.array(121, np.uint8)
w1 = rng.integers(-127, 128, size=(K, N), dtype=np.int8)
w1_scale = (rng.random(N, dtype=np.float32) * 0.004 + 0.001).astype(np.float32)
w1_zp = np.zeros(N, np.int8)
bias1 = (rng.standard_normal(N) * 0.1).astype(np.float32)
h_scale, h_zp = np.array(0.01, np.float32), np.array(-3, np.int8)
w2 = rng.integers(-127, 128, size=(P, N), dtype=np.int8)  # [N, K] for transB
w2_scale = (rng.random(P, dtype=np.float32) * 0.002 + 0.001).astype(np.float32)
w2_zp = np.zeros(P, np.int8)
bias2 = (rng.standard_normal(P) * 0.1).astype(np.float32)
g_scale, g_zp = np.array(0.004, np.float32), np.array(0, np.uint8)
w3 = rng.integers(0, 256, size=(P, R), dtype=np.uint8)
w3_scale, w3_zp = np.array(0.003, np.float32), np.array(128, np.uint8)

inits = [numpy_helper.from_array(v, n) for n, v in [
    ("x_scale", x_scale), ("x_zp", x_zp), ("w1", w1), ("w1_scale", w1_scale), ("w1_zp", w1_zp),
    ("bias1", bias1), ("h_scale", h_scale), ("h_zp", h_zp), ("w2", w2), ("w2_scale", w2_scale),
    ("w2_zp", w2_zp), ("bias2", bias2), ("shape2", np.array([B * M, N], np.int64)),
    ("g_scale", g_scale), ("g_zp", g_zp), ("w3", w3), ("w3_scale", w3_scale), ("w3_zp", w3_zp)]]
nodes = [
    helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"]),
    helper.make_node("DequantizeLinear", ["xq", "x_scale", "x_zp"], ["xd"]),
    helper.make_node("DequantizeLinear", ["w1", "w1_scale", "w1_zp"], ["w1d"], axis=1),
    helper.make_node("MatMul", ["xd", "w1d"], ["y1"]),
    helper.make_node("Add", ["y1", "bias1"], ["z1"]),
    helper.make_node("Relu", ["z1"], ["h"]),
    helper.make_node("Reshape", ["h", "shape2"], ["h2"]),
    helper.make_node("QuantizeLinear", ["h2", "h_scale", "h_zp"], ["hq"]),
    helper.make_node("DequantizeLinear", ["hq", "h_scale", "h_zp"], ["hd"]),
    helper.make_node("DequantizeLinear", ["w2", "w2_scale", "w2_zp"], ["w2d"], axis=0),
    helper.make_node("Gemm", ["hd", "w2d", "bias2"], ["g"], transB=1),
    helper.make_node("QuantizeLinear", ["g", "g_scale", "g_zp"], ["gq"]),
    helper.make_node("DequantizeLinear", ["gq", "g_scale", "g_zp"], ["gd"]),
    helper.make_node("DequantizeLinear", ["w3", "w3_scale", "w3_zp"], ["w3d"]),
    helper.make_node("MatMul", ["gd", "w3d"], ["y"]),
]
graph = helper.make_graph(
    nodes, "quant_qdq", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, M, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B * M, R]),
     helper.make_tensor_value_info("h", TensorProto.FLOAT, [B, M, N])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
x = (rng.standard_normal((B, M, K)) * 1.5).astype(np.float32)
ys = write_case(model, [("x", x)], out)

# How far onnxruntime is from the float decomposition (dequantize, then f32
# matmul) of the same graph, computed here in float64.
def qdq(v, s, z, lo, hi):
    return (np.clip(np.round(v / s) + z, lo, hi) - z) * s
xd = qdq(x.astype(np.float64), x_scale, int(x_zp), 0, 255)
h = np.maximum(xd @ (w1.astype(np.float64) * w1_scale) + bias1, 0)
hd = qdq(h.reshape(B * M, N), h_scale, int(h_zp), -128, 127)
g = hd @ (w2.astype(np.float64) * w2_scale[:, None]).T + bias2
gd = qdq(g, g_scale, int(g_zp), 0, 255)
y = gd @ ((w3.astype(np.float64) - 128) * w3_scale)
print("max |ort - f64| y:", np.abs(ys[0] - y).max(), " h:", np.abs(ys[1] - h).max())
