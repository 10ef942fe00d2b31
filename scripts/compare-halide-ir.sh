#!/bin/bash
# compare-halide-ir.sh BASE_BIN NEW_BIN [OUT]: prints `kiln-compile --emit halide`
# of every shared model (the e2e tests' shapes, and --symbolic-dims), of
# tests/e2e/data/*, and of two models for host-cuda, with both kiln-compile
# binaries, and diffs them after normalising what the schedule passes may
# spell differently: the module's halide.target, the kernels' recipe
# attributes and the enum spellings of combine and the schedule target.
# Exits 1 on a difference. BASE_BIN may be a folder of saved outputs.
set -eu
base=$1 new=$2 out=${3:-/tmp/kiln-compare-halide-ir}
root=$(cd "$(dirname "$0")/.." && pwd)
models=${KILN_SHARED_DIR:-$root/../shared}/models
mkdir -p "$out/base" "$out/new"

cases() {
  echo "bert_dynamo $models/bert_dynamo/model.onnx"
  echo "distilbert_legacy $models/distilbert_legacy/model.onnx --shape batch=2,seq=16"
  echo "vit_legacy $models/vit_legacy/model.onnx --shape batch=2"
  echo "distilbert_legacy_sym $models/distilbert_legacy/model.onnx --symbolic-dims"
  echo "vit_legacy_sym $models/vit_legacy/model.onnx --symbolic-dims"
  echo "bert_dynamo_cuda $models/bert_dynamo/model.onnx --target host-cuda"
  echo "distilbert_legacy_cuda $models/distilbert_legacy/model.onnx --shape batch=2,seq=16 --target host-cuda"
  for d in "$root"/tests/e2e/data/*/; do
    [ -f "$d/model.onnx" ] && echo "data_$(basename "$d") $d/model.onnx"
  done
  echo "attention_cuda $root/tests/e2e/data/attention/model.onnx --target host-cuda"
}

normalise() {
  sed -E -e 's/ *halide\.target = #halide\.target<"[^"]*">,? *//' \
         -e 's/module attributes \{\}/module/' \
         -e 's/ attributes \{recipe = [^}]*\}//' \
         -e 's/, recipe = #halide\.recipe<[a-z_]*>//; s/recipe = #halide\.recipe<[a-z_]*>,? ?//' \
         -e 's/combine (add|mul|max|min|set)( |$)/combine "\1"\2/' \
         -e 's/halide\.schedule (cpu|cuda)/halide.schedule "\1"/' "$1"
}

status=0
cases | while read -r name model args; do
  if [ -d "$base" ]; then
    cp "$base/$name.mlir" "$out/base/$name.mlir"
  else
    # shellcheck disable=SC2086
    "$base" "$model" $args --emit halide > "$out/base/$name.mlir" 2>/dev/null || echo "$name: base failed"
  fi
  # shellcheck disable=SC2086
  "$new" "$model" $args --emit halide > "$out/new/$name.mlir" 2>/dev/null || echo "$name: new failed"
  if diff <(normalise "$out/base/$name.mlir") <(normalise "$out/new/$name.mlir") > "$out/$name.diff"; then
    echo "$name: same ($(grep -c 'halide.kernel' "$out/new/$name.mlir") kernels)"
  else
    echo "$name: DIFFERS ($(wc -l < "$out/$name.diff") diff lines, $out/$name.diff)"
    echo differs > "$out/failed"
  fi
done
[ ! -e "$out/failed" ] || { rm -f "$out/failed"; exit 1; }
