#!/bin/sh
# check_help.sh TOOL MAX: TOOL --help must print fewer than MAX lines (LLVM's
# own options hidden), and list its options at all.
help=$("$1" --help) || { echo "FAIL: $1 --help exited with status $?"; exit 1; }
lines=$(printf '%s\n' "$help" | wc -l)
echo "$1 --help: $lines lines (limit: under $2)"
printf '%s\n' "$help" | grep -q -- '--help' || { echo "FAIL: no options listed"; exit 1; }
[ "$lines" -lt "$2" ] || { printf '%s\n' "$help"; echo "FAIL: $lines lines"; exit 1; }
