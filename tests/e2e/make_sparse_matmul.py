#!/usr/bin/env python3
"""Writes tests/e2e/data/sparse_matmul: weight matmuls whose weights are mostly
zero, in each structure kiln-sparsify turns into a kernel.sparse_matmul, at
shapes that stress the kernel's edges; onnxruntime's outputs are the reference.
  - y1: 20 rows (not a whole number of vectors), K = 100, N = 70, 90% zero
    unstructured, then + bias and Relu (the fused epilogue);
  - y2: 8x1 blocks along K at 80% (K = 100 is not a multiple of 8: the last
    block row is padding the kernel must not read past A);
  - y3: 1x4 blocks along N at 85%, N = 66 (the last column block is partial);
  - y4: a Gemm with transB and alpha on one row (a decode step), 90% zero;
  - y5: an all-zero weight (no stored block at all): zeros + bias;
  - y6: 100 rows, 90% zero unstructured: 32-row tiles with the row tiles
    outermost (the last tile shifts inwards).
Each matmul reads its own input (kiln-merge-projections would merge matmuls
of one A into one weight); each A has one large value per row, so a misplaced
row or column shows.

  /usr/bin/python3 tests/e2e/make_sparse_matmul.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "sparse_matmul")
rng = np.random.default_rng(15)
M, K = 20, 100


def prune(w, keep):
    """Zeroes w where keep is False (keep broadcasts over w's blocks)."""
    return np.where(keep, w, 0).astype(np.float32)


def unstructured(k, n, density):
    w = rng.standard_normal((k, n)).astype(np.float32)
    return prune(w, rng.random((k, n)) < density)


def blocks(k, n, bk, bn, density):
    w = rng.standard_normal((k, n)).astype(np.float32)
    keep = rng.random(((k + bk - 1) // bk, (n + bn - 1) // bn)) < density
    keep = np.repeat(np.repeat(keep, bk, axis=0), bn, axis=1)[:k, :n]
    return prune(w, keep)


w1 = unstructured(K, 70, 0.1)
b1 = rng.standard_normal(70).astype(np.float32)
w2 = blocks(K, 48, 8, 1, 0.2)
w3 = blocks(K, 66, 1, 4, 0.15)
w4 = unstructured(64, K, 0.1)  # Gemm transB: [N, K]
w5 = np.zeros((K, 32), np.float32)
b5 = rng.standard_normal(32).astype(np.float32)
M6 = 100
w6 = unstructured(K, 48, 0.1)
inits = [numpy_helper.from_array(a, n) for a, n in
         [(w1, "w1"), (b1, "b1"), (w2, "w2"), (w3, "w3"), (w4, "w4"), (w5, "w5"), (b5, "b5"), (w6, "w6")]]
nodes = [
    helper.make_node("MatMul", ["x", "w1"], ["m1"], name="mm1"),
    helper.make_node("Add", ["m1", "b1"], ["a1"], name="add1"),
    helper.make_node("Relu", ["a1"], ["y1"], name="relu1"),
    helper.make_node("MatMul", ["x2", "w2"], ["y2"], name="mm2"),
    helper.make_node("MatMul", ["x3", "w3"], ["y3"], name="mm3"),
    helper.make_node("Gemm", ["x4", "w4"], ["y4"], name="gemm4", transB=1, alpha=0.5),
    helper.make_node("MatMul", ["x5", "w5"], ["m5"], name="mm5"),
    helper.make_node("Add", ["m5", "b5"], ["y5"], name="add5"),
    helper.make_node("MatMul", ["x6", "w6"], ["y6"], name="mm6"),
]
graph = helper.make_graph(
    nodes, "sparse_matmul",
    [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, M, K]) for n in ("x", "x2", "x3")] +
    [helper.make_tensor_value_info("x4", TensorProto.FLOAT, [1, K]),
     helper.make_tensor_value_info("x5", TensorProto.FLOAT, [1, M, K]),
     helper.make_tensor_value_info("x6", TensorProto.FLOAT, [1, M6, K])],
    [helper.make_tensor_value_info("y1", TensorProto.FLOAT, [1, M, 70]),
     helper.make_tensor_value_info("y2", TensorProto.FLOAT, [1, M, 48]),
     helper.make_tensor_value_info("y3", TensorProto.FLOAT, [1, M, 66]),
     helper.make_tensor_value_info("y4", TensorProto.FLOAT, [1, 64]),
     helper.make_tensor_value_info("y5", TensorProto.FLOAT, [1, M, 32]),
     helper.make_tensor_value_info("y6", TensorProto.FLOAT, [1, M6, 48])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8



def activation(shape, shift):
    a = rng.standard_normal(shape).astype(np.float32)
    rows = a.reshape(-1, K)
    rows[np.arange(len(rows)), (np.arange(len(rows)) * 7 + shift) % K] = 50.0
    return a


inputs = [(n, activation((1, M, K), i)) for i, n in enumerate(("x", "x2", "x3"))]
inputs += [("x4", activation((1, K), 3)), ("x5", activation((1, M, K), 4)), ("x6", activation((1, M6, K), 5))]
write_case(model, inputs, out)
