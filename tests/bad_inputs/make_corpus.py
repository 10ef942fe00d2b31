#!/usr/bin/python3
"""Writes the bad-input corpus: models that are truncated, corrupt, hostile or
absurd, each with the message kiln-compile must give. Every case becomes
cases/NAME.onnx (or cases/NAME/model.onnx when it needs files beside it) and
one line of expected.txt: "NAME<TAB>substring of the expected message".
run_corpus.py checks them; the fuzzers seed from the same files.

  /usr/bin/python3 tests/bad_inputs/make_corpus.py   # rewrites cases/ and expected.txt
"""
import os, shutil, struct
import onnx
from onnx import helper, TensorProto

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "cases")
tiny = os.path.join(here, "..", "..", "examples", "tiny_bert.onnx")
cases = []  # (name, expected substring)


def model(nodes, inputs, outputs, inits=(), opset=17, value_info=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits), value_info=list(value_info))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def vi(name, dtype=TensorProto.FLOAT, shape=(2, 3)):
    return helper.make_tensor_value_info(name, dtype, list(shape))


def save(name, m, expect, folder=False):
    data = m if isinstance(m, bytes) else m.SerializeToString()
    if folder:
        os.makedirs(os.path.join(out, name))
        path = os.path.join(out, name, "model.onnx")
    else:
        path = os.path.join(out, name + ".onnx")
    with open(path, "wb") as f:
        f.write(data)
    cases.append((name, expect))
    return path


def raw_tensor(name, dtype, dims, field, values):
    """A TensorProto as a file may hold it: no check that values match dims."""
    t = TensorProto(name=name, data_type=dtype)
    t.dims.extend(dims)
    getattr(t, field).extend(values)
    return t


def unary(op, x_shape=(2, 3), y_shape=(2, 3), dtype=TensorProto.FLOAT, **attrs):
    return model([helper.make_node(op, ["x"], ["y"], name="n0", **attrs)],
                 [vi("x", dtype, x_shape)], [vi("y", dtype, y_shape)])


shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)

# --- Malformed protobuf: truncated at many offsets, flipped bits. -----------
blob = open(tiny, "rb").read()
for cut in (0, 1, 2, 5, 17, 64, 300, 1000, 4096, len(blob) // 2, len(blob) - 100, len(blob) - 1):
    save(f"truncated_{cut}", blob[:cut], "cannot parse ONNX model")
# What each flip breaks in examples/tiny_bert.onnx: the encoding, a name, an op type.
flips = {(0, 0): "not a valid ModelProto", (0, 7): "not a valid ModelProto",
         (3, 2): "not a valid ModelProto", (40, 5): "node 'embed.word' (Gather): expects 2 inputs",
         (120, 3): "input 'positionWembeddings' is not defined",
         (700, 1): "input 'attn.iey.matmul' is not defined",
         (2000, 6): "unsupported op 'LayerNormalizatio.'", (len(blob) - 3, 4): "not a valid ModelProto"}
for pos, bit in flips:
    b = bytearray(blob)
    b[pos] ^= 1 << bit
    save(f"bitflip_{pos}_{bit}", bytes(b), flips[(pos, bit)])
save("garbage", b"\x00\xff" * 100 + b"not a model", "cannot parse ONNX model")
save("empty_graph", helper.make_model(helper.make_graph([], "g", [], [])), "the model has no graph")

# --- Graph structure: cycles, dangling inputs, duplicate names. -------------
save("cycle", model([helper.make_node("Relu", ["b"], ["a"], name="n0"),
                     helper.make_node("Relu", ["a"], ["b"], name="n1")],
                    [vi("x")], [vi("b")]), "node 'n0' (Relu): input 'b' is written by node 'n1', which does not come earlier (the nodes are not in topological order, or form a cycle)")
save("self_loop", model([helper.make_node("Add", ["x", "y"], ["y"], name="n0")],
                        [vi("x")], [vi("y")]), "input 'y' is written by node 'n0', which does not come earlier")
save("dangling_input", model([helper.make_node("Add", ["x", "nowhere"], ["y"], name="n0")],
                             [vi("x")], [vi("y")]), "nowhere")
save("dangling_output", model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                              [vi("x")], [vi("missing")]), "missing")
save("duplicate_node_output", model([helper.make_node("Relu", ["x"], ["y"], name="n0"),
                                     helper.make_node("Neg", ["x"], ["y"], name="n1")],
                                    [vi("x")], [vi("y")]), "node 'n1' (Neg): output 'y' is already defined by node 'n0' (Relu)")
save("duplicate_input", model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                              [vi("x"), vi("x", shape=(4,))], [vi("y")]), "graph input 'x' is listed twice")
w = helper.make_tensor("x", TensorProto.FLOAT, [2, 3], [0.0] * 6)
save("initializer_shadows_output", model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                                         [vi("x")], [vi("y")],
                                         [w, helper.make_tensor("y", TensorProto.FLOAT, [2, 3], [0.0] * 6)]), "node 'n0' (Relu): output 'y' is already defined by the initializer")
save("no_outputs", model([helper.make_node("Relu", ["x"], ["y"], name="n0")], [vi("x")], []),
     "the graph has no outputs")

# --- Initializer data that disagrees with its dims. -------------------------
def init_case(name, t, expect):
    save(name, model([helper.make_node("Add", ["x", "w"], ["y"], name="n0")], [vi("x")], [vi("y")], [t]),
         expect)

t = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [0.0] * 6)
t.raw_data = b"\x00" * 23
del t.float_data[:]
init_case("raw_data_short", t, "'w' has 23 bytes of raw_data, expected 24")
t = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [0.0] * 6)
t.raw_data = b"\x00" * 4000
del t.float_data[:]
init_case("raw_data_long", t, "'w' has 4000 bytes of raw_data, expected 24")
init_case("float_data_count", raw_tensor("w", TensorProto.FLOAT, [2, 3], "float_data", [0.0] * 5),
          "'w' has 5 values in float_data, expected 6")
init_case("int64_data_count", raw_tensor("w", TensorProto.INT64, [2, 3], "int64_data", [1] * 7),
          "'w' has 7 values in int64_data, expected 6")
# 4-bit tensors hold two values per byte: 6 INT4 values need 3 (onnx 1.12 has no INT4 = 22).
t = TensorProto(name="w", data_type=22, raw_data=b"\x12\x34")
t.dims.extend([2, 3])
init_case("int4_raw_data_short", t, "'w' (INT4, 6 values, two per byte) has 2 bytes of raw_data, expected 3")
init_case("uint4_int32_data_count", raw_tensor("w", 21, [2, 3], "int32_data", [0x12] * 6),
          "'w' (UINT4, 6 values, two per byte) has 6 values in int32_data, expected 3")
t = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [0.0] * 6)
t.dims[0] = -2
init_case("initializer_negative_dim", t, "'w' has a negative or too large dim")
t = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [0.0] * 6)
t.dims[:] = [1 << 40, 1 << 40]
init_case("initializer_huge_dims", t, "'w' has a negative or too large dim")

# --- Dims and element types. -------------------------------------------------
save("input_negative_dim", unary("Relu", x_shape=(2, -3)), "input 'x' dim 1 has no size")
save("input_huge", unary("Relu", x_shape=(1 << 30, 1 << 30), y_shape=(1 << 30, 1 << 30)),
     "input 'x' has shape [1073741824,1073741824]: dim 1 takes it past 2^31-1 elements")
save("input_huge_one_dim", unary("Relu", x_shape=(1 << 31,), y_shape=(1 << 31,)),
     "input 'x' has shape [2147483648]: dim 0 takes it past 2^31-1 elements")
# dim_param expressions (`past + seq`): hostile text is refused, never guessed at.
save("dim_expr_division", unary("Relu", x_shape=("seq / 2", 3)),
     "input 'x' dim 0 is 'seq / 2': division ('/') is not supported")
save("dim_expr_overflow", unary("Relu", x_shape=("9223372036854775807 * 2", 3)),
     "the expression overflows 64-bit integers")
save("dim_expr_nested", unary("Relu", x_shape=("(" * 40 + "s" + ")" * 40, 3)),
     "parentheses nest deeper than 32")
save("dim_expr_huge", unary("Relu", x_shape=("65536 * 65536", 3)),
     "input 'x' has shape [4294967296,3]: dim 0 takes it past 2^31-1 elements")
shape = helper.make_tensor("s", TensorProto.INT64, [3], [1 << 12, 1 << 12, 1 << 12])
save("expand_huge", model([helper.make_node("Expand", ["x", "s"], ["y"], name="n0")],
                          [vi("x", shape=(1, 1, 1))], [vi("y", shape=(4096, 4096, 4096))], [shape]),
     "node 'n0' (Expand): output 0 ('y') has shape [4096,4096,4096]: dim 2 takes it past 2^31-1 elements")
for dtype, tname in ((TensorProto.STRING, "STRING"), (TensorProto.DOUBLE, "DOUBLE"),
                     (TensorProto.INT16, "INT16"), (TensorProto.BFLOAT16, "BFLOAT16"),
                     (TensorProto.COMPLEX64, "COMPLEX64"), (TensorProto.UINT64, "UINT64")):
    save(f"input_{tname.lower()}", unary("Identity", dtype=dtype),
         f"input 'x' has unsupported element type {tname}")
save("cast_to_string", model([helper.make_node("Cast", ["x"], ["y"], name="n0", to=TensorProto.STRING)],
                             [vi("x")], [vi("y", TensorProto.STRING)]),
     "node 'n0' (Cast): value 'y' has unsupported element type STRING")
save("cast_to_double", model([helper.make_node("Cast", ["x"], ["y"], name="n0", to=TensorProto.DOUBLE)],
                             [vi("x")], [vi("y", TensorProto.DOUBLE)]),
     "node 'n0' (Cast): value 'y' has unsupported element type DOUBLE")
save("initializer_string", model([helper.make_node("Identity", ["w"], ["y"], name="n0")], [], [vi("y")],
                                 [raw_tensor("w", TensorProto.STRING, [1], "string_data", [b"a"])]),
     "'w' has unsupported element type STRING")
save("output_double_declared", model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                                     [vi("x")], [vi("y", TensorProto.DOUBLE)]), "graph output 'y' is declared DOUBLE, but the graph computes FLOAT")

# --- Opsets out of range. ----------------------------------------------------
for v in (0, 24, 99, -1):
    save(f"opset_{v}".replace("-", "minus"), model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                                                   [vi("x")], [vi("y")], opset=v), 
         "no opset_import for the default ONNX domain" if v < 0 else
         f"opset {v} of the default ONNX domain is outside the opsets Kiln knows (1 to 23)")
m = model([helper.make_node("Relu", ["x"], ["y"], name="n0")], [vi("x")], [vi("y")])
del m.opset_import[:]
save("opset_missing", m, "no opset_import for the default ONNX domain")

# --- Absurd attributes. ------------------------------------------------------
save("softmax_axis_99", unary("Softmax", axis=99), "node 'n0' (Softmax)")
save("softmax_axis_minus_99", unary("Softmax", axis=-99), "node 'n0' (Softmax)")
save("transpose_perm_repeats", unary("Transpose", perm=[0, 0], y_shape=(2, 2)), "node 'n0' (Transpose)")
save("transpose_perm_short", unary("Transpose", perm=[1], y_shape=(3,)), "node 'n0' (Transpose)")
save("transpose_perm_out_of_range", unary("Transpose", perm=[0, 7]), "node 'n0' (Transpose)")
save("flatten_axis_10", unary("Flatten", axis=10, y_shape=(6, 1)), "node 'n0' (Flatten)")
save("concat_axis_9", model([helper.make_node("Concat", ["x", "x"], ["y"], name="n0", axis=9)],
                            [vi("x")], [vi("y", shape=(4, 3))]), "node 'n0' (Concat)")
idx = helper.make_tensor("i", TensorProto.INT64, [1], [0])
save("gather_axis_5", model([helper.make_node("Gather", ["x", "i"], ["y"], name="n0", axis=5)],
                            [vi("x")], [vi("y", shape=(1, 3))], [idx]), "node 'n0' (Gather)")
idx = helper.make_tensor("i", TensorProto.INT64, [1], [7])
save("gather_index_out_of_range", model([helper.make_node("Gather", ["w", "i"], ["y"], name="n0", axis=0)],
                                        [], [vi("y", shape=(1, 3))],
                                        [helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [0.0] * 6), idx]),
     "node 'n0' (Gather)")
s = helper.make_tensor("s", TensorProto.INT64, [2], [-1, -1])
save("reshape_two_minus_one", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="n0")],
                                    [vi("x")], [vi("y", shape=(6, 1))], [s]), "node 'n0' (Reshape)")
s = helper.make_tensor("s", TensorProto.INT64, [2], [4, 4])
save("reshape_wrong_count", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="n0")],
                                  [vi("x")], [vi("y", shape=(4, 4))], [s]), "node 'n0' (Reshape)")
sp = helper.make_tensor("sp", TensorProto.INT64, [2], [1, 5])
save("split_sizes_wrong", model([helper.make_node("Split", ["x", "sp"], ["a", "b"], name="n0", axis=1)],
                                [vi("x")], [vi("a", shape=(2, 1)), vi("b", shape=(2, 5))], [sp]),
     "node 'n0' (Split)")
save("matmul_shapes", model([helper.make_node("MatMul", ["x", "w"], ["y"], name="n0")],
                            [vi("x"), vi("w", shape=(4, 5))], [vi("y", shape=(2, 5))]),
     "node 'n0' (MatMul)")
sc = helper.make_tensor("sc", TensorProto.FLOAT, [3], [1.0] * 3)
save("layernorm_axis_9", model([helper.make_node("LayerNormalization", ["x", "sc"], ["y"], name="n0", axis=9)],
                               [vi("x")], [vi("y")], [sc]), "node 'n0' (LayerNormalization)")
save("unknown_op", unary("FooBar"), "unsupported op 'FooBar'")
save("custom_domain", model([helper.make_node("Relu", ["x"], ["y"], name="n0", domain="evil.domain")],
                            [vi("x")], [vi("y")]), "unsupported op 'evil.domain.Relu'")
save("topk_k_negative", model([helper.make_node("TopK", ["x", "k"], ["v", "i"], name="n0")],
                              [vi("x")], [vi("v", shape=(2, 1)), vi("i", TensorProto.INT64, (2, 1))],
                              [helper.make_tensor("k", TensorProto.INT64, [1], [-5])]), "node 'n0' (TopK)")

# --- External data attacks (folders: the model and what lies beside it). -----
def ext_case(name, entries, expect, data=b"\x00" * 24, link=None):
    t = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [0.0] * 6)
    del t.float_data[:]
    t.data_location = TensorProto.EXTERNAL
    for k, v in entries:
        t.external_data.add(key=k, value=v)
    path = save(name, model([helper.make_node("Add", ["x", "w"], ["y"], name="n0")],
                            [vi("x")], [vi("y")], [t]), expect, folder=True)
    d = os.path.dirname(path)
    if data is not None:
        open(os.path.join(d, "w.bin"), "wb").write(data)
    if link:
        os.symlink(link, os.path.join(d, "link.bin"))

ext_case("ext_absolute", [("location", "/etc/passwd")], "at the absolute path '/etc/passwd'")
ext_case("ext_dotdot", [("location", "../../../../../../../etc/passwd")], "'..' is refused")
ext_case("ext_symlink_out", [("location", "link.bin")], "a link that leads outside the model's folder",
         link="/etc/passwd")
ext_case("ext_offset_garbage", [("location", "w.bin"), ("offset", "1x")], "whose offset '1x' is not a byte count")
ext_case("ext_offset_past_end", [("location", "w.bin"), ("offset", "8")], "past the end of the file (24 bytes)")
ext_case("ext_length_overflow", [("location", "w.bin"), ("length", "184467440737095516160")],
         "whose length '184467440737095516160' is not a byte count")
ext_case("ext_no_location", [("offset", "0")], "without a location")

with open(os.path.join(here, "expected.txt"), "w") as f:
    f.write("# NAME<TAB>a substring of kiln-compile's message (written by make_corpus.py; an empty\n"
            "# substring fails the case: review a new case's message with run_corpus.py --show)\n")
    for name, expect in cases:
        f.write(f"{name}\t{expect}\n")
print(f"{len(cases)} cases")
