#!/bin/bash
# Builds a model's library through the tools one stage at a time, as a user
# of kiln-opt and kiln-translate would:
#   kiln-compile --emit graph | kiln-opt --kiln-graph-to-halide | kiln-translate --emit-library
#   translate_model.sh KILN_COMPILE KILN_OPT KILN_TRANSLATE OUTDIR NAME MODEL [kiln-compile flags...]
set -euo pipefail
compile=$1 opt=$2 translate=$3 out=$4 name=$5 model=$6
shift 6
mkdir -p "$out"
"$compile" "$model" "$@" --emit graph --print-weights > "$out/$name.graph.mlir"
"$opt" "$out/$name.graph.mlir" --kiln-graph-to-halide="target=host" -o "$out/$name.halide.mlir"
"$translate" --emit-library "$out/$name.halide.mlir" --output-dir "$out" --name "$name" \
  --source "$(basename "$model")" > /dev/null
rm -f "$out/$name.graph.mlir" "$out/$name.halide.mlir"
