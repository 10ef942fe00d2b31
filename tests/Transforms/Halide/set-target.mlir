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

// halide.cpu: set beside the target when the pass is given a cpu; one given
// without features (the pipeline found no such CPU) is refused by name.
// RUN: kiln-opt %s -kiln-set-target='target=x86-64-linux-avx-avx2-avx512-avx512_skylake-fma cpu=znver4 cpu-features=+avx512vnni,-avx512fp16' | FileCheck %s --check-prefix=CPU
// RUN: not kiln-opt %s -kiln-set-target='target=x86-64-linux-avx-avx2-fma cpu=znver4' 2>&1 | FileCheck %s --check-prefix=NOFEATURES
// RUN: not kiln-opt %s -kiln-set-target='target=x86-64-linux-avx-avx2-fma cpu=znver4 cpu-features=avx512vnni' 2>&1 | FileCheck %s --check-prefix=BADFEATURE
// The pipeline resolves a cpu name through LLVM.
// RUN: kiln-opt %s --kiln-graph-to-halide='target=x86-64-linux-avx-avx2-avx512-avx512_skylake-fma cpu=znver4' | FileCheck %s --check-prefix=PIPECPU
// RUN: not kiln-opt %s --kiln-graph-to-halide='target=x86-64-linux-avx-avx2-fma cpu=nosuchcpu' 2>&1 | FileCheck %s --check-prefix=PIPEBAD
// CPU-LABEL: module attributes
// CPU-SAME: halide.cpu = #halide.cpu<"znver4", "+avx512vnni,-avx512fp16">
// NOFEATURES: error: kiln-set-target: cpu 'znver4' has no features (not an LLVM x86 CPU name?)
// BADFEATURE: error: kiln-set-target: cpu feature 'avx512vnni' is not +name or -name
// PIPECPU-LABEL: module attributes
// PIPECPU-SAME: halide.cpu = #halide.cpu<"znver4", "+avx512vnni,-avx512fp16,-amx-tile,-amx-int8,-amx-bf16,-amx-fp16,-amx-complex">
// PIPEBAD: error: kiln-set-target: cpu 'nosuchcpu' has no features
