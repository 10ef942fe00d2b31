#!/usr/bin/env python3
"""Writes tests/e2e/data/matmul_nbits: com.microsoft MatMulNBits (4 bits) as
onnxruntime's quantizer writes it, with onnxruntime's outputs as the
reference: a [2, 5, 96] activation by a [96 -> 80] weight in blocks of 32
with packed 4-bit zero points and a bias input, then a Relu and a second
MatMulNBits with K = 80 (three blocks of 32, the last one padded) and no
zero points (the default, 8).

  /usr/bin/python3 tests/e2e/make_matmul_nbits.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "matmul_nbits")
rng = np.random.default_rng(16)
MS = "com.microsoft"
G = 32


def pack_nibbles(q):
    if q.shape[-1] % 2:
        q = np.concatenate([q, np.zeros(q.shape[:-1] + (1,), np.uint8)], axis=-1)
    return (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)


def weight(k, n):
    """q [N, blocks, G] in 0..15 (zero past K), scales [N * blocks], packed zero points."""
    nb = -(-k // G)
    q = rng.integers(0, 16, size=(n, nb, G)).astype(np.uint8)
    q.reshape(n, -1)[:, k:] = 0
    scale = (rng.random((n, nb)) * 0.05 + 0.01).astype(np.float32)
    zp = rng.integers(0, 16, size=(n, nb)).astype(np.uint8)
    return pack_nibbles(q), scale.reshape(-1), pack_nibbles(zp).reshape(-1)


B, M, K1, N1, N2 = 2, 5, 96, 80, 40
q1, s1, z1 = weight(K1, N1)
q2, s2, _ = weight(N1, N2)
bias1 = (rng.standard_normal(N1) * 0.1).astype(np.float32)
inits = [numpy_helper.from_array(v, n) for n, v in [
    ("q1", q1), ("s1", s1), ("z1", z1), ("bias1", bias1), ("q2", q2), ("s2", s2)]]
nodes = [
    helper.make_node("MatMulNBits", ["x", "q1", "s1", "z1", "", "bias1"], ["h"], domain=MS, K=K1, N=N1, bits=4,
                     block_size=G),
    helper.make_node("Relu", ["h"], ["r"]),
    helper.make_node("MatMulNBits", ["r", "q2", "s2"], ["y"], domain=MS, K=N1, N=N2, bits=4, block_size=G),
]
graph = helper.make_graph(
    nodes, "matmul_nbits", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, M, K1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, M, N2]),
     helper.make_tensor_value_info("h", TensorProto.FLOAT, [B, M, N1])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)])
model.ir_version = 8
x = rng.standard_normal((B, M, K1)).astype(np.float32)
write_case(model, [("x", x)], out)
