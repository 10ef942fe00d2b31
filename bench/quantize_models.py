#!/usr/bin/python3
"""Writes the quantized forms of the benchmark's fp32 models, and checks them in onnxruntime.

    /usr/bin/python3 bench/quantize_models.py --models bench/models/L12 [--cases bert_s128,...]
    /usr/bin/python3 bench/quantize_models.py --models bench/models/L2 --accuracy
    /usr/bin/python3 bench/quantize_models.py --check-nbits

Forms (each beside its fp32 case, CASE_<form>/model.onnx with a meta.json whose inputs
point at the fp32 case's input files):

  mmi    every MatMul and Gemm whose B is a constant 2-D float weight becomes what
         onnxruntime's quantize_dynamic(..., per_channel=True, weight_type=QInt8) writes:
         DynamicQuantizeLinear(x) (one per activation, shared by its consumers) ->
         MatMulInteger(x_q, W_q, x_zp, W_zp) with per-column symmetric int8 weights
         (scale = max|W[:, n]| / 127, W_q = clip(rint(W / scale), -127, 127), W_zp zeros
         of shape [N]) -> Cast(to float) -> Mul by Mul(x_scale, W_scale) -> the Gemm's
         bias Add. Gemm's transB is folded into the stored weight and alpha into W_scale.
         Node names are the original's with onnxruntime's suffixes (_quant, _cast,
         _scales_mul, _output_scale_mul, _bias_add). Conv (ViT's patch embedding) stays
         fp32. Gemm is rewritten too, although onnxruntime's dynamic quantizer leaves it
         alone: GPT-2's Conv1D layers are Gemms, and without them the two sides would not
         do the same weight work.
  nbits  (GPT-2 decode) the same MatMuls and Gemms as com.microsoft MatMulNBits, bits=4,
         block_size 32 along K, asymmetric as onnxruntime's MatMul4BitsQuantizer writes by
         default: per block scale = (max(0, max) - min(0, min)) / 15, zero point
         rint(-min / scale) in [0, 15]. B is uint8 [N, K/32, 16] (two values a byte, the
         lower K index in the low nibble), scales float [N * K/32], zero points uint8
         packed the same way, [N * ceil(K/32 / 2)]. The bias stays a separate Add.

--accuracy runs onnxruntime (bench/ort_driver.js) on each fp32 case and its quantized
forms with the case's inputs and prints, per output, the cosine similarity and the max
abs difference against fp32. --check-nbits builds one MatMulNBits node from a random
weight, runs it in onnxruntime and compares with the fp32 product of the input and the
dequantized weight (numpy): it fails loudly when the packing is wrong.
Needs Debian's python3-onnx and python3-numpy, node and tools/oracle's onnxruntime-node.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BENCH = os.path.dirname(os.path.abspath(__file__))
MMI_CASES = ("bert_s128", "vit_b16", "gpt2_prefill", "gpt2_decode")
NBITS_CASES = ("gpt2_decode",)
FORMS = {"mmi": MMI_CASES, "nbits": NBITS_CASES}
BLOCK, BITS = 32, 4
MS_DOMAIN = "com.microsoft"


# --- the weights -------------------------------------------------------------------------
def quantize_per_column(w):
    """Symmetric int8 per column of w [K, N]: onnxruntime's qmin/qmax for symmetric QInt8 is -127..127."""
    absmax = np.maximum(np.abs(w).max(axis=0), 0).astype(np.float32)
    scale = (absmax / np.float32(127)).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def quantize_blocks(w, block=BLOCK):
    """4-bit asymmetric blocks along K of w [K, N]; returns (q [N, nb, block] in 0..15, scale [N, nb], zp [N, nb])."""
    k, n = w.shape
    nb = -(-k // block)
    wt = np.zeros((n, nb * block), np.float32)
    wt[:, :k] = w.T
    blocks = wt.reshape(n, nb, block)
    lo = np.minimum(blocks.min(axis=2), 0)
    hi = np.maximum(blocks.max(axis=2), 0)
    scale = ((hi - lo) / np.float32(15)).astype(np.float32)
    scale[scale == 0] = 1.0
    zp = np.clip(np.rint(-lo / scale), 0, 15).astype(np.uint8)
    q = np.clip(np.rint(blocks / scale[..., None]) + zp[..., None], 0, 15).astype(np.uint8)
    return q, scale, zp


def pack_nibbles(q):
    """[..., 2m] values in 0..15 -> [..., m] bytes, element 2j in the low nibble (an odd tail padded with 0)."""
    if q.shape[-1] % 2:
        q = np.concatenate([q, np.zeros(q.shape[:-1] + (1,), np.uint8)], axis=-1)
    return (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)


def dequantize_blocks(q, scale, zp, k):
    """The fp32 weight [K, N] that MatMulNBits multiplies by: (q - zp) * scale."""
    w = (q.astype(np.float32) - zp[..., None].astype(np.float32)) * scale[..., None]
    return w.reshape(w.shape[0], -1)[:, :k].T.copy()


# --- the graph rewriting -----------------------------------------------------------------
def attr(node, name, default):
    return next((helper.get_attribute_value(a) for a in node.attribute if a.name == name), default)


def weight_matmul(node, inits):
    """(W [K, N] float32, alpha, bias name or None) for a MatMul/Gemm with a constant 2-D B, else None."""
    if node.op_type not in ("MatMul", "Gemm") or len(node.input) < 2 or node.input[1] not in inits:
        return None
    t = inits[node.input[1]]
    if t.data_type != TensorProto.FLOAT or len(t.dims) != 2:
        return None
    w = numpy_helper.to_array(t)
    if node.op_type == "MatMul":
        return w, 1.0, None
    if attr(node, "transA", 0) or (len(node.input) > 2 and node.input[2] and attr(node, "beta", 1.0) != 1.0):
        return None  # not in the bench models; left in fp32 rather than half-handled
    if attr(node, "transB", 0):
        w = w.T
    return np.ascontiguousarray(w), float(attr(node, "alpha", 1.0)), (node.input[2] if len(node.input) > 2 and node.input[2] else None)


class Rewriter:
    """Rebuilds a graph's node list, replacing weight MatMuls/Gemms; shared state for both forms."""

    def __init__(self, model):
        self.model = model
        self.graph = model.graph
        self.inits = {t.name: t for t in self.graph.initializer}
        self.new_inits = []
        self.nodes = []
        self.done = {}  # (weight, transB, alpha) -> names of its quantized initializers
        self.replaced = 0

    def add_init(self, array, name):
        self.new_inits.append(numpy_helper.from_array(array, name))
        return name

    def finish(self):
        used = {i for n in self.nodes for i in n.input} | {o.name for o in self.graph.output}
        kept = [t for t in self.graph.initializer if t.name in used]
        del self.graph.node[:]
        self.graph.node.extend(self.nodes)
        del self.graph.initializer[:]
        self.graph.initializer.extend(kept + self.new_inits)
        return self.model


def to_matmulinteger(model):
    r = Rewriter(model)
    dql = {}  # activation -> (quantized, scale, zero point)
    for node in r.graph.node:
        found = weight_matmul(node, r.inits)
        if found is None:
            r.nodes.append(node)
            continue
        w, alpha, bias = found
        x, wname, name, y = node.input[0], node.input[1], node.name, node.output[0]
        key = (wname, attr(node, "transB", 0), alpha)
        if key not in r.done:
            q, scale = quantize_per_column(w)
            tag = wname + ("_T" if key[1] else "")
            r.done[key] = (r.add_init(q, f"{tag}_quantized"),
                           r.add_init((scale * np.float32(alpha)).astype(np.float32), f"{tag}_scale"),
                           r.add_init(np.zeros(w.shape[1], np.int8), f"{tag}_zero_point"))
        wq, ws, wzp = r.done[key]
        if x not in dql:  # one per activation, before its first consumer, as onnxruntime's tool does
            dql[x] = (f"{x}_quantized", f"{x}_scale", f"{x}_zero_point")
            r.nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(dql[x]), name=f"{x}_QuantizeLinear"))
        xq, xs, xzp = dql[x]
        acc = f"{y}_output_quantized"
        r.nodes.append(helper.make_node("MatMulInteger", [xq, wq, xzp, wzp], [acc], name=f"{name}_quant"))
        r.nodes.append(helper.make_node("Cast", [acc], [f"{acc}_cast_output"], name=f"{name}_cast", to=TensorProto.FLOAT))
        r.nodes.append(helper.make_node("Mul", [xs, ws], [f"{name}_scales_mul_output"], name=f"{name}_scales_mul"))
        scaled = f"{y}_scaled" if bias else y
        r.nodes.append(helper.make_node("Mul", [f"{acc}_cast_output", f"{name}_scales_mul_output"], [scaled],
                                        name=f"{name}_output_scale_mul"))
        if bias:
            r.nodes.append(helper.make_node("Add", [scaled, bias], [y], name=f"{name}_bias_add"))
        r.replaced += 1
    return r.finish(), r.replaced


def nbits_node(a, b, scales, zp, y, name, k, n):
    return helper.make_node("MatMulNBits", [a, b, scales, zp], [y], name=name, domain=MS_DOMAIN,
                            K=k, N=n, bits=BITS, block_size=BLOCK)


def nbits_initializers(r, tag, w, alpha):
    q, scale, zp = quantize_blocks(w)
    n, nb, _ = q.shape
    return (r.add_init(pack_nibbles(q), f"{tag}_Q4"),
            r.add_init((scale * np.float32(alpha)).reshape(n * nb), f"{tag}_scales"),
            r.add_init(pack_nibbles(zp).reshape(-1), f"{tag}_zero_points"))


def to_matmulnbits(model):
    r = Rewriter(model)
    for node in r.graph.node:
        found = weight_matmul(node, r.inits)
        if found is None:
            r.nodes.append(node)
            continue
        w, alpha, bias = found
        wname, name, y = node.input[1], node.name, node.output[0]
        key = (wname, attr(node, "transB", 0), alpha)
        if key not in r.done:
            r.done[key] = nbits_initializers(r, wname + ("_T" if key[1] else ""), w, alpha)
        out = f"{y}_nbits" if bias else y
        r.nodes.append(nbits_node(node.input[0], *r.done[key], out, f"{name}_Q4", w.shape[0], w.shape[1]))
        if bias:
            r.nodes.append(helper.make_node("Add", [out, bias], [y], name=f"{name}_bias_add"))
        r.replaced += 1
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return r.finish(), r.replaced


# --- writing the forms -------------------------------------------------------------------
def write_form(models, case, form):
    src = os.path.join(models, case)
    dst = os.path.join(models, f"{case}_{form}")
    model = onnx.load(os.path.join(src, "model.onnx"))
    model, replaced = (to_matmulinteger if form == "mmi" else to_matmulnbits)(model)
    if form == "mmi":
        onnx.checker.check_model(model)  # the checker has no schema for com.microsoft ops
    os.makedirs(dst, exist_ok=True)
    path = os.path.join(dst, "model.onnx")
    onnx.save_model(model, path)
    meta = json.load(open(os.path.join(src, "meta.json")))
    meta.update(case=f"{case}_{form}", form=form, fp32_case=case, nodes=len(model.graph.node),
                quantized_matmuls=replaced)
    for t in meta["inputs"]:  # the fp32 case's input files, relative to this meta.json
        t["file"] = os.path.join("..", case, t["file"])
    with open(os.path.join(dst, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(f"{case}_{form}: {replaced} MatMul/Gemm rewritten, {len(model.graph.node)} nodes, "
          f"{os.path.getsize(path) / 2**20:.0f} MiB -> {path}", flush=True)
    return dst


def ensure_forms(models, cases, forms):
    """Writes CASE_<form> for each requested pair whose model is missing or older than the fp32 one."""
    out = []
    for form in forms:
        for case in cases:
            if case not in FORMS[form]:
                continue
            src = os.path.join(models, case, "model.onnx")
            dst = os.path.join(models, f"{case}_{form}", "model.onnx")
            if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
                write_form(models, case, form)
            out.append(f"{case}_{form}")
    return out


# --- running onnxruntime -----------------------------------------------------------------
def ort_outputs(model_dir, threads=1):
    """Runs bench/ort_driver.js once on model_dir's model and inputs; returns its outputs as float32 arrays."""
    meta = json.load(open(os.path.join(model_dir, "meta.json")))
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["node", os.path.join(BENCH, "ort_driver.js"), os.path.join(model_dir, "model.onnx"),
               os.path.join(model_dir, "meta.json"), "--threads", str(threads)]
        p = subprocess.run(cmd, input=f"run 1\nout {tmp}\nquit\n", capture_output=True, text=True)
        if "error" in p.stdout or p.returncode:
            raise RuntimeError(f"onnxruntime on {model_dir}: {p.stdout.strip()} {p.stderr.strip()[-500:]}")
        return [np.fromfile(os.path.join(tmp, f"{i}.bin"), np.float32).reshape(o["shape"])
                for i, o in enumerate(meta["outputs"])]


def cosine(a, b):
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    d = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / d) if d else float("nan")


def accuracy(models, cases, forms):
    rows = []
    for case in cases:
        ref = None
        for form in forms:
            if case not in FORMS[form]:
                continue
            ref = ref if ref is not None else ort_outputs(os.path.join(models, case))
            got = ort_outputs(os.path.join(models, f"{case}_{form}"))
            names = [o["name"] for o in json.load(open(os.path.join(models, case, "meta.json")))["outputs"]]
            for name, a, b in zip(names, got, ref):
                if name.startswith("present."):
                    continue  # the KV outputs follow from the same MatMuls; logits and hidden states say it
                rows.append((f"{case}_{form}", name, cosine(a, b), float(np.abs(a - b).max())))
                print(f"{case + '_' + form:18s} {name:18s} cosine vs fp32 {rows[-1][2]:.6f}  max abs {rows[-1][3]:.4g}", flush=True)
    return rows


def check_nbits(m=4, k=768, n=3072, seed=14):
    """One MatMulNBits in onnxruntime against x @ dequantize(packed W) in numpy."""
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((k, n)) * 0.02).astype(np.float32)
    x = rng.standard_normal((1, m, k)).astype(np.float32)
    q, scale, zp = quantize_blocks(w)
    nb = q.shape[1]
    inits = [numpy_helper.from_array(pack_nibbles(q), "B"), numpy_helper.from_array(scale.reshape(-1), "scales"),
             numpy_helper.from_array(pack_nibbles(zp).reshape(-1), "zp")]
    assert inits[0].dims == [n, nb, BLOCK // 2] and inits[2].dims == [n * -(-nb // 2)]
    g = helper.make_graph([nbits_node("x", "B", "scales", "zp", "y", "nbits", k, n)], "nbits_check",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, m, k])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, m, n])], inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS_DOMAIN, 1)])
    model.ir_version = 8
    want = x.astype(np.float64) @ dequantize_blocks(q, scale, zp, k).astype(np.float64)
    with tempfile.TemporaryDirectory() as tmp:
        onnx.save_model(model, os.path.join(tmp, "model.onnx"))
        x.tofile(os.path.join(tmp, "x.bin"))
        with open(os.path.join(tmp, "meta.json"), "w") as f:
            json.dump({"inputs": [{"name": "x", "dtype": "float32", "shape": [1, m, k], "file": "x.bin"}],
                       "outputs": [{"name": "y", "shape": [1, m, n]}]}, f)
        (got,) = ort_outputs(tmp)
    err = np.abs(got - want).max()
    tol = 1e-4 + 1e-4 * np.abs(want).max()
    fp32_err = np.abs(x.astype(np.float64) @ w - want).max()
    print(f"MatMulNBits packing check (x [1,{m},{k}] @ W [{k},{n}], 4-bit, block {BLOCK}): "
          f"max |ort - x @ dequant(W)| = {err:.3g} (tolerance {tol:.3g}); the quantization itself "
          f"moves the product by up to {fp32_err:.3g}")
    if not err <= tol:
        raise SystemExit("MatMulNBits packing check FAILED: onnxruntime reads the weight differently")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                epilog="Forms: mmi (MatMulInteger) for " + ", ".join(MMI_CASES)
                                       + "; nbits (MatMulNBits, 4-bit) for " + ", ".join(NBITS_CASES) + ".")
    p.add_argument("--models", help="folder with the fp32 cases (bench/make_models.py's --out)")
    p.add_argument("--cases", default=",".join(MMI_CASES), help="fp32 cases to quantize (default: all four)")
    p.add_argument("--forms", default="mmi,nbits", help="forms to write: mmi, nbits (default both)")
    p.add_argument("--force", action="store_true", help="rewrite forms that are already there")
    p.add_argument("--accuracy", action="store_true", help="then print each form's cosine against fp32 in onnxruntime")
    p.add_argument("--check-nbits", action="store_true", help="check the MatMulNBits packing on one MatMul in onnxruntime")
    args = p.parse_args()
    if args.check_nbits:
        check_nbits()
    if not args.models:
        if not args.check_nbits:
            p.error("--models is required")
        return
    cases = [c for c in args.cases.split(",") if c]
    forms = [f for f in args.forms.split(",") if f]
    for f in forms:
        if f not in FORMS:
            p.error(f"unknown form '{f}' (forms: {', '.join(FORMS)})")
    for c in cases:
        if not os.path.exists(os.path.join(args.models, c, "model.onnx")):
            p.error(f"{c}: no fp32 model in {args.models} (bench/make_models.py writes it)")
        if args.force:
            for f in forms:
                if c in FORMS[f]:
                    write_form(args.models, c, f)
    if not args.force:
        ensure_forms(args.models, cases, forms)
    if args.accuracy:
        accuracy(args.models, cases, forms)


if __name__ == "__main__":
    sys.exit(main())
