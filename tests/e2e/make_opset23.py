#!/usr/bin/env python3
"""Writes tests/e2e/data/opset23_*: the opset 23 RMSNormalization,
RotaryEmbedding and Attention ops (compiler/Import/Onnx/Opset23Ops.cpp), with
onnxruntime 1.30's outputs as the reference. Debian's onnx predates opset 23,
so the models skip its checker; each output is also checked here against a
numpy reading of the spec, so a case that onnxruntime and the spec disagree
on stops the script (onnxruntime aligns is_causal to the last key, repeats
each KV head for consecutive query heads, applies softcap before the mask and
gives 0 for a fully masked row: the numpy below does the same).

  opset23_rms_norm   axis -1 and axis 2 (two normalised dims, a 2-D scale);
                     batch and seq are dim_params (also run --symbolic-dims)
  opset23_rotary     4-D and 3-D X, interleaved and not, partial rotary dim,
                     with position_ids and with per-token caches
  opset23_mha        3-D Q/K/V, 4 heads, is_causal; and with a past and a 2-D
                     float mask, present_key/value (onnxruntime
                     needs present_value whenever past_value is given)
  opset23_gqa        3-D, 8 query heads over 2 KV heads, is_causal (one
                     kernel.attention: tests/e2e/CMakeLists.txt checks)
  opset23_masks      4-D: a float mask with a fully masked row, a bool mask
                     with softcap and a scale
  opset23_past       4-D GQA with past_key/past_value, is_causal, and the
                     present_key/present_value outputs

  /usr/bin/python3 tests/e2e/make_opset23.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from ort_case import write_case

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(23)
F32, BOOL, I64 = TensorProto.FLOAT, TensorProto.BOOL, TensorProto.INT64


def vi(name, shape, t=F32):
    return helper.make_tensor_value_info(name, t, shape)


def case(name, nodes, inputs, outputs, expected, inits=(), lead=()):
    """`inputs`: (name, array); `outputs`: (name, shape); `expected`: numpy
    outputs in the same order, held to the driver's tolerance. `lead` names
    the leading dims of every input and output (dim_params)."""
    types = {np.dtype(np.float32): F32, np.dtype(bool): BOOL, np.dtype(np.int64): I64}
    dims = lambda shape: list(lead) + list(shape)[len(lead):]
    graph = helper.make_graph(nodes, name, [vi(n, dims(a.shape), types[a.dtype]) for n, a in inputs],
                              [vi(n, dims(s)) for n, s in outputs], list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 23)])
    model.ir_version = 10
    got = write_case(model, inputs, os.path.join(here, "data", name), check=False)
    for (oname, _), g, e in zip(outputs, got, expected):
        err = np.abs(g - e).max()
        assert np.allclose(g, e, atol=1e-4, rtol=1e-3), f"{name}: {oname}: onnxruntime vs numpy {err}"


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


# RMSNormalization ---------------------------------------------------------
def rms(x, g, axis, eps):
    axes = tuple(range(axis, x.ndim))
    return x / np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + eps) * g


x = randn(2, 5, 4, 16) * 3 + 0.5
g1, g2 = 1 + 0.1 * randn(16), 1 + 0.1 * randn(4, 16)
case("opset23_rms_norm",
     [helper.make_node("RMSNormalization", ["x", "g1"], ["y1"], epsilon=1e-6),
      helper.make_node("RMSNormalization", ["x", "g2"], ["y2"], axis=2)],
     [("x", x)], [("y1", x.shape), ("y2", x.shape)],
     [rms(x, g1, 3, 1e-6), rms(x, g2, 2, 1e-5)],
     [numpy_helper.from_array(g1, "g1"), numpy_helper.from_array(g2, "g2")], lead=("batch", "seq"))


# RotaryEmbedding ----------------------------------------------------------
def rotary(x, cos, sin, pos, interleaved, rot=0, heads=0):
    """The spec's reference: x [B,H,S,D] or [B,S,H*D]."""
    shape = x.shape
    x = x.transpose(0, 2, 1, 3) if x.ndim == 4 else x.reshape(shape[0], shape[1], heads, -1)
    rot = rot or x.shape[3]
    if pos is not None:
        cos, sin = cos[pos], sin[pos]
    cos, sin = cos[:, :, None, :rot // 2], sin[:, :, None, :rot // 2]
    xr, rest = x[..., :rot], x[..., rot:]
    x1, x2 = (xr[..., 0::2], xr[..., 1::2]) if interleaved else np.split(xr, 2, axis=-1)
    real, imag = cos * x1 - sin * x2, sin * x1 + cos * x2
    xr = np.stack([real, imag], -1).reshape(xr.shape) if interleaved else np.concatenate([real, imag], -1)
    y = np.concatenate([xr, rest], -1)
    return y.transpose(0, 2, 1, 3) if len(shape) == 4 else y.reshape(shape)


B, H, S, D, MAXPOS = 2, 3, 5, 16, 32
freq = 1.0 / 10000 ** (np.arange(0, D, 2) / D)
ang = np.arange(MAXPOS)[:, None] * freq[None, :]
cos, sin = np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)  # [MAXPOS, D/2]
pos = rng.integers(0, MAXPOS, (B, S)).astype(np.int64)
x4, x3 = randn(B, H, S, D), randn(B, S, H * D)
cos8, sin8 = cos[:, :4].copy(), sin[:, :4].copy()  # rot 8: the caches hold rot/2 columns
ctok, stok = cos8[pos], sin8[pos]  # per-token caches [B, S, rot/2]
R = "RotaryEmbedding"
case("opset23_rotary",
     [helper.make_node(R, ["x4", "cos", "sin", "pos"], ["r1"]),
      helper.make_node(R, ["x3", "cos", "sin", "pos"], ["r2"], interleaved=1, num_heads=H),
      helper.make_node(R, ["x4", "cos8", "sin8", "pos"], ["r3"], rotary_embedding_dim=8),
      helper.make_node(R, ["x3", "ctok", "stok"], ["r4"], interleaved=1, num_heads=H, rotary_embedding_dim=8),
      helper.make_node(R, ["x4", "ctok", "stok"], ["r5"], rotary_embedding_dim=8)],
     [("x4", x4), ("x3", x3), ("pos", pos), ("ctok", ctok), ("stok", stok)],
     [("r1", x4.shape), ("r2", x3.shape), ("r3", x4.shape), ("r4", x3.shape), ("r5", x4.shape)],
     [rotary(x4, cos, sin, pos, 0), rotary(x3, cos, sin, pos, 1, heads=H),
      rotary(x4, cos8, sin8, pos, 0, rot=8), rotary(x3, ctok, stok, None, 1, rot=8, heads=H),
      rotary(x4, ctok, stok, None, 0, rot=8)],
     [numpy_helper.from_array(a, n) for n, a in [("cos", cos), ("sin", sin), ("cos8", cos8), ("sin8", sin8)]])


# Attention ----------------------------------------------------------------
def softmax(s):
    with np.errstate(invalid="ignore"):
        e = np.exp(s - s.max(-1, keepdims=True))
        p = e / e.sum(-1, keepdims=True)
    return np.where(np.isnan(p), 0, p)


def attention(q, k, v, mask=None, causal=False, past=None, scale=None, softcap=0.0, heads=None):
    """q [B,Hq,Sq,D], k/v [B,Hkv,S,*] (or 3-D with heads = (Hq, Hkv)); returns
    (y, present_k, present_v)."""
    three = q.ndim == 3
    if three:
        split = lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1).transpose(0, 2, 1, 3)
        q, k, v = split(q, heads[0]), split(k, heads[1]), split(v, heads[1])
    if past is not None:
        k, v = np.concatenate([past[0], k], 2), np.concatenate([past[1], v], 2)
    g = q.shape[1] // k.shape[1]
    kr, vr = np.repeat(k, g, axis=1), np.repeat(v, g, axis=1)
    s = q @ kr.transpose(0, 1, 3, 2) * (scale if scale is not None else 1 / np.sqrt(q.shape[3]))
    if softcap:
        s = softcap * np.tanh(s / softcap)
    Sq, T = s.shape[2], s.shape[3]
    if causal:
        s = s + np.triu(np.full((Sq, T), -np.inf, np.float32), T - Sq + 1)
    if mask is not None:
        s = s + (np.where(mask, 0, -np.inf) if mask.dtype == bool else mask)
    y = softmax(s) @ vr
    if three:
        y = y.transpose(0, 2, 1, 3).reshape(y.shape[0], Sq, -1)
    return y, k, v


A = "Attention"
# MHA, 3-D: causal; and over a past of 4 with a 2-D float mask [Sq, T].
B, S, H, D, P = 2, 7, 4, 16, 4
q, k, v = randn(B, S, H * D), randn(B, S, H * D), randn(B, S, H * D)
pk, pv, pmask = randn(B, H, P, D), randn(B, H, P, D), randn(S, P + S)
y2, prk, prv = attention(q, k, v, mask=pmask, past=(pk, pv), heads=(H, H))
case("opset23_mha",
     [helper.make_node(A, ["q", "k", "v"], ["y"], is_causal=1, q_num_heads=H, kv_num_heads=H),
      helper.make_node(A, ["q", "k", "v", "pmask", "pk", "pv"], ["y2", "present_k", "present_v"], q_num_heads=H, kv_num_heads=H)],
     [("q", q), ("k", k), ("v", v), ("pmask", pmask), ("pk", pk), ("pv", pv)],
     [("y", (B, S, H * D)), ("y2", (B, S, H * D)), ("present_k", (B, H, P + S, D)),
      ("present_v", (B, H, P + S, D))],
     [attention(q, k, v, causal=True, heads=(H, H))[0], y2, prk, prv])

# GQA through kv_num_heads, 3-D, causal.
B, S, HQ, HKV, D = 1, 11, 8, 2, 16
q, k, v = randn(B, S, HQ * D), randn(B, S, HKV * D), randn(B, S, HKV * D)
case("opset23_gqa", [helper.make_node(A, ["q", "k", "v"], ["y"], is_causal=1, q_num_heads=HQ, kv_num_heads=HKV)],
     [("q", q), ("k", k), ("v", v)], [("y", (B, S, HQ * D))],
     [attention(q, k, v, causal=True, heads=(HQ, HKV))[0]])

# Masks, 4-D: float [B,1,Sq,T] with padding and a fully masked row; bool
# [Sq,T] with softcap and an explicit scale.
B, H, SQ, T, D = 2, 3, 6, 9, 8
q, k, v = randn(B, H, SQ, D) * 2, randn(B, H, T, D) * 2, randn(B, H, T, D)
fmask = randn(B, 1, SQ, T)
fmask[:, :, :, T - 2:] = -np.inf
fmask[1, 0, 3, :] = -np.inf
bmask = rng.random((SQ, T)) < 0.7
bmask[:, 0] = True
case("opset23_masks",
     [helper.make_node(A, ["q", "k", "v", "fmask"], ["y1"]),
      helper.make_node(A, ["q", "k", "v", "bmask"], ["y2"], softcap=3.0, scale=0.5)],
     [("q", q), ("k", k), ("v", v), ("fmask", fmask), ("bmask", bmask)],
     [("y1", (B, H, SQ, D)), ("y2", (B, H, SQ, D))],
     [attention(q, k, v, mask=fmask)[0], attention(q, k, v, mask=bmask, softcap=3.0, scale=0.5)[0]])

# A decode-style step: 4-D GQA (4 query heads, 2 KV heads), 3 new tokens after
# a past of 5, causal, with present_key/present_value.
B, HQ, HKV, SQ, P, D = 1, 4, 2, 3, 5, 8
q, k, v = randn(B, HQ, SQ, D), randn(B, HKV, SQ, D), randn(B, HKV, SQ, D)
pk, pv = randn(B, HKV, P, D), randn(B, HKV, P, D)
y, prk, prv = attention(q, k, v, causal=True, past=(pk, pv))
case("opset23_past", [helper.make_node(A, ["q", "k", "v", "", "pk", "pv"], ["y", "present_k", "present_v"],
                                       is_causal=1)],
     [("q", q), ("k", k), ("v", v), ("pk", pk), ("pv", pv)],
     [("y", (B, HQ, SQ, D)), ("present_k", (B, HKV, P + SQ, D)), ("present_v", (B, HKV, P + SQ, D))],
     [y, prk, prv])
