#!/usr/bin/python3
"""Writes the benchmark's models: transformer graphs at opset 17, shaped like exporter output.

    /usr/bin/python3 bench/make_models.py --out bench/models/L12 [--layers 12] [--cases a,b] [--symbolic]

Cases (all batch 1, static shapes, fp32, random weights from a fixed seed):

  bert_s128     BERT-base encoder (BertModel), S=128: 12 layers, hidden 768, 12 heads,
                FFN 3072, GELU spelled with Erf, LayerNormalization, additive mask from
                attention_mask. Inputs input_ids, attention_mask int64 [1,S]; outputs
                last_hidden_state [1,S,768], pooler_output [1,768].
  bert_s384     the same at S=384.
  gpt2_prefill  GPT-2 small (GPT2LMHeadModel, use_cache) on a 128-token prompt: 12 layers,
                hidden 768, 12 heads, vocab 50257, tanh-GELU (with Pow), Conv1D as
                Reshape/Gemm/Reshape, Split of the fused QKV, causal mask sliced from a bool
                buffer and applied with Where. Outputs logits [1,128,50257] and
                present.N.key/value [1,12,128,64].
  gpt2_decode   one decode step of the same model: input_ids [1,1], attention_mask [1,129],
                past_key_values.N.key/value [1,12,128,64] in; logits [1,1,50257] and
                present.N.key/value [1,12,129,64] out.
  vit_b16       ViT-base/16 (ViTModel) on one 224x224 image: Conv patch embedding, class
                token Expand + Concat, position embedding, 12 pre-LN layers, pooler.

Symbolic forms (--symbolic, written to CASE_sym/; bench row `symbolic`): bert_s128 and
gpt2_decode with the same weights and inputs, their dims named as the exporters name them
(batch_size, sequence_length, past_sequence_length, and `past_sequence_length +
sequence_length` for the decode step's attention_mask and present outputs). Shapes come from
the inputs at run time: Reshape with 0 (copy the dim), Conv1D's output shape from Shape/Slice/
Concat, BERT's position and token type ids sliced from [1,512] buffers to the input's length,
GPT-2's positions as Range(past, past + tokens) and its causal mask sliced from the bool
buffer at rows [past, past + tokens) (a symbolic start), its QKV Split as in the static form. meta.json gives the dims' values (`dims`); pinning them with
--shape and keeping them symbolic (--symbolic-dims) compile the same graph.

Kernel cases (not in the default run; --layers does not apply): one op pattern each, to
compare a kernel with onnxruntime's and with the FMA peak.

  gemm_qkv, gemm_out, gemm_ffn_up, gemm_ffn_down
                BERT-base's weight GEMMs at seq 128: x [1,128,K] @ W [K,N] (MatMul, constant
                W) for K x N = 768x2304 (fused QKV), 768x768, 768x3072, 3072x768.
  attn_causal_2k
                GPT-2's attention core over a 2048-token prompt: q, k, v [1,12,2048,64]
                in, Q K^T / 8, Where(causal bool buffer, s, finfo.min), Softmax, @ V,
                heads merged to [1,2048,768].

The node patterns follow what torch.onnx's TorchScript exporter writes for the Hugging Face
modules with constant folding on and static shapes: Linear as MatMul + Add(bias, ...) with a
pre-transposed weight, heads split with Reshape/Transpose against constant shapes, scores
divided by sqrt(d), the HF additive mask (1 - mask) * finfo(float32).min, Softmax(axis=-1).

Weights are N(0, 0.02) like HF's initialiser (LayerNorm gains 1 + N(0, 0.02)), so
activations stay in a sane range through 12 layers. Each case writes CASE/model.onnx,
CASE/inputs/K.bin (raw little-endian, the graph's input order) and CASE/meta.json (inputs,
outputs, parameter count, MatMul/Gemm/Conv FLOPs from ONNX shape inference). A model whose
protobuf would pass 2 GB is written with external data (model.onnx.data); none of these do.
Needs Debian's python3-onnx and python3-numpy.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
FMIN = float(np.finfo(np.float32).min)  # what HF uses for masked positions
HIDDEN, HEADS, FFN = 768, 12, 3072
HEAD_DIM = HIDDEN // HEADS
CASES = ("bert_s128", "bert_s384", "gpt2_prefill", "gpt2_decode", "vit_b16")
# Cases with a symbolic form (--symbolic, CASE_sym/): the same weights and inputs, dims named as
# the exporters name them, to compare a --symbolic-dims build with a pinned one.
SYM_CASES = ("bert_s128", "gpt2_decode")
GEMMS = {"gemm_qkv": (768, 2304), "gemm_out": (768, 768), "gemm_ffn_up": (768, 3072), "gemm_ffn_down": (3072, 768)}
KERNEL_CASES = tuple(GEMMS) + ("attn_causal_2k",)


def param(scope):
    """The PyTorch parameter prefix of a module scope: '/encoder/layer.0/output' -> 'encoder.layer.0.output'."""
    return scope.strip("/").replace("/", ".")


class Builder:
    """Accumulates nodes and initializers; names follow the exporter's '/scope/Op' style.

    With `sym`, shapes come from the inputs at run time, as a dynamic-axes export writes them
    (Reshape with 0 = copy the dim, Shape/Slice/Concat targets, Range positions); the weights
    are drawn in the same order either way, so both forms hold the same weights.
    """

    def __init__(self, seed, sym=False):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.counter = [], [], {}
        self.params = 0
        self.sym = sym

    def weight(self, name, shape, scale=0.02, offset=0.0):
        a = self.rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)
        if offset:
            a += np.float32(offset)
        self.inits.append(numpy_helper.from_array(a, name))
        self.params += a.size
        return name

    def const(self, value, dtype=np.float32, name=None):
        """A small constant (shapes, scalars), as an initializer like constant folding leaves."""
        if name is None:
            self.counter["const"] = self.counter.get("const", 0) + 1
            name = f"onnx::Const_{self.counter['const']}"
        self.inits.append(numpy_helper.from_array(np.array(value, dtype=dtype), name))
        return name

    def node(self, op, inputs, scope, n_out=1, **attrs):
        key = f"{scope}/{op}"
        k = self.counter.get(key, 0)
        self.counter[key] = k + 1
        base = f"{scope}/{op}" + (f"_{k}" if k else "")
        outs = [f"{base}_output_{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=base, **attrs))
        return outs[0] if n_out == 1 else outs

    def rename_output(self, tensor, new_name):
        """Makes the node that produces `tensor` write `new_name` (a graph output) instead."""
        for n in self.nodes:
            for i, o in enumerate(n.output):
                if o == tensor:
                    n.output[i] = new_name
            for i, x in enumerate(n.input):
                if x == tensor:
                    n.input[i] = new_name
        return new_name

    # --- modules -------------------------------------------------------------------------
    def linear(self, x, scope, n_in, n_out, bias=True):
        """nn.Linear on a 3-D input: MatMul with the transposed weight, then Add(bias, y).

        Constant folding leaves the transposed weight as a new 'onnx::MatMul_N' initializer;
        the bias keeps its parameter name.
        """
        self.counter["matmul_w"] = self.counter.get("matmul_w", 0) + 1
        w = self.weight(f"onnx::MatMul_{1000 + self.counter['matmul_w']}", (n_in, n_out))
        y = self.node("MatMul", [x, w], scope)
        if bias:
            y = self.node("Add", [self.weight(f"{param(scope)}.bias", (n_out,)), y], scope)
        return y

    def conv1d(self, x, scope, rows, n_in, n_out):
        """GPT-2's Conv1D: addmm on the flattened rows, exported as Reshape/Gemm/Reshape."""
        flat = self.node("Reshape", [x, self.const([-1, n_in], np.int64)], scope)
        y = self.node("Gemm", [flat, self.weight(f"{param(scope)}.weight", (n_in, n_out)),
                               self.weight(f"{param(scope)}.bias", (n_out,))], scope, alpha=1.0, beta=1.0)
        if self.sym:  # size_out = x.size()[:-1] + (nf,)
            lead = self.node("Slice", [self.node("Shape", [x], scope), self.const([0], np.int64),
                                       self.const([2], np.int64), self.const([0], np.int64)], scope)
            return self.node("Reshape", [y, self.node("Concat", [lead, self.const([n_out], np.int64)], scope,
                                                      axis=0)], scope)
        return self.node("Reshape", [y, self.const([1, rows, n_out], np.int64)], scope)

    def layer_norm(self, x, scope, eps):
        g = self.weight(f"{param(scope)}.weight", (HIDDEN,), offset=1.0)
        b = self.weight(f"{param(scope)}.bias", (HIDDEN,))
        return self.node("LayerNormalization", [x, g, b], scope, axis=-1, epsilon=eps)

    def gelu_erf(self, x, scope):
        e = self.node("Erf", [self.node("Div", [x, self.const(1.4142135381698608)], scope)], scope)
        e = self.node("Add", [e, self.const(1.0)], scope)
        return self.node("Mul", [self.node("Mul", [x, e], scope), self.const(0.5)], scope)

    def gelu_tanh(self, x, scope):
        """HF NewGELUActivation: 0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))."""
        half = self.node("Mul", [x, self.const(0.5)], scope)
        cube = self.node("Pow", [x, self.const(3.0)], scope)
        inner = self.node("Add", [x, self.node("Mul", [cube, self.const(0.044715)], scope)], scope)
        t = self.node("Tanh", [self.node("Mul", [inner, self.const(0.7978845608028654)], scope)], scope)
        return self.node("Mul", [half, self.node("Add", [t, self.const(1.0)], scope)], scope)

    def split_heads(self, x, scope, rows):
        shape = [0, 0, HEADS, HEAD_DIM] if self.sym else [1, rows, HEADS, HEAD_DIM]
        y = self.node("Reshape", [x, self.const(shape, np.int64)], scope)
        return self.node("Transpose", [y], scope, perm=[0, 2, 1, 3])

    def merge_heads(self, x, scope, rows):
        y = self.node("Transpose", [x], scope, perm=[0, 2, 1, 3])
        shape = [0, 0, HIDDEN] if self.sym else [1, rows, HIDDEN]
        return self.node("Reshape", [y, self.const(shape, np.int64)], scope)

    def dim(self, x, axis, scope):
        """x.size(axis) as a 1-element int64 vector: Shape -> Gather -> Unsqueeze."""
        d = self.node("Gather", [self.node("Shape", [x], scope), self.const(axis, np.int64)], scope, axis=0)
        return self.node("Unsqueeze", [d, self.const([0], np.int64)], scope)

    def prefix(self, buffer, length, scope):
        """buffer[:, :length] of a registered [1, N] buffer (position_ids, token_type_ids)."""
        return self.node("Slice", [buffer, self.const([0], np.int64), length, self.const([1], np.int64)], scope)

    def attention_core(self, q, k, v, scope, rows, additive=None, causal=None):
        """Scores = q @ k^T / sqrt(d) [Where causal] [+ mask], Softmax, @ v, merge heads."""
        kt = self.node("Transpose", [k], scope, perm=[0, 1, 3, 2])
        s = self.node("MatMul", [q, kt], scope)
        s = self.node("Div", [s, self.const(float(np.sqrt(HEAD_DIM)))], scope)
        if causal is not None:
            s = self.node("Where", [causal, s, self.const(FMIN)], scope)
        if additive is not None:
            s = self.node("Add", [s, additive], scope)
        p = self.node("Softmax", [s], scope, axis=-1)
        return self.merge_heads(self.node("MatMul", [p, v], scope), scope, rows)

    def additive_mask(self, mask, scope):
        """HF's extended mask: (1.0 - mask[:, None, None, :]) * finfo(float32).min."""
        m = self.node("Unsqueeze", [mask, self.const([1], np.int64)], scope)
        m = self.node("Unsqueeze", [m, self.const([2], np.int64)], scope)
        m = self.node("Cast", [m], scope, to=TensorProto.FLOAT)
        m = self.node("Sub", [self.const(1.0), m], scope)
        return self.node("Mul", [m, self.const(FMIN)], scope)

    def pooler(self, x, scope):
        """hidden[:, 0] -> Linear (Gemm, torch's [out, in] weight) -> Tanh."""
        first = self.node("Gather", [x, self.const(0, np.int64)], scope, axis=1)
        y = self.node("Gemm", [first, self.weight(f"{param(scope)}.dense.weight", (HIDDEN, HIDDEN)),
                               self.weight(f"{param(scope)}.dense.bias", (HIDDEN,))],
                      scope, alpha=1.0, beta=1.0, transB=1)
        return self.node("Tanh", [y], scope)


def vinfo(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


# --- the models --------------------------------------------------------------------------
def bert(seq, layers, seed, sym=False):
    b = Builder(seed, sym)
    vocab, max_pos = 30522, 512
    # The ids: constants, or with sym the registered buffers sliced to the input's length (the
    # token types expanded to its batch). Weights and constants in the static form's order.
    length = b.dim("input_ids", 1, "/embeddings") if sym else None
    word = b.node("Gather", [b.weight("embeddings.word_embeddings.weight", (vocab, HIDDEN)), "input_ids"],
                  "/embeddings/word_embeddings", axis=0)
    tt_w = b.weight("embeddings.token_type_embeddings.weight", (2, HIDDEN))
    if sym:
        tt_ids = b.node("Expand", [b.prefix(b.const(np.zeros((1, max_pos)), np.int64, "embeddings.token_type_ids"),
                                            length, "/embeddings"), b.node("Shape", ["input_ids"], "/embeddings")],
                        "/embeddings")
    else:
        tt_ids = b.const(np.zeros((1, seq)), np.int64)
    tt = b.node("Gather", [tt_w, tt_ids], "/embeddings/token_type_embeddings", axis=0)
    x = b.node("Add", [word, tt], "/embeddings")
    pos_w = b.weight("embeddings.position_embeddings.weight", (max_pos, HIDDEN))
    if sym:
        pos_ids = b.prefix(b.const(np.arange(max_pos)[None, :], np.int64, "embeddings.position_ids"), length,
                           "/embeddings")
    else:
        pos_ids = b.const(np.arange(seq)[None, :], np.int64)
    pos = b.node("Gather", [pos_w, pos_ids], "/embeddings/position_embeddings", axis=0)
    x = b.node("Add", [x, pos], "/embeddings")
    x = b.layer_norm(x, "/embeddings/LayerNorm", 1e-12)
    mask = b.additive_mask("attention_mask", "")
    for i in range(layers):
        s = f"/encoder/layer.{i}"
        q = b.split_heads(b.linear(x, f"{s}/attention/self/query", HIDDEN, HIDDEN), f"{s}/attention/self", seq)
        k = b.split_heads(b.linear(x, f"{s}/attention/self/key", HIDDEN, HIDDEN), f"{s}/attention/self", seq)
        v = b.split_heads(b.linear(x, f"{s}/attention/self/value", HIDDEN, HIDDEN), f"{s}/attention/self", seq)
        a = b.attention_core(q, k, v, f"{s}/attention/self", seq, additive=mask)
        a = b.linear(a, f"{s}/attention/output/dense", HIDDEN, HIDDEN)
        x = b.layer_norm(b.node("Add", [a, x], f"{s}/attention/output"), f"{s}/attention/output/LayerNorm", 1e-12)
        h = b.gelu_erf(b.linear(x, f"{s}/intermediate/dense", HIDDEN, FFN), f"{s}/intermediate/intermediate_act_fn")
        h = b.linear(h, f"{s}/output/dense", FFN, HIDDEN)
        x = b.layer_norm(b.node("Add", [h, x], f"{s}/output"), f"{s}/output/LayerNorm", 1e-12)
    pooled = b.pooler(x, "/pooler")
    b.rename_output(x, "last_hidden_state")
    b.rename_output(pooled, "pooler_output")
    bd, sd = ("batch_size", "sequence_length") if sym else (1, seq)
    inputs = [vinfo("input_ids", TensorProto.INT64, [bd, sd]), vinfo("attention_mask", TensorProto.INT64, [bd, sd])]
    outputs = [vinfo("last_hidden_state", TensorProto.FLOAT, [bd, sd, HIDDEN]),
               vinfo("pooler_output", TensorProto.FLOAT, [bd, HIDDEN])]
    rng = np.random.default_rng(seed + 1)
    ids = rng.integers(1000, vocab, size=(1, seq), dtype=np.int64)
    ids[0, 0], ids[0, -17] = 101, 102  # [CLS] ... [SEP], then 16 padding positions
    ids[0, -16:] = 0
    am = np.ones((1, seq), np.int64)
    am[0, -16:] = 0
    return b, inputs, outputs, [ids, am]


def gpt2(tokens, past, layers, seed, sym=False):
    b = Builder(seed, sym)
    vocab, n_ctx = 50257, 1024
    total = past + tokens
    wte = b.weight("transformer.wte.weight", (vocab, HIDDEN))
    x = b.node("Gather", [wte, "input_ids"], "/transformer/wte", axis=0)
    wpe = b.weight("transformer.wpe.weight", (n_ctx, HIDDEN))
    if sym:  # positions past .. past + tokens from the inputs' dims
        top = "/transformer"
        scalar = lambda v: b.node("Squeeze", [v, b.const([0], np.int64)], top)
        start = b.dim("past_key_values.0.key", 2, top) if past else b.const([0], np.int64)
        end = b.node("Add", [start, b.dim("input_ids", 1, top)], top)
        q_pos = b.node("Range", [scalar(start), scalar(end), b.const(1, np.int64)], top)
        pos_ids = b.node("Unsqueeze", [q_pos, b.const([0], np.int64)], top)
    else:
        pos_ids = b.const(np.arange(past, total)[None, :], np.int64)
    pos = b.node("Gather", [wpe, pos_ids], "/transformer/wpe", axis=0)
    x = b.node("Add", [x, pos], "/transformer")
    mask = b.additive_mask("attention_mask", "/transformer")
    # The registered `bias` buffer: a lower-triangular bool [1,1,n_ctx,n_ctx], sliced per call at
    # rows [past, past + tokens) (with sym, bounds from the inputs' dims: a symbolic start).
    tri = b.const(np.tril(np.ones((n_ctx, n_ctx), bool))[None, None], np.bool_, name="transformer.h.attn.bias")
    if sym:
        starts = b.node("Concat", [start, b.const([0], np.int64)], top, axis=0)
        ends = b.node("Concat", [end, end], top, axis=0)
    else:
        starts, ends = b.const([past, 0], np.int64), b.const([total, total], np.int64)
    causal = b.node("Slice", [tri, starts, ends, b.const([2, 3], np.int64), b.const([1, 1], np.int64)],
                    "/transformer/h.0/attn")
    bd, td, pd = (1, tokens, past)
    if sym:  # the dim_params optimum writes for a KV-cache decoder
        bd, td, pd = "batch_size", "sequence_length", "past_sequence_length"
        total = f"{pd} + {td}" if past else td
    inputs = [vinfo("input_ids", TensorProto.INT64, [bd, td]), vinfo("attention_mask", TensorProto.INT64, [bd, total])]
    outputs = [vinfo("logits", TensorProto.FLOAT, [bd, td, vocab])]
    presents = []
    for i in range(layers):
        s = f"/transformer/h.{i}"
        h = b.layer_norm(x, f"{s}/ln_1", 1e-5)
        qkv = b.conv1d(h, f"{s}/attn/c_attn", tokens, HIDDEN, 3 * HIDDEN)
        q, k, v = b.node("Split", [qkv, b.const([HIDDEN] * 3, np.int64)], f"{s}/attn", n_out=3, axis=2)
        q, k, v = (b.split_heads(t, f"{s}/attn", tokens) for t in (q, k, v))
        if past:
            pk, pv = f"past_key_values.{i}.key", f"past_key_values.{i}.value"
            inputs += [vinfo(pk, TensorProto.FLOAT, [bd, HEADS, pd, HEAD_DIM]),
                       vinfo(pv, TensorProto.FLOAT, [bd, HEADS, pd, HEAD_DIM])]
            k = b.node("Concat", [pk, k], f"{s}/attn", axis=-2)
            v = b.node("Concat", [pv, v], f"{s}/attn", axis=-2)
        presents.append((k, v, i))
        a = b.attention_core(q, k, v, f"{s}/attn", tokens, additive=mask, causal=causal)
        a = b.conv1d(a, f"{s}/attn/c_proj", tokens, HIDDEN, HIDDEN)
        x = b.node("Add", [a, x], s)
        h = b.layer_norm(x, f"{s}/ln_2", 1e-5)
        h = b.gelu_tanh(b.conv1d(h, f"{s}/mlp/c_fc", tokens, HIDDEN, FFN), f"{s}/mlp/act")
        h = b.conv1d(h, f"{s}/mlp/c_proj", tokens, FFN, HIDDEN)
        x = b.node("Add", [x, h], s)
    x = b.layer_norm(x, "/transformer/ln_f", 1e-5)
    # lm_head is tied to wte; constant folding leaves its transpose as a second initializer.
    wte_t = numpy_helper.to_array(next(t for t in b.inits if t.name == wte)).T.copy()
    b.inits.append(numpy_helper.from_array(wte_t, "onnx::MatMul_lm_head"))
    logits = b.node("MatMul", [x, "onnx::MatMul_lm_head"], "/lm_head")
    b.rename_output(logits, "logits")
    for k, v, i in presents:  # the Concat (decode) or Transpose (prefill) writes the output
        for t, kind in ((k, "key"), (v, "value")):
            outputs.append(vinfo(b.rename_output(t, f"present.{i}.{kind}"), TensorProto.FLOAT,
                                 [bd, HEADS, total, HEAD_DIM]))
    rng = np.random.default_rng(seed + 1)
    data = [rng.integers(0, vocab, size=(1, tokens), dtype=np.int64), np.ones((1, past + tokens), np.int64)]
    for i in range(layers if past else 0):
        for _ in range(2):
            data.append((rng.standard_normal((1, HEADS, past, HEAD_DIM)) * 0.5).astype(np.float32))
    return b, inputs, outputs, data


def vit(layers, seed, image=224, patch=16):
    b = Builder(seed)
    grid = image // patch
    tokens = grid * grid + 1
    x = b.node("Conv", ["pixel_values", b.weight("embeddings.patch_embeddings.projection.weight", (HIDDEN, 3, patch, patch)),
                        b.weight("embeddings.patch_embeddings.projection.bias", (HIDDEN,))],
               "/embeddings/patch_embeddings/projection", dilations=[1, 1], group=1,
               kernel_shape=[patch, patch], pads=[0, 0, 0, 0], strides=[patch, patch])
    x = b.node("Reshape", [x, b.const([1, HIDDEN, grid * grid], np.int64)], "/embeddings/patch_embeddings")
    x = b.node("Transpose", [x], "/embeddings/patch_embeddings", perm=[0, 2, 1])
    cls = b.node("Expand", [b.weight("embeddings.cls_token", (1, 1, HIDDEN)), b.const([1, 1, 1], np.int64)], "/embeddings")
    x = b.node("Concat", [cls, x], "/embeddings", axis=1)
    x = b.node("Add", [x, b.weight("embeddings.position_embeddings", (1, tokens, HIDDEN))], "/embeddings")
    for i in range(layers):
        s = f"/encoder/layer.{i}"
        h = b.layer_norm(x, f"{s}/layernorm_before", 1e-12)
        q = b.split_heads(b.linear(h, f"{s}/attention/attention/query", HIDDEN, HIDDEN), f"{s}/attention/attention", tokens)
        k = b.split_heads(b.linear(h, f"{s}/attention/attention/key", HIDDEN, HIDDEN), f"{s}/attention/attention", tokens)
        v = b.split_heads(b.linear(h, f"{s}/attention/attention/value", HIDDEN, HIDDEN), f"{s}/attention/attention", tokens)
        a = b.attention_core(q, k, v, f"{s}/attention/attention", tokens)
        a = b.linear(a, f"{s}/attention/output/dense", HIDDEN, HIDDEN)
        x = b.node("Add", [a, x], s)
        h = b.layer_norm(x, f"{s}/layernorm_after", 1e-12)
        h = b.gelu_erf(b.linear(h, f"{s}/intermediate/dense", HIDDEN, FFN), f"{s}/intermediate/intermediate_act_fn")
        h = b.linear(h, f"{s}/output/dense", FFN, HIDDEN)
        x = b.node("Add", [h, x], f"{s}/output")
    x = b.layer_norm(x, "/layernorm", 1e-12)
    pooled = b.pooler(x, "/pooler")
    b.rename_output(x, "last_hidden_state")
    b.rename_output(pooled, "pooler_output")
    inputs = [vinfo("pixel_values", TensorProto.FLOAT, [1, 3, image, image])]
    outputs = [vinfo("last_hidden_state", TensorProto.FLOAT, [1, tokens, HIDDEN]),
               vinfo("pooler_output", TensorProto.FLOAT, [1, HIDDEN])]
    rng = np.random.default_rng(seed + 1)
    return b, inputs, outputs, [rng.standard_normal((1, 3, image, image)).astype(np.float32)]


def gemm(k, n, seed, rows=128):
    b = Builder(seed)
    y = b.node("MatMul", ["x", b.weight("onnx::MatMul_1001", (k, n))], "/dense")
    b.rename_output(y, "y")
    rng = np.random.default_rng(seed + 1)
    return (b, [vinfo("x", TensorProto.FLOAT, [1, rows, k])], [vinfo("y", TensorProto.FLOAT, [1, rows, n])],
            [rng.standard_normal((1, rows, k)).astype(np.float32)])


def causal_attention(tokens, seed):
    b = Builder(seed)
    bias = b.const(np.tril(np.ones((tokens, tokens), bool))[None, None], np.bool_, "bias")
    y = b.attention_core("q", "k", "v", "/attn", tokens, causal=bias)
    b.rename_output(y, "y")
    rng = np.random.default_rng(seed + 1)
    shape = [1, HEADS, tokens, HEAD_DIM]
    return (b, [vinfo(n, TensorProto.FLOAT, shape) for n in "qkv"],
            [vinfo("y", TensorProto.FLOAT, [1, tokens, HIDDEN])],
            [rng.standard_normal(shape).astype(np.float32) for _ in "qkv"])


def build_case(case, layers, sym=False):
    if case in GEMMS:
        k, n = GEMMS[case]
        return gemm(k, n, 4000), f"MatMul [1,128,{k}] x [{k},{n}] (constant weight)"
    if case == "attn_causal_2k":
        return causal_attention(2048, 4100), "causal attention core, 12 heads x 2048 tokens x 64"
    if sym and case not in SYM_CASES:
        raise SystemExit(f"make_models.py: no symbolic form of '{case}' (forms: {', '.join(SYM_CASES)})")
    if case == "bert_s128":
        return bert(128, layers, 1128, sym), "BERT-base encoder, batch 1, seq 128"
    if case == "bert_s384":
        return bert(384, layers, 1384), "BERT-base encoder, batch 1, seq 384"
    if case == "gpt2_prefill":
        return gpt2(128, 0, layers, 2000), "GPT-2 small, prefill of 128 tokens (logits + present KV)"
    if case == "gpt2_decode":
        return gpt2(1, 128, layers, 2000, sym), "GPT-2 small, one decode step at context 128 (past KV in, present KV out)"
    if case == "vit_b16":
        return vit(layers, 3224), "ViT-base/16, batch 1, 224x224"
    raise SystemExit(f"make_models.py: unknown case '{case}' (cases: {', '.join(CASES + KERNEL_CASES)})")


# --- FLOPs -------------------------------------------------------------------------------
def count_flops(graph_nodes, inits, inputs, outputs):
    """2 x multiply-adds of MatMul, Gemm and Conv, with shapes from ONNX shape inference.

    Inference runs on a skeleton: float weights become graph inputs (shape only), so the
    weights are not serialised again. Attention MatMuls count in full (no causal halving).
    """
    small = [t for t in inits if t.data_type != TensorProto.FLOAT or np.prod(t.dims) <= 1]
    big = [vinfo(t.name, t.data_type, list(t.dims)) for t in inits if t not in small]
    g = helper.make_graph(graph_nodes, "skeleton", inputs + big, outputs, small)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)])
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for t in small:
        shapes[t.name] = list(t.dims)
    flops = {"MatMul": 0, "Gemm": 0, "Conv": 0}
    for n in m.graph.node:
        if n.op_type == "MatMul":
            a, bsh, y = shapes[n.input[0]], shapes[n.input[1]], shapes[n.output[0]]
            flops["MatMul"] += 2 * int(np.prod(y)) * a[-1]
        elif n.op_type == "Gemm":
            a, y = shapes[n.input[0]], shapes[n.output[0]]
            trans_a = next((at.i for at in n.attribute if at.name == "transA"), 0)
            flops["Gemm"] += 2 * int(np.prod(y)) * (a[0] if trans_a else a[1])
        elif n.op_type == "Conv":
            w, y = shapes[n.input[1]], shapes[n.output[0]]
            flops["Conv"] += 2 * int(np.prod(y)) * int(np.prod(w[1:]))
    return flops


def write_case(case, layers, out_dir, sym=False):
    (b, inputs, outputs, data), description = build_case(case, layers)
    flops = count_flops(b.nodes, b.inits, inputs, outputs)
    static_outputs = outputs
    dims = {}
    if sym:
        # The symbolic form: FLOPs and output shapes from the static one (shape inference cannot
        # size it), each dim_param's value from the static input it names.
        static_inputs = inputs
        del b
        (b, inputs, outputs, data), description = build_case(case, layers, sym=True)
        for vs, vi in zip(static_inputs, inputs):
            for ds, dv in zip(vs.type.tensor_type.shape.dim, vi.type.tensor_type.shape.dim):
                if dv.dim_param.isidentifier():
                    dims[dv.dim_param] = ds.dim_value
        description += "; named dims " + ", ".join(dims)
    graph = helper.make_graph(b.nodes, f"kiln_bench_{case}", inputs, outputs, b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="kiln-bench", producer_version="1")
    model.ir_version = 8  # opset 17's IR version
    d = os.path.join(out_dir, case + ("_sym" if sym else ""))
    os.makedirs(os.path.join(d, "inputs"), exist_ok=True)
    path = os.path.join(d, "model.onnx")
    for stale in (path, path + ".data"):
        if os.path.exists(stale):
            os.remove(stale)
    external = model.ByteSize() > 2_000_000_000 - 64 * 2**20
    if external:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location="model.onnx.data", size_threshold=1024)
        onnx.checker.check_model(path)
    else:
        onnx.checker.check_model(model)
        onnx.save_model(model, path)
    ins = []
    for k, (vi, arr) in enumerate(zip(inputs, data)):
        f = os.path.join("inputs", f"{k}.bin")
        arr.astype(arr.dtype.newbyteorder("<")).tofile(os.path.join(d, f))
        ins.append({"name": vi.name, "dtype": str(arr.dtype), "shape": list(arr.shape), "file": f})
    meta = {
        "case": case, "description": description, "layers": layers, "opset": OPSET,
        "params": int(b.params), "nodes": len(b.nodes), "external_data": external,
        "flops": int(sum(flops.values())), "flops_by_op": flops,
        "inputs": ins,
        "outputs": [{"name": vi.name, "shape": [x.dim_value for x in vi.type.tensor_type.shape.dim]}
                    for vi in static_outputs],
    }
    if sym:
        meta["dims"] = dims
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    size = os.path.getsize(path) + (os.path.getsize(path + ".data") if external else 0)
    print(f"{os.path.basename(d)}: {len(b.nodes)} nodes, {b.params / 1e6:.1f}M params, {meta['flops'] / 1e9:.2f} GFLOP, "
          f"{size / 2**20:.0f} MiB -> {path}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="folder for CASE/ subfolders")
    p.add_argument("--layers", type=int, default=12, help="transformer layers (12 for the real models)")
    p.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of: " + ", ".join(CASES + KERNEL_CASES))
    p.add_argument("--symbolic", action="store_true",
                   help="write the symbolic forms instead (CASE_sym/; cases: " + ", ".join(SYM_CASES) + ")")
    args = p.parse_args()
    for case in [c for c in args.cases.split(",") if c]:
        write_case(case, args.layers, args.out, args.symbolic)


if __name__ == "__main__":
    sys.exit(main())
