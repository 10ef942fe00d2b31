#!/usr/bin/python3
"""Kiln's benchmark: Kiln against onnxruntime on transformer models, same machine, same run.

    bench/run.sh [options]          (runs this file with /usr/bin/python3)

For each case (bench/make_models.py writes the models if they are missing):
  1. compile it with `kiln-compile model.onnx -o DIR --name NAME --target host` (timed;
     a failure is recorded with its first error line and the case goes on the report);
  2. link tools/kiln-model-driver (the generic driver; its --serve mode speaks the protocol)
     against build/lib/libkiln_runtime.a and DIR/libNAME.a;
  3. for each thread count, start two processes that load the model once and wait for
     commands: the Kiln driver and bench/ort_driver.js (onnxruntime-node, graph
     optimisation 'all', sequential execution, intraOpNumThreads N). Warm up both, check
     that they give the same outputs (|kiln - ort| <= 1e-3 + 1e-3 |ort|), then alternate
     single timed calls, Kiln then ORT, for --reps rounds. Each call is timed inside its
     process (clock_gettime / hrtime around the run call): process start, model load and
     input reading are outside the timings. Peak resident memory is each process's own
     VmHWM (/proc/self/status) at the end.
GFLOP/s count 2 x the multiply-adds of MatMul/Gemm/Conv (make_models.py's meta.json) over the
median time, against the FMA peak that bench/fma_peak.c measures on this machine for the
same thread count (the widest vector ISA the CPU has, from /proc/cpuinfo).

Writes --json (bench/results.json) and --report (docs/benchmark.md) for a full run with the
12-layer models; a run with --layers other than 12 writes under its --work folder instead.
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
from make_models import CASES, KERNEL_CASES  # noqa: E402  (the model cases and the kernel cases)
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


def compile_case(case, model, out_dir, args):
    os.makedirs(out_dir, exist_ok=True)
    lib = os.path.join(out_dir, f"lib{case}.a")
    info = {"command": f"{rel(args.kiln)} {rel(model)} -o {rel(out_dir)} --name {case} --target host --stats"}
    if args.reuse and os.path.exists(lib) and os.path.getmtime(lib) > os.path.getmtime(model):
        info.update(ok=True, reused=True)
    else:
        for stale in (lib, os.path.join(out_dir, f"{case}.h")):
            if os.path.exists(stale):
                os.remove(stale)
        rc, secs, rss, out = timed_run([args.kiln, model, "-o", out_dir, "--name", case, "--target", "host", "--stats"],
                                       os.path.join(out_dir, "compile.log"), args.compile_timeout)
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


# --- the two servers -----------------------------------------------------------------------
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


def compare(kiln, ort_dir, meta):
    """The Kiln driver compares its last outputs with onnxruntime's (its "compare"
    command: |a - b| <= ATOL + RTOL |b|, NaN matches NaN only; tools/common/compare.h)."""
    verdict, _, detail = kiln.call(f"compare {ort_dir}", "ok", "mismatch").partition(" ")
    res = {"ok": verdict == "ok", "max_abs": 0.0, "outputs": []}
    for o, d in zip(meta["outputs"], detail.split("; ")):
        f = d.split()  # output K max|a-b| E bad N
        entry = {"name": o["name"], "max_abs": float(f[3]), "bad": int(f[5])}
        res["outputs"].append(entry)
        res["max_abs"] = max(res["max_abs"], entry["max_abs"])
    return res


def summarize(ms, flops, peak):
    med = statistics.median(ms)
    s = {"calls": len(ms), "min_ms": round(min(ms), 3), "median_ms": round(med, 3), "times_ms": [round(x, 3) for x in ms]}
    if flops:
        s["gflops"] = round(flops / (med * 1e-3) / 1e9, 2)
        if peak:
            s["pct_peak"] = round(100 * s["gflops"] / peak, 1)
    return s


def bench_threads(case, meta, model, comp, threads, peak, args, work):
    case_dir = os.path.dirname(model)
    inputs = [os.path.join(case_dir, t["file"]) for t in meta["inputs"]]
    env = dict(os.environ, HL_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    tdir = os.path.join(work, f"t{threads}")
    os.makedirs(tdir, exist_ok=True)
    res = {"threads": threads, "load_average": [round(x, 2) for x in os.getloadavg()]}
    kiln = ort = None
    with_kiln = comp.get("ok", False)  # without Kiln, time onnxruntime alone as a reference
    try:
        if with_kiln:
            kiln = Server("kiln", [comp["driver"], "--serve", "--threads", str(threads),
                                   "--atol", str(ATOL), "--rtol", str(RTOL)] + inputs, env,
                          os.path.join(tdir, "kiln.stderr"))
            res["kiln_create_ms"], res["kiln_baseline_rss_kb"] = float(kiln.ready[0]), int(kiln.ready[1])
        ort = Server("onnxruntime", ["node", os.path.join(BENCH, "ort_driver.js"), model,
                                     os.path.join(case_dir, "meta.json"), "--threads", str(threads)], env,
                     os.path.join(tdir, "ort.stderr"))
        res["ort_load_ms"], res["ort_baseline_rss_kb"] = float(ort.ready[0]), int(ort.ready[1])
        gap = args.gap_ms / 1e3
        warm = {"kiln": kiln.run(args.warmup) if kiln else [], "ort": ort.run(args.warmup)}
        res["warmup_ms"] = {k: [round(x, 3) for x in v] for k, v in warm.items()}
        ort.call(f"out {os.path.join(tdir, 'ort_out')}", "ok")
        if kiln:
            res["check"] = compare(kiln, os.path.join(tdir, "ort_out"), meta)
        # Alternate single calls; stop early when a side has used its time budget.
        # A kernel case alternates bursts of back-to-back calls instead: its weights
        # stay in cache, as inside a model, and the FMA-peak share means what it says.
        burst = KERNEL_BURST if case in KERNEL_CASES else 1
        kt, ot, t_start = [], [], time.time()
        for r in range(args.reps):
            if kiln:
                time.sleep(gap)
                kt += kiln.run(burst)
            time.sleep(gap)
            ot += ort.run(burst)
            if r + 1 >= args.min_reps and max(sum(kt), sum(ot)) / 1e3 > args.max_seconds:
                break
        res["bench_seconds"] = round(time.time() - t_start, 1)
        res["ort"] = summarize(ot, meta["flops"], peak)
        res["ort"]["maxrss_kb"] = ort.quit()
        ort = None
        if kiln:
            res["kiln"] = summarize(kt, meta["flops"], peak)
            res["kiln"]["maxrss_kb"] = kiln.quit()
            kiln = None
            res["ratio_median"] = round(res["kiln"]["median_ms"] / res["ort"]["median_ms"], 3)
            res["ratio_min"] = round(res["kiln"]["min_ms"] / res["ort"]["min_ms"], 3)
        res["ok"] = True
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
        res.update(ok=False, error=str(e))
    finally:
        for s in (kiln, ort):
            if s is not None:
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


def render_table(results):
    head = ("| case | GFLOP | threads | Kiln min / median (ms) | ORT min / median (ms) | Kiln/ORT (median) "
            "| Kiln GFLOP/s (% peak) | ORT GFLOP/s (% peak) | peak RSS Kiln / ORT (MiB) | outputs match |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    rows = [head]
    for c in results["cases"]:
        gf = f"{c['flops'] / 1e9:.2f}" if c.get("flops") else "-"
        comp = c.get("compile", {})
        if not comp.get("ok"):
            stage = comp.get("stage", "compile")
            msg = md_escape(comp.get("error", c.get("error", "?")))[:300]
            ort = {r["threads"]: r["ort"] for r in c["runs"] if r.get("ok")}
            rows.append(f"| {c['case']} | {gf} | {', '.join(map(str, ort)) or '-'} | **Kiln {stage} failed**: `{msg}` "
                        f"| {'; '.join(fmt_ms(o) for o in ort.values())} | | | {'; '.join(fmt_perf(o) for o in ort.values())} "
                        f"| - / {'; '.join(str(round(o['maxrss_kb'] / 1024)) for o in ort.values())} | |")
            continue
        for r in c["runs"]:
            if not r.get("ok"):
                rows.append(f"| {c['case']} | {gf} | {r['threads']} | **run failed**: `{md_escape(r['error'])[:300]}` | | | | | | |")
                continue
            k, o, chk = r["kiln"], r["ort"], r["check"]
            match = (f"yes (max abs {chk['max_abs']:.1e})" if chk["ok"]
                     else f"**NO** ({sum(x.get('bad', 0) for x in chk['outputs'])} elements out of tolerance, max abs {chk['max_abs']:.2g})")
            rows.append(f"| {c['case']} | {gf} | {r['threads']} | {fmt_ms(k)} | {fmt_ms(o)} | {r['ratio_median']:.2f} "
                        f"| {fmt_perf(k)} | {fmt_perf(o)} | {k['maxrss_kb'] / 1024:.0f} / {o['maxrss_kb'] / 1024:.0f} | {match} |")
    return "\n".join(rows)


def render_report(results, template_path):
    m, v, pk = results["machine"], results["versions"], results["fma_peak_gflops"]
    peak_rows = ["| FP32 FMA peak (GFLOP/s) | " + " | ".join(f"{t} thread{'s' if int(t) > 1 else ''}" for t in results["threads"]) + " |",
                 "| --- | " + " | ".join("---:" for _ in results["threads"]) + " |"]
    for isa, by_t in pk.items():
        label = {"avx2": "AVX2 + FMA (ymm)", "avx512": "AVX-512F (zmm)"}.get(isa, isa)
        peak_rows.append(f"| {label} | " + " | ".join(f"{by_t.get(str(t), 0):.1f}" for t in results["threads"]) + " |")
    targets = sorted({c["compile"]["target"] for c in results["cases"] if c.get("compile", {}).get("target")})
    compile_rows = ["| case | ONNX nodes | params (M) | Kiln kernels (distinct, compiled) | Kiln compile (s) | compile peak RSS (MiB) | link (s) |",
                    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c in results["cases"]:
        comp = c.get("compile", {})
        rss = f"{comp['maxrss_kb'] / 1024:.0f}" if comp.get("maxrss_kb") else "-"
        compile_rows.append(f"| {c['case']} | {c.get('nodes', '-')} | {c.get('params', 0) / 1e6:.1f} | {comp.get('kernels', '-')} ({comp.get('distinct_kernels', '-')}) "
                            f"| {comp.get('seconds', '-')} | {rss} | {comp.get('link_seconds', '-') if comp.get('ok') else 'failed'} |")
    failures = []
    for c in results["cases"]:
        comp = c.get("compile", {})
        if not comp.get("ok"):
            failures.append(f"- **{c['case']}** ({comp.get('stage', 'compile')}): `{md_escape(comp.get('error', c.get('error', '?')))}`")
        for r in c.get("runs", []):
            if not comp.get("ok"):
                continue
            if not r.get("ok"):
                failures.append(f"- **{c['case']}**, {r['threads']} thread(s): `{md_escape(r['error'])}`")
            elif not r["check"]["ok"]:
                bad = [f"{x['name']} ({x.get('bad', '?')} elements, max abs {x.get('max_abs', float('nan')):.3g})"
                       for x in r["check"]["outputs"] if x.get("bad") or x.get("error")]
                failures.append(f"- **{c['case']}**, {r['threads']} thread(s): outputs differ: " + ", ".join(bad))
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
        "FAILURES": "\n".join(failures) if failures else "None: every case compiled, ran and matched onnxruntime.",
        "REPS": str(results["settings"]["reps"]), "WARMUP": str(results["settings"]["warmup"]),
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
    p.add_argument("--cases", default=",".join(CASES),
                   help="comma-separated subset of: " + ", ".join(CASES + KERNEL_CASES) + ", or all (default: the first five)")
    p.add_argument("--threads", default="1,2", help="thread counts, comma-separated (default 1,2)")
    p.add_argument("--layers", type=int, default=12, help="transformer layers (12: the real models; fewer for a quick check)")
    p.add_argument("--reps", type=int, default=20, help="alternating timed rounds per case and thread count (default 20)")
    p.add_argument("--min-reps", type=int, default=5, help="rounds run even past --max-seconds (default 5)")
    p.add_argument("--max-seconds", type=float, default=120, help="stop the rounds once a side has spent this long timing (default 120)")
    p.add_argument("--warmup", type=int, default=3, help="untimed calls per side first (default 3)")
    p.add_argument("--gap-ms", type=float, default=20, help="pause before each timed call, so the other side's spinning threads settle (default 20)")
    p.add_argument("--models", help="model folder (default bench/models/L<layers>)")
    p.add_argument("--work", help="compile and scratch folder (default bench/out/L<layers>)")
    p.add_argument("--json", help="results file (default bench/results.json for 12 layers, else WORK/results.json)")
    p.add_argument("--report", help="markdown report (default docs/benchmark.md for 12 layers, else WORK/benchmark.md)")
    p.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln-compile"), help="the compiler (default build/bin/kiln-compile)")
    p.add_argument("--compile-timeout", type=int, default=7200, help="seconds per kiln-compile (default 7200)")
    p.add_argument("--reuse", action="store_true", help="reuse a compiled library newer than its model")
    p.add_argument("--keep", action="store_true", help="keep Kiln's weight blob and object beside the archive")
    args = p.parse_args()
    t_begin = time.time()
    cases = list(CASES + KERNEL_CASES) if args.cases == "all" else [c for c in args.cases.split(",") if c]
    for c in cases:
        if c not in CASES + KERNEL_CASES:
            p.error(f"unknown case '{c}' (cases: {', '.join(CASES + KERNEL_CASES)})")
    threads = [int(t) for t in args.threads.split(",")]
    tag = f"L{args.layers}"
    models = os.path.abspath(args.models or os.path.join(BENCH, "models", tag))
    work = os.path.abspath(args.work or os.path.join(BENCH, "out", tag))
    full = args.layers == 12
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
                     "warmup": args.warmup, "gap_ms": args.gap_ms, "atol": ATOL, "rtol": RTOL},
        "cases": [],
    }

    for case in cases:
        model = os.path.join(models, case, "model.onnx")
        meta_path = os.path.join(models, case, "meta.json")
        if not (os.path.exists(model) and os.path.exists(meta_path)):
            log(f"{case}: writing the {args.layers}-layer model")
            subprocess.run(["/usr/bin/python3", os.path.join(BENCH, "make_models.py"), "--out", models,
                            "--layers", str(args.layers), "--cases", case], check=True)
        meta = json.load(open(meta_path))
        entry = {"case": case, "description": meta["description"], "flops": meta["flops"],
                 "flops_by_op": meta["flops_by_op"], "params": meta["params"], "nodes": meta["nodes"], "model": rel(model), "runs": []}
        results["cases"].append(entry)
        log(f"{case}: compiling ({meta['params'] / 1e6:.0f}M params, {meta['flops'] / 1e9:.2f} GFLOP)")
        comp = compile_case(case, model, os.path.join(work, case), args)
        entry["compile"] = comp
        if comp["ok"]:
            log(f"{case}: compiled in {comp.get('seconds', 'reused')} s, target {comp['target']}")
        else:
            log(f"{case}: Kiln {comp['stage']} FAILED: {comp['error']} (timing onnxruntime alone)")
        for t in threads:
            r = bench_threads(case, meta, model, comp, t, peaks.get(peak_isa, {}).get(str(t)), args,
                              os.path.join(work, case))
            entry["runs"].append(r)
            if r["ok"] and "kiln" not in r:
                log(f"{case} t{t}: ort {r['ort']['median_ms']:.2f} ms (median)")
            elif r["ok"]:
                log(f"{case} t{t}: kiln {r['kiln']['median_ms']:.2f} ms, ort {r['ort']['median_ms']:.2f} ms "
                    f"(median, ratio {r['ratio_median']:.2f}), outputs {'match' if r['check']['ok'] else 'DIFFER'} "
                    f"(max abs {r['check']['max_abs']:.2g})")
            else:
                log(f"{case} t{t}: FAILED: {r['error']}")
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
