// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s

// CHECK-LABEL: module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512_skylake-no_runtime">}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512_skylake-no_runtime">} {
}

// -----

// CHECK-LABEL: module attributes {halide.target = #halide.target<"x86-64-linux-cuda-cuda_capability_80">}
module attributes {halide.target = #halide.target<"x86-64-linux-cuda-cuda_capability_80">} {
}
