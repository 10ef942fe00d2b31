#!/usr/bin/env python3
"""Writes tests/e2e/data/kv_growing: one attention layer of a KV-cache decoder
as optimum exports it. past_key/past_value are [batch, 2, past_sequence_length,
4], the attention_mask is [batch, past_sequence_length + sequence_length] (a
dim_param expression) and present_key/present_value are the Concat of past and
new K/V. test_data_set_0 is the prefill (a past of length 0, 6 tokens),
test_data_set_1 a later call (past 5, 3 tokens, one masked key). Reshapes use
0 (copy the dim), so the graph has no size baked in.

  /usr/bin/python3 tests/e2e/make_kv_growing.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "kv_growing")
rng = np.random.default_rng(16)
H, D = 2, 4
E = H * D
f32, i64 = TensorProto.FLOAT, TensorProto.INT64
past, seq, total = "past_sequence_length", "sequence_length", "past_sequence_length + sequence_length"

def w(name, *shape):
    return numpy_helper.from_array((rng.standard_normal(shape) / np.sqrt(shape[0])).astype(np.float32), name)

node = helper.make_node
nodes = []
for p in "qkv":
    nodes += [node("MatMul", ["x", "w" + p], [p + "_p"]),
              node("Reshape", [p + "_p", "heads"], [p + "_h"]),
              node("Transpose", [p + "_h"], [p + "_t"], perm=[0, 2, 1, 3])]
nodes += [
    node("Concat", ["past_key", "k_t"], ["present_key"], axis=2),
    node("Concat", ["past_value", "v_t"], ["present_value"], axis=2),
    node("Transpose", ["present_key"], ["kT"], perm=[0, 1, 3, 2]),
    node("MatMul", ["q_t", "kT"], ["s"]),
    node("Mul", ["s", "scale"], ["ss"]),
    # (1 - mask) * -1e4 over [batch, 1, 1, keys]
    node("Cast", ["attention_mask"], ["mf"], to=f32),
    node("Sub", ["one", "mf"], ["inv"]),
    node("Mul", ["inv", "neg"], ["bias"]),
    node("Unsqueeze", ["bias", "axes12"], ["bias4"]),
    node("Add", ["ss", "bias4"], ["sm"]),
    node("Softmax", ["sm"], ["pr"], axis=-1),
    node("MatMul", ["pr", "present_value"], ["o"]),
    node("Transpose", ["o"], ["ot"], perm=[0, 2, 1, 3]),
    node("Reshape", ["ot", "merge"], ["om"]),
    node("MatMul", ["om", "wo"], ["y"]),
]
inits = [w("wq", E, E), w("wk", E, E), w("wv", E, E), w("wo", E, E),
         numpy_helper.from_array(np.array([0, 0, H, D], np.int64), "heads"),
         numpy_helper.from_array(np.array([0, 0, E], np.int64), "merge"),
         numpy_helper.from_array(np.array([1, 2], np.int64), "axes12"),
         numpy_helper.from_array(np.array(1 / np.sqrt(D), np.float32), "scale"),
         numpy_helper.from_array(np.array(1, np.float32), "one"),
         numpy_helper.from_array(np.array(-1e4, np.float32), "neg")]
vi = helper.make_tensor_value_info
graph = helper.make_graph(
    nodes, "kv_growing",
    [vi("x", f32, ["batch_size", seq, E]),
     vi("past_key", f32, ["batch_size", H, past, D]),
     vi("past_value", f32, ["batch_size", H, past, D]),
     vi("attention_mask", i64, ["batch_size", total])],
    [vi("y", f32, ["batch_size", seq, E]),
     vi("present_key", f32, ["batch_size", H, total, D]),
     vi("present_value", f32, ["batch_size", H, total, D])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8

for k, (p, s, masked) in enumerate([(0, 6, 0), (5, 3, 1)]):
    mask = np.ones((1, p + s), np.int64)
    mask[0, :masked] = 0
    inputs = [("x", rng.standard_normal((1, s, E)).astype(np.float32)),
              ("past_key", rng.standard_normal((1, H, p, D)).astype(np.float32)),
              ("past_value", rng.standard_normal((1, H, p, D)).astype(np.float32)),
              ("attention_mask", mask)]
    write_case(model, inputs, out, data_set=k)

# kv_growing_bad_mask: set 1's inputs with one mask column too many (9 for a
# past of 5 and 3 tokens). Kiln must refuse it, naming the input, the dim and
# both sizes; the outputs are set 1's, never reached.
bad = os.path.join(here, "data", "kv_growing_bad_mask")
bad_set = os.path.join(bad, "test_data_set_0")
os.makedirs(bad_set, exist_ok=True)
onnx.save(model, os.path.join(bad, "model.onnx"))
good_set = os.path.join(out, "test_data_set_1")
for f in sorted(os.listdir(good_set)):
    t = onnx.load_tensor(os.path.join(good_set, f))
    if t.name == "attention_mask":
        t = numpy_helper.from_array(np.ones((1, 9), np.int64), t.name)
    with open(os.path.join(bad_set, f), "wb") as fh:
        fh.write(t.SerializeToString())
print("wrote", bad)

# kv_growing_opset23: opset 23's Attention (4 query heads over 2 KV heads,
# causal) with past_key/past_value inputs and present outputs of the
# expression's length; sets at a past of 0 (the prefill) and 5.
B, HQ, HKV, SQ = 1, 4, 2, 3
gqa = helper.make_graph(
    [node("Attention", ["q", "k", "v", "", "past_key", "past_value"], ["y", "present_key", "present_value"],
          is_causal=1)],
    "kv_growing_opset23",
    [vi("q", f32, ["batch_size", HQ, seq, D]), vi("k", f32, ["batch_size", HKV, seq, D]),
     vi("v", f32, ["batch_size", HKV, seq, D]),
     vi("past_key", f32, ["batch_size", HKV, past, D]), vi("past_value", f32, ["batch_size", HKV, past, D])],
    [vi("y", f32, ["batch_size", HQ, seq, D]), vi("present_key", f32, ["batch_size", HKV, total, D]),
     vi("present_value", f32, ["batch_size", HKV, total, D])])
model23 = helper.make_model(gqa, opset_imports=[helper.make_opsetid("", 23)])
model23.ir_version = 10
randn = lambda *s: rng.standard_normal(s).astype(np.float32)
for k, p in enumerate([0, 5]):
    write_case(model23, [("q", randn(B, HQ, SQ, D)), ("k", randn(B, HKV, SQ, D)), ("v", randn(B, HKV, SQ, D)),
                         ("past_key", randn(B, HKV, p, D)), ("past_value", randn(B, HKV, p, D))],
               os.path.join(here, "data", "kv_growing_opset23"), check=False, data_set=k)
