#!/usr/bin/python3
"""Runs a model compiled and linked by Kiln (the model driver,
tools/kiln-model-driver) on an ONNX backend-test folder: every output against
the stored reference and against onnxruntime (tools/oracle) on the same inputs.
This script only writes the inputs and the references as raw files; the
driver compares (--compare-with, the shared rule of tools/common/compare.h:
|a-b| <= atol + rtol*|b|, NaN matches NaN only). Exits 1 on any mismatch."""
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
            # The references as raw files, shapes checked here (raw files carry none).
            dirs = [os.path.join(tmp, "reference")]
            os.makedirs(dirs[0])
            for i, (name, dtype, dims) in enumerate(outs):
                want = numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, f"output_{i}.pb")))
                if list(want.shape) != dims:
                    print(f"  {os.path.basename(ds)} output {i} '{name}': shape {dims} != {list(want.shape)}  FAIL")
                    ok = False
                want.astype(DTYPES[dtype]).tofile(os.path.join(dirs[0], f"{i}.bin"))
            if a.oracle:
                odir = os.path.join(tmp, "onnxruntime")
                os.makedirs(odir)
                model = os.path.join(a.model_dir, "model.onnx")
                r = subprocess.run(["node", a.oracle, model, odir, *feeds], capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"  onnxruntime failed: {r.stderr.strip()}")
                    return 1
                meta = json.load(open(os.path.join(odir, "outputs.json")))
                meta = meta["outputs"] if isinstance(meta, dict) else meta
                for i, (name, _, dims) in enumerate(outs):
                    if list(meta[i]["shape"]) != dims:
                        print(f"  {os.path.basename(ds)} output {i} vs onnxruntime: shape {dims} != {meta[i]['shape']}  FAIL")
                        ok = False
                dirs.append(odir)
            compare = [arg for d in dirs for arg in ("--compare-with", d)]
            r = subprocess.run([a.driver, *files, *compare, "--atol", str(a.atol), "--rtol", str(a.rtol)],
                               capture_output=True, text=True)
            report = [l for l in r.stdout.splitlines() if l.startswith(("output ", "  first mismatch"))]
            if r.returncode not in (0, 1) or not report:
                print(f"  {os.path.basename(ds)}: driver failed: {(r.stdout + r.stderr).strip()}")
                return 1
            for line in report:
                print(f"  {os.path.basename(ds)} {line}" if line.startswith("output") else f"  {line}")
            ok &= r.returncode == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
