#!/usr/bin/env python3
"""How discontinuous dynamic int8 quantization is: how many xq elements (and how much of y)
move when (a) the scale is one float32 ulp off, as Kiln's is (range * (1/255) instead of
range / 255), or (b) the input moves by one float32 ulp, the size of the differences two
float32 implementations of the ops before a quantized MatMul (LayerNorm, GELU, softmax @ V)
normally have. Uses make_cases.py's weights and activation shapes, 20 draws each.

  /usr/bin/python3 bench/int8/sensitivity.py
"""
import numpy as np

import make_cases
import spec

F = np.float32


def stats(a, b):
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    return d.max(), int((d > 1e-4 + 1e-3 * np.abs(b.astype(np.float64))).sum())


def quantize_with_scale(x, scale):
    lo = np.minimum(F(0), x.min())
    zp = np.rint(np.clip(F(0) - F(lo / scale), F(0), F(255)))
    return np.clip(np.rint(x / scale) + zp, 0, 255).astype(np.uint8), np.uint8(zp)


def main():
    rng = np.random.default_rng(3)
    _, wq, w_scale, w_zp = make_cases.weights(rng)
    bias = np.zeros(make_cases.N, F)
    for act in ("ln", "gelu"):
        recip_eq, flips_scale, flips_x, ymax, yout = 0, [], [], [], []
        for _ in range(20):
            x = make_cases.activations(act, rng)
            ref = spec.reference(x, wq, w_zp, w_scale, bias)
            lo, hi = np.minimum(F(0), x.min()), np.maximum(F(0), x.max())
            recip_eq += int(F(hi - lo) * F(F(1) / F(255)) != ref["x_scale"])
            s1 = np.nextafter(ref["x_scale"], F(1))  # one ulp up
            q1, _ = quantize_with_scale(x, s1)
            flips_scale.append(int((q1 != ref["xq"]).sum()))
            xp = np.nextafter(x, np.where(rng.random(x.shape) < 0.5, F(-np.inf), F(np.inf))).astype(F)
            r2 = spec.reference(xp, wq, w_zp, w_scale, bias)
            flips_x.append(int((r2["xq"] != ref["xq"]).sum()))
            e, n = stats(r2["y"], ref["y"])
            ymax.append(e)
            yout.append(n)
        print(f"{act}: range*(1/255) != range/255 in {recip_eq}/20 draws; "
              f"xq flips from a 1-ulp scale: {flips_scale}; "
              f"xq flips from 1-ulp input noise: median {int(np.median(flips_x))} (max {max(flips_x)}), "
              f"y max|d| median {np.median(ymax):.3g} (max {max(ymax):.3g}), "
              f"y outside 1e-4+1e-3|b| median {int(np.median(yout))} of {make_cases.M * make_cases.N}")


if __name__ == "__main__":
    main()
