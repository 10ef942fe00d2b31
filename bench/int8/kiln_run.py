#!/usr/bin/env python3
"""Runs a library that `kiln-run CASE --work-dir W` left in W (libkiln_run_model.so, the
runtime linked in) through the C API with ctypes, and writes each output raw, so Kiln's
values can be compared element by element (kiln-run itself only prints max|a-b|).

  /usr/bin/python3 bench/int8/kiln_run.py W CASE_DIR OUTDIR
Reads CASE_DIR/x.bin (float32 [128,768]); writes OUTDIR/<output name>.bin.
"""
import ctypes as C
import os
import sys

import numpy as np

DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 6: np.int32, 7: np.int64}


class Tensor(C.Structure):
    _fields_ = [("dtype", C.c_int), ("rank", C.c_int32), ("shape", C.POINTER(C.c_int64)), ("data", C.c_void_p)]


class Info(C.Structure):
    _fields_ = [("name", C.c_char_p), ("dtype", C.c_int), ("rank", C.c_int32), ("shape", C.POINTER(C.c_int64)),
                ("dim_names", C.c_void_p)]


def aligned(shape, dtype, align=64):
    """The runtime checks alignment: carve a 64-byte aligned array out of a larger buffer."""
    n = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    raw = np.empty(n + align, np.uint8)
    off = (-raw.ctypes.data) % align
    return raw[off:off + n].view(dtype).reshape(shape)


def tensor(a, dtype_code):
    shape = (C.c_int64 * max(a.ndim, 1))(*a.shape)
    return Tensor(dtype_code, a.ndim, shape, a.ctypes.data), shape


def main():
    work, case, out = sys.argv[1:4]
    lib = C.CDLL(os.path.join(work, "libkiln_run_model.so"))
    lib.kiln_run_model_model.restype = C.c_void_p
    lib.kiln_context_last_error.restype = C.c_char_p
    model = C.c_void_p(lib.kiln_run_model_model())
    ctx = C.c_void_p()
    opts = (C.c_int32 * 1)(1)  # one thread, as the onnxruntime runs
    assert lib.kiln_context_create(model, opts, C.byref(ctx)) == 0
    x = aligned((128, 768), np.float32)
    x[...] = np.fromfile(os.path.join(case, "x.bin"), np.float32).reshape(128, 768)
    xin, keep_in = tensor(x, 1)
    outs, keep, arrays = [], [], []
    for i in range(lib.kiln_model_output_count(model)):
        info = Info()
        assert lib.kiln_model_output_info(model, i, C.byref(info)) == 0
        shape = tuple(info.shape[d] for d in range(info.rank))
        a = aligned(shape, DTYPES[info.dtype])
        t, s = tensor(a, info.dtype)
        outs.append(t)
        keep.append(s)
        arrays.append((info.name.decode(), a))
    status = lib.kiln_context_run(ctx, C.byref(xin), 1, (Tensor * len(outs))(*outs), len(outs))
    if status:
        sys.exit(f"kiln_context_run: {status}: {lib.kiln_context_last_error(ctx).decode()}")
    os.makedirs(out, exist_ok=True)
    for name, a in arrays:
        a.tofile(os.path.join(out, f"{name}.bin"))
    lib.kiln_context_destroy(ctx)


if __name__ == "__main__":
    main()
