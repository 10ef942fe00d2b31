#!/usr/bin/env python3
"""Times compiled Kiln drivers against each other, alternating, with no other engine in
the rounds: an A/B of two builds of one model (sparse vs dense, one pool vs another).

  bench/alternate.py --model bench/models/L12/bert_s128 --threads 2 --rounds 20 \\
      bench/out/L12/bert_s128_sparse_mag90/kiln_driver bench/out/L12/bert_s128_dense_mag90/kiln_driver

Each DRIVER is a kiln_driver that bench/run.sh linked (tools/kiln-model-driver, --serve
mode; run.sh --keep keeps them). The model folder's meta.json names the inputs. After 10
untimed calls each, every round runs each driver for --calls timed calls, 20 ms after the
previous driver's, and the report gives min / median ms per driver and each driver's
ratio to the first by min and by median.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("drivers", nargs="+")
    ap.add_argument("--model", required=True, help="model folder with meta.json and inputs/")
    ap.add_argument("--threads", default="1")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--calls", type=int, default=5)
    args = ap.parse_args()
    meta = json.load(open(os.path.join(args.model, "meta.json")))
    inputs = [os.path.join(args.model, t["file"]) for t in meta["inputs"]]
    procs = [subprocess.Popen([os.path.abspath(d), "--serve", "--threads", args.threads] + inputs,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for d in args.drivers]

    def run(p, n):
        p.stdin.write(f"run {n}\n")
        p.stdin.flush()
        while True:
            line = p.stdout.readline()
            if not line:
                sys.exit("a driver exited (run it alone to see why)")
            if line.startswith("ms"):
                return [float(x) for x in line.split()[1:]]

    for p in procs:
        run(p, 10)
    times = [[] for _ in procs]
    for _ in range(args.rounds):
        for i, p in enumerate(procs):
            time.sleep(0.02)
            times[i] += run(p, args.calls)
    for p in procs:
        p.stdin.write("quit\n")
        p.stdin.flush()
        p.wait()
    print(f"{args.threads} thread(s), {args.rounds} rounds of {args.calls} calls")
    for d, t in zip(args.drivers, times):
        print(f"{d}: min {min(t):.2f} / median {statistics.median(t):.2f} ms")
    for i in range(1, len(procs)):
        print(f"{args.drivers[i]} / {args.drivers[0]}: min {min(times[i]) / min(times[0]):.3f}, "
              f"median {statistics.median(times[i]) / statistics.median(times[0]):.3f}")


if __name__ == "__main__":
    main()
