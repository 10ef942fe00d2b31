#!/usr/bin/python3
"""Writes the pruned forms of the benchmark's fp32 models with `kiln-compile --prune --emit-onnx`.

    /usr/bin/python3 bench/prune_models.py --models bench/models/L12 [--cases bert_s128,...]
                                           [--forms pruned_mag90,...] [--kiln build/bin/kiln-compile]

Each form is CASE_<form>/model.onnx beside the fp32 case (written when missing or older than
the fp32 model), with a meta.json whose inputs point at the fp32 case's input files and whose
"prune" entry gives the spec, the number of pruned weights and their overall density (from
--stats). bench/bench.py calls ensure_pruned() for the rows that need a form. The rule of each
method (which weights, how ties go) is docs/sparsity.md's.

Each form is as large as its fp32 model (BERT-base 0.44 GB, GPT-2 0.65 GB): all forms of the
three cases take about 14 GB.
"""
import argparse
import json
import os
import re
import subprocess
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PRUNE_CASES = ("bert_s128", "gpt2_prefill", "gpt2_decode")
# form: spec. Each method at 50, 70 and 90% (2:4 is 50% by its nature), and 4x1 blocks at 80%,
# the point issue 15's "done when" names.
PRUNE_FORMS = {
    "pruned_mag50": "magnitude:50%", "pruned_mag70": "magnitude:70%", "pruned_mag90": "magnitude:90%",
    "pruned_b4x1_50": "block:4x1:50%", "pruned_b4x1_70": "block:4x1:70%", "pruned_b4x1_80": "block:4x1:80%",
    "pruned_b4x1_90": "block:4x1:90%", "pruned_nm24": "nm:2:4",
}


def write_form(models, case, form, kiln):
    src = os.path.join(models, case)
    dst = os.path.join(models, f"{case}_{form}")
    os.makedirs(dst, exist_ok=True)
    spec = PRUNE_FORMS[form]
    out = os.path.join(dst, "model.onnx")
    p = subprocess.run([kiln, os.path.join(src, "model.onnx"), "--prune", spec, "--emit-onnx", out, "--stats"],
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"kiln-compile --prune {spec} on {case}: {p.stderr.strip()[-500:]}")
    counts = [(int(a), int(b)) for a, b in re.findall(r"\((\d+) of (\d+) nonzero\)", p.stderr)]
    meta = json.load(open(os.path.join(src, "meta.json")))
    meta.update(case=f"{case}_{form}", form=form, fp32_case=case,
                description=f"{meta['description']}, pruned {spec}",
                prune={"spec": spec, "weights": len(counts),
                       "density": round(sum(a for a, _ in counts) / max(1, sum(b for _, b in counts)), 4)})
    for t in meta["inputs"]:  # the fp32 case's input files, relative to this meta.json
        t["file"] = os.path.join("..", case, t["file"])
    with open(os.path.join(dst, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def ensure_pruned(models, cases, forms, kiln):
    """Writes CASE_<form> for each requested pair whose model is missing or older than the fp32 one."""
    out = []
    for form in forms:
        for case in cases:
            if case not in PRUNE_CASES:
                continue
            src = os.path.join(models, case, "model.onnx")
            dst = os.path.join(models, f"{case}_{form}", "model.onnx")
            if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
                meta = write_form(models, case, form, kiln)
                print(f"{case}_{form}: {meta['prune']['weights']} weights pruned, density {meta['prune']['density']}",
                      flush=True)
            out.append(f"{case}_{form}")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", required=True, help="the model folder (bench/models/L12)")
    p.add_argument("--cases", default=",".join(PRUNE_CASES))
    p.add_argument("--forms", default=",".join(PRUNE_FORMS))
    p.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln-compile"))
    args = p.parse_args()
    forms = args.forms.split(",")
    bad = [f for f in forms if f not in PRUNE_FORMS]
    if bad:
        sys.exit(f"unknown form(s) {', '.join(bad)}; the forms: {', '.join(PRUNE_FORMS)}")
    ensure_pruned(args.models, args.cases.split(","), forms, args.kiln)


if __name__ == "__main__":
    main()
