#!/usr/bin/env bash
# Builds Kiln and runs every test: the lit/FileCheck suite (check-kiln), the
# runtime unit test and the end-to-end tests (compile, link, run, compare with
# the references and onnxruntime). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
ninja -C build -j2 || exit 1

lit_out=$(/usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/tests 2>&1)
echo "$lit_out" | grep -E "^(PASS|FAIL|UNSUPPORTED|XFAIL|XPASS)|Failed Tests|  KILN ::" || true
lit_pass=$(echo "$lit_out" | sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p'); lit_pass=${lit_pass:-0}
lit_fail=$(echo "$lit_out" | sed -n 's/^ *Failed *: *\([0-9]*\).*/\1/p'); lit_fail=${lit_fail:-0}
echo "lit: $lit_pass passed, $lit_fail failed"

ctest_out=$(ctest --test-dir build --output-on-failure -E '^lit$' 2>&1)
echo "$ctest_out" | grep -vE "^(UpdateCTestConfiguration|Test project|Constructing|Checking test dependency|Updating test list|Internal ctest)" || true
total=$(echo "$ctest_out" | sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p'); total=${total:-0}
c_fail=$(echo "$ctest_out" | sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p'); c_fail=${c_fail:-0}
c_skip=$(echo "$ctest_out" | grep -c "(Skipped)$"); c_skip=${c_skip:-0}
c_pass=$((total - c_fail - c_skip))

passed=$((lit_pass + c_pass)); failed=$((lit_fail + c_fail))
[ "$c_skip" -gt 0 ] && echo "$c_skip skipped (see '(Skipped)' above: a tool this machine lacks)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
