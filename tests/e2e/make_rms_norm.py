#!/usr/bin/env python3
"""Writes tests/e2e/data/rms_norm: Llama's RMSNorm as the exporters write it
(x * rsqrt(mean(x^2) + eps) * g, decomposed; kiln-recognize-patterns makes it
kernel.rms_norm) and LayerNormalization, both over a last dim of 64 (whole
vectors: the row-by-row schedule), with onnxruntime's outputs as the reference.

  /usr/bin/python3 tests/e2e/make_rms_norm.py
"""
import json
import os
import subprocess

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

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
onnx.checker.check_model(model)
os.makedirs(os.path.join(out, "test_data_set_0"), exist_ok=True)
onnx.save(model, os.path.join(out, "model.onnx"))
x = (rng.standard_normal((B, S, N)) * 3 + 0.5).astype(np.float32)
with open(os.path.join(out, "test_data_set_0", "input_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x, "x").SerializeToString())

oracle = os.path.join(here, "..", "..", "tools", "oracle", "run.js")
tmp = os.path.join(out, "ort")
subprocess.run(["node", oracle, os.path.join(out, "model.onnx"), tmp, "--pb",
                os.path.join(out, "test_data_set_0")], check=True)
meta = json.load(open(os.path.join(tmp, "outputs.json")))
for i, o in enumerate(meta["outputs"] if isinstance(meta, dict) else meta):
    a = np.fromfile(os.path.join(tmp, f"{i}.bin"), dtype=np.float32).reshape(o["shape"])
    with open(os.path.join(out, "test_data_set_0", f"output_{i}.pb"), "wb") as f:
        f.write(numpy_helper.from_array(a, o["name"]).SerializeToString())
for fn in os.listdir(tmp):
    os.remove(os.path.join(tmp, fn))
os.rmdir(tmp)
print("wrote", out)
