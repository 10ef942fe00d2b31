#!/usr/bin/env bash
# Usage: scripts/fuzz.sh SECONDS
# Builds the libFuzzer targets (build-fuzz/, clang-19, ASan+UBSan; cmake/Fuzz.cmake)
# and runs each for SECONDS seconds from its seed corpus (tests/fuzz/corpus/), plus
# the ONNX backend test models for the importer when libonnx-testdata is installed.
# The corpus is copied into a scratch folder, so runs never change the repository;
# inputs that crash are written to build-fuzz/crashes/TARGET/ (docs/hardening.md
# says how to reproduce and keep one). Prints each target's executions and exits
# non-zero if any target crashed.
set -uo pipefail
seconds=${1:?usage: scripts/fuzz.sh SECONDS}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

# clang-19 and its sanitizer and libFuzzer runtimes; the rest comes from setup.sh.
pkgs=(clang-19 libclang-rt-19-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" || exit 1
fi

build=build-fuzz
# -O1 with line tables: fast enough to fuzz, and sanitizer reports name the line.
flags="-O1 -gline-tables-only -DNDEBUG"
CC=clang-19 CXX=clang++-19 cmake -G Ninja -S . -B $build -DKILN_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="$flags" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" >/dev/null || exit 1
ninja -C $build -j2 kiln-fuzz-import kiln-fuzz-runtime || exit 1

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
for target in import runtime; do
  corpus=$scratch/$target
  crashes=$here/$build/crashes/$target
  mkdir -p "$corpus" "$crashes"
  cp tests/fuzz/corpus/$target/* "$corpus"/
  if [ $target = import ]; then
    # The bad-input corpus too: truncations, bit flips and hostile graphs.
    for f in tests/bad_inputs/cases/*.onnx tests/bad_inputs/cases/*/model.onnx; do
      cp "$f" "$corpus/bad_$(basename "${f%/model.onnx}" .onnx).onnx"
    done
  fi
  seeds=()
  testdata=/usr/share/libonnx-testdata/data/node
  if [ $target = import ] && [ -d $testdata ]; then
    # One small model per ONNX op: the importer's handlers, each reached at once.
    mkdir -p "$scratch/node"
    for f in $testdata/*/model.onnx; do
      [ "$(stat -c %s "$f")" -lt 20000 ] && cp "$f" "$scratch/node/$(basename "$(dirname "$f")").onnx"
    done
    seeds=("$scratch/node")
  fi
  log=$scratch/$target.log
  # The whole duration in one process: a crash stops it and is reported below.
  $build/bin/kiln-fuzz-$target -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [ $rc -ne 0 ]; then
    failed=1
    grep -E "ERROR|runtime error|SUMMARY|Test unit written" "$log" | head -20
    echo "kiln-fuzz-$target: CRASH after ${execs:-?} executions (exit $rc); input in $crashes/"
  else
    echo "kiln-fuzz-$target: ${execs:-?} executions in ${seconds}s, no crash"
  fi
done
exit $failed
