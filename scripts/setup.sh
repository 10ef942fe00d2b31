#!/usr/bin/env bash
# Installs everything Kiln needs on a fresh Debian 12 machine: the compiler toolchain
# (LLVM/MLIR 19, Halide 14), ONNX protobuf classes and test data, and the onnxruntime
# oracle from npm (used only by tests and the demo to produce reference outputs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

pkgs=(cmake ninja-build g++ pkg-config
      llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
      libhalide14-0-dev libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
      python3 python3-onnx python3-numpy zlib1g-dev libzstd-dev libedit-dev libcurl4-openssl-dev libxml2-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from the machine image rather than Debian; only ask apt when absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# The reference oracle: onnxruntime's CPU library ships inside the npm package.
if [ ! -f "$here/tools/oracle/node_modules/onnxruntime-node/package.json" ]; then
  (cd "$here/tools/oracle" && npm install --no-save --no-audit --no-fund --ignore-scripts onnxruntime-node@1.30.0 >/dev/null)
fi
echo "setup: done"
