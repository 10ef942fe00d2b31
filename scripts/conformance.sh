#!/usr/bin/env bash
# Regenerates docs/conformance.md and tests/conformance/expected_pass.txt in one
# command: builds kiln-conformance (in build/, as scripts/test.sh does) and runs it
# over every case of the ONNX backend tests in /usr/share/libonnx-testdata/data
# (node, pytorch-converted, pytorch-operator, simple). Both files are rewritten;
# the exit status is 1 when a case the old expected_pass.txt listed no longer
# passes (the REGRESSION lines say which). Extra arguments go to kiln-conformance
# (e.g. --jobs 8, --fuse=false); KILN_BUILD_DIR picks another build folder.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${KILN_BUILD_DIR:-build}
scripts/setup.sh || exit 1
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
ninja -C "$build" -j2 kiln-conformance || exit 1

expect=tests/conformance/expected_pass.txt
args=(--table docs/conformance.md --write-expect "$expect" --tolerances tests/conformance/tolerances.txt)
[ -f "$expect" ] && args+=(--expect "$expect")
"$build/bin/kiln-conformance" --jobs "$(nproc)" "${args[@]}" "$@"
