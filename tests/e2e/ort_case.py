"""Writes an ONNX backend-style test case (model.onnx, test_data_set_0/
input_N.pb and output_N.pb) whose reference outputs come from onnxruntime,
run through the project's oracle (tools/oracle/run.js). Shared by the
make_*.py generators of tests/e2e/data."""
import json
import os
import subprocess

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {"float32": np.float32, "int32": np.int32, "int64": np.int64, "uint8": np.uint8, "int8": np.int8}


def write_case(model, inputs, out, check=True, level="all", data_set=0):
    """`inputs`: (name, array) pairs in graph input order. Returns the outputs.
    `check=False` skips onnx's checker, which predates some types (INT4);
    `level` is onnxruntime's graph optimization level (tools/oracle/run.js);
    `data_set` numbers the folder, so one model can have sets of other sizes."""
    if check:
        onnx.checker.check_model(model)
    data = os.path.join(out, f"test_data_set_{data_set}")
    os.makedirs(data, exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    for i, (name, x) in enumerate(inputs):
        with open(os.path.join(data, f"input_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x, name).SerializeToString())
    tmp = os.path.join(out, "ort")
    subprocess.run(["node", os.path.join(HERE, "..", "..", "tools", "oracle", "run.js"),
                    os.path.join(out, "model.onnx"), tmp, "--level", level, "--pb", data], check=True)
    meta = json.load(open(os.path.join(tmp, "outputs.json")))
    outputs = []
    for i, o in enumerate(meta["outputs"] if isinstance(meta, dict) else meta):
        a = np.fromfile(os.path.join(tmp, f"{i}.bin"), dtype=DTYPES[o["dtype"]]).reshape(o["shape"])
        with open(os.path.join(data, f"output_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(a, o["name"]).SerializeToString())
        outputs.append(a)
    for fn in os.listdir(tmp):
        os.remove(os.path.join(tmp, fn))
    os.rmdir(tmp)
    print("wrote", out)
    return outputs


def attention_model(name, H, Sq, S, D, scale, merge_heads=False):
    """Attention as the exporters write it: Softmax(q @ k^T * scale + mask) @ v for
    q [1,H,Sq,D], k and v [1,H,S,D] and an additive mask [1,1,Sq,S] (graph inputs
    in that order); with merge_heads the result is transposed and reshaped to
    [1,Sq,H*D] (the head merge), else it is [1,H,Sq,D]. Opset 17."""
    f32 = TensorProto.FLOAT
    nodes = [helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
             helper.make_node("MatMul", ["q", "kt"], ["s"]),
             helper.make_node("Mul", ["s", "scale"], ["ss"]),
             helper.make_node("Add", ["ss", "mask"], ["sm"]),
             helper.make_node("Softmax", ["sm"], ["p"], axis=-1),
             helper.make_node("MatMul", ["p", "v"], ["o" if merge_heads else "y"])]
    inits = [numpy_helper.from_array(np.array(scale, np.float32), "scale")]
    out = [1, H, Sq, D]
    if merge_heads:
        nodes += [helper.make_node("Transpose", ["o"], ["ot"], perm=[0, 2, 1, 3]),
                  helper.make_node("Reshape", ["ot", "shape"], ["y"])]
        inits.append(numpy_helper.from_array(np.array([1, Sq, H * D], np.int64), "shape"))
        out = [1, Sq, H * D]
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("q", f32, [1, H, Sq, D]),
         helper.make_tensor_value_info("k", f32, [1, H, S, D]),
         helper.make_tensor_value_info("v", f32, [1, H, S, D]),
         helper.make_tensor_value_info("mask", f32, [1, 1, Sq, S])],
        [helper.make_tensor_value_info("y", f32, out)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model
