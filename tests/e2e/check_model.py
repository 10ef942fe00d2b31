#!/usr/bin/python3
"""Runs a model compiled and linked by Kiln (the run_model driver) on an ONNX
backend-test folder and compares every output with the stored reference and
with onnxruntime (tools/oracle) on the same inputs:
max|a-b| <= atol + rtol*|b|. Exits 1 on any mismatch."""
import argparse, glob, json, os, subprocess, sys, tempfile
import numpy as np
import onnx
from onnx import numpy_helper

DTYPES = {"float32": np.float32, "int64": np.int64, "int32": np.int32, "int8": np.int8,
          "uint8": np.uint8, "bool": np.bool_, "float16": np.float16}

def info(driver):
    out = subprocess.run([driver, "--info"], check=True, capture_output=True, text=True).stdout
    ins, outs = [], []
    for line in out.splitlines():
        if line.startswith(("input", "output")):
            kind, rest = line.split(" ", 1)
            _, name_type = rest.split(": ", 1)
            name, dtype, shape = name_type.rsplit(" ", 2)
            dims = [int(d) for d in shape.strip("[]").split(",") if d]
            (ins if kind == "input" else outs).append((name, dtype, dims))
    return ins, outs

def compare(tag, got, want, atol, rtol):
    got, want = got.astype(np.float64), want.astype(np.float64)
    if got.shape != want.shape:
        print(f"  {tag}: shape {got.shape} != {want.shape}  FAIL")
        return False
    with np.errstate(invalid="ignore"):
        err = np.where(got == want, 0.0, np.abs(got - want))
    err = np.where(np.isnan(got) & np.isnan(want), 0.0, err)
    err = np.where(np.isnan(err), np.inf, err)
    ok = bool(np.all((err == 0) | (np.isfinite(err) & (err <= atol + rtol * np.abs(want)))))
    print(f"  {tag}: max|a-b| = {err.max() if err.size else 0:.3g}  {'ok' if ok else 'FAIL'}")
    return ok

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--driver", required=True)
    p.add_argument("--model-dir", required=True)
    p.add_argument("--oracle", help="tools/oracle/run.js; compare with onnxruntime too")
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--rtol", type=float, default=1e-3)
    a = p.parse_args()
    ins, outs = info(a.driver)
    print(f"{a.model_dir}: tolerance |a-b| <= {a.atol} + {a.rtol}*|b|")
    ok = True
    sets = sorted(glob.glob(os.path.join(a.model_dir, "test_data_set_*")))
    if not sets:
        print(f"FAIL: no test_data_set_N folder in {a.model_dir}")
        return 1
    # A data set without every reference output would compare nothing and pass.
    for ds in sets:
        missing = [f"output_{i}.pb" for i in range(len(outs))
                   if not os.path.exists(os.path.join(ds, f"output_{i}.pb"))]
        if missing:
            print(f"FAIL: {os.path.basename(ds)} lacks {', '.join(missing)} "
                  f"(the model has {len(outs)} outputs)")
            return 1
    for ds in sets:
        with tempfile.TemporaryDirectory() as tmp:
            files, feeds = [], []
            for k, (name, dtype, dims) in enumerate(ins):
                arr = numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, f"input_{k}.pb")))
                arr = arr.astype(DTYPES[dtype]).reshape(dims)
                f = os.path.join(tmp, f"in{k}.bin")
                arr.tofile(f)
                files.append(f)
                feeds.append(f"{name}={dtype}:{'x'.join(map(str, dims))}:{f}")
            r = subprocess.run([a.driver, *files, "-o", tmp], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"  {os.path.basename(ds)}: driver failed: {(r.stdout + r.stderr).strip()}")
                return 1
            got = [np.fromfile(os.path.join(tmp, f"{i}.bin"), DTYPES[d]).reshape(s)
                   for i, (_, d, s) in enumerate(outs)]
            for i in range(len(outs)):
                want = numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, f"output_{i}.pb")))
                ok &= compare(f"{os.path.basename(ds)} output {i} '{outs[i][0]}' vs reference", got[i], want, a.atol, a.rtol)
            if a.oracle:
                odir = os.path.join(tmp, "ort")
                os.makedirs(odir)
                model = os.path.join(a.model_dir, "model.onnx")
                r = subprocess.run(["node", a.oracle, model, odir, *feeds], capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"  onnxruntime failed: {r.stderr.strip()}")
                    return 1
                meta = json.load(open(os.path.join(odir, "outputs.json")))
                for i, (_, d, s) in enumerate(outs):
                    want = np.fromfile(os.path.join(odir, f"{i}.bin"), DTYPES[d]).reshape(s)
                    ok &= compare(f"{os.path.basename(ds)} output {i} vs onnxruntime", got[i], want, a.atol, a.rtol)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
