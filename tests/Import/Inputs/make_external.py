#!/usr/bin/python3
"""Writes DIR/model.onnx whose weight lives in an external data file, as large
models are exported. With --drop, deletes the data file afterwards."""
import sys, os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w")
g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "ext",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
onnx.save_model(m, os.path.join(out, "model.onnx"), save_as_external_data=True,
                all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
if "--drop" in sys.argv:
    os.remove(os.path.join(out, "weights.bin"))
