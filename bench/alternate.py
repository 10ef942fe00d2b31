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
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Server  # noqa: E402  (the --serve protocol, as bench/run.sh speaks it)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("drivers", nargs="+")
    ap.add_argument("--model", required=True, help="model folder with meta.json and inputs/")
    ap.add_argument("--threads", default="1")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--calls", type=int, default=5)
    args = ap.parse_args()
    model = os.path.abspath(args.model)
    meta = json.load(open(os.path.join(model, "meta.json")))
    inputs = [os.path.join(model, t["file"]) for t in meta["inputs"]]
    logs = tempfile.mkdtemp(prefix="kiln-alternate-")
    servers = [Server(d, [os.path.abspath(d), "--serve", "--threads", args.threads] + inputs, None,
                      os.path.join(logs, f"{i}.stderr"))
               for i, d in enumerate(args.drivers)]
    for s in servers:
        s.run(10)
    times = [[] for _ in servers]
    for _ in range(args.rounds):
        for i, s in enumerate(servers):
            time.sleep(0.02)
            times[i] += s.run(args.calls)
    for s in servers:
        s.quit()
    print(f"{args.threads} thread(s), {args.rounds} rounds of {args.calls} calls")
    for d, t in zip(args.drivers, times):
        print(f"{d}: min {min(t):.2f} / median {statistics.median(t):.2f} ms")
    for i in range(1, len(servers)):
        print(f"{args.drivers[i]} / {args.drivers[0]}: min {min(times[i]) / min(times[0]):.3f}, "
              f"median {statistics.median(times[i]) / statistics.median(times[0]):.3f}")


if __name__ == "__main__":
    main()
