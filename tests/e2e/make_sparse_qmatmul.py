#!/usr/bin/env python3
"""Writes tests/e2e/data/sparse_qmatmul: weight matmuls pruned in blocks along
K that kiln-sparsify turns into kernel.sparse_qmatmul under --quantize
int8-dynamic (sparse and int8 in one kernel); onnxruntime's f32 outputs are the
reference, compared by cosine (kiln-run --min-cosine), as the int8 e2e tests.
  - y1: 40 rows (two vectors and a shifted last tile), K = 102 (the last 4x1
    block row is half padding), N = 70, 4x1 blocks at 80%, then + bias and
    Relu (the fused epilogue);
  - y2: 8x1 blocks (two i32 lanes per block) at 80%, K = 96, N = 48;
  - y3: a batch of 2 x 20 rows, 4x1 blocks at 85%, N = 33, with a column
    left all zero (no stored block; its colsum is 0).
Each matmul reads its own input (kiln-merge-projections would merge matmuls
of one A into one weight); activations are shifted per row, so the per-row
zero points differ.

  /usr/bin/python3 tests/e2e/make_sparse_qmatmul.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "sparse_qmatmul")
rng = np.random.default_rng(152)


def blocks(k, n, bk, density):
    """A [k, n] weight kept in bk x 1 blocks along K with probability density."""
    w = rng.standard_normal((k, n)).astype(np.float32)
    keep = rng.random(((k + bk - 1) // bk, n)) < density
    keep = np.repeat(keep, bk, axis=0)[:k]
    return np.where(keep, w, 0).astype(np.float32)


w1 = blocks(102, 70, 4, 0.2)
b1 = rng.standard_normal(70).astype(np.float32)
w2 = blocks(96, 48, 8, 0.2)
w3 = blocks(64, 33, 4, 0.15)
w3[:, 5] = 0
inits = [numpy_helper.from_array(a, n) for a, n in [(w1, "w1"), (b1, "b1"), (w2, "w2"), (w3, "w3")]]
nodes = [
    helper.make_node("MatMul", ["x1", "w1"], ["m1"], name="mm1"),
    helper.make_node("Add", ["m1", "b1"], ["a1"], name="add1"),
    helper.make_node("Relu", ["a1"], ["y1"], name="relu1"),
    helper.make_node("MatMul", ["x2", "w2"], ["y2"], name="mm2"),
    helper.make_node("MatMul", ["x3", "w3"], ["y3"], name="mm3"),
]
graph = helper.make_graph(
    nodes, "sparse_qmatmul",
    [helper.make_tensor_value_info("x1", TensorProto.FLOAT, [1, 40, 102]),
     helper.make_tensor_value_info("x2", TensorProto.FLOAT, [1, 40, 96]),
     helper.make_tensor_value_info("x3", TensorProto.FLOAT, [2, 20, 64])],
    [helper.make_tensor_value_info("y1", TensorProto.FLOAT, [1, 40, 70]),
     helper.make_tensor_value_info("y2", TensorProto.FLOAT, [1, 40, 48]),
     helper.make_tensor_value_info("y3", TensorProto.FLOAT, [2, 20, 33])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8


def activation(shape):
    a = rng.standard_normal(shape).astype(np.float32)
    return a + rng.uniform(-1, 1, shape[:-1] + (1,)).astype(np.float32)


write_case(model, [("x1", activation((1, 40, 102))), ("x2", activation((1, 40, 96))),
                   ("x3", activation((2, 20, 64)))], out)
