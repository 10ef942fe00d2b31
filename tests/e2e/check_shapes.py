#!/usr/bin/env python3
"""Checks a model with symbolic dims at several sizes against onnxruntime.

For each size (e.g. batch=3,seq=64) it writes inputs of that shape (token ids drawn
from the model's reference inputs, an attention mask with the last row's tail masked,
normal floats for the rest), has onnxruntime (the oracle, tools/oracle/run.js) compute
the outputs, and runs kiln-run on the folder, which compiles the model with those dims
pinned, runs it and compares within 1e-4 + 1e-3*|b| (the shared rule of
tools/common/compare.h: this script compares no numbers itself). Exits 1 on any failure.

  check_shapes.py --kiln-run build/bin/kiln-run --oracle tools/oracle/run.js \\
      --model-dir ../shared/models/distilbert_legacy batch=1,seq=1 batch=3,seq=64

With --driver RUN_MODEL (tools/kiln-model-driver linked against a library built once with
--symbolic-dims) every size runs through that one build instead: one process, one
context (`--serve`, a `size` command per size), in the order given, so the runtime
re-plans its arena as sizes shrink and grow (the workspace it reports is printed).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

DTYPES = {"float32": np.float32, "int64": np.int64, "int32": np.int32, "bool": np.bool_,
          "uint8": np.uint8, "int8": np.int8, "float16": np.float16}


def make_inputs(model, ref_dir, sizes, rng):
    inits = {t.name for t in model.graph.initializer}
    refs = {}
    for k in range(16):
        p = os.path.join(ref_dir, f"input_{k}.pb")
        if os.path.exists(p):
            t = onnx.TensorProto()
            t.ParseFromString(open(p, "rb").read())
            refs[k] = numpy_helper.to_array(t)
    out = []
    for k, vi in enumerate(i for i in model.graph.input if i.name not in inits):
        tt = vi.type.tensor_type
        shape = [sizes[d.dim_param] if d.dim_param else d.dim_value for d in tt.shape.dim]
        dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tt.elem_type]
        if "mask" in vi.name:
            a = np.ones(shape, dtype)
            if shape[-1] > 2:
                a[-1, -(shape[-1] // 4 or 1):] = 0
        elif np.issubdtype(dtype, np.integer):
            pool = refs[k].flatten() if k in refs else np.arange(10)
            a = rng.choice(pool, size=shape).astype(dtype)
        else:
            a = rng.standard_normal(shape).astype(dtype)
        out.append(numpy_helper.from_array(a, vi.name))
    return out


class Server:
    """run_model --serve on a symbolic library: one context for every size."""

    def __init__(self, driver):
        self.driver, self.proc = driver, None

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().strip()
        if not reply or reply.startswith("error"):
            raise RuntimeError(reply or "the driver exited")
        return reply

    def run(self, spec, ins, ref_dir):
        if self.proc is None:
            self.proc = subprocess.Popen([self.driver, "--serve", "--dims", spec, *ins], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)
            ready = self.proc.stdout.readline()
            if not ready.startswith("ready"):
                raise RuntimeError(ready.strip() or "the driver did not start")
        ws = self.ask("size " + " ".join([spec, *ins])).split()[-1]
        self.ask("run 1")
        return ws, self.ask("compare " + ref_dir)

    def close(self):
        if self.proc:
            self.proc.stdin.close()
            self.proc.wait()


def run_driver(server, spec, ds, ort_out, meta, work):
    """One size through the symbolic build: raw inputs; the driver compares its
    outputs with onnxruntime's (its "compare" command: the shared rule of
    tools/common/compare.h, 1e-4 + 1e-3*|b|)."""
    ins = []
    for k in range(16):
        p = os.path.join(ds, f"input_{k}.pb")
        if not os.path.exists(p):
            break
        t = onnx.TensorProto()
        t.ParseFromString(open(p, "rb").read())
        path = os.path.join(work, f"in{k}.bin")
        numpy_helper.to_array(t).tofile(path)
        ins.append(path)
    try:
        ws, reply = server.run(spec, ins, ort_out)
    except RuntimeError as e:
        return False, str(e)
    verdict, detail = reply.split(" ", 1)
    shapes = [list(o["shape"]) for o in (meta["outputs"] if isinstance(meta, dict) else meta)]
    # "output 0 max|a-b| E bad N; ..." with the shapes onnxruntime gave.
    notes = [f"workspace {ws} B"] + [f"output {i} {shapes[i]} max|a-b| {d.split()[3]}"
                                     for i, d in enumerate(detail.split("; "))]
    return verdict == "ok", "; ".join(notes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln-run")
    ap.add_argument("--driver", help="run_model built against a --symbolic-dims library")
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("sizes", nargs="+", help="name=dim,name=dim")
    args = ap.parse_args()
    if not args.kiln_run and not args.driver:
        ap.error("--kiln-run or --driver is required")
    model_path = os.path.join(args.model_dir, "model.onnx")
    model = onnx.load(model_path, load_external_data=False)
    rng = np.random.default_rng(11)
    failed = 0
    server = Server(args.driver) if args.driver else None
    for spec in args.sizes:
        sizes = {k: int(v) for k, v in (kv.split("=") for kv in spec.split(","))}
        work = tempfile.mkdtemp(prefix="kiln-shapes-")
        try:
            os.symlink(os.path.abspath(model_path), os.path.join(work, "model.onnx"))
            ds = os.path.join(work, "test_data_set_0")
            os.makedirs(ds)
            for k, t in enumerate(make_inputs(model, os.path.join(args.model_dir, "test_data_set_0"), sizes, rng)):
                open(os.path.join(ds, f"input_{k}.pb"), "wb").write(t.SerializeToString())
            ort_out = os.path.join(work, "ort")
            subprocess.run(["node", args.oracle, model_path, ort_out, "--pb", ds], check=True,
                           stdout=subprocess.DEVNULL)
            meta = json.load(open(os.path.join(ort_out, "outputs.json")))
            for i, o in enumerate(meta["outputs"] if isinstance(meta, dict) else meta):
                a = np.fromfile(os.path.join(ort_out, f"{i}.bin"), dtype=DTYPES[o["dtype"]]).reshape(o["shape"])
                open(os.path.join(ds, f"output_{i}.pb"), "wb").write(
                    numpy_helper.from_array(a, o["name"]).SerializeToString())
            if args.driver:
                ok, detail = run_driver(server, spec, ds, ort_out, meta, work)
                print(f"{spec}: {'ok' if ok else 'FAIL'}; {detail}")
                failed += not ok
                continue
            r = subprocess.run([args.kiln_run, work], capture_output=True, text=True)
            lines = [l for l in r.stdout.splitlines() if "max|a-b|" in l]
            status = "ok" if r.returncode == 0 else "FAIL"
            print(f"{spec}: {status}; " + "; ".join(l.split(" ", 1)[1] for l in lines))
            if r.returncode != 0:
                print(r.stdout[-2000:] + r.stderr[-2000:])
                failed += 1
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if server:
        server.close()
    print(f"{len(args.sizes) - failed} sizes match onnxruntime, {failed} do not")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
