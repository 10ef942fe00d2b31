#!/bin/sh
# check_progress.sh KILN-COMPILE MODEL WORKDIR: with stderr piped, a compile
# prints no progress line (nor a carriage return); with --progress=always it
# prints each stage and the kernel count.
set -u
tool=$1 model=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
"$tool" "$model" -o "$work/quiet" 2>"$work/quiet.err" || { cat "$work/quiet.err"; exit 1; }
if grep -q "kiln-compile:" "$work/quiet.err" || grep -q "$(printf '\r')" "$work/quiet.err"; then
  echo "FAIL: progress written to a pipe:"; cat -A "$work/quiet.err"; exit 1
fi
echo "piped: no progress line"
"$tool" "$model" -o "$work/always" --progress=always 2>"$work/always.err" || { cat "$work/always.err"; exit 1; }
# The first stage, the kernel counts and the last stage (the ones between are
# compileModel's to name).
for want in "kiln-compile: import" "kiln-compile: halide-codegen 1/" "kiln-compile: library"; do
  grep -q "^$want" "$work/always.err" || { echo "FAIL: no '$want' line:"; cat "$work/always.err"; exit 1; }
done
# The last kernel count is total/total.
last=$(grep "halide-codegen [0-9]" "$work/always.err" | tail -1)
echo "$last" | grep -Eq ' ([0-9]+)/\1 kernels$' || { echo "FAIL: last count '$last'"; exit 1; }
echo "--progress=always: every stage, then '$last'"
