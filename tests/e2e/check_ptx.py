#!/usr/bin/env python3
"""Builds models for --target host-cuda and assembles every kernel's PTX for
sm_90 (an H100) with the CUDA toolkit's ptxas: the CUDA path is checked
without a GPU. Halide embeds each kernel's PTX in its object as one
NUL-terminated string starting with '.version'.

  check_ptx.py --kiln-compile build/bin/kiln-compile [--ptxas PATH] [--require KERNEL:TEXT]
               MODEL[@name=dim,...] ...

Exits 77 (a skipped test) when ptxas is missing; 1 when a build fails or
ptxas rejects a kernel.
"""
import argparse
import os
import subprocess
import sys
import tempfile


def kernel_ptx(archive, work):
    """(object name, PTX text) of every kernel object in `archive`."""
    subprocess.run(["ar", "x", archive], cwd=work, check=True)
    out = []
    for name in sorted(os.listdir(work)):
        if not name.endswith(".o"):
            continue
        data = open(os.path.join(work, name), "rb").read()
        start = data.find(b"\n.version ")
        if start < 0:
            continue
        start += 1
        out.append((name, data[start:data.index(b"\0", start)]))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kiln-compile", required=True)
    p.add_argument("--ptxas", default="/usr/local/cuda/bin/ptxas")
    p.add_argument("--arch", default="sm_90")
    p.add_argument("--require", action="append", default=[], metavar="KERNEL:TEXT",
                   help="every kernel whose object name contains KERNEL must have TEXT in its PTX "
                        "(qmatmul:dp4a), and at least one such kernel must be built")
    p.add_argument("models", nargs="+",
                   help="model.onnx, optionally @name=dim,... for --shape, @symbolic for --symbolic-dims, "
                        "or @--flag=value,... for other kiln-compile flags (@--quantize=w4)")
    args = p.parse_args()
    if not os.path.exists(args.ptxas):
        print(f"SKIP: {args.ptxas} not found (the CUDA toolkit is part of the machine image, not of apt)")
        return 77
    failed = kernels = 0
    required = [r.split(":", 1) for r in args.require]
    seen = {k: 0 for k, _ in required}
    with tempfile.TemporaryDirectory() as tmp:
        for i, spec in enumerate(args.models):
            model, _, shapes = spec.partition("@")
            work = os.path.join(tmp, f"m{i}")
            os.makedirs(work)
            cmd = [args.kiln_compile, model, "-o", work, "--name", f"m{i}", "--target", "host-cuda"]
            if shapes == "symbolic":
                cmd += ["--symbolic-dims"]
            elif shapes.startswith("-"):
                cmd += shapes.split(",")
            elif shapes:
                cmd += ["--shape", shapes]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {model}: kiln-compile: {r.stdout}{r.stderr}")
                failed += 1
                continue
            objs = os.path.join(work, "objs")
            os.makedirs(objs)
            ptx = kernel_ptx(os.path.join(work, f"libm{i}.a"), objs)
            if not ptx:
                print(f"FAIL {model}: no kernel PTX in the library")
                failed += 1
            for name, text in ptx:
                for kernel, want in required:
                    if kernel in name:
                        seen[kernel] += 1
                        if want.encode() not in text:
                            print(f"FAIL {model}: {name}: no '{want}' in its PTX")
                            failed += 1
                src = os.path.join(objs, name + ".ptx")
                open(src, "wb").write(text)
                r = subprocess.run([args.ptxas, f"-arch={args.arch}", src, "-o", src + ".cubin"],
                                   capture_output=True, text=True)
                kernels += 1
                if r.returncode != 0:
                    print(f"FAIL {model}: {name}: ptxas: {r.stderr.strip()[:2000]}")
                    failed += 1
            print(f"{model}: {len(ptx)} kernels")
    for kernel, n in seen.items():
        if n == 0:
            print(f"FAIL: no kernel named like '{kernel}' was built (--require)")
            failed += 1
    print(f"{kernels} kernels assembled for {args.arch}, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
