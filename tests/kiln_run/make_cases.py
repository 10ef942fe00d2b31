"""Writes the kiln-run data-set cases (tests/kiln_run/CMakeLists.txt) into OUT,
each an ONNX backend-test folder with several test_data_set_N whose reference
outputs come from onnxruntime (tools/oracle/run.js):

  sizes/   symbolic batch and seq dims; sets at (1,4), (2,3), (3,7) and (1,4)
           again: three builds pinned, one with --symbolic-dims
  bound/   Reshape's shape and ReduceSum's axes fed as graph inputs; two sets
           with different values (the importer needs both at compile time)
  wrong/   sizes/ with one element of test_data_set_1's reference changed

  /usr/bin/python3 make_cases.py --oracle tools/oracle/run.js OUT
"""
import argparse
import json
import os
import shutil
import subprocess

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DTYPES = {"float32": np.float32, "int64": np.int64}


def write_sets(model, sets, out, oracle):
    """`sets`: per data set, the (name, array) inputs in graph input order."""
    onnx.checker.check_model(model)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    onnx.save(model, os.path.join(out, "model.onnx"))
    for n, inputs in enumerate(sets):
        data = os.path.join(out, f"test_data_set_{n}")
        os.makedirs(data)
        for i, (name, x) in enumerate(inputs):
            with open(os.path.join(data, f"input_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(x, name).SerializeToString())
        ort = os.path.join(out, "ort")
        subprocess.run(["node", oracle, os.path.join(out, "model.onnx"), ort, "--pb", data], check=True,
                       stdout=subprocess.DEVNULL)
        meta = json.load(open(os.path.join(ort, "outputs.json")))
        for i, o in enumerate(meta["outputs"] if isinstance(meta, dict) else meta):
            a = np.fromfile(os.path.join(ort, f"{i}.bin"), dtype=DTYPES[o["dtype"]]).reshape(o["shape"])
            with open(os.path.join(data, f"output_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(a, o["name"]).SerializeToString())
        shutil.rmtree(ort)
    print("wrote", out)


def sizes_model():
    """y = Softmax(x @ w + b) over [batch, seq, 8] -> [batch, seq, 4], and
    z = Tanh(x @ w + b) * y: both dims symbolic."""
    rng = np.random.default_rng(1)
    f32 = TensorProto.FLOAT
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]),
         helper.make_node("Add", ["h", "b"], ["hb"]),
         helper.make_node("Softmax", ["hb"], ["y"], axis=-1),
         helper.make_node("Tanh", ["hb"], ["t"]),
         helper.make_node("Mul", ["t", "y"], ["z"])],
        "sizes",
        [helper.make_tensor_value_info("x", f32, ["batch", "seq", 8])],
        [helper.make_tensor_value_info("y", f32, ["batch", "seq", 4]),
         helper.make_tensor_value_info("z", f32, ["batch", "seq", 4])],
        [numpy_helper.from_array(rng.standard_normal((8, 4)).astype(np.float32), "w"),
         numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    rng = np.random.default_rng(2)
    sets = [[("x", rng.standard_normal((b, s, 8)).astype(np.float32))] for b, s in ((1, 4), (2, 3), (3, 7), (1, 4))]
    return model, sets


def bound_model():
    """y = ReduceSum(Reshape(x, shape), axes) + 1 for x [2, 3, 4]: shape and
    axes are graph inputs, so each set's values are bound at compile time."""
    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["x", "shape"], ["r"]),
         helper.make_node("ReduceSum", ["r", "axes"], ["s"], keepdims=0),
         helper.make_node("Add", ["s", "one"], ["y"])],
        "bound",
        [helper.make_tensor_value_info("x", f32, [2, 3, 4]),
         helper.make_tensor_value_info("shape", i64, [2]),
         helper.make_tensor_value_info("axes", i64, [1])],
        [helper.make_tensor_value_info("y", f32, [None])],
        [numpy_helper.from_array(np.array(1, np.float32), "one")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    rng = np.random.default_rng(3)
    sets = [[("x", rng.standard_normal((2, 3, 4)).astype(np.float32)),
             ("shape", np.array(shape, np.int64)), ("axes", np.array([axis], np.int64))]
            for shape, axis in (([6, 4], 1), ([4, 6], 0))]
    return model, sets


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--oracle", required=True)
    p.add_argument("out")
    args = p.parse_args()
    model, sets = sizes_model()
    write_sets(model, sets, os.path.join(args.out, "sizes"), args.oracle)
    # The same folder with one reference element off by far more than the tolerance.
    wrong = os.path.join(args.out, "wrong")
    shutil.rmtree(wrong, ignore_errors=True)
    shutil.copytree(os.path.join(args.out, "sizes"), wrong)
    ref = os.path.join(wrong, "test_data_set_1", "output_1.pb")
    t = onnx.load_tensor(ref)
    a = numpy_helper.to_array(t).copy()
    a.flat[3] += 0.5
    with open(ref, "wb") as f:
        f.write(numpy_helper.from_array(a, t.name).SerializeToString())
    print("wrote", wrong)
    model, sets = bound_model()
    write_sets(model, sets, os.path.join(args.out, "bound"), args.oracle)


if __name__ == "__main__":
    main()
