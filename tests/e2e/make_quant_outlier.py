#!/usr/bin/env python3
"""Writes tests/e2e/data/quant_outlier: an f32 MLP whose input has two
outlier feature columns (magnitude ~100, the rest ~1), as LLM.int8() describes
in large transformers. Per-row int8 (--quantize int8-dynamic) stretches each
row's scale over the outliers and loses the small values; --quantize
int8-outlier keeps those columns in f32 (cosine against f32: 0.99633 and
0.99997 here). N = 40 is not a multiple of the
vector width (tails). References from onnxruntime.

  /usr/bin/python3 tests/e2e/make_quant_outlier.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "quant_outlier")
rng = np.random.default_rng(11)

M, K, N, P = 16, 64, 40, 24
w1 = (rng.standard_normal((K, N)) * 0.1).astype(np.float32)
w1[[3, 50]] *= 0.1  # the outliers stretch the row scales without swamping y
b1 = (rng.standard_normal(N) * 0.1).astype(np.float32)
w2 = (rng.standard_normal((N, P)) * 0.1).astype(np.float32)
nodes = [
    helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
    helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
    helper.make_node("Relu", ["h1"], ["h"], name="relu"),
    helper.make_node("MatMul", ["h", "w2"], ["y"], name="fc2"),
]
graph = helper.make_graph(
    nodes, "quant_outlier", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [M, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [M, P])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"), numpy_helper.from_array(w2, "w2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
x = rng.standard_normal((M, K)).astype(np.float32)
x[:, 3] *= 100
x[:, 50] *= 80
write_case(model, [("x", x)], out)
