#!/usr/bin/env python3
"""Writes tests/e2e/data/w4_exact: float matmuls whose weights are exactly
representable by --quantize w4 (group 32): every block of 32 k of a column
holds values (q - 8) / 16 with q in [0, 15], q = 0 and q = 15 among them, so
the pass recovers scale 1/16 and zero 8 exactly and a w4 build must match
onnxruntime's fp32 outputs to float rounding. It exercises a K that is not a
multiple of the group (100: a last block of 4), N not a multiple of the
panel (80, 40), Gemm's transB and alpha (alpha 0.5: the scale 1/32 is exact
too), a bias and a batched activation.

  /usr/bin/python3 tests/e2e/make_w4_exact.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "w4_exact")
rng = np.random.default_rng(4)
G = 32


def representable(k, n):
    """[k, n] float32 weights (q - 8) / 16, each block of G rows of a column with a 0 and a 15."""
    q = rng.integers(0, 16, size=(k, n))
    for k0 in range(0, k, G):
        q[k0, :] = 0
        q[min(k0 + 1, k - 1), :] = 15
    return ((q - 8) / 16).astype(np.float32)


B, M, K, N, P = 2, 6, 100, 80, 40
w1 = representable(K, N)
b1 = (rng.standard_normal(N) * 0.1).astype(np.float32)
w2 = representable(N, P)          # Gemm transB reads it as [P, N]
b2 = (rng.standard_normal(P) * 0.1).astype(np.float32)
inits = [numpy_helper.from_array(v, n) for n, v in [
    ("w1", w1), ("b1", b1), ("w2t", np.ascontiguousarray(w2.T)), ("b2", b2),
    ("shape2d", np.array([B * M, N], np.int64))]]
nodes = [
    helper.make_node("MatMul", ["x", "w1"], ["m1"]),
    helper.make_node("Add", ["m1", "b1"], ["h"]),
    helper.make_node("Relu", ["h"], ["r"]),
    helper.make_node("Reshape", ["r", "shape2d"], ["r2"]),
    helper.make_node("Gemm", ["r2", "w2t", "b2"], ["y"], transB=1, alpha=0.5),
]
graph = helper.make_graph(
    nodes, "w4_exact", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, M, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B * M, P]),
     helper.make_tensor_value_info("h", TensorProto.FLOAT, [B, M, N])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
x = rng.standard_normal((B, M, K)).astype(np.float32)
write_case(model, [("x", x)], out)
