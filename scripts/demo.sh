#!/usr/bin/env bash
# Kiln's end-to-end demo, from a fresh clone on Debian 12:
#   installs the dependencies (scripts/setup.sh), builds kiln-compile and the example,
#   which compiles examples/tiny_bert.onnx into libtiny_bert.a + tiny_bert.h at build
#   time, runs it, runs onnxruntime on the same model and inputs, and compares.
#
#   scripts/demo.sh [TOKEN_ID ...]     (8 ids in 0..99; default: the example's own)
#
# Exit status 0 when every output is within 1e-4 + 1e-3*|reference|.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "== setup"
scripts/setup.sh

echo "== configure and build"
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build -j2 kiln-example

out=build/demo
rm -rf "$out"
echo "== kiln: build/bin/kiln-example"
build/bin/kiln-example --dump "$out/kiln" "$@"

echo "== onnxruntime on the same inputs"
node tools/oracle/run.js examples/tiny_bert.onnx "$out/onnxruntime" \
  "input_ids=int64:1x8:$out/kiln/input_0.bin"

echo "== compare"
node tools/oracle/compare.js "$out/onnxruntime" "$out/kiln" --atol 1e-4 --rtol 1e-3
