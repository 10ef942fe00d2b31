#!/usr/bin/env bash
# Reproduces docs/notes/int8-dynamic-semantics.md: writes the cases, runs Kiln (kiln-run,
# which also checks against the spec reference, then the kept library through ctypes)
# and onnxruntime (optimizations disabled and 'all'), and compares all three.
#
#   bash bench/int8/run.sh [ROOT] [KILN_BIN] [ORACLE_DIR]
# Defaults: ROOT=/tmp/int8_cases, KILN_BIN=build/bin, ORACLE_DIR=tools/oracle.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-/tmp/int8_cases}
bin=${2:-$here/../../build/bin}
export ORACLE_DIR=$(cd "${3:-$here/../../tools/oracle}" && pwd)  # absolute: node resolves it from the script
py=/usr/bin/python3

rm -rf "$root"
$py "$here/make_cases.py" "$root"
for act in ln gelu; do
  for kind in y parts; do
    c=$root/${act}_$kind
    "$bin/kiln-run" "$c" --work-dir "$c/kiln_lib" || true   # a mismatch is a result here
    $py "$here/kiln_run.py" "$c/kiln_lib" "$c" "$c/kiln"
    for level in disabled all; do node "$here/ort_run.js" "$c" $level "$c/ort_$level"; done
  done
  "$bin/kiln-run" "$root/${act}_fp32" --work-dir "$root/${act}_fp32/kiln_lib" || true
  $py "$here/kiln_run.py" "$root/${act}_fp32/kiln_lib" "$root/${act}_fp32" "$root/${act}_fp32/kiln"
  cp "$root/${act}_fp32/kiln/y.bin" "$root/${act}_fp32/fp32.bin"
done
$py "$here/compare.py" "$root"
