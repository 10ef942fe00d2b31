#!/usr/bin/python3
"""kiln-compile --prune SPEC --emit-onnx, checked with numpy and onnx.

    check_prune.py --kiln-compile BIN specs
        A small generated model (a MatMul with a ragged [13, 10] weight holding ties, zeros
        and a NaN; a Gemm with transB=1; a Gemm whose weight is in float_data; a MatMul whose
        weight is external data; an embedding Gather, a bias and a MatMul weight also read by
        an Identity, none of which may change) is pruned by each SPEC. Each pruned weight
        must equal this file's own reading of the rule (bit for bit), and show the rule's
        shape (the zero count; at most N nonzeros per group of M along K; whole blocks); the
        model must otherwise be unchanged; --stats names exactly the pruned weights.
    check_prune.py --kiln-compile BIN external-escape
        The external-data weight at '../w4.bin' is refused, naming it; nothing is written.
    check_prune.py --kiln-compile BIN truncated
        A weight with 4 bytes of raw_data missing is refused, naming it; nothing is written.
    check_prune.py --kiln-compile BIN report MODEL_DIR
        --prune --report --calibrate MODEL_DIR compares the pruned build with the dense model.
    check_prune.py --kiln-compile BIN --kiln-run BIN --oracle run.js real MODEL_DIR SPEC
        A real model pruned with --emit-onnx runs in onnxruntime (the oracle), and Kiln's
        build of the pruned model matches onnxruntime's outputs on it (kiln-run).
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

K, N1, N2, N3 = 13, 10, 6, 8  # K and N1 leave ragged groups and blocks for M = 4
SPECS = ["magnitude:50%", "magnitude:70%", "magnitude:0%", "magnitude:100%", "nm:2:4", "nm:1:3",
         "block:4x1:70%", "block:1x4:50%", "block:4x4:90%", "block:3x2:33.3%"]
PRUNABLE = {"W1": False, "W2": True, "W3": False, "W4": False}  # name: stored [N, K] (transB)


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


# --- the rule, read independently of the C++ ---------------------------------------------
def ranked(scores):
    """Item order for pruning: smaller score first, NaN last, on a tie the later item first."""
    s = np.asarray(scores, np.float64)
    nan = np.isnan(s)
    return np.lexsort((-np.arange(s.size), np.where(nan, 0, s), nan))


def count(total, percent):
    return min(total, math.floor(total * percent / 100.0 + 0.5))


def parse(spec):
    method, rest = spec.split(":", 1)
    if method == "magnitude":
        return method, float(rest[:-1])
    if method == "nm":
        n, m = rest.split(":")
        return method, (int(n), int(m))
    dims, p = rest.split(":")
    r, c = dims.split("x")
    return method, (int(r), int(c), float(p[:-1]))


def expected(w, spec):
    """w: the [K, N] view; returns the pruned copy."""
    method, arg = parse(spec)
    out = w.copy()
    k, n = w.shape
    if method == "magnitude":
        flat = out.reshape(-1)
        flat[ranked(np.abs(flat))[:count(flat.size, arg)]] = 0
    elif method == "nm":
        keep, m = arg
        for col in range(n):
            for g in range(0, k, m):
                grp = out[g:g + m, col]
                grp[ranked(np.abs(grp))[:max(0, grp.size - keep)]] = 0
    else:
        r, c, p = arg
        blocks = [(bk, bn) for bk in range(0, k, r) for bn in range(0, n, c)]
        scores = [np.sum(w[bk:bk + r, bn:bn + c].astype(np.float64) ** 2) for bk, bn in blocks]
        for i in ranked(scores)[:count(len(blocks), p)]:
            bk, bn = blocks[i]
            out[bk:bk + r, bn:bn + c] = 0
    return out


def check_shape(before, after, spec, name):
    """The rule's visible shape, on the [K, N] views."""
    method, arg = parse(spec)
    zeroed = (after == 0) & (before != 0)
    kept = after != 0
    if np.any((after.view(np.uint32) != before.view(np.uint32)) & (after != 0)):
        fail(f"{spec}: {name}: an entry changed to something other than 0")
    if method == "magnitude":
        if np.count_nonzero(after == 0) < count(before.size, arg):
            fail(f"{spec}: {name}: {np.count_nonzero(after == 0)} zeros, expected at least {count(before.size, arg)}")
        a = np.abs(before)
        if zeroed.any() and kept.any() and np.nanmax(a[zeroed]) > np.nanmin(a[kept & ~np.isnan(a)]):
            fail(f"{spec}: {name}: a pruned |w| is larger than a kept one")
    elif method == "nm":
        keep, m = arg
        for g in range(0, before.shape[0], m):
            if np.any(np.count_nonzero(after[g:g + m], axis=0) > keep):
                fail(f"{spec}: {name}: more than {keep} nonzeros in a group of {m} at k={g}")
    else:
        r, c, _ = arg
        for bk in range(0, before.shape[0], r):
            for bn in range(0, before.shape[1], c):
                a, b = after[bk:bk + r, bn:bn + c], before[bk:bk + r, bn:bn + c]
                if not (np.all(a == 0) or np.array_equal(a.view(np.uint32), b.view(np.uint32))):
                    fail(f"{spec}: {name}: block at ({bk}, {bn}) is partly pruned")


# --- the model ---------------------------------------------------------------------------
def make_model(folder):
    rng = np.random.default_rng(15)
    # Quarter steps: many ties, some zeros already.
    w = lambda *shape: (rng.integers(-8, 9, shape) * 0.25).astype(np.float32)
    w1 = w(K, N1)
    w1[3, 4] = np.nan  # ranks above everything: kept
    inits = {"W1": w1, "W2": w(N2, N1), "W3": w(N2, N3), "W4": w(N3, N3), "W5": w(N3, N3),
             "emb": w(5, K), "b2": w(N2)}
    tensors = {k: numpy_helper.from_array(v, k) for k, v in inits.items()}
    # W3 in float_data, W4 as external data beside the model.
    t3 = helper.make_tensor("W3", TensorProto.FLOAT, inits["W3"].shape, inits["W3"].ravel().tolist())
    tensors["W3"] = t3
    t4 = tensors["W4"]
    open(os.path.join(folder, "w4.bin"), "wb").write(t4.raw_data)
    t4.ClearField("raw_data")
    t4.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "w4.bin"), ("offset", "0"), ("length", str(inits["W4"].nbytes))):
        e = t4.external_data.add()
        e.key, e.value = k, v
    nodes = [
        helper.make_node("Gather", ["emb", "ids"], ["e"], name="embed"),
        helper.make_node("Add", ["x", "e"], ["a"], name="add"),
        helper.make_node("MatMul", ["a", "W1"], ["m1"], name="mm1"),
        helper.make_node("Gemm", ["m1", "W2", "b2"], ["g1"], name="gemm_t", transB=1),
        helper.make_node("Gemm", ["g1", "W3"], ["g2"], name="gemm"),
        helper.make_node("MatMul", ["g2", "W4"], ["m3"], name="mm_ext"),
        helper.make_node("MatMul", ["m3", "W5"], ["y"], name="mm_shared"),
        helper.make_node("Identity", ["W5"], ["w5"], name="also_reads_W5"),
    ]
    graph = helper.make_graph(
        nodes, "prune_test",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, K]),
         helper.make_tensor_value_info("ids", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, N3]),
         helper.make_tensor_value_info("w5", TensorProto.FLOAT, [N3, N3])],
        list(tensors.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="check_prune")
    path = os.path.join(folder, "model.onnx")
    open(path, "wb").write(model.SerializeToString())
    return path


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def values(t):
    return numpy_helper.to_array(t).copy()


def check_specs(args, tmp):
    src = make_model(tmp)
    dense = onnx.load(src)  # external data inlined, as the pruner writes it
    for spec in SPECS:
        out = os.path.join(tmp, "pruned.onnx")
        rc, log = run([args.kiln_compile, src, "--prune", spec, "--emit-onnx", out, "--stats"])
        if rc != 0:
            fail(f"{spec}: exit status {rc}\n{log}")
        stats = dict(re.findall(r"^kiln: pruned '(\w+)' .*density ([0-9.]+)", log, re.M))
        if set(stats) != set(PRUNABLE):
            fail(f"{spec}: --stats names {sorted(stats)}, expected {sorted(PRUNABLE)}\n{log}")
        got = onnx.load(out)
        want = onnx.ModelProto()
        want.CopyFrom(dense)
        for t in want.graph.initializer:
            if t.name not in PRUNABLE:
                continue
            before = values(t)
            view = before.T if PRUNABLE[t.name] else before
            pruned = expected(view, spec)
            pruned = pruned.T if PRUNABLE[t.name] else pruned
            g = next(x for x in got.graph.initializer if x.name == t.name)
            after = values(g)
            if not np.array_equal(after.view(np.uint32), pruned.view(np.uint32)):
                fail(f"{spec}: {t.name} differs from the rule at {np.argwhere(after.view(np.uint32) != pruned.view(np.uint32)).tolist()[:8]}")
            check_shape(view, after.T if PRUNABLE[t.name] else after, spec, t.name)
            density = np.count_nonzero(after) / after.size
            if abs(float(stats[t.name]) - density) > 1e-4:
                fail(f"{spec}: --stats says density {stats[t.name]} for {t.name}, it is {density:.4f}")
            # Same storage field as before (float_data stays float_data).
            if t.float_data:
                t.float_data[:] = pruned.ravel().tolist()
            else:
                t.raw_data = pruned.tobytes()
        if got != want:
            fail(f"{spec}: the model differs beyond the pruned weights' values")
        print(f"{spec}: " + ", ".join(f"{n} {stats[n]}" for n in sorted(stats)) + "; the rest unchanged")
    print("check_prune: every spec pruned exactly the rule's entries")


def check_escape(args, tmp):
    folder = os.path.join(tmp, "model")
    os.makedirs(folder)
    src = make_model(folder)
    m = onnx.load(src, load_external_data=False)
    w4 = next(t for t in m.graph.initializer if t.name == "W4")
    shutil.move(os.path.join(folder, "w4.bin"), os.path.join(tmp, "w4.bin"))
    next(e for e in w4.external_data if e.key == "location").value = "../w4.bin"
    open(src, "wb").write(m.SerializeToString())
    out = os.path.join(tmp, "pruned.onnx")
    rc, log = run([args.kiln_compile, src, "--prune", "magnitude:50%", "--emit-onnx", out])
    print(log)
    if rc != 1 or "'W4' has external data at '../w4.bin': '..' is refused" not in log:
        fail(f"expected status 1 and the refusal naming W4, got status {rc}")
    if any(f.startswith("pruned") for f in os.listdir(tmp)):
        fail("a failed --prune left a file behind")
    print("check_prune: the escaping external data was refused")


def check_truncated(args, tmp):
    """A weight whose raw_data is short is refused, naming it; nothing is written."""
    src = make_model(tmp)
    m = onnx.load(src, load_external_data=False)
    w1 = next(t for t in m.graph.initializer if t.name == "W1")
    w1.raw_data = w1.raw_data[:-4]
    open(src, "wb").write(m.SerializeToString())
    out = os.path.join(tmp, "pruned.onnx")
    rc, log = run([args.kiln_compile, src, "--prune", "nm:2:4", "--emit-onnx", out])
    print(log)
    if rc != 1 or f"'W1' has {K * N1 * 4 - 4} bytes of raw_data, expected {K * N1 * 4}" not in log:
        fail(f"expected status 1 and the error naming W1, got status {rc}")
    if any(f.startswith("pruned") for f in os.listdir(tmp)):
        fail("a failed --prune left a file behind")
    print("check_prune: the truncated weight was refused")


def check_real(args, tmp):
    model_dir, spec = args.rest
    case = os.path.join(tmp, "case")
    os.makedirs(case)
    out = os.path.join(case, "model.onnx")
    rc, log = run([args.kiln_compile, os.path.join(model_dir, "model.onnx"), "--prune", spec, "--emit-onnx", out, "--stats"])
    print(log.strip())
    if rc != 0:
        fail(f"kiln-compile --prune: exit status {rc}")
    densities = [float(d) for d in re.findall(r"density ([0-9.]+)", log)]
    if not densities:
        fail("nothing was pruned")
    # onnxruntime runs the written file; its outputs become the pruned case's references.
    data = os.path.join(case, "test_data_set_0")
    shutil.copytree(os.path.join(model_dir, "test_data_set_0"), data,
                    ignore=shutil.ignore_patterns("output_*"))
    ort = os.path.join(tmp, "ort")
    rc, log = run(["node", args.oracle, out, ort, "--pb", data])
    if rc != 0:
        fail(f"onnxruntime cannot run the pruned model:\n{log}")
    meta = __import__("json").load(open(os.path.join(ort, "outputs.json")))
    dtypes = {"float32": np.float32, "int64": np.int64, "int32": np.int32}
    for i, o in enumerate(meta["outputs"] if isinstance(meta, dict) else meta):
        a = np.fromfile(os.path.join(ort, f"{i}.bin"), dtype=dtypes[o["dtype"]]).reshape(o["shape"])
        if a.dtype == np.float32 and not np.all(np.isfinite(a)):
            fail(f"onnxruntime's output {o['name']} on the pruned model is not finite")
        open(os.path.join(data, f"output_{i}.pb"), "wb").write(numpy_helper.from_array(a, o["name"]).SerializeToString())
    print(f"check_prune: onnxruntime ran the pruned model ({len(densities)} weights, densities "
          f"{min(densities):.3f} to {max(densities):.3f})")
    # Kiln's build of the pruned model (its sparse kernels where they pay)
    # matches onnxruntime on it.
    rc, log = run([args.kiln_run, case] + (["--stats"] if args.expect_stats else []))
    print(log.strip())
    if rc != 0:
        fail(f"kiln-run on the pruned model: exit status {rc}")
    if args.expect_stats and args.expect_stats not in log:
        fail(f"kiln-run --stats did not print '{args.expect_stats}'")


def check_report(args, tmp):
    """--prune --report compares the pruned build with the dense one: pruning nothing gives
    cosine 1 and no error on every output (the two builds are the same model); pruning 2:4
    gives a header naming it and some output that moved."""
    model_dir = args.rest[0]
    for spec in ("magnitude:0%", "nm:2:4"):
        rc, log = run([args.kiln_compile, os.path.join(model_dir, "model.onnx"), "-o", os.path.join(tmp, "out"),
                       "--prune", spec, "--report", "--calibrate", model_dir])
        print(log.strip())
        if rc != 0:
            fail(f"{spec}: exit status {rc}")
        if f"report: --prune {spec} against the dense f32 model on 1 data set" not in log:
            fail(f"{spec}: no report header naming the spec and the dense model")
        got = [(float(c), float(e)) for c, e in re.findall(r"output \d+ .*: cosine ([-0-9.]+), max\|q-f32\| ([-0-9.e+]+)", log)]
        if not got:
            fail(f"{spec}: no output reported")
        if spec == "magnitude:0%" and any(c != 1.0 or e != 0.0 for c, e in got):
            fail(f"{spec}: pruning nothing moved an output: {got}")
        if spec != "magnitude:0%" and all(c == 1.0 for c, _ in got):
            fail(f"{spec}: every cosine is 1: the report compared the pruned model with itself")
    print("check_prune: the report compares with the dense model")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kiln-compile", required=True)
    p.add_argument("--kiln-run")
    p.add_argument("--oracle")
    p.add_argument("--expect-stats", help="real: a line kiln-run --stats must print (the sparse form taken)")
    p.add_argument("mode", choices=["specs", "external-escape", "truncated", "real", "report"])
    p.add_argument("rest", nargs="*")
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="check_prune_")
    try:
        {"specs": check_specs, "external-escape": check_escape, "truncated": check_truncated, "real": check_real,
         "report": check_report}[args.mode](args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
