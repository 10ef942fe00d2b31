"""Writes a model whose float inputs have the given dim_params (ONNX text
cannot spell a dim such as `past + seq`); each input x_k feeds y_k = Relu(x_k).

  dim_model.py OUT.onnx 'past|4' 'past + 1|4' ...   (dims split on '|'; digits are sizes)
"""
import sys

import onnx
from onnx import TensorProto, helper

inputs, outputs, nodes = [], [], []
for k, spec in enumerate(sys.argv[2:]):
    dims = [int(d) if d.isdigit() else d for d in spec.split("|")]
    inputs.append(helper.make_tensor_value_info(f"x{k}", TensorProto.FLOAT, dims))
    outputs.append(helper.make_tensor_value_info(f"y{k}", TensorProto.FLOAT, None))
    nodes.append(helper.make_node("Relu", [f"x{k}"], [f"y{k}"]))
model = helper.make_model(helper.make_graph(nodes, "g", inputs, outputs),
                          opset_imports=[helper.make_opsetid("", 17)])
onnx.save(model, sys.argv[1])
