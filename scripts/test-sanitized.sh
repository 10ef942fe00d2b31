#!/usr/bin/env bash
# Builds Kiln with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/,
# gcc, -DKILN_SANITIZE=address,undefined: cmake/Sanitize.cmake) and runs tests
# under them. Ends with "N passed, N failed".
#   scripts/test-sanitized.sh          every test (15 minutes on 2 cores from scratch: 8.5 build, 6.5 tests)
#   scripts/test-sanitized.sh --quick  runtime.unit, corpus.bad_inputs and every e2e.* test
#
# The compiler, runtime, tools, tests and the C side of the model libraries are
# instrumented; the kernels Halide generates are not. --quick keeps the code
# that meets untrusted input (the runtime and its drivers, kiln-compile on good
# and hostile models) and drops lit, the dialect unit tests and the conformance
# suite (~600 models, 3 minutes), for when time is short.
#
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs under ASan
# and unpoisons each allocation inline; Debian's MLIR libraries are not
# instrumented, so their inlined copies never unpoison, and reads of memory an
# MLIRContext owns would be reported (tests/fuzz/fuzz_import.cpp says the same).
#
# Leaks: detect_leaks=1 while the tests run. The build itself runs kiln-compile
# (the e2e model libraries) with leak checks off, so that a leak fails the
# test that reaches the same code instead of the build.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
scripts/setup.sh || exit 1

start=$(date +%s)
cmake -G Ninja -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DKILN_SANITIZE=address,undefined \
  >/dev/null || exit 1
ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 ninja -C build-asan -j2 || exit 1
built=$(date +%s)
echo "sanitized build: $((built - start))s"

# halt_on_error: a UBSan finding fails its test (the build also makes them fatal).
export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
filter=()
[ $quick -eq 1 ] && filter=(-R '^(runtime\.unit|corpus\.bad_inputs|e2e\..*)$')
out=$(ctest --test-dir build-asan --output-on-failure "${filter[@]}" 2>&1)
echo "$out" | grep -vE "^(UpdateCTestConfiguration|Test project|Constructing|Checking test dependency|Updating test list|Internal ctest)" || true
total=$(echo "$out" | sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p'); total=${total:-0}
failed=$(echo "$out" | sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p'); failed=${failed:-0}
skipped=$(echo "$out" | grep -c "(Skipped)$")
passed=$((total - failed - skipped))
echo "sanitized tests: $(($(date +%s) - built))s"
[ "$skipped" -gt 0 ] && echo "$skipped skipped (see '(Skipped)' above: a tool this machine lacks)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
