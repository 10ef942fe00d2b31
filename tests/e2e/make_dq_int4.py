#!/usr/bin/env python3
"""Writes tests/e2e/data/dq_int4: the form exporters write for 4-bit LLM
weights, opset 21 DequantizeLinear of INT4/UINT4 initializers with scales
blocked along K, then MatMul or Gemm; onnxruntime's outputs as the reference.
  h = MatMul(x [2, 5, 96], DQ(UINT4 [96, 80], blocks of 32 along axis 0, zero points))
  y = Gemm(Reshape(Relu(h), [10, 80]), DQ(INT4 [40, 80], blocks of 32 along axis 1:
           the last block padded, no zero point), C [40], transB, alpha 0.5, beta 2)
  z = MatMul(x, DQ(INT4 [96, 24], blocks of 32 along axis 0, zero points))
onnx 1.12 (this python's) knows neither INT4 nor opset 21: the tensors are
packed by hand (two per byte, low nibble first) and the checker is skipped.
The references come from onnxruntime at graph optimization level `basic`: at
`all` it fuses DQ(INT4) -> MatMul into MatMulNBits at accuracy level 4, which
quantizes A to int8 (z is then 0.037 from ONNX's f32 result; at `basic` it is
within 1.5e-6 of a float64 numpy reference).

  /usr/bin/python3 tests/e2e/make_dq_int4.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "dq_int4")
rng = np.random.default_rng(21)
INT4, UINT4 = 22, 21


def four_bit(name, dtype, values):
    v = [int(x) & 15 for x in values.reshape(-1)]
    if len(v) % 2:
        v.append(0)
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(values.shape)
    t.raw_data = bytes(v[i] | (v[i + 1] << 4) for i in range(0, len(v), 2))
    return t


def scales(shape):
    return (rng.random(shape) * 0.05 + 0.01).astype(np.float32)


B, M, K, N1, N2, N3 = 2, 5, 96, 80, 40, 24
inits = [
    four_bit("w1", UINT4, rng.integers(0, 16, (K, N1))),
    numpy_helper.from_array(scales((K // 32, N1)), "s1"),
    four_bit("z1", UINT4, rng.integers(0, 16, (K // 32, N1))),
    four_bit("w2", INT4, rng.integers(-8, 8, (N2, N1))),
    numpy_helper.from_array(scales((N2, 3)), "s2"),
    numpy_helper.from_array((rng.standard_normal(N2) * 0.1).astype(np.float32), "c2"),
    numpy_helper.from_array(np.array([B * M, N1], np.int64), "shape"),
    four_bit("w3", INT4, rng.integers(-8, 8, (K, N3))),
    numpy_helper.from_array(scales((K // 32, N3)), "s3"),
    four_bit("z3", INT4, rng.integers(-8, 8, (K // 32, N3))),
]
nodes = [
    helper.make_node("DequantizeLinear", ["w1", "s1", "z1"], ["d1"], axis=0, block_size=32),
    helper.make_node("MatMul", ["x", "d1"], ["h"]),
    helper.make_node("Relu", ["h"], ["r"]),
    helper.make_node("Reshape", ["r", "shape"], ["r2"]),
    helper.make_node("DequantizeLinear", ["w2", "s2"], ["d2"], axis=1, block_size=32),
    helper.make_node("Gemm", ["r2", "d2", "c2"], ["y"], transB=1, alpha=0.5, beta=2.0),
    helper.make_node("DequantizeLinear", ["w3", "s3", "z3"], ["d3"], axis=0, block_size=32),
    helper.make_node("MatMul", ["x", "d3"], ["z"]),
]
f32 = TensorProto.FLOAT
graph = helper.make_graph(
    nodes, "dq_int4", [helper.make_tensor_value_info("x", f32, [B, M, K])],
    [helper.make_tensor_value_info("y", f32, [B * M, N2]), helper.make_tensor_value_info("h", f32, [B, M, N1]),
     helper.make_tensor_value_info("z", f32, [B, M, N3])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
model.ir_version = 10
x = rng.standard_normal((B, M, K)).astype(np.float32)
write_case(model, [("x", x)], out, check=False, level="basic")
