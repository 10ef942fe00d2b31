#!/usr/bin/env python3
"""Writes tests/e2e/data/quant_mlp: a small quantized MLP made of the ONNX
quantization boundary ops as onnxruntime's dynamic and static quantizers emit
them (DynamicQuantizeLinear -> MatMulInteger with per-column weight zero
points, QuantizeLinear/DequantizeLinear pairs with per-axis scales,
QLinearMatMul), with onnxruntime's outputs as the reference.

  /usr/bin/python3 tests/e2e/make_quant_mlp.py   # then see the printed node command
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "quant_mlp")
rng = np.random.default_rng(7)

M, K, N, P = 8, 64, 96, 32
w1 = rng.integers(-127, 128, size=(K, N), dtype=np.int8)
w1_zp = rng.integers(-3, 4, size=(N,), dtype=np.int8)          # per column
w1_scale = (rng.random(N, dtype=np.float32) * 0.01 + 0.002).astype(np.float32)
a_scale = np.array(0.05, np.float32)                            # y1 fake-quant, per axis below
y1_scale = (rng.random(N, dtype=np.float32) * 0.05 + 0.01).astype(np.float32)
y1_zp = rng.integers(100, 156, size=(N,), dtype=np.uint8)
q_scale = np.array(0.04, np.float32)
q_zp = np.array(128, np.uint8)
w2 = rng.integers(0, 256, size=(N, P), dtype=np.uint8)
w2_scale = np.array(0.003, np.float32)
w2_zp = np.array(127, np.uint8)
out_scale = np.array(0.02, np.float32)
out_zp = np.array(120, np.uint8)

inits = [numpy_helper.from_array(v, n) for n, v in [
    ("w1", w1), ("w1_zp", w1_zp), ("w1_scale", w1_scale), ("y1_scale", y1_scale), ("y1_zp", y1_zp),
    ("q_scale", q_scale), ("q_zp", q_zp), ("w2", w2), ("w2_scale", w2_scale), ("w2_zp", w2_zp),
    ("out_scale", out_scale), ("out_zp", out_zp)]]
nodes = [
    helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xzp"]),
    helper.make_node("MatMulInteger", ["xq", "w1", "xzp", "w1_zp"], ["acc"]),
    helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
    helper.make_node("Mul", ["xs", "w1_scale"], ["s1"]),
    helper.make_node("Mul", ["accf", "s1"], ["y1"]),
    helper.make_node("QuantizeLinear", ["y1", "y1_scale", "y1_zp"], ["y1q"], axis=1),
    helper.make_node("DequantizeLinear", ["y1q", "y1_scale", "y1_zp"], ["y1d"], axis=1),
    helper.make_node("Relu", ["y1d"], ["h"]),
    helper.make_node("QuantizeLinear", ["h", "q_scale", "q_zp"], ["hq"]),
    helper.make_node("QLinearMatMul", ["hq", "q_scale", "q_zp", "w2", "w2_scale", "w2_zp", "out_scale", "out_zp"],
                     ["yq"]),
    helper.make_node("DequantizeLinear", ["yq", "out_scale", "out_zp"], ["y"]),
]
graph = helper.make_graph(
    nodes, "quant_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [M, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [M, P]),
     helper.make_tensor_value_info("acc", TensorProto.INT32, [M, N]),
     helper.make_tensor_value_info("yq", TensorProto.UINT8, [M, P])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
os.makedirs(os.path.join(out, "test_data_set_0"), exist_ok=True)
onnx.save(model, os.path.join(out, "model.onnx"))
x = (rng.standard_normal((M, K)) * 2).astype(np.float32)
with open(os.path.join(out, "test_data_set_0", "input_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x, "x").SerializeToString())

# Reference outputs: onnxruntime through the oracle.
oracle = os.path.join(here, "..", "..", "tools", "oracle", "run.js")
tmp = os.path.join(out, "ort")
subprocess.run(["node", oracle, os.path.join(out, "model.onnx"), tmp, "--pb",
                os.path.join(out, "test_data_set_0")], check=True)
import json
meta = json.load(open(os.path.join(tmp, "outputs.json")))
dtypes = {"float32": np.float32, "int32": np.int32, "uint8": np.uint8}
for i, o in enumerate(meta["outputs"] if isinstance(meta, dict) else meta):
    a = np.fromfile(os.path.join(tmp, f"{i}.bin"), dtype=dtypes[o["dtype"]]).reshape(o["shape"])
    with open(os.path.join(out, "test_data_set_0", f"output_{i}.pb"), "wb") as f:
        f.write(numpy_helper.from_array(a, o["name"]).SerializeToString())
for fn in os.listdir(tmp):
    os.remove(os.path.join(tmp, fn))
os.rmdir(tmp)
print("wrote", out)
