"""Writes an ONNX backend-style test case (model.onnx, test_data_set_0/
input_N.pb and output_N.pb) whose reference outputs come from onnxruntime,
run through the project's oracle (tools/oracle/run.js). Shared by the
make_*.py generators of tests/e2e/data."""
import json
import os
import subprocess

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {"float32": np.float32, "int32": np.int32, "int64": np.int64, "uint8": np.uint8}


def write_case(model, inputs, out):
    """`inputs`: (name, array) pairs in graph input order. Returns the outputs."""
    onnx.checker.check_model(model)
    data = os.path.join(out, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    for i, (name, x) in enumerate(inputs):
        with open(os.path.join(data, f"input_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x, name).SerializeToString())
    tmp = os.path.join(out, "ort")
    subprocess.run(["node", os.path.join(HERE, "..", "..", "tools", "oracle", "run.js"),
                    os.path.join(out, "model.onnx"), tmp, "--pb", data], check=True)
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
