#!/bin/bash
# kiln-opt --kiln-graph-to-halide on the imported graph prints the same halide
# module as kiln-compile --emit halide: the registered pipeline is the one
# kiln-compile runs.
#   pipeline_equivalence.sh KILN_COMPILE KILN_OPT WORKDIR MODEL [kiln-compile flags...]
set -euo pipefail
compile=$1 opt=$2 work=$3 model=$4
shift 4
rm -rf "$work" && mkdir -p "$work"
"$compile" "$model" "$@" --emit graph --print-weights > "$work/graph.mlir"
"$opt" "$work/graph.mlir" --kiln-graph-to-halide="target=host" \
  --mlir-elide-elementsattrs-if-larger=16 --mlir-elide-resource-strings-if-larger=64 > "$work/opt.mlir"
"$compile" "$model" "$@" --emit halide > "$work/compile.mlir"
if ! cmp -s "$work/opt.mlir" "$work/compile.mlir"; then
  echo "FAIL: kiln-opt --kiln-graph-to-halide and kiln-compile --emit halide differ:"
  diff "$work/opt.mlir" "$work/compile.mlir" | head -20
  exit 1
fi
kernels=$(grep -c '^  halide.kernel @' "$work/compile.mlir" || true)
echo "ok: $(basename "$(dirname "$model")"): the same halide module ($kernels kernels, $(wc -l < "$work/compile.mlir") lines)"
rm -rf "$work"
