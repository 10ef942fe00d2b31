#!/usr/bin/env bash
# expect_error.sh STATUS TEXT COMMAND...: passes when COMMAND exits with exactly
# STATUS (so a crash, a signal or a success all fail) and prints TEXT (a fixed
# string) on stdout or stderr. ctest's PASS_REGULAR_EXPRESSION ignores the
# exit status, which would let a crash after the right message pass.
want=$1 text=$2; shift 2
out=$("$@" 2>&1); rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$want" ]; then echo "expect_error: exit status $rc, expected $want"; exit 1; fi
if ! grep -qF -- "$text" <<<"$out"; then echo "expect_error: output lacks: $text"; exit 1; fi
echo "expect_error: status $rc and the expected message"
