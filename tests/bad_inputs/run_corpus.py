#!/usr/bin/python3
"""Runs kiln-compile on every case of the bad-input corpus (expected.txt) and
checks that each one fails cleanly: exit status 1 (not 0, not a signal, not
a sanitizer's abort), the expected substring in its message, and nothing at
all written to the -o folder. Ends with "N passed, N failed".

  run_corpus.py --kiln-compile build/bin/kiln-compile [--show] [NAME...]
--show prints each case's message (to review a new case before writing its
expected substring)."""
import argparse, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kiln-compile", required=True)
    p.add_argument("--show", action="store_true")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("only", nargs="*")
    a = p.parse_args()
    cases = []
    for line in open(os.path.join(here, "expected.txt")):
        if line.startswith("#") or not line.strip():
            continue
        name, _, expect = line.rstrip("\n").partition("\t")
        if not a.only or name in a.only:
            cases.append((name, expect))
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, expect in cases:
            model = os.path.join(here, "cases", name + ".onnx")
            if not os.path.exists(model):
                model = os.path.join(here, "cases", name, "model.onnx")
            outdir = os.path.join(tmp, name)
            try:
                r = subprocess.run([a.kiln_compile, model, "-o", outdir, "--name", "m"],
                                   capture_output=True, text=True, errors="replace", timeout=a.timeout)
                rc, msg = r.returncode, (r.stdout + r.stderr).strip()
            except subprocess.TimeoutExpired:
                rc, msg = "timeout", ""
            written = sorted(os.listdir(outdir)) if os.path.isdir(outdir) else []
            problems = []
            if rc != 1:
                problems.append(f"exit status {rc}, expected 1")
            if not expect:
                problems.append("expected.txt gives no message for it")
            elif expect not in msg:
                problems.append(f"message lacks '{expect}'")
            if written:
                problems.append(f"wrote {written} to -o")
            if a.show:
                print(f"--- {name}: rc {rc}\n{msg[:600]}")
            if problems:
                failed += 1
                print(f"FAIL {name}: {'; '.join(problems)}\n  message: {msg[:400]}")
            else:
                passed += 1
                print(f"PASS {name}")
    print(f"bad inputs: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
