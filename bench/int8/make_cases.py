#!/usr/bin/env python3
"""Writes the int8 dynamic-quantization cases of docs/notes/int8-dynamic-semantics.md:
one weight MatMul of a BERT-base layer as onnxruntime's quantize_dynamic writes it
(DynamicQuantizeLinear -> MatMulInteger with per-column int8 weights -> Cast -> Mul by
x_scale * w_scale -> Add bias), with the reference outputs from an exact numpy model of
the ONNX spec (spec.py), not from onnxruntime, so that kiln-run compares Kiln with the spec.

  /usr/bin/python3 bench/int8/make_cases.py OUT   # OUT/<case>/{model.onnx,test_data_set_0}

Cases (x [128,768] float32, W [768,768]):
  <act>_y      output y only (the graph issue 14 measures);
  <act>_parts  y plus every intermediate: xq, x_scale, x_zp, the int32 accumulator;
  <act>_fp32   the plain float32 MatMul + Add, for the quantization error itself;
where <act> is `ln` (LayerNorm-like input, zero point near 128: the Q/K/V, attention-out
and FFN-in MatMuls) or `gelu` (GELU output, min about -0.17, zero point near 3: FFN-out).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import spec

M, K, N = 128, 768, 768


def activations(kind, rng):
    if kind == "ln":
        # LayerNorm output: unit variance, plus the few large channels BERT is known for.
        x = rng.standard_normal((M, K)).astype(np.float32)
        x[:, rng.choice(K, 4, replace=False)] *= 8
        return x
    h = rng.standard_normal((M, K)).astype(np.float64) * 1.5
    return (0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h ** 3)))).astype(np.float32)


def weights(rng):
    """Per-column symmetric int8 weights (zero point 0), as quantize_dynamic's per_channel."""
    w = (rng.standard_normal((K, N)) * 0.02).astype(np.float32)
    w_scale = (np.abs(w).max(axis=0) / np.float32(127)).astype(np.float32)
    wq = np.clip(np.rint(w / w_scale), -127, 127).astype(np.int8)
    return w, wq, w_scale, np.zeros(N, np.int8)


def quant_model(name, wq, w_scale, w_zp, bias, parts):
    inits = [numpy_helper.from_array(a, n) for n, a in
             [("wq", wq), ("w_scale", w_scale), ("w_zp", w_zp), ("bias", bias)]]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "x_scale", "x_zp"]),
        helper.make_node("MatMulInteger", ["xq", "wq", "x_zp", "w_zp"], ["acc"]),
        helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x_scale", "w_scale"], ["s"]),
        helper.make_node("Mul", ["accf", "s"], ["yb"]),
        helper.make_node("Add", ["yb", "bias"], ["y"]),
    ]
    outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [M, N])]
    if parts:
        outs += [helper.make_tensor_value_info("xq", TensorProto.UINT8, [M, K]),
                 helper.make_tensor_value_info("x_scale", TensorProto.FLOAT, []),
                 helper.make_tensor_value_info("x_zp", TensorProto.UINT8, []),
                 helper.make_tensor_value_info("acc", TensorProto.INT32, [M, N])]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [M, K])],
                              outs, inits)
    return graph


def fp32_model(name, w, bias):
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bias, "bias")]
    nodes = [helper.make_node("MatMul", ["x", "w"], ["yb"]), helper.make_node("Add", ["yb", "bias"], ["y"])]
    return helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [M, K])],
                             [helper.make_tensor_value_info("y", TensorProto.FLOAT, [M, N])], inits)


def write(out, graph, x, outputs):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    data = os.path.join(out, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    with open(os.path.join(data, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())
    x.tofile(os.path.join(out, "x.bin"))  # raw copy for ort_run.js
    for i, (name, a) in enumerate(outputs):
        with open(os.path.join(data, f"output_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(a), name).SerializeToString())
    print("wrote", out)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "int8_cases"
    rng = np.random.default_rng(14)
    w, wq, w_scale, w_zp = weights(rng)
    bias = (rng.standard_normal(N) * 0.02).astype(np.float32)
    os.makedirs(root, exist_ok=True)
    np.savez(os.path.join(root, "weights.npz"), w=w, wq=wq, w_scale=w_scale, w_zp=w_zp, bias=bias)
    for act in ("ln", "gelu"):
        x = activations(act, rng)
        r = spec.reference(x, wq, w_zp, w_scale, bias)
        write(os.path.join(root, f"{act}_y"), quant_model(f"{act}_y", wq, w_scale, w_zp, bias, False), x,
              [("y", r["y"])])
        write(os.path.join(root, f"{act}_parts"), quant_model(f"{act}_parts", wq, w_scale, w_zp, bias, True), x,
              [("y", r["y"]), ("xq", r["xq"]), ("x_scale", r["x_scale"]), ("x_zp", r["x_zp"]),
               ("acc", r["acc"])])
        yf = (x.astype(np.float64) @ w + bias).astype(np.float32)  # float64 sum, rounded once
        write(os.path.join(root, f"{act}_fp32"), fp32_model(f"{act}_fp32", w, bias), x, [("y", yf)])


if __name__ == "__main__":
    main()
