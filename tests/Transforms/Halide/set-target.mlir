// RUN: kiln-opt %s -kiln-set-target='target=x86-64-linux-avx-avx2-fma' | FileCheck %s
// RUN: not kiln-opt %s -kiln-set-target='target=bogus' 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not kiln-opt %s -kiln-set-target 2>&1 | FileCheck %s --check-prefix=EMPTY
// The pipeline resolves its target option first; an unknown one reaches
// kiln-set-target as it was written, and fails there with its name.
// RUN: not kiln-opt %s --kiln-graph-to-halide='target=riscv-nope' 2>&1 | FileCheck %s --check-prefix=PIPELINE

// CHECK: module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-fma">}
// BAD: error: kiln-set-target: target 'bogus' is not arch-bits-os[-feature...]
// EMPTY: error: kiln-set-target: target '' is not arch-bits-os[-feature...]
// PIPELINE: error: kiln-set-target: target 'riscv-nope'
module {
}
