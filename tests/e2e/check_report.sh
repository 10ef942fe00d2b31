#!/usr/bin/env bash
# check_report.sh MIN_COSINE COMMAND...: runs a kiln-compile --report command
# and passes when it succeeds, reports at least one output, every reported
# cosine is >= MIN_COSINE and the quantized library is smaller than the f32 one.
min=$1; shift
out=$("$@" 2>&1); rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || { echo "check_report: exit status $rc"; exit 1; }
awk -v min="$min" '
  / output [0-9]+ .*: cosine / { n++; c = $0; sub(/.*cosine /, "", c); sub(/,.*/, "", c);
                                 if (c + 0 < min + 0) { print "check_report: cosine " c " < " min; bad = 1 } }
  /^  library: / { lib = 1; r = $0; sub(/.*\(/, "", r); sub(/x\).*/, "", r);
                   if (r + 0 >= 1) { print "check_report: the quantized library is not smaller (" r "x)"; bad = 1 } }
  END { if (!n) { print "check_report: no output reported"; bad = 1 }
        if (!lib) { print "check_report: no library sizes"; bad = 1 }
        if (bad) exit 1; print "check_report: " n " outputs, all cosines >= " min }' <<<"$out"
