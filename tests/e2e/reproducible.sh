#!/usr/bin/env bash
# reproducible.sh KILN_COMPILE OUT_DIR NAME MODEL [ARGS...]: builds MODEL again,
# from a copy in another folder, into a fresh folder, with the options the
# build used for OUT_DIR (kiln_add_model), and compares libNAME.a and NAME.h
# with cmp: two builds of one model must give the same bytes.
set -u
kc=$1 out=$2 name=$3 model=$4; shift 4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/elsewhere"
cp "$model" "$tmp/elsewhere/"
"$kc" "$tmp/elsewhere/$(basename "$model")" -o "$tmp/out" --name "$name" "$@" || exit 1
status=0
for f in "lib$name.a" "$name.h"; do
  if cmp "$out/$f" "$tmp/out/$f"; then echo "$f: identical"; else status=1; fi
done
exit $status
