#!/usr/bin/env bash
# expect_lines.sh STATUS [TEXT | !TEXT]... -- COMMAND...: passes when COMMAND
# exits with exactly STATUS and its output (stdout and stderr) holds every
# TEXT (a fixed string) and no !TEXT.
want=$1; shift
texts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do texts+=("$1"); shift; done
[ "${1-}" = "--" ] || { echo "expect_lines: no -- before the command"; exit 2; }
shift
out=$("$@" 2>&1); rc=$?
printf '%s\n' "$out"
bad=0
[ "$rc" -eq "$want" ] || { echo "expect_lines: exit status $rc, expected $want"; bad=1; }
for t in "${texts[@]}"; do
  if [ "${t:0:1}" = "!" ]; then
    grep -qF -- "${t:1}" <<<"$out" && { echo "expect_lines: output holds: ${t:1}"; bad=1; }
  else
    grep -qF -- "$t" <<<"$out" || { echo "expect_lines: output lacks: $t"; bad=1; }
  fi
done
[ "$bad" -eq 0 ] && echo "expect_lines: status $rc and every expected line"
exit "$bad"
