#!/usr/bin/env python3
"""Writes tests/e2e/data/kv_zero and kv_zero_refused: where an empty past (a
KV cache's first call, past_sequence_length = 0) meets a reduction, a Gather
and the shape arithmetic, for one --symbolic-dims build.

kv_zero: present = Concat(past, x) on axis 1; weights = Softmax(present) over
past + seq; first = Gather(present, 0, axis 1) (the prefill's first token when
the past is empty); position_ids = Range(past, past + seq) from Shape/Gather of
the inputs; y = x + first. Sets at past 0 (seq 4), past 3 (seq 1) and batch 2
x past 0 (seq 2). (The importer's Reduce* are not symbolic-ready yet; the
kernel-level sum over an empty axis is unit.lowerings_symbolic's.)

kv_zero_refused: past_first = Gather(past, 0, axis 1), which has no element
to read when the past is empty (onnxruntime: index out of range): one set at
past 0 that the runtime must refuse naming the input, the dim and the symbol.
Its outputs are zeros of the right shape, never compared.

  /usr/bin/python3 tests/e2e/make_kv_zero.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(160)
f32, i64 = TensorProto.FLOAT, TensorProto.INT64
past, seq, total = "past_sequence_length", "sequence_length", "past_sequence_length + sequence_length"
vi = helper.make_tensor_value_info
node = helper.make_node
c64 = lambda v, name: numpy_helper.from_array(np.array(v, np.int64), name)

nodes = [
    node("Concat", ["past", "x"], ["present"], axis=1),
    node("Softmax", ["present"], ["weights"], axis=1),
    node("Gather", ["present", "zero"], ["first"], axis=1),
    node("Shape", ["past"], ["past_shape"]),
    node("Gather", ["past_shape", "one"], ["p"], axis=0),
    node("Shape", ["x"], ["x_shape"]),
    node("Gather", ["x_shape", "one"], ["s"], axis=0),
    node("Add", ["p", "s"], ["end"]),
    node("Range", ["p", "end", "one"], ["position_ids"]),
    node("Unsqueeze", ["first", "axis1"], ["bias3"]),
    node("Add", ["x", "bias3"], ["y"]),
]
graph = helper.make_graph(
    nodes, "kv_zero",
    [vi("x", f32, ["batch_size", seq, 4]), vi("past", f32, ["batch_size", past, 4])],
    [vi("y", f32, ["batch_size", seq, 4]), vi("present", f32, ["batch_size", total, 4]),
     vi("weights", f32, ["batch_size", total, 4]), vi("position_ids", i64, [seq])],
    [c64([1], "axis1"), c64(0, "zero"), c64(1, "one")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
randn = lambda *s: rng.standard_normal(s).astype(np.float32)
for k, (b, p, s) in enumerate([(1, 0, 4), (1, 3, 1), (2, 0, 2)]):
    write_case(model, [("x", randn(b, s, 4)), ("past", randn(b, p, 4))],
               os.path.join(here, "data", "kv_zero"), data_set=k)

refused = helper.make_graph(
    [node("Gather", ["past", "zero"], ["past_first"], axis=1),
     node("Add", ["x", "x"], ["y"])],
    "kv_zero_refused",
    [vi("x", f32, ["batch_size", seq, 4]), vi("past", f32, ["batch_size", past, 4])],
    [vi("y", f32, ["batch_size", seq, 4]), vi("past_first", f32, ["batch_size", 4])],
    [c64(0, "zero")])
model = helper.make_model(refused, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
out = os.path.join(here, "data", "kv_zero_refused")
data = os.path.join(out, "test_data_set_0")
os.makedirs(data, exist_ok=True)
onnx.save(model, os.path.join(out, "model.onnx"))
for i, (name, a) in enumerate([("x", randn(1, 2, 4)), ("past", randn(1, 0, 4))]):
    with open(os.path.join(data, f"input_{i}.pb"), "wb") as f:
        f.write(numpy_helper.from_array(a, name).SerializeToString())
for i, (name, a) in enumerate([("y", np.zeros((1, 2, 4), np.float32)), ("past_first", np.zeros((1, 4), np.float32))]):
    with open(os.path.join(data, f"output_{i}.pb"), "wb") as f:
        f.write(numpy_helper.from_array(a, name).SerializeToString())
print("wrote", out)
