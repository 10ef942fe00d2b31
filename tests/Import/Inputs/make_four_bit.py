#!/usr/bin/python3
"""Writes ONNX models with INT4/UINT4 initializers into DIR (onnx 1.12's
helpers and parser predate the 4-bit types, so the tensors are built by hand:
two values per byte, the even element in the low nibble):
  forms.onnx      DequantizeLinear per tensor (raw_data, odd count), per axis
                  (int32_data) and blocked; blocked weights read by MatMul and
                  by Gemm (transB, alpha, beta, C), with block sizes
                  kernel.w4matmul takes and one it does not (8)
  truncated.onnx  an INT4 initializer whose raw_data lacks a byte
  other_op.onnx   an INT4 initializer read by Transpose
  output.onnx     an UINT4 initializer as a graph output
  old_opset.onnx  DequantizeLinear of INT4 at opset 19"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INT4, UINT4 = 22, 21


def pack(values):
    v = [int(x) & 15 for x in np.asarray(values).reshape(-1)]
    if len(v) % 2:
        v.append(0)
    return bytes(v[i] | (v[i + 1] << 4) for i in range(0, len(v), 2))


def four_bit(name, dtype, values, shape, field="raw"):
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(shape)
    packed = pack(values)
    if field == "raw":
        t.raw_data = packed
    else:
        t.int32_data.extend(packed)
    return t


def f32(name, a):
    return numpy_helper.from_array(np.asarray(a, np.float32), name)


def save(out, name, nodes, inputs, outputs, inits, opset=21):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    onnx.save(model, os.path.join(out, name + ".onnx"))


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
F = TensorProto.FLOAT
vi = helper.make_tensor_value_info
rng = np.random.default_rng(14)

# Per tensor and per axis: folded to f32 constants.
inits = [four_bit("t", INT4, [-8, -1, 0, 7, 3], [5]), f32("ts", 0.5), four_bit("tz", INT4, [-1], []),
         four_bit("a", UINT4, [0, 1, 2, 15, 14, 13], [2, 3], field="int32"), f32("as", [1.0, 0.25]),
         four_bit("az", UINT4, [8, 0], [2])]
nodes = [helper.make_node("DequantizeLinear", ["t", "ts", "tz"], ["td"]),
         helper.make_node("DequantizeLinear", ["a", "as", "az"], ["ad"], axis=0)]
outputs = [vi("td", F, [5]), vi("ad", F, [2, 3])]

# Blocked 4-bit weights [K, N] = [64, 3] (MatMul) and [N, K] (Gemm transB).
K, N = 64, 3
q = rng.integers(0, 16, (K, N))
inits += [four_bit("wu", UINT4, q, [K, N]), f32("wus", rng.random((K // 32, N)) + 0.5),
          four_bit("wuz", UINT4, rng.integers(0, 16, (K // 32, N)), [K // 32, N]),
          four_bit("wi", INT4, q.T - 8, [N, K]), f32("wis", rng.random((N, K // 16)) + 0.5),
          f32("c", [1.0, 2.0, 3.0]),
          four_bit("w8", INT4, q - 8, [K, N]), f32("w8s", rng.random((K // 8, N)) + 0.5)]
nodes += [helper.make_node("DequantizeLinear", ["wu", "wus", "wuz"], ["wud"], axis=0, block_size=32),
          helper.make_node("MatMul", ["x", "wud"], ["y"]),
          helper.make_node("DequantizeLinear", ["wi", "wis"], ["wid"], axis=1, block_size=16),
          helper.make_node("Gemm", ["x2", "wid", "c"], ["g"], transB=1, alpha=0.5, beta=2.0),
          helper.make_node("DequantizeLinear", ["w8", "w8s"], ["w8d"], axis=0, block_size=8),
          helper.make_node("MatMul", ["x", "w8d"], ["y8"])]
outputs += [vi("y", F, [2, 4, N]), vi("g", F, [4, N]), vi("y8", F, [2, 4, N])]
save(out, "forms", nodes, [vi("x", F, [2, 4, K]), vi("x2", F, [4, K])], outputs, inits)

# Refused forms.
t = four_bit("w", INT4, [1, 2, 3], [3])
t.raw_data = t.raw_data[:1]
save(out, "truncated", [helper.make_node("DequantizeLinear", ["w", "s"], ["y"])], [], [vi("y", F, [3])],
     [f32("s", 0.5), t])
save(out, "other_op", [helper.make_node("Transpose", ["w"], ["wt"]),
                       helper.make_node("DequantizeLinear", ["wt", "s"], ["y"])], [], [vi("y", F, [3, 2])],
     [f32("s", 0.5), four_bit("w", INT4, [1, 2, 3, 4, 5, 6], [2, 3])])
save(out, "output", [], [], [vi("w", UINT4, [3])], [four_bit("w", UINT4, [1, 2, 3], [3])])
save(out, "old_opset", [helper.make_node("DequantizeLinear", ["w", "s"], ["y"])], [], [vi("y", F, [3])],
     [f32("s", 0.5), four_bit("w", INT4, [1, 2, 3], [3])], opset=19)
