"""An exact numpy model of ONNX's DynamicQuantizeLinear (opset 11) and MatMulInteger
(opset 10), followed by Cast, Mul by x_scale * w_scale, and Add bias.

DynamicQuantizeLinear is an ONNX function whose body is float32 ops only:
  Scale = Div(Max(ReduceMax(x), 0) - Min(ReduceMin(x), 0), 255)
  Zeropoint = Cast<uint8>(Round(Clip(0 - Min(ReduceMin(x), 0) / Scale, 0, 255)))
  y = QuantizeLinear(x, Scale, Zeropoint) = saturate(Round(x / Scale) + Zeropoint)
where Round and QuantizeLinear round half to even and every Div is an IEEE float32
division (not a multiply by the reciprocal). numpy's float32 ops round each result to
float32 once, and np.rint rounds half to even, so this is the spec, bit for bit.
MatMulInteger sums (a - a_zp) * (b - b_zp) exactly in int32 (here int64, checked to fit).

`variant` models the plausible deviations, to count how many elements each would move:
  "f64":   scale, zero point and x / scale in float64;
  "recip": x * (1 / scale) instead of x / scale;
  "zp_away": the zero point rounded half away from zero (std::round).
"""
import numpy as np

F = np.float32


def dynamic_quantize(x, variant="spec"):
    x = np.asarray(x, F)
    if variant == "f64":
        lo, hi = min(0.0, float(x.min())), max(0.0, float(x.max()))
        scale = (hi - lo) / 255.0 if hi != lo else 1.0
        zp = np.rint(np.clip(0.0 - lo / scale, 0, 255))
        q = np.clip(np.rint(x.astype(np.float64) / scale) + zp, 0, 255)
        return q.astype(np.uint8), F(scale), np.uint8(zp)
    lo, hi = np.minimum(F(0), x.min()), np.maximum(F(0), x.max())
    scale = F(hi - lo) / F(255) if hi != lo else F(1)  # float32 Sub, float32 Div
    izp = np.clip(F(0) - F(lo / scale), F(0), F(255))
    zp = np.floor(izp + F(0.5)) if variant == "zp_away" else np.rint(izp)
    scaled = x * (F(1) / scale) if variant == "recip" else x / scale
    assert scaled.dtype == F
    q = np.clip(np.rint(scaled) + zp, 0, 255)
    return q.astype(np.uint8), F(scale), np.uint8(zp)


def matmul_integer(a, b, a_zp, b_zp):
    acc = (a.astype(np.int64) - np.int64(a_zp)) @ (b.astype(np.int64) - b_zp.astype(np.int64))
    assert np.abs(acc).max() < 2 ** 31, "MatMulInteger overflows int32"
    return acc.astype(np.int32)


def reference(x, wq, w_zp, w_scale, bias, variant="spec"):
    xq, xs, xzp = dynamic_quantize(x, variant)
    acc = matmul_integer(xq, wq, xzp, w_zp)
    s = (F(xs) * w_scale).astype(F)                  # Mul(x_scale, w_scale)
    y = (acc.astype(F) * s + bias).astype(F)          # Cast, Mul, Add: each rounded to float32
    return {"y": y, "xq": xq, "x_scale": np.array(xs, F), "x_zp": np.array(xzp, np.uint8), "acc": acc}
