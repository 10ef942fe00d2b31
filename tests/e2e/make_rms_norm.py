#!/usr/bin/env python3
"""Writes tests/e2e/data/rms_norm: Llama's RMSNorm as the exporters write it
(x * rsqrt(mean(x^2) + eps) * g, decomposed; kiln-recognize-patterns makes it
kernel.rms_norm) and LayerNormalization, both over a last dim of 64 (whole
vectors: the row-by-row schedule), with onnxruntime's outputs as the reference.

  /usr/bin/python3 tests/e2e/make_rms_norm.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "rms_norm")
rng = np.random.default_rng(5)
B, S, N = 2, 7, 64

inits = [numpy_helper.from_array(np.array(2.0, np.float32), "two"),
         numpy_helper.from_array(np.array(1e-6, np.float32), "eps"),
         numpy_helper.from_array((1 + 0.1 * rng.standard_normal(N)).astype(np.float32), "g"),
         numpy_helper.from_array((0.1 * rng.standard_normal(N)).astype(np.float32), "b")]
nodes = [helper.make_node("Pow", ["x", "two"], ["sq"]),
         helper.make_node("ReduceMean", ["sq"], ["ms"], axes=[-1], keepdims=1),
         helper.make_node("Add", ["ms", "eps"], ["mse"]),
         helper.make_node("Sqrt", ["mse"], ["rms"]),
         helper.make_node("Reciprocal", ["rms"], ["inv"]),
         helper.make_node("Mul", ["x", "inv"], ["xn"]),
         helper.make_node("Mul", ["g", "xn"], ["y"]),
         helper.make_node("LayerNormalization", ["x", "g", "b"], ["z"], axis=-1, epsilon=1e-5)]
graph = helper.make_graph(
    nodes, "rms_norm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, S, N])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, S, N]),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, [B, S, N])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
x = (rng.standard_normal((B, S, N)) * 3 + 0.5).astype(np.float32)
write_case(model, [("x", x)], out)
