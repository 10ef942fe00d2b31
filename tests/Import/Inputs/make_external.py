#!/usr/bin/python3
"""Writes DIR/model.onnx whose weight lives in an external data file, as large
models are exported. With --drop, deletes the data file afterwards. The other
flags craft the hostile forms a downloaded model may take:
  --location L   the external_data location as written (e.g. ../../etc/passwd)
  --offset V     the offset entry, verbatim (e.g. 12abc, -4, 99999999999999999999)
  --length V     the length entry, verbatim
  --key K=V      an extra external_data entry
  --link-out T   weights.bin is replaced by a symlink to T (outside the folder)
  --link-in      weights.bin moves to data/w.bin, with a symlink inside the folder
  --truncate N   the data file keeps only its first N bytes"""
import argparse, os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--drop", action="store_true")
p.add_argument("--location")
p.add_argument("--offset")
p.add_argument("--length")
p.add_argument("--key", action="append", default=[])
p.add_argument("--link-out")
p.add_argument("--link-in", action="store_true")
p.add_argument("--truncate", type=int)
a = p.parse_args()

os.makedirs(a.out, exist_ok=True)
w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w")
g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "ext",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
path = os.path.join(a.out, "model.onnx")
data = os.path.join(a.out, "weights.bin")
onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                location="weights.bin", size_threshold=0)
if a.location is not None or a.offset is not None or a.length is not None or a.key:
    m = onnx.load(path, load_external_data=False)
    t = m.graph.initializer[0]
    entries = {e.key: e.value for e in t.external_data}
    if a.location is not None:
        entries["location"] = a.location
    if a.offset is not None:
        entries["offset"] = a.offset
    if a.length is not None:
        entries["length"] = a.length
    del t.external_data[:]
    for k, v in entries.items():
        t.external_data.add(key=k, value=v)
    for kv in a.key:
        k, v = kv.split("=", 1)
        t.external_data.add(key=k, value=v)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
if a.truncate is not None:
    with open(data, "r+b") as f:
        f.truncate(a.truncate)
if a.link_out:
    os.remove(data)
    os.symlink(a.link_out, data)
if a.link_in:
    os.makedirs(os.path.join(a.out, "data"), exist_ok=True)
    os.rename(data, os.path.join(a.out, "data", "w.bin"))
    os.symlink(os.path.join("data", "w.bin"), data)
if a.drop:
    os.remove(data)
