#!/usr/bin/env python3
"""Writes tests/e2e/data/attention: scaled dot-product attention as the
exporters write it, with onnxruntime's outputs as the reference. Kiln compiles
it to one kernel.attention (kiln-fuse-attention); the cases stress what that
kernel folds in:
  - grouped-query heads (4 query heads share 2 K/V heads through
    Unsqueeze/Expand/Reshape, Llama's repeat_kv),
  - 37 keys (not a whole number of vectors: padded scores, an odd number of
    vectors with AVX-512 and AVX2),
  - an additive mask input (causal, plus padding) in which query row 5 is
    fully masked (-inf everywhere: softmax gives NaN, the exporters' Where(IsNaN)
    guard gives 0),
  - the head split and merge transposes around it;
and a second attention (output y2) over the same q, k, v with BERT's padding
mask, scores / sqrt(D) + (1 - m) * FLT_MIN from an int64 mask input: fast-math
reassociation once turned that into (s + FLT_MIN) - m * FLT_MIN = 0.

  /usr/bin/python3 tests/e2e/make_attention.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "attention")
rng = np.random.default_rng(11)

S, H, KVH, D = 37, 4, 2, 8


def const(name, value, dtype=np.int64):
    return numpy_helper.from_array(np.array(value, dtype), name)


inits = [const("q_shape", [1, S, H, D]), const("kv_shape", [1, S, KVH, D]),
         const("rep_shape", [1, KVH, H // KVH, S, D]), const("heads_shape", [1, H, S, D]),
         const("out_shape", [1, S, H * D]), const("axes2", [2]),
         const("scale", 1.0 / np.sqrt(D), np.float32), const("zero", 0.0, np.float32),
         const("one", 1.0, np.float32), const("fmin", np.finfo(np.float32).min, np.float32),
         const("sqrt_d", np.sqrt(D), np.float32), const("mask_axes", [1, 2])]
nodes = [
    helper.make_node("Reshape", ["q", "q_shape"], ["q4"]),
    helper.make_node("Transpose", ["q4"], ["qh"], perm=[0, 2, 1, 3]),
    helper.make_node("Reshape", ["k", "kv_shape"], ["k4"]),
    helper.make_node("Transpose", ["k4"], ["kh"], perm=[0, 2, 1, 3]),
    helper.make_node("Reshape", ["v", "kv_shape"], ["v4"]),
    helper.make_node("Transpose", ["v4"], ["vh"], perm=[0, 2, 1, 3]),
    # repeat_kv: [1, KVH, S, D] -> [1, KVH, 1, S, D] -> [1, KVH, H/KVH, S, D] -> [1, H, S, D]
    helper.make_node("Unsqueeze", ["kh", "axes2"], ["k5"]),
    helper.make_node("Expand", ["k5", "rep_shape"], ["ke"]),
    helper.make_node("Reshape", ["ke", "heads_shape"], ["kr"]),
    helper.make_node("Unsqueeze", ["vh", "axes2"], ["v5"]),
    helper.make_node("Expand", ["v5", "rep_shape"], ["ve"]),
    helper.make_node("Reshape", ["ve", "heads_shape"], ["vr"]),
    helper.make_node("Transpose", ["kr"], ["kt"], perm=[0, 1, 3, 2]),
    helper.make_node("MatMul", ["qh", "kt"], ["s"]),
    helper.make_node("Mul", ["s", "scale"], ["ss"]),
    helper.make_node("Add", ["ss", "mask"], ["sm"]),
    helper.make_node("Softmax", ["sm"], ["p"], axis=-1),
    helper.make_node("IsNaN", ["p"], ["nan"]),
    helper.make_node("Where", ["nan", "zero", "p"], ["pg"]),
    helper.make_node("MatMul", ["pg", "vr"], ["o"]),
    helper.make_node("Transpose", ["o"], ["ot"], perm=[0, 2, 1, 3]),
    helper.make_node("Reshape", ["ot", "out_shape"], ["y"]),
    # BERT: extended mask (1 - m) * FLT_MIN, scores divided by sqrt(D).
    helper.make_node("Unsqueeze", ["m", "mask_axes"], ["m4"]),
    helper.make_node("Cast", ["m4"], ["mf"], to=TensorProto.FLOAT),
    helper.make_node("Sub", ["one", "mf"], ["inv"]),
    helper.make_node("Mul", ["inv", "fmin"], ["ext"]),
    helper.make_node("MatMul", ["qh", "kt"], ["s_2"]),
    helper.make_node("Div", ["s_2", "sqrt_d"], ["s2"]),
    helper.make_node("Add", ["s2", "ext"], ["sm2"]),
    helper.make_node("Softmax", ["sm2"], ["p2"], axis=-1),
    helper.make_node("MatMul", ["p2", "vr"], ["o2"]),
    helper.make_node("Transpose", ["o2"], ["ot2"], perm=[0, 2, 1, 3]),
    helper.make_node("Reshape", ["ot2", "out_shape"], ["y2"]),
]
graph = helper.make_graph(
    nodes, "attention",
    [helper.make_tensor_value_info("q", TensorProto.FLOAT, [1, S, H * D]),
     helper.make_tensor_value_info("k", TensorProto.FLOAT, [1, S, KVH * D]),
     helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, S, KVH * D]),
     helper.make_tensor_value_info("mask", TensorProto.FLOAT, [1, 1, S, S]),
     helper.make_tensor_value_info("m", TensorProto.INT64, [1, S])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, S, H * D]),
     helper.make_tensor_value_info("y2", TensorProto.FLOAT, [1, S, H * D])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8

mask = np.triu(np.full((S, S), -np.inf, np.float32), k=1)  # causal
mask[:, S - 3:] = -np.inf                                     # last 3 keys are padding
mask[5, :] = -np.inf                                          # a fully masked row
inputs = {"q": rng.standard_normal((1, S, H * D)).astype(np.float32),
          "k": rng.standard_normal((1, S, KVH * D)).astype(np.float32),
          "v": rng.standard_normal((1, S, KVH * D)).astype(np.float32),
          "mask": mask.reshape(1, 1, S, S),
          "m": (np.arange(S) < S - 4).astype(np.int64).reshape(1, S)}
outputs = write_case(model, list(inputs.items()), out)
assert np.all(outputs[0][0, 5] == 0), "row 5 is fully masked: the guard gives 0"
