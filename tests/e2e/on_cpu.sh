#!/bin/sh
# on_cpu.sh FLAG COMMAND...: runs COMMAND where /proc/cpuinfo lists FLAG (the
# kernel's name: avx_vnni, avx2, avx512_vnni); elsewhere says so and exits 77,
# which ctest reports as skipped (SKIP_RETURN_CODE).
flag=$1
shift
if ! grep -qw "$flag" /proc/cpuinfo 2>/dev/null; then
  echo "SKIP: this CPU has no $flag"
  exit 77
fi
exec "$@"
