#!/usr/bin/env python3
"""Compares Kiln's and onnxruntime's results on the make_cases.py cases with the exact
spec model (spec.py), element by element: the quantized intermediates (x_scale, x_zp,
xq, the int32 accumulator) and y (max|a-b|, and how many elements fall outside
1e-4 + 1e-3|b|, kiln-run's rule). run.sh writes the inputs this reads:
ROOT/<case>/{kiln,ort_disabled,ort_all}/<output>.bin.

  /usr/bin/python3 bench/int8/compare.py ROOT
"""
import os
import sys

import numpy as np

import spec

M, K, N = 128, 768, 768
SHAPES = {"y": ((M, N), np.float32), "xq": ((M, K), np.uint8), "x_scale": ((), np.float32),
          "x_zp": ((), np.uint8), "acc": ((M, N), np.int32)}


def load(d, name):
    p = os.path.join(d, f"{name}.bin")
    if not os.path.exists(p):
        return None
    shape, dt = SHAPES[name]
    return np.fromfile(p, dt).reshape(shape)


def y_stats(a, b):
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    return d.max(), int((d > 1e-4 + 1e-3 * np.abs(b.astype(np.float64))).sum())


def main():
    root = sys.argv[1]
    wts = np.load(os.path.join(root, "weights.npz"))
    for act in ("ln", "gelu"):
        x = np.fromfile(os.path.join(root, f"{act}_y", "x.bin"), np.float32).reshape(M, K)
        ref = spec.reference(x, wts["wq"], wts["w_zp"], wts["w_scale"], wts["bias"])
        yf = np.fromfile(os.path.join(root, f"{act}_fp32", "fp32.bin"), np.float32).reshape(M, N) \
            if os.path.exists(os.path.join(root, f"{act}_fp32", "fp32.bin")) else None
        print(f"\n## {act}: spec x_scale = {ref['x_scale']!r} ({ref['x_scale'].view(np.uint32):#x}), "
              f"x_zp = {int(ref['x_zp'])}, |acc| max = {np.abs(ref['acc']).max()}")
        for v in ("f64", "recip", "zp_away"):
            r = spec.reference(x, wts["wq"], wts["w_zp"], wts["w_scale"], wts["bias"], v)
            e, n = y_stats(r["y"], ref["y"])
            print(f"  variant {v:8s}: x_scale {r['x_scale']!r} zp {int(r['x_zp'])}, xq differs at "
                  f"{int((r['xq'] != ref['xq']).sum())}, y max|d| {e:.3g}, outside tol {n}")
        print("| run | x_scale - spec (ulps) | x_zp | xq != spec | acc != spec | y max abs err vs spec "
              "| y outside tol vs spec |")
        print("|---|---|---|---|---|---|---|")
        ys = {}
        for src in ("kiln", "ort_disabled", "ort_all"):
            for case in (f"{act}_parts", f"{act}_y"):
                d = os.path.join(root, case, src)
                y = load(d, "y")
                if y is None:
                    continue
                ys[(src, case)] = y
                s, zp, xq, acc = (load(d, n) for n in ("x_scale", "x_zp", "xq", "acc"))
                ulps = "" if s is None else str(int(s.view(np.int32)) - int(ref["x_scale"].view(np.int32)))
                e, n = y_stats(y, ref["y"])
                print(f"| {src} {case} | {ulps} | {'' if zp is None else int(zp)} | "
                      f"{'' if xq is None else int((xq != ref['xq']).sum())} | "
                      f"{'' if acc is None else int((acc != ref['acc']).sum())} | {e:.3g} | {n} |")
        if yf is not None:
            e, n = y_stats(ref["y"], yf)
            print(f"  spec int8 vs fp32 MatMul: max|d| {e:.3g}, outside tol {n}")
        k, o = ys.get(("kiln", f"{act}_y")), ys.get(("ort_all", f"{act}_y"))
        if k is not None and o is not None:
            e, n = y_stats(k, o)
            print(f"  kiln vs ort_all ({act}_y, b = ort): max|d| {e:.3g}, outside tol {n} of {k.size}")


if __name__ == "__main__":
    main()
