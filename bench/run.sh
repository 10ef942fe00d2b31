#!/bin/bash
# Kiln's benchmark: every case against onnxruntime, threads 1 and 2, one command.
#
#   bench/run.sh                       the full run: 12-layer models, fp32 and int8 rows,
#                                      writes bench/results.json and docs/benchmark.md
#   bench/run.sh --layers 2            a quick check of the harness (bench/out/L2/)
#   bench/run.sh --cases bert_s128 --threads 1       Kiln fp32 vs onnxruntime fp32 only
#   bench/run.sh --cases ort_int8,kiln_mmi:bert_s128  int8 rows (bench/quantize_models.py
#                                      writes the MatMulInteger and MatMulNBits forms)
#   bench/run.sh --help                every option
#
# Needs build/bin/kiln-compile and build/lib/libkiln_runtime.a (build Kiln first), the
# oracle's onnxruntime-node under tools/oracle/node_modules, node, cc, /usr/bin/time,
# and /usr/bin/python3 with Debian's python3-onnx and python3-numpy. Models are written
# to bench/models/L<layers>/ on first use (about 2.6 GB for the 12-layer set).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in node cc /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing" >&2; exit 1; }
done
exec /usr/bin/python3 bench/bench.py "$@"
