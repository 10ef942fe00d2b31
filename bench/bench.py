#!/usr/bin/python3
"""Kiln's benchmark: Kiln against onnxruntime on transformer models, same machine, same run.

    bench/run.sh [options]          (runs this file with /usr/bin/python3)

A row compares a subject with one or more peers; each is a side, one engine on one form of a
model (SIDES, ROWS below):
  fp32               Kiln fp32 vs onnxruntime fp32 (every model and kernel case);
  ort_int8           onnxruntime on the MatMulInteger form vs onnxruntime fp32;
  kiln_int8_dynamic  `kiln-compile --quantize=int8-dynamic` on the fp32 model vs onnxruntime on
                     the MatMulInteger form, and vs onnxruntime fp32;
  kiln_int8_static   `kiln-compile --quantize=int8-static --calibrate=SETS` (4 data sets drawn like
                     the timed input, not it) vs onnxruntime on the MatMulInteger form, and vs
                     Kiln int8-dynamic;
  kiln_mmi           Kiln compiling the MatMulInteger form vs onnxruntime on it;
  w4 (gpt2_decode_w4) `kiln-compile --quantize=w4` on GPT-2 decode vs onnxruntime on the
                     MatMulNBits form, and vs Kiln fp32;
  pruned_FORM        Kiln dense on a pruned form (`kiln-compile --prune SPEC --emit-onnx`, written by
                     bench/prune_models.py) vs onnxruntime on it (bert_s128, gpt2_prefill, gpt2_decode);
  sparse_FORM        Kiln with SPARSE_FLAGS on the pruned form vs Kiln dense and onnxruntime on it
                     ("not available" until kiln-compile has --sparsity);
  symbolic           Kiln `--symbolic-dims` on the symbolic form (make_models.py --symbolic, the
                     exporters' dim_params) vs Kiln pinned (`--shape` every named dim) on the same
                     graph, and onnxruntime on it (bert_s128, gpt2_decode; not in the default run).
The int8 rows cover bert_s128, vit_b16, gpt2_prefill and gpt2_decode. The quantized forms are
written by bench/quantize_models.py beside the fp32 model (CASE_mmi, CASE_nbits). Until
kiln-compile has --quantize, the rows that need it say "not available" and the run goes on.

For each model (bench/make_models.py writes the models if they are missing):
  1. compile each Kiln side with `kiln-compile MODEL -o DIR --name NAME --target host --stats
     [--quantize=SCHEME]` (timed; a failure is recorded with its first error line and the
     rows go on with the peers alone), and link tools/kiln-model-driver (its --serve mode
     speaks the protocol) against build/lib/libkiln_runtime.a and DIR/libNAME.a;
  2. for each thread count, start one process per side that loads its model once and waits
     for commands: the Kiln driver (inputs and outputs allocated once, at start) or
     bench/ort_driver.js (onnxruntime-node, graph optimisation 'all', sequential execution,
     intraOpNumThreads N, output tensors made once and passed as fetches);
  3. warm up in rounds that call every side once, until the median of each onnxruntime
     side's last 5 rounds is within --warmup-tolerance (2%) of the 5 before (at least
     --warmup rounds, at most --warmup-max or --warmup-seconds), then write every side's
     outputs and compare them: fp32 rows by |kiln - ort| <= 1e-3 + 1e-3 |ort|, quantized
     rows by cosine (first output: last hidden state or logits) against the peer and fp32;
  4. --reps timed rounds (20), each calling every side once (a burst of 10 for kernel
     cases), the order rotating round by round. Before each call (warm-up rounds too) every
     other side's threads must be idle (their CPU time stops growing: onnxruntime's pool spins
     about 40 ms after a run, longer than the old fixed pause), then a --gap-ms pause. Each call
     is timed inside its process (clock_gettime / hrtime around the run call): process
     start, model load, input reading and output allocation are outside the timings. Peak
     resident memory is each process's own VmHWM (/proc/self/status) at the end.
Each row reports subject and peer min / median and both ratios (subject / peer).
GFLOP/s count 2 x the multiply-adds of MatMul/Gemm/Conv (make_models.py's meta.json) over the
median time, against the FMA peak that bench/fma_peak.c measures on this machine for the
same thread count (fp32 sides only; the widest vector ISA the CPU has, from /proc/cpuinfo).

Writes --json (bench/results.json) and --report (docs/benchmark.md) only for the whole
default run with the 12-layer models; any other run writes under its --work folder.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
sys.path.insert(0, BENCH)
from make_models import CASES, KERNEL_CASES, SYM_CASES  # noqa: E402  (model, kernel and symbolic cases)
from quantize_models import MMI_CASES, NBITS_CASES, ensure_forms  # noqa: E402
from prune_models import PRUNE_CASES, PRUNE_FORMS, ensure_pruned  # noqa: E402
import numpy as np  # noqa: E402
ATOL, RTOL = 1e-3, 1e-3
KERNEL_BURST = 10  # back-to-back calls per side and round for the kernel cases


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def rel(path):
    return os.path.relpath(path, ROOT)


# --- the machine ---------------------------------------------------------------------------
def cpu_info():
    text = open("/proc/cpuinfo").read()
    field = lambda k: (re.search(rf"^{k}\s*:\s*(.*)$", text, re.M) or [None, ""])[1].strip()
    flags = set(field("flags").split())
    isa_names = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512dq",
                 "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16"]
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
    caches = {}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for k in ("L1d", "L2", "L3"):
            m = re.search(rf"^{k} cache:\s*(.*)$", out, re.M)
            if m:
                caches[k] = m.group(1).strip()
    except OSError:
        pass
    return {
        "model": field("model name"), "vendor": field("vendor_id"),
        "family": field("cpu family"), "model_number": field("model"),
        "logical_cpus": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
        "isa": [f for f in isa_names if f in flags], "caches": caches,
        "kernel": platform.release(),
        "has_avx2_fma": "avx2" in flags and "fma" in flags, "has_avx512f": "avx512f" in flags,
    }


def fma_peaks(cpu, threads, work):
    exe = os.path.join(work, "bin", "fma_peak")
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    subprocess.run(["cc", "-O2", "-pthread", os.path.join(BENCH, "fma_peak.c"), "-o", exe], check=True)
    isas = [n for n, ok in (("avx2", cpu["has_avx2_fma"]), ("avx512", cpu["has_avx512f"])) if ok]
    if not isas:
        return {}
    out = subprocess.run([exe, "--isa", ",".join(isas), "--threads", ",".join(map(str, threads))],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def versions():
    git = lambda *a: subprocess.run(["git", "-C", ROOT, *a], capture_output=True, text=True).stdout.strip()
    ort_pkg = os.path.join(ROOT, "tools", "oracle", "node_modules", "onnxruntime-node", "package.json")
    ort = json.load(open(ort_pkg))["version"] if os.path.exists(ort_pkg) else "missing"
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {"kiln_commit": git("rev-parse", "--short=12", "HEAD"),
            "kiln_tree_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "onnxruntime_node": ort, "node": node, "cc": cc}


# --- compile and link ----------------------------------------------------------------------
def first_error_line(text):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for l in lines:
        if re.search(r"\berror\b", l, re.I):
            return l
    return lines[0] if lines else "(no message)"


def timed_run(cmd, log_path, timeout, env=None):
    """Runs cmd under /usr/bin/time; returns (rc, seconds, maxrss_kb, output)."""
    tfile = log_path + ".time"
    full = ["/usr/bin/time", "-f", "%e %M", "-o", tfile] + cmd
    t0 = time.time()
    try:
        p = subprocess.run(full, capture_output=True, text=True, timeout=timeout, env=env)
        rc, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out = 124, ((e.stdout or b"").decode(errors="replace") + (e.stderr or b"").decode(errors="replace")
                        + f"\nerror: timed out after {timeout} s")
    with open(log_path, "w") as f:
        f.write(" ".join(map(shlex.quote, cmd)) + "\n" + out)
    secs, rss = time.time() - t0, None
    try:
        parts = open(tfile).read().split()
        secs, rss = float(parts[-2]), int(parts[-1])
    except (OSError, ValueError, IndexError):
        pass
    return rc, secs, rss, out


def kiln_has_flag(kiln, flag):
    """Whether this kiln-compile's --help lists `flag`."""
    p = subprocess.run([kiln, "--help"], capture_output=True, text=True)
    return re.search(rf"^\s*{re.escape(flag)}\b", p.stdout + p.stderr, re.M) is not None


def kiln_has_quantize(kiln):
    """Whether this kiln-compile has --quantize (the flag issue 14 adds)."""
    return kiln_has_flag(kiln, "--quantize")


def compile_case(case, model, out_dir, args, flags=()):
    """Compiles `model` as library `case` (a C identifier) with extra kiln-compile `flags`, links the driver."""
    os.makedirs(out_dir, exist_ok=True)
    lib = os.path.join(out_dir, f"lib{case}.a")
    cmd = [args.kiln, model, "-o", out_dir, "--name", case, "--target", "host", "--stats", *flags]
    info = {"command": " ".join([rel(args.kiln), rel(model)] + [rel(c) if c == out_dir else c for c in cmd[2:]])}
    if args.reuse and os.path.exists(lib) and os.path.getmtime(lib) > os.path.getmtime(model):
        info.update(ok=True, reused=True)
    else:
        for stale in (lib, os.path.join(out_dir, f"{case}.h")):
            if os.path.exists(stale):
                os.remove(stale)
        rc, secs, rss, out = timed_run(cmd, os.path.join(out_dir, "compile.log"), args.compile_timeout)
        info.update(seconds=round(secs, 1), maxrss_kb=rss)
        m = re.search(r"(\d+) kernels", out)
        if m:
            info["kernels"] = int(m.group(1))
        m = re.search(r"(\d+) distinct", out)
        if m:
            info["distinct_kernels"] = int(m.group(1))
        if rc != 0 or not os.path.exists(lib):
            info.update(ok=False, stage="compile", rc=rc, error=first_error_line(out),
                        log_tail=out.strip().splitlines()[-30:])
            return info
        info["ok"] = True
    exe = os.path.join(out_dir, "kiln_driver")
    driver = os.path.join(ROOT, "tools", "kiln-model-driver")
    cmd = ["cc", "-O2", f"-I{ROOT}", f"-I{os.path.join(ROOT, 'runtime', 'include')}", f"-I{out_dir}",
           f"-DKILN_MODEL_FN={case}_model", os.path.join(driver, "main.c"), os.path.join(driver, "driver.c"),
           os.path.join(ROOT, "tools", "common", "compare.c"), os.path.join(ROOT, "build", "lib", "libkiln_runtime.a"), lib,
           "-lpthread", "-ldl", "-lm", "-o", exe]
    rc, secs, _, out = timed_run(cmd, os.path.join(out_dir, "link.log"), 1800)
    info["link_seconds"] = round(secs, 1)
    # A deployed binary's pages are clean; freshly written ones are not, and the
    # runtime cannot release the embedded weights' dirty pages after copying them
    # into huge pages (runtime/src/memory.c), which would inflate Kiln's peak RSS.
    os.sync()
    if rc != 0:
        info.update(ok=False, stage="link", rc=rc, error=first_error_line(out), log_tail=out.strip().splitlines()[-30:])
        return info
    if not args.keep:  # the archive and the driver hold the weights; drop the two other copies
        for f in os.listdir(out_dir):
            if f.startswith(f"{case}_weights.") and f.endswith((".bin", ".o")):
                os.remove(os.path.join(out_dir, f))
    desc = subprocess.run([exe, "--info"], capture_output=True, text=True).stdout
    m = re.search(r"^target: (.*)$", desc, re.M)
    info.update(driver=exe, target=m.group(1) if m else "?", interface=desc.strip().splitlines())
    ws = re.search(r"^workspace: (\d+)", desc, re.M)
    if ws:
        info["workspace_bytes"] = int(ws.group(1))
    return info


# --- the servers -----------------------------------------------------------------------
class Server:
    """A process speaking the bench protocol (see tools/kiln-model-driver/driver.c / ort_driver.js)."""

    def __init__(self, name, cmd, env, log_path):
        self.name = name
        self.stderr = open(log_path, "w")
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                  text=True, bufsize=1, env=env, cwd=ROOT)
        self.ready = self._reply("ready").split()

    def _reply(self, *expect):
        line = self.p.stdout.readline()
        if not line:
            self.p.wait()
            self.stderr.flush()
            err = open(self.stderr.name).read().strip().splitlines()
            raise RuntimeError(f"{self.name} exited (status {self.p.returncode})"
                               + (f": {first_error_line(chr(10).join(err))}" if err else ""))
        word, _, rest = line.strip().partition(" ")
        if word == "error":
            raise RuntimeError(f"{self.name}: {rest}")
        if word not in expect:
            raise RuntimeError(f"{self.name}: unexpected reply '{line.strip()[:200]}'")
        # One accepted word: the rest; several: the whole line, so the caller sees which.
        return rest if len(expect) == 1 else line.strip()

    def cpu_ns(self):
        """CPU time its threads have run so far (ns, /proc/PID/task/*/schedstat); 0 if unknown."""
        total = 0
        try:
            for tid in os.listdir(f"/proc/{self.p.pid}/task"):
                with open(f"/proc/{self.p.pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
        return total

    def call(self, cmd, *expect):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self._reply(*expect)

    def run(self, n):
        return [float(x) for x in self.call(f"run {n}", "ms").split()]

    def quit(self):
        try:
            return int(self.call("quit", "maxrss"))
        finally:
            self.p.wait(timeout=60)
            self.stderr.close()

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.stderr.close()


# --- sides and rows ----------------------------------------------------------------------
# A side is one engine on one form of a model; a row compares a subject side with its peers.
SIDES = {  # name: (engine, model form ("" = the fp32 model), kiln-compile --quantize scheme, label)
    "kiln_fp32": ("kiln", "", None, "Kiln fp32"),
    "kiln_int8_dynamic": ("kiln", "", "int8-dynamic", "Kiln --quantize int8-dynamic"),
    "kiln_int8_static": ("kiln", "", "int8-static", "Kiln --quantize int8-static"),
    "kiln_mmi": ("kiln", "mmi", None, "Kiln on the MatMulInteger model"),
    "kiln_w4": ("kiln", "", "w4", "Kiln --quantize w4"),
    "ort_fp32": ("ort", "", None, "ORT fp32"),
    "ort_mmi": ("ort", "mmi", None, "ORT MatMulInteger model"),
    "ort_nbits": ("ort", "nbits", None, "ORT MatMulNBits model"),
    # The symbolic form (make_models.py --symbolic): one graph, built both ways (SYM_FLAGS).
    "kiln_symbolic": ("kiln", "sym", None, "Kiln --symbolic-dims"),
    "kiln_pinned": ("kiln", "sym", None, "Kiln pinned (--shape)"),
    "ort_sym": ("ort", "sym", None, "ORT (named dims)"),
}
ROWS = {  # name: (subject, peers, the models it applies to)
    "fp32": ("kiln_fp32", ("ort_fp32",), CASES + KERNEL_CASES),
    "ort_int8": ("ort_mmi", ("ort_fp32",), MMI_CASES),
    "kiln_int8_dynamic": ("kiln_int8_dynamic", ("ort_mmi", "ort_fp32"), MMI_CASES),
    "kiln_int8_static": ("kiln_int8_static", ("ort_mmi", "kiln_int8_dynamic"), MMI_CASES),
    "kiln_mmi": ("kiln_mmi", ("ort_mmi",), MMI_CASES),
    "w4": ("kiln_w4", ("ort_nbits", "kiln_fp32"), NBITS_CASES),
    "symbolic": ("kiln_symbolic", ("kiln_pinned", "ort_sym"), SYM_CASES),
}
INT8_ROWS = ("ort_int8", "kiln_int8_dynamic", "kiln_int8_static", "kiln_mmi")
# The pruned forms (bench/prune_models.py): per form a row "Kiln dense on the pruned model vs
# onnxruntime on it", and a row for Kiln's sparse kernels on it. kiln-compile's --sparsity
# defaults to auto, so the dense side pins it off; both flags are passed only when
# kiln-compile --help lists --sparsity, and until then the sparse side is "not available".
SPARSE_FLAGS = ["--sparsity=auto"]
DENSE_FLAGS = ["--sparsity=off"]
SIDE_FLAGS = {}  # Kiln side: extra kiln-compile flags (when kiln-compile has --sparsity)


def sym_flags(side, dims):
    """kiln-compile flags of the symbolic form's sides: every named dim kept symbolic, or
    pinned to the value the inputs have (`dims` from the form's meta.json)."""
    if side == "kiln_symbolic":
        return ["--symbolic-dims"]
    if side == "kiln_pinned":
        return ["--shape", ",".join(f"{k}={v}" for k, v in dims.items())]
    return []
PRUNE_ROWS, SPARSE_ROWS = [], []
for _form, _spec in PRUNE_FORMS.items():
    _key = _form[len("pruned_"):]
    SIDES[f"kiln_dense_{_key}"] = ("kiln", _form, None, f"Kiln dense on the {_spec} model")
    SIDES[f"kiln_sparse_{_key}"] = ("kiln", _form, None, f"Kiln sparse on the {_spec} model")
    SIDES[f"ort_{_key}"] = ("ort", _form, None, f"ORT on the {_spec} model")
    SIDE_FLAGS[f"kiln_dense_{_key}"], SIDE_FLAGS[f"kiln_sparse_{_key}"] = DENSE_FLAGS, SPARSE_FLAGS
    ROWS[_form] = (f"kiln_dense_{_key}", (f"ort_{_key}",), PRUNE_CASES)
    ROWS[f"sparse_{_key}"] = (f"kiln_sparse_{_key}", (f"kiln_dense_{_key}", f"ort_{_key}"), PRUNE_CASES)
    PRUNE_ROWS.append(_form)
    SPARSE_ROWS.append(f"sparse_{_key}")
DEFAULT_ROWS = ([(c, "fp32") for c in CASES] + [(c, r) for r in INT8_ROWS for c in MMI_CASES]
                + [(c, "w4") for c in NBITS_CASES])
CASES_HELP = (
    "comma-separated rows: a model name (its fp32 row: Kiln fp32 vs onnxruntime fp32; models: "
    + ", ".join(CASES + KERNEL_CASES) + "); ort_int8, kiln_int8_dynamic, kiln_int8_static or kiln_mmi (that row "
    "for each of "
    + ", ".join(MMI_CASES) + "); gpt2_decode_w4; ROW:MODEL for one row of one model (kiln_mmi:bert_s128); "
    "all (every row and the kernel cases). Default: the fp32 rows of the five models, the three int8 rows "
    "and gpt2_decode_w4. Pruned models: " + ", ".join(PRUNE_ROWS) + " (Kiln dense vs onnxruntime on that "
    "pruned form, for each of " + ", ".join(PRUNE_CASES) + "), sparse_* the same for Kiln's sparse kernels, "
    "pruned and sparse for all of them (not in the default run); symbolic (Kiln --symbolic-dims vs Kiln "
    "pinned and onnxruntime on the named-dims form of " + ", ".join(SYM_CASES) + ", not in the default run)")


def parse_cases(spec):
    """The --cases list as ordered (model, row) pairs, or an error message."""
    if spec == "all":
        return DEFAULT_ROWS + [(c, "fp32") for c in KERNEL_CASES], None
    out = []
    for tok in (t for t in spec.split(",") if t):
        if tok in CASES + KERNEL_CASES:
            out.append((tok, "fp32"))
        elif tok in INT8_ROWS:
            out += [(c, tok) for c in MMI_CASES]
        elif tok == "gpt2_decode_w4":
            out.append(("gpt2_decode", "w4"))
        elif tok in ("pruned", "sparse"):
            out += [(c, r) for c in PRUNE_CASES for r in (PRUNE_ROWS if tok == "pruned" else SPARSE_ROWS)]
        elif tok == "symbolic":
            out += [(c, "symbolic") for c in SYM_CASES]
        elif tok in PRUNE_ROWS + SPARSE_ROWS:
            out += [(c, tok) for c in PRUNE_CASES]
        elif ":" in tok and tok.split(":", 1)[0] in ROWS:
            row, model = tok.split(":", 1)
            if model not in ROWS[row][2]:
                return None, f"row {row} applies to {', '.join(ROWS[row][2])}, not '{model}'"
            out.append((model, row))
        else:
            return None, f"unknown case '{tok}'"
    return list(dict.fromkeys(out)), None


def side_model(models, case, side):
    form = SIDES[side][1]
    return os.path.join(models, f"{case}_{form}" if form else case)


def calibration_sets(mdir, work, count=4, seed=1):
    """Data sets for --quantize int8-static, in the backend-test layout: inputs like the timed one but not
    it (integer inputs redrawn within the timed input's range, masks kept; float inputs redrawn with its
    mean and spread), so the ranges are not fitted to the input whose outputs are compared."""
    from onnx import numpy_helper
    meta = json.load(open(os.path.join(mdir, "meta.json")))
    out = os.path.join(work, os.path.basename(mdir) + "_calibration")
    rng = np.random.default_rng(seed)
    for s in range(count):
        d = os.path.join(out, f"test_data_set_{s}")
        os.makedirs(d, exist_ok=True)
        for i, inp in enumerate(meta["inputs"]):
            x = np.fromfile(os.path.join(mdir, inp["file"]), dtype=inp["dtype"]).reshape(inp["shape"])
            if np.issubdtype(x.dtype, np.integer) and "mask" not in inp["name"]:
                x = rng.integers(x.min(), x.max() + 1, size=x.shape).astype(x.dtype)
            elif np.issubdtype(x.dtype, np.floating):
                x = (rng.standard_normal(x.shape) * x.std() + x.mean()).astype(x.dtype)
            with open(os.path.join(d, f"input_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(x, inp["name"]).SerializeToString())
    return out


def same_model_row(row):
    """Rows whose two sides run the same fp32 model, so held to the fp32 tolerance."""
    return row in ("fp32", "symbolic") or row in PRUNE_ROWS or row in SPARSE_ROWS


def prepare_sides(case, sides, models, args, have_quantize, work, have_sparsity=False):
    """Compiles the Kiln sides; returns {side: info} with ok/available, the driver or the error."""
    info = {}
    for side in sides:
        engine, form, scheme, label = SIDES[side]
        mdir = side_model(models, case, side)
        d = {"engine": engine, "form": form or "fp32", "label": label, "model": rel(os.path.join(mdir, "model.onnx"))}
        info[side] = d
        if engine == "ort":
            d["ok"] = True
            continue
        if scheme and not have_quantize:
            d.update(ok=False, available=False, error="not available: kiln-compile has no --quantize")
            log(f"{case} {side}: {d['error']}")
            continue
        if SIDE_FLAGS.get(side) is SPARSE_FLAGS and not have_sparsity:
            d.update(ok=False, available=False, error="not available: kiln-compile has no --sparsity")
            log(f"{case} {side}: {d['error']}")
            continue
        variant = side[len("kiln_"):]
        name = case if variant == "fp32" else f"{case}_{variant}"
        log(f"{case} {side}: compiling")
        flags = [f"--quantize={scheme}"] if scheme else []
        if have_sparsity:
            flags += SIDE_FLAGS.get(side, [])
        if scheme == "int8-static":
            flags.append("--calibrate=" + calibration_sets(mdir, work))
        if form == "sym":
            flags += sym_flags(side, json.load(open(os.path.join(mdir, "meta.json")))["dims"])
        comp = compile_case(name, os.path.join(mdir, "model.onnx"), os.path.join(work, name), args, flags)
        d["compile"] = comp
        d["ok"] = comp["ok"]
        if comp["ok"]:
            d["driver"] = comp["driver"]
            log(f"{case} {side}: " + (f"compiled in {comp['seconds']} s" if "seconds" in comp else "reused")
                + f", target {comp['target']}")
        else:
            d["error"] = f"Kiln {comp['stage']} failed: {comp['error']}"
            log(f"{case} {side}: {d['error']}")
    return info


# --- measuring -----------------------------------------------------------------------------
def read_outputs(out_dir, meta):
    return [np.fromfile(os.path.join(out_dir, f"{i}.bin"), np.float32).reshape(o["shape"])
            for i, o in enumerate(meta["outputs"])]


def tolerance_check(a_outs, b_outs, meta):
    """|a - b| <= ATOL + RTOL |b| on every element, NaN matching NaN only (tools/common/compare.h)."""
    res = {"ok": True, "max_abs": 0.0, "outputs": []}
    for o, a, b in zip(meta["outputs"], a_outs, b_outs):
        both_nan = np.isnan(a) & np.isnan(b)
        diff = np.where(both_nan, 0, np.abs(a.astype(np.float64) - b))
        bad = int(np.count_nonzero(~(diff <= ATOL + RTOL * np.abs(b.astype(np.float64))) & ~both_nan))
        m = float(np.nanmax(diff)) if diff.size else 0.0
        res["outputs"].append({"name": o["name"], "max_abs": m, "bad": bad})
        res["max_abs"] = max(res["max_abs"], m)
        res["ok"] &= bad == 0
    return res


def cosine(a, b):
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    d = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / d) if d else float("nan")


def cosine_check(a_outs, b_outs, meta):
    """Cosine and max abs per output; `cosine` is the first output's (last hidden state, logits, y)."""
    outs = [{"name": o["name"], "cosine": round(cosine(a, b), 7), "max_abs": float(np.abs(a - b).max())}
            for o, a, b in zip(meta["outputs"], a_outs, b_outs)]
    return {"cosine": outs[0]["cosine"], "max_abs": outs[0]["max_abs"], "outputs": outs}


def summarize(ms, flops, peak):
    med = statistics.median(ms)
    s = {"calls": len(ms), "min_ms": round(min(ms), 3), "median_ms": round(med, 3), "times_ms": [round(x, 3) for x in ms]}
    if flops:
        s["gflops"] = round(flops / (med * 1e-3) / 1e9, 2)
        if peak:
            s["pct_peak"] = round(100 * s["gflops"] / peak, 1)
    return s


def drifting(per_round, tol):
    """True until the median of the last 5 rounds is within tol of the median of the 5 before."""
    if len(per_round) < 10:
        return True
    prev, last = statistics.median(per_round[-10:-5]), statistics.median(per_round[-5:])
    return abs(last - prev) > tol * prev


def settle(others, window=0.005, busy=0.1, cap=1.0):
    """Waits until no other side's threads run: onnxruntime's pool spins on a core for about 40 ms
    after each run (measured on a 2-vCPU AMD EPYC), which the next side's call then shared its cores
    with. Idle = under `busy` of one core over `window`, at most `cap` s. Returns the ms waited."""
    t0 = time.time()
    while others and time.time() - t0 < cap:
        before = sum(o.cpu_ns() for o in others)
        time.sleep(window)
        if sum(o.cpu_ns() for o in others) - before < busy * window * 1e9:
            break
    return (time.time() - t0) * 1e3


def start_server(side, info, meta_path, threads, env, tdir, case_dir):
    engine, mdir = info["engine"], os.path.dirname(os.path.join(ROOT, info["model"]))
    log_path = os.path.join(tdir, f"{side}.stderr")
    if engine == "kiln":
        meta = json.load(open(meta_path))
        inputs = [os.path.join(case_dir, t["file"]) for t in meta["inputs"]]
        dims = json.load(open(os.path.join(mdir, "meta.json"))).get("dims") if side == "kiln_symbolic" else None
        spec = ["--dims", ",".join(f"{k}={v}" for k, v in dims.items())] if dims else []
        return Server(side, [info["driver"], "--serve", "--threads", str(threads)] + spec + inputs, env, log_path)
    return Server(side, ["node", os.path.join(BENCH, "ort_driver.js"), os.path.join(mdir, "model.onnx"),
                         os.path.join(mdir, "meta.json"), "--threads", str(threads)], env, log_path)


def bench_threads(case, meta, case_dir, sides, rows, threads, peak, args, work):
    """One thread count of one model: every runnable side loaded once, warmed up, checked, then timed
    in rounds that call each side once (a burst for kernel cases), the order rotating each round."""
    env = dict(os.environ, HL_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    tdir = os.path.join(work, case, f"t{threads}")
    os.makedirs(tdir, exist_ok=True)
    res = {"threads": threads, "load_average": [round(x, 2) for x in os.getloadavg()], "sides": {}, "pairs": []}
    servers = {}
    burst = KERNEL_BURST if case in KERNEL_CASES else 1
    gap = args.gap_ms / 1e3
    try:
        for side, info in sides.items():
            if not info["ok"]:
                continue
            try:
                servers[side] = start_server(side, info, os.path.join(case_dir, "meta.json"), threads, env, tdir, case_dir)
                res["sides"][side] = {"ready": servers[side].ready}
            except (RuntimeError, OSError) as e:
                res["sides"][side] = {"error": str(e)}
                log(f"{case} t{threads} {side}: FAILED to start: {e}")
        order = list(servers)
        t_warm, per_round, rounds, converged = time.time(), {n: [] for n in order}, 0, False
        watch = [n for n in order if SIDES[n][0] == "ort"] or order  # onnxruntime's drift is the criterion

        def one_round(r, store):
            for k in range(len(order)):  # rotate who goes first, so no side always follows the same one
                name = order[(r + k) % len(order)]
                if name not in servers:
                    continue
                waited = settle([srv for n, srv in servers.items() if n != name])
                res["settle_ms_max"] = round(max(res.get("settle_ms_max", 0), waited), 1)
                time.sleep(gap)
                try:
                    ms = servers[name].run(burst)
                except RuntimeError as e:
                    res["sides"][name]["error"] = str(e)
                    log(f"{case} t{threads} {name}: FAILED: {e}")
                    servers.pop(name).kill()
                    continue
                store(name, ms)

        while order:
            one_round(rounds, lambda n, ms: per_round[n].append(statistics.median(ms)))
            rounds += 1
            live = [n for n in watch if n in servers]
            if rounds >= args.warmup and not any(drifting(per_round[n], args.warmup_tolerance) for n in live):
                converged = True
                break
            if rounds >= args.warmup_max or time.time() - t_warm > args.warmup_seconds:
                converged = False
                break
        res["warmup"] = {"rounds": rounds, "converged": converged, "seconds": round(time.time() - t_warm, 1),
                         "round_median_ms": {n: [round(x, 3) for x in v] for n, v in per_round.items()}}
        if order and not converged:
            log(f"{case} t{threads}: WARNING: onnxruntime still drifting after {rounds} warm-up rounds")
        outs = {}
        for name, srv in servers.items():
            srv.call(f"out {os.path.join(tdir, name)}", "ok")
            outs[name] = read_outputs(os.path.join(tdir, name), meta)
        times, t_start = {n: [] for n in order}, time.time()
        for r in range(args.reps):
            one_round(r, lambda n, ms: times[n].extend(ms))
            if r + 1 >= args.min_reps and max(sum(v) for v in times.values()) / 1e3 > args.max_seconds:
                break
        res["bench_seconds"] = round(time.time() - t_start, 1)
        for name in list(servers):
            srv = servers.pop(name)
            # % of the fp32 FMA peak means something for fp32 work only
            fp32 = SIDES[name][1] == "" and not SIDES[name][2]
            res["sides"][name].update(summarize(times[name], meta["flops"], peak if fp32 else None), maxrss_kb=srv.quit())
        ref = outs.get("ort_fp32", outs.get("kiln_fp32"))  # what the quantized sides are held against
        for row in rows:
            subject, peers, _ = ROWS[row]
            for peer in peers:
                pair = {"row": row, "subject": subject, "peer": peer}
                a, b = res["sides"].get(subject, {}), res["sides"].get(peer, {})
                if "median_ms" in a and "median_ms" in b:
                    pair["ratio_median"] = round(a["median_ms"] / b["median_ms"], 3)
                    pair["ratio_min"] = round(a["min_ms"] / b["min_ms"], 3)
                if subject in outs and peer in outs:
                    if same_model_row(row):
                        pair["check"] = tolerance_check(outs[subject], outs[peer], meta)
                    else:
                        pair["check"] = cosine_check(outs[subject], outs[peer], meta)
                        if ref is not None and peer not in ("ort_fp32", "kiln_fp32"):
                            pair["check_fp32"] = cosine_check(outs[subject], ref, meta)
                res["pairs"].append(pair)
        res["ok"] = True
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
        res.update(ok=False, error=str(e))
    finally:
        for s in servers.values():
            s.kill()
    return res


# --- the report ----------------------------------------------------------------------------
def fmt_ms(s):
    return f"{s['min_ms']:.2f} / {s['median_ms']:.2f}" if s["median_ms"] >= 1 else f"{s['min_ms']:.3f} / {s['median_ms']:.3f}"


def fmt_perf(s):
    if "gflops" not in s:
        return "-"
    return f"{s['gflops']:.1f} ({s['pct_peak']:.0f}%)" if "pct_peak" in s else f"{s['gflops']:.1f}"


def md_escape(text):
    return text.replace("|", "\\|").replace("`", "'")


def fmt_check(pair):
    chk = pair.get("check")
    if chk is None:
        return ""
    if same_model_row(pair["row"]):
        return (f"yes (max abs {chk['max_abs']:.1e})" if chk["ok"]
                else f"**NO** ({sum(x['bad'] for x in chk['outputs'])} elements out of tolerance, max abs {chk['max_abs']:.2g})")
    text = f"cos {chk['cosine']:.5f} vs peer"
    if "check_fp32" in pair:
        text += f"; {pair['check_fp32']['cosine']:.5f} vs fp32"
    return text


def render_table(results):
    head = ("| case | row | threads | subject | min / median (ms) | peer | min / median (ms) | ratio min | ratio median "
            "| subject GFLOP/s (% peak) | peak RSS subject / peer (MiB) | outputs |\n"
            "| --- | --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    rows = [head]
    for c in results["cases"]:
        sides = c["sides"]
        for r in c["runs"]:
            if not r.get("ok"):
                rows.append(f"| {c['case']} | | {r['threads']} | **run failed**: `{md_escape(r.get('error', '?'))[:300]}` | | | | | | | | |")
                continue
            for pair in r["pairs"]:
                subj, peer = pair["subject"], pair["peer"]
                a, b = r["sides"].get(subj, {}), r["sides"].get(peer, {})
                why = lambda side, m: (f"**{md_escape(sides[side]['error'])[:200]}**" if sides[side].get("error")
                                       else f"**run failed**: `{md_escape(m.get('error', '?'))[:200]}`")
                ta = fmt_ms(a) if "median_ms" in a else why(subj, a)
                tb = fmt_ms(b) if "median_ms" in b else why(peer, b)
                rmin = f"{pair['ratio_min']:.2f}" if "ratio_min" in pair else "-"
                rmed = f"{pair['ratio_median']:.2f}" if "ratio_median" in pair else "-"
                rss = (f"{a['maxrss_kb'] / 1024:.0f} / {b['maxrss_kb'] / 1024:.0f}"
                       if "maxrss_kb" in a and "maxrss_kb" in b else "-")
                rows.append(f"| {c['case']} | {pair['row']} | {r['threads']} | {SIDES[subj][3]} | {ta} | {SIDES[peer][3]} | {tb} "
                            f"| {rmin} | {rmed} | {fmt_perf(a) if 'median_ms' in a else '-'} | {rss} | {fmt_check(pair)} |")
    return "\n".join(rows)


def render_report(results, template_path):
    m, v, pk = results["machine"], results["versions"], results["fma_peak_gflops"]
    peak_rows = ["| FP32 FMA peak (GFLOP/s) | " + " | ".join(f"{t} thread{'s' if int(t) > 1 else ''}" for t in results["threads"]) + " |",
                 "| --- | " + " | ".join("---:" for _ in results["threads"]) + " |"]
    for isa, by_t in pk.items():
        label = {"avx2": "AVX2 + FMA (ymm)", "avx512": "AVX-512F (zmm)"}.get(isa, isa)
        peak_rows.append(f"| {label} | " + " | ".join(f"{by_t.get(str(t), 0):.1f}" for t in results["threads"]) + " |")
    kiln_sides = [(c, side, info) for c in results["cases"] for side, info in c["sides"].items() if info["engine"] == "kiln"]
    targets = sorted({i["compile"]["target"] for _, _, i in kiln_sides if i.get("compile", {}).get("target")})
    compile_rows = ["| case | Kiln side | ONNX nodes | params (M) | Kiln kernels (distinct, compiled) | Kiln compile (s) | compile peak RSS (MiB) | link (s) |",
                    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c, side, info in kiln_sides:
        comp = info.get("compile", {})
        if not comp:
            compile_rows.append(f"| {c['case']} | {side} | | | {info.get('error', '-')} | | | |")
            continue
        rss = f"{comp['maxrss_kb'] / 1024:.0f}" if comp.get("maxrss_kb") else "-"
        nodes = c["nodes"] if info["form"] == "fp32" else c.get("nodes_by_form", {}).get(info["form"], "-")
        compile_rows.append(f"| {c['case']} | {side} | {nodes} | {c.get('params', 0) / 1e6:.1f} | {comp.get('kernels', '-')} ({comp.get('distinct_kernels', '-')}) "
                            f"| {comp.get('seconds', '-')} | {rss} | {comp.get('link_seconds', '-') if comp.get('ok') else 'failed'} |")
    failures, unavailable = [], []
    for c in results["cases"]:
        for side, info in c["sides"].items():
            if info.get("available") is False:
                unavailable.append(f"{c['case']} {side} ({info['error'].split(': ', 1)[-1]})")
            elif info.get("error"):
                failures.append(f"- **{c['case']}** {side}: `{md_escape(info['error'])}`")
        for r in c.get("runs", []):
            if not r.get("ok"):
                failures.append(f"- **{c['case']}**, {r['threads']} thread(s): `{md_escape(r['error'])}`")
                continue
            for side, got in r["sides"].items():
                if got.get("error"):
                    failures.append(f"- **{c['case']}** {side}, {r['threads']} thread(s): `{md_escape(got['error'])}`")
            for pair in r["pairs"]:
                chk = pair.get("check")
                if same_model_row(pair["row"]) and chk and not chk["ok"]:
                    bad = [f"{x['name']} ({x['bad']} elements, max abs {x['max_abs']:.3g})" for x in chk["outputs"] if x["bad"]]
                    failures.append(f"- **{c['case']}**, {r['threads']} thread(s): {SIDES[pair['subject']][3]} and "
                                    f"{SIDES[pair['peer']][3]} differ: " + ", ".join(bad))
            if not r.get("warmup", {}).get("converged", True):
                failures.append(f"- **{c['case']}**, {r['threads']} thread(s): onnxruntime's times still drifted after "
                                f"{r['warmup']['rounds']} warm-up rounds ({r['warmup']['seconds']} s)")
    if unavailable:
        failures.append("- Not measured, kiln-compile lacks the flag: " + ", ".join(unavailable))
    full = results["layers"] == 12
    banner = ("" if full else
              f"> **Harness check, not the benchmark**: {results['layers']}-layer versions of the models, "
              "measured on a shared, busy machine. Run the command below for the real numbers.\n\n")
    subs = {
        "BANNER": banner,
        "DATE": results["date"],
        "COMMAND": results["command"],
        "CPU": f"{m['model']} (family {m['family']}, model {m['model_number']}), {m['logical_cpus']} logical CPUs, "
               f"{m['memory_gib']} GiB, Linux {m['kernel']}",
        "ISA": ", ".join(m["isa"]),
        "CACHES": ", ".join(f"{k} {v}" for k, v in m["caches"].items()) or "-",
        "VERSIONS": f"Kiln {v['kiln_commit']}{' (with uncommitted changes)' if v['kiln_tree_dirty'] else ''}, "
                    f"onnxruntime-node {v['onnxruntime_node']} on node {v['node']}, {v['cc']}",
        "TARGETS": ", ".join(f"`{t}`" for t in targets) or "-",
        "PEAK_ISA": results["peak_isa"],
        "PEAKS": "\n".join(peak_rows) + (
            "\n\n**Warning**: the peak did not scale with threads when it was measured, so other work was "
            "running on the machine (" + "; ".join(results["peak_warnings"]) + "); every number here is suspect."
            if results.get("peak_warnings") else ""),
        "LOAD": " ".join(results.get("load_average_at_start", [])),
        "TABLE": render_table(results),
        "COMPILE": "\n".join(compile_rows),
        "FAILURES": "\n".join(failures) if failures else "None: every side compiled, warmed up and ran; every fp32 row matched onnxruntime.",
        "REPS": str(results["settings"]["reps"]), "WARMUP": str(results["settings"]["warmup"]),
        "WARMUP_MAX": str(results["settings"]["warmup_max"]),
        "WARMUP_TOL": f"{100 * results['settings']['warmup_tolerance']:g}",
        "MIN_REPS": str(results["settings"]["min_reps"]),
        "LAYERS": str(results["layers"]),
        "TOTAL_MIN": f"{results['total_seconds'] / 60:.0f}",
    }
    text = open(template_path).read()
    for k, val in subs.items():
        text = text.replace("@" + k + "@", val)
    return text


# --- main ----------------------------------------------------------------------------------
def main():
    p = argparse.ArgumentParser(description="Kiln vs onnxruntime benchmark (see docs/benchmark.md)")
    p.add_argument("--cases", default="default", help=CASES_HELP)
    p.add_argument("--threads", default="1,2", help="thread counts, comma-separated (default 1,2)")
    p.add_argument("--layers", type=int, default=12, help="transformer layers (12: the real models; fewer for a quick check)")
    p.add_argument("--reps", type=int, default=20, help="timed rounds per model and thread count, each calling every side once (default 20)")
    p.add_argument("--min-reps", type=int, default=20, help="rounds run even past --max-seconds (default 20)")
    p.add_argument("--max-seconds", type=float, default=120, help="stop the rounds once a side has spent this long timing (default 120)")
    p.add_argument("--warmup", type=int, default=10, help="least untimed warm-up rounds (default 10)")
    p.add_argument("--warmup-max", type=int, default=60, help="most warm-up rounds (default 60)")
    p.add_argument("--warmup-seconds", type=float, default=180, help="most warm-up seconds per model and thread count (default 180)")
    p.add_argument("--warmup-tolerance", type=float, default=0.02,
                   help="warm-up ends when each onnxruntime side's median of its last 5 rounds is within this "
                        "fraction of the 5 before (default 0.02)")
    p.add_argument("--gap-ms", type=float, default=20, help="pause before each call, after the other sides' threads are idle (default 20)")
    p.add_argument("--models", help="model folder (default bench/models/L<layers>)")
    p.add_argument("--work", help="compile and scratch folder (default bench/out/L<layers>)")
    p.add_argument("--json", help="results file (default bench/results.json for 12 layers, else WORK/results.json)")
    p.add_argument("--report", help="markdown report (default docs/benchmark.md for the default rows at 12 layers, else WORK/benchmark.md)")
    p.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln-compile"), help="the compiler (default build/bin/kiln-compile)")
    p.add_argument("--compile-timeout", type=int, default=7200, help="seconds per kiln-compile (default 7200)")
    p.add_argument("--reuse", action="store_true", help="reuse a compiled library newer than its model")
    p.add_argument("--keep", action="store_true", help="keep Kiln's weight blob and object beside the archive")
    args = p.parse_args()
    t_begin = time.time()
    wanted, err = (DEFAULT_ROWS, None) if args.cases == "default" else parse_cases(args.cases)
    if err:
        p.error(f"{err} (see --help for --cases)")
    if args.reps < 20:
        log(f"note: --reps {args.reps} is below the 20 timed rounds the report's claims need")
    args.min_reps = min(args.min_reps, args.reps)
    plan = {}  # model -> its rows, in --cases order
    for model, row in wanted:
        plan.setdefault(model, []).append(row)
    threads = [int(t) for t in args.threads.split(",")]
    tag = f"L{args.layers}"
    models = os.path.abspath(args.models or os.path.join(BENCH, "models", tag))
    work = os.path.abspath(args.work or os.path.join(BENCH, "out", tag))
    # Only the whole default run at 12 layers replaces the published results.
    full = args.layers == 12 and set(wanted) >= set(DEFAULT_ROWS)
    json_path = os.path.abspath(args.json or (os.path.join(BENCH, "results.json") if full else os.path.join(work, "results.json")))
    report_path = os.path.abspath(args.report or (os.path.join(ROOT, "docs", "benchmark.md") if full else os.path.join(work, "benchmark.md")))
    os.makedirs(work, exist_ok=True)
    for need in (args.kiln, os.path.join(ROOT, "build", "lib", "libkiln_runtime.a"),
                 os.path.join(ROOT, "tools", "oracle", "node_modules", "onnxruntime-node")):
        if not os.path.exists(need):
            sys.exit(f"bench: {rel(need)} is missing (build Kiln; install the oracle: scripts/setup.sh)")

    cpu = cpu_info()
    log(f"machine: {cpu['model']}, {cpu['logical_cpus']} CPUs, ISA {' '.join(cpu['isa'])}")
    peaks = fma_peaks(cpu, threads, work)
    peak_isa = "avx512" if "avx512" in peaks else "avx2"
    log(f"FMA peak (GFLOP/s): {json.dumps(peaks)}")
    busy = []
    for isa, by_t in peaks.items():
        one = by_t.get("1")
        for t, g in by_t.items():
            if one and int(t) > 1 and g < 0.85 * one * min(int(t), os.cpu_count() or 1):
                busy.append(f"{isa} {t} threads: {g:.0f} GFLOP/s, {g / one:.2f}x one thread")
    if busy:
        log("WARNING: the peak does not scale with threads; other work is running on this machine ("
            + "; ".join(busy) + ")")
    results = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": "bench/run.sh " + " ".join(map(shlex.quote, sys.argv[1:])),
        "machine": cpu, "versions": versions(), "fma_peak_gflops": peaks, "peak_isa": peak_isa,
        "peak_warnings": busy, "load_average_at_start": open("/proc/loadavg").read().split()[:3],
        "threads": threads, "layers": args.layers,
        "settings": {"reps": args.reps, "min_reps": args.min_reps, "max_seconds": args.max_seconds,
                     "warmup": args.warmup, "warmup_max": args.warmup_max, "warmup_seconds": args.warmup_seconds,
                     "warmup_tolerance": args.warmup_tolerance, "gap_ms": args.gap_ms, "atol": ATOL, "rtol": RTOL},
        "cases": [],
    }

    have_quantize = kiln_has_quantize(args.kiln)
    log(f"kiln-compile --quantize: {'present' if have_quantize else 'absent (the rows that need it say so)'}")
    results["kiln_has_quantize"] = have_quantize
    have_sparsity = kiln_has_flag(args.kiln, "--sparsity")
    if any(r in PRUNE_ROWS + SPARSE_ROWS for _, r in wanted):
        log(f"kiln-compile --sparsity: {'present' if have_sparsity else 'absent (the sparse rows say so)'}")
    results["kiln_has_sparsity"] = have_sparsity
    for case, rows in plan.items():
        case_dir = os.path.join(models, case)
        meta_path = os.path.join(case_dir, "meta.json")
        if not (os.path.exists(os.path.join(case_dir, "model.onnx")) and os.path.exists(meta_path)):
            log(f"{case}: writing the {args.layers}-layer model")
            subprocess.run(["/usr/bin/python3", os.path.join(BENCH, "make_models.py"), "--out", models,
                            "--layers", str(args.layers), "--cases", case], check=True)
        sides = list(dict.fromkeys(s for r in rows for s in (ROWS[r][0],) + ROWS[r][1]))
        forms = sorted({SIDES[s][1] for s in sides} - {""})
        quantized = [f for f in forms if f not in PRUNE_FORMS and f != "sym"]
        if quantized:
            log(f"{case}: the {', '.join(quantized)} form(s) (bench/quantize_models.py)")
            ensure_forms(models, [case], quantized)
        pruned = [f for f in forms if f in PRUNE_FORMS]
        if pruned:
            log(f"{case}: the {', '.join(pruned)} form(s) (bench/prune_models.py, kiln-compile --prune)")
            ensure_pruned(models, [case], pruned, args.kiln)
        if "sym" in forms and not os.path.exists(os.path.join(models, f"{case}_sym", "meta.json")):
            log(f"{case}: writing the {args.layers}-layer symbolic form (bench/make_models.py --symbolic)")
            subprocess.run(["/usr/bin/python3", os.path.join(BENCH, "make_models.py"), "--out", models,
                            "--layers", str(args.layers), "--cases", case, "--symbolic"], check=True)
        meta = json.load(open(meta_path))
        entry = {"case": case, "rows": rows, "description": meta["description"], "flops": meta["flops"],
                 "flops_by_op": meta["flops_by_op"], "params": meta["params"], "nodes": meta["nodes"],
                 "nodes_by_form": {f: json.load(open(os.path.join(models, f"{case}_{f}", "meta.json")))["nodes"] for f in forms},
                 "runs": []}
        results["cases"].append(entry)
        log(f"{case}: rows {', '.join(rows)}; sides {', '.join(sides)} ({meta['params'] / 1e6:.0f}M params, {meta['flops'] / 1e9:.2f} GFLOP)")
        entry["sides"] = prepare_sides(case, sides, models, args, have_quantize, work, have_sparsity)
        for t in threads:
            r = bench_threads(case, meta, case_dir, entry["sides"], rows, t, peaks.get(peak_isa, {}).get(str(t)), args, work)
            entry["runs"].append(r)
            if not r["ok"]:
                log(f"{case} t{t}: FAILED: {r['error']}")
                continue
            log(f"{case} t{t}: warm-up {r['warmup']['rounds']} rounds ({'settled' if r['warmup']['converged'] else 'still drifting'}); "
                + ", ".join(f"{n} {m['median_ms']:.2f}" for n, m in r["sides"].items() if "median_ms" in m) + " ms (median)")
            for pair in r["pairs"]:
                missing = [x for x in (pair["subject"], pair["peer"]) if entry["sides"][x].get("error")]
                if missing:
                    log(f"{case} t{t}: {pair['row']}: {pair['subject']} vs {pair['peer']}: {entry['sides'][missing[0]]['error']}")
                elif "ratio_median" in pair:
                    log(f"{case} t{t}: {pair['row']}: {pair['subject']}/{pair['peer']} = {pair['ratio_min']:.2f} (min), "
                        f"{pair['ratio_median']:.2f} (median); outputs {fmt_check(pair).replace('**', '')}")
        # Save as we go, so a long run that dies still leaves its results.
        results["total_seconds"] = round(time.time() - t_begin)
        with open(json_path, "w") as f:
            json.dump(results, f, indent=1)

    results["total_seconds"] = round(time.time() - t_begin)
    os.makedirs(os.path.dirname(json_path), exist_ok=True)
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    os.makedirs(os.path.dirname(report_path), exist_ok=True)
    with open(report_path, "w") as f:
        f.write(render_report(results, os.path.join(BENCH, "benchmark.md.in")))
    print(render_table(results))
    log(f"wrote {rel(json_path)} and {rel(report_path)} in {results['total_seconds'] / 60:.1f} min")


if __name__ == "__main__":
    main()
