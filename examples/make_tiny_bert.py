#!/usr/bin/python3
"""Writes a tiny BERT-style encoder as ONNX (opset 17), the model of Kiln's example.

    /usr/bin/python3 examples/make_tiny_bert.py [examples/tiny_bert.onnx]

Also writes <model stem>_input_ids.bin next to it: the example's token ids as raw
little-endian int64 [1, 8] (the same ids examples/app.c uses by default).

One encoder layer, post-LayerNorm like BERT: word + position embeddings, LayerNorm,
2-head self-attention (MatMul/Add/Reshape/Transpose, a scale Mul, Softmax), residual,
LayerNorm, a GELU feed-forward (GELU spelled with Erf, as PyTorch exports it), residual
and a final LayerNorm. Hidden 32, vocab 100. Weights come from a fixed seed, so the file
is byte-for-byte reproducible. Needs Debian's python3-onnx and python3-numpy.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEQ, HIDDEN, HEADS, FFN, VOCAB = 8, 32, 2, 64, 100
HEAD_DIM = HIDDEN // HEADS
TOKEN_IDS = [1, 17, 42, 7, 99, 0, 63, 28]  # keep in sync with examples/app.c


def build():
    rng = np.random.default_rng(20240517)
    inits, nodes = [], []

    def weight(name, *shape, scale=0.2):
        inits.append(numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def const(name, value, dtype=np.float32):
        inits.append(numpy_helper.from_array(np.array(value, dtype=dtype), name))
        return name

    def node(op, inputs, output, **attrs):
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def layer_norm(x, prefix, out=None):
        # LayerNorm weights near (1, 0) so the tests exercise gamma and beta.
        g = const(prefix + ".gamma", 1.0 + 0.1 * rng.standard_normal(HIDDEN))
        b = const(prefix + ".beta", 0.1 * rng.standard_normal(HIDDEN))
        return node("LayerNormalization", [x, g, b], out or prefix + ".out", axis=-1, epsilon=1e-12)

    def linear(x, prefix, n_in, n_out):
        y = node("MatMul", [x, weight(prefix + ".weight", n_in, n_out)], prefix + ".matmul")
        return node("Add", [y, weight(prefix + ".bias", n_out, scale=0.05)], prefix + ".out")

    # Embeddings: token lookup plus learned positions (broadcast over the batch).
    emb = node("Gather", [weight("word_embeddings", VOCAB, HIDDEN), "input_ids"], "embed.word", axis=0)
    emb = node("Add", [emb, weight("position_embeddings", SEQ, HIDDEN)], "embed.sum")
    x = layer_norm(emb, "embed.ln")

    # Self-attention: [1,S,H] -> [1,S,heads,d] -> [1,heads,S,d].
    split = const("shape.split_heads", [1, SEQ, HEADS, HEAD_DIM], np.int64)
    merge = const("shape.merge_heads", [1, SEQ, HIDDEN], np.int64)

    def heads(name, perm):
        y = linear(x, "attn." + name, HIDDEN, HIDDEN)
        y = node("Reshape", [y, split], f"attn.{name}.split")
        return node("Transpose", [y], f"attn.{name}.heads", perm=perm)

    q = heads("query", [0, 2, 1, 3])
    k = heads("key", [0, 2, 3, 1])  # K already transposed: [1,heads,d,S]
    v = heads("value", [0, 2, 1, 3])
    scores = node("MatMul", [q, k], "attn.scores")
    scores = node("Mul", [scores, const("attn.scale", 1.0 / np.sqrt(HEAD_DIM))], "attn.scaled")
    probs = node("Softmax", [scores], "attn.probs", axis=-1)
    ctx = node("MatMul", [probs, v], "attn.context")
    ctx = node("Transpose", [ctx], "attn.context.t", perm=[0, 2, 1, 3])
    ctx = node("Reshape", [ctx, merge], "attn.context.merged")
    attn = linear(ctx, "attn.output", HIDDEN, HIDDEN)
    x = layer_norm(node("Add", [attn, x], "attn.residual"), "attn.ln")

    # Feed-forward with GELU(h) = 0.5 * h * (1 + erf(h / sqrt(2))).
    h = linear(x, "ffn.up", HIDDEN, FFN)
    e = node("Erf", [node("Div", [h, const("gelu.sqrt2", np.sqrt(2.0))], "gelu.div")], "gelu.erf")
    e = node("Add", [e, const("gelu.one", 1.0)], "gelu.add")
    g = node("Mul", [node("Mul", [h, e], "gelu.mul"), const("gelu.half", 0.5)], "gelu.out")
    y = linear(g, "ffn.down", FFN, HIDDEN)
    layer_norm(node("Add", [y, x], "ffn.residual"), "final.ln", out="last_hidden_state")

    graph = helper.make_graph(
        nodes, "tiny_bert",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, SEQ])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [1, SEQ, HIDDEN])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="kiln-examples")
    model.ir_version = 8  # opset 17's IR version; keeps older runtimes happy
    onnx.checker.check_model(model, full_check=True)
    return model


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "tiny_bert.onnx")
    onnx.save(build(), path)
    ids_path = os.path.splitext(path)[0] + "_input_ids.bin"
    np.array([TOKEN_IDS], dtype="<i8").tofile(ids_path)
    print(f"wrote {path} and {ids_path}")


if __name__ == "__main__":
    main()
