#!/usr/bin/env bash
# Installs a build into a temporary prefix and uses it the way an app outside
# this tree would, with no way back into the tree: fails if the package leaks a
# build-tree or source-tree path, or if anything installed does not work.
#
#   scripts/install-check.sh [BUILD_DIR]     (default: build; ctest install.example_app)
#
# 1. cmake --install BUILD_DIR into a folder then moved to P (relocatable);
#    the installed tools load (ldd).
# 2. examples/installed_app, copied out of the tree with the model it compiles,
#    configured with CMAKE_PREFIX_PATH=P alone (find_package(Kiln)), built
#    and run (both builds: with and without exceptions).
# 3. The installed kiln-compile built its table against P's headers (a CC
#    wrapper logs every compile), and nothing generated names the tree.
# 4. A C program built with `pkg-config --cflags --libs kiln` on a model the
#    installed kiln-compile writes directly; the installed kiln-run on one
#    ONNX backend case.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-install-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() { echo "install-check: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

# Installed into one folder, used from another: the prefix must be relocatable.
first=$work/first
step "install into $first, then move it to $prefix"
cmake --install "$build" --prefix "$first" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
mv "$first" "$prefix"
for f in bin/kiln-compile bin/kiln-run bin/kiln-opt bin/kiln-translate lib/libkiln_runtime.a include/kiln/runtime.h \
         include/kiln/model_abi.h include/kiln/runtime.hpp lib/cmake/Kiln/KilnConfig.cmake \
         lib/cmake/Kiln/KilnConfigVersion.cmake lib/cmake/Kiln/Kiln.cmake lib/pkgconfig/kiln.pc; do
  [ -f "$prefix/$f" ] || fail "$f is not installed"
done
# Kiln's compiler libraries are not part of the package.
extra=$(cd "$prefix" && find . -type f | grep -vE '^\./(bin/kiln-(compile|run|opt|translate)|lib/libkiln_runtime\.a|include/kiln/|lib/cmake/Kiln/|lib/pkgconfig/kiln\.pc$)' || true)
[ -z "$extra" ] || fail "unexpected files installed: $extra"
if grep -rlF -e "$build" -e "$here" -e "$first" "$prefix/lib/cmake" "$prefix/lib/pkgconfig" "$prefix/include"; then
  fail "the files above name the build or source tree, or the first prefix"
fi
for tool in kiln-compile kiln-run kiln-opt kiln-translate; do
  if ldd "$prefix/bin/$tool" | grep -E "not found|$build|$here|$first"; then
    fail "$tool: a shared library is missing or comes from the tree"
  fi
  "$prefix/bin/$tool" --help >/dev/null || fail "$tool --help"
done

# The example's sources and the model, outside the tree (../tiny_bert.onnx as there).
mkdir -p "$work/src"
cp -r "$here/examples/installed_app" "$work/src/installed_app"
cp "$here/examples/tiny_bert.onnx" "$work/src/tiny_bert.onnx"
# Every C compile kiln-compile runs (the model table) goes through this log.
cat >"$work/cc" <<EOF
#!/bin/sh
echo "\$*" >>"$work/cc.log"
exec cc "\$@"
EOF
chmod +x "$work/cc"

step "configure examples/installed_app against the prefix only"
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
cmake "${generator[@]}" -S "$work/src/installed_app" -B "$work/app" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/configure.log" \
  || { cat "$work/configure.log"; fail "configure"; }
kiln_dir=$(sed -n 's/^Kiln_DIR:PATH=//p' "$work/app/CMakeCache.txt")
[ "$kiln_dir" = "$prefix/lib/cmake/Kiln" ] || fail "find_package(Kiln) found '$kiln_dir', not the prefix"

step "build and run it"
CC="$work/cc" cmake --build "$work/app" -j2 >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
if grep -rlF -e "$build" -e "$here" -e "$first" "$work/app" --include='*.ninja' --include='Makefile' --include='*.make' \
     --include='*.txt' --include='*.cmake' --include='*.h' --include='*.c'; then
  fail "the app's build names the build or source tree (files above)"
fi
grep -q -- "-I$prefix/include" "$work/cc.log" || { cat "$work/cc.log"; fail "kiln-compile did not use $prefix/include"; }
if grep -F -e "$build" -e "$here" -e "$first" "$work/cc.log"; then fail "kiln-compile compiled against the tree"; fi
expected="$work/src/installed_app/expected_last_hidden_state.bin"
for app in installed-app installed-app-noexcept; do
  "$work/app/$app" "$expected" >"$work/$app.log" 2>&1 || { cat "$work/$app.log"; fail "$app"; }
  tail -1 "$work/$app.log"
done

step "a C program linked with pkg-config"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion kiln)" != "" ] || fail "pkg-config does not find kiln"
mkdir -p "$work/pc"
"$prefix/bin/kiln-compile" "$work/src/tiny_bert.onnx" -o "$work/pc/model" --name encoder --target host \
  >"$work/pc/compile.log" 2>&1 || { cat "$work/pc/compile.log"; fail "installed kiln-compile"; }
# The runtime before the model's archive (it calls the Halide runtime inside).
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -o "$work/pc/app" "$work/src/installed_app/pkgconfig_app.c" -I"$work/pc/model" \
  $(pkg-config --cflags --libs kiln) "$work/pc/model/libencoder.a" || fail "cc with pkg-config"
"$work/pc/app" "$expected" || fail "the pkg-config app"

# kiln-run links the model with <prefix>/lib/libkiln_runtime.a (one ONNX case, when there).
relu=/usr/share/libonnx-testdata/data/node/test_relu
if [ -d "$relu" ]; then
  step "installed kiln-run on $relu"
  (cd "$work" && "$prefix/bin/kiln-run" "$relu" >"$work/kiln-run.log" 2>&1) || { cat "$work/kiln-run.log"; fail "kiln-run"; }
  tail -1 "$work/kiln-run.log"
fi

echo "install-check: ok"
