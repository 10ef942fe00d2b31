#!/usr/bin/env bash
# Builds Kiln and runs every test: the lit/FileCheck suite (check-kiln), the
# runtime unit test, the end-to-end tests (compile, link, run, compare with
# the references and onnxruntime), the bad-input corpus, the conformance
# suite and the install check (ctest install.example_app: an app built against
# an installed prefix, scripts/install-check.sh); then each fuzz target for a
# minute and the sanitized tests (KILN_QUICK=1 skips those two). Ends with
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
# CI=true: the ONNX test data and ../shared/models must be there (CMake stops
# otherwise, see KILN_REQUIRE_TEST_DATA), so no test group can vanish unseen.
require=OFF; [ "${CI:-}" = true ] && require=ON
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release -DKILN_REQUIRE_TEST_DATA=$require >/dev/null || exit 1
ninja -C build -j2 || exit 1

# lit: its exit status counts, and so do Unresolved and Timed Out tests (a
# RUN line that cannot run is not a pass); a run of 0 lit tests is a failure.
lit_out=$(/usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/tests 2>&1); lit_rc=$?
echo "$lit_out" | grep -E "^(PASS|FAIL|UNSUPPORTED|XFAIL|XPASS|UNRESOLVED|TIMEOUT)|Failed Tests|Unresolved Tests|Timed Out Tests|  KILN ::" || true
lit_count() { echo "$lit_out" | sed -n "s/^ *$1 *: *\([0-9]*\).*/\1/p" | head -1; }
lit_pass=$(lit_count Passed); lit_pass=${lit_pass:-0}
lit_fail=$(lit_count Failed); lit_fail=${lit_fail:-0}
lit_unres=$(lit_count Unresolved); lit_unres=${lit_unres:-0}
lit_tout=$(lit_count "Timed Out"); lit_tout=${lit_tout:-0}
lit_fail=$((lit_fail + lit_unres + lit_tout))
if [ "$lit_rc" -ne 0 ] && [ "$lit_fail" -eq 0 ]; then
  echo "lit exited with status $lit_rc"; lit_fail=1
fi
if [ "$lit_pass" -eq 0 ]; then
  echo "lit ran no test"; lit_fail=$((lit_fail + 1))
fi
echo "lit: $lit_pass passed, $lit_fail failed ($lit_unres unresolved, $lit_tout timed out)"

# ctest: every test but lit (run above). Its exit status counts too.
ctest_out=$(ctest --test-dir build --output-on-failure -E '^lit$' 2>&1); ctest_rc=$?
echo "$ctest_out" | grep -vE "^(UpdateCTestConfiguration|Test project|Constructing|Checking test dependency|Updating test list|Internal ctest)" || true
total=$(echo "$ctest_out" | sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p'); total=${total:-0}
c_fail=$(echo "$ctest_out" | sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p'); c_fail=${c_fail:-0}
c_skip=$(echo "$ctest_out" | grep -c "(Skipped)$"); c_skip=${c_skip:-0}
c_pass=$((total - c_fail - c_skip))
if [ "$ctest_rc" -ne 0 ] && [ "$c_fail" -eq 0 ]; then
  echo "ctest exited with status $ctest_rc"; c_fail=1
fi
if [ "$total" -eq 0 ]; then
  echo "ctest ran no test"; c_fail=$((c_fail + 1))
fi

# The hardening stages (docs/hardening.md): each libFuzzer target for
# KILN_FUZZ_SECONDS (60) from the corpus, then the runtime, corpus and e2e
# tests again in a build with ASan and UBSan. KILN_QUICK=1 skips both (an
# edit-and-test loop); CI runs them.
h_pass=0; h_fail=0
if [ "${KILN_QUICK:-0}" = 1 ]; then
  echo "KILN_QUICK=1: fuzzing and the sanitized tests are skipped"
else
  fuzz_out=$(bash scripts/fuzz.sh "${KILN_FUZZ_SECONDS:-60}" 2>&1); fuzz_rc=$?
  echo "$fuzz_out" | tail -30
  f_pass=$(echo "$fuzz_out" | grep -c "^kiln-fuzz-.*no crash$")
  f_fail=$(echo "$fuzz_out" | grep -c "^kiln-fuzz-.*CRASH")
  if [ "$fuzz_rc" -ne 0 ] && [ "$f_fail" -eq 0 ]; then echo "fuzz.sh exited with status $fuzz_rc"; f_fail=1; fi
  [ "$f_pass" -eq 0 ] && [ "$f_fail" -eq 0 ] && { echo "fuzz.sh ran no target"; f_fail=1; }
  echo "fuzz: $f_pass passed, $f_fail failed"
  san_out=$(bash scripts/test-sanitized.sh 2>&1); san_rc=$?
  echo "$san_out" | grep -vE "^ *Start |Test +#.* Passed " | tail -40
  s_line=$(echo "$san_out" | grep -E "^[0-9]+ passed, [0-9]+ failed" | tail -1)
  s_pass=$(echo "$s_line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); s_pass=${s_pass:-0}
  s_fail=$(echo "$s_line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p'); s_fail=${s_fail:-0}
  if [ "$san_rc" -ne 0 ] && [ "$s_fail" -eq 0 ]; then echo "test-sanitized.sh exited with status $san_rc"; s_fail=1; fi
  [ "$s_pass" -eq 0 ] && [ "$s_fail" -eq 0 ] && { echo "test-sanitized.sh ran no test"; s_fail=1; }
  echo "sanitized: $s_pass passed, $s_fail failed"
  h_pass=$((f_pass + s_pass)); h_fail=$((f_fail + s_fail))
fi

passed=$((lit_pass + c_pass + h_pass)); failed=$((lit_fail + c_fail + h_fail))
[ "$c_skip" -gt 0 ] && echo "$c_skip skipped (see '(Skipped)' above: a tool this machine lacks)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
