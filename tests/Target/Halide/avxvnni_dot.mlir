// vnni_dot.mlir for a CPU with AVX-VNNI and no AVX-512 (Alder Lake and later
// client CPUs): an AVX2 Halide target, n vectorized by 8 (ymm). --cpu
// alderlake sends @dot through Halide's bitcode and LLVM 19, which selects the
// VEX form of vpdpbusd for the 256-bit intrinsic. No object may hold a zmm
// register or an AVX-512 mask (what the CPU cannot run). The ctest
// unit.avxvnni_dot runs the same objects against a scalar reference.
// RUN: kiln-opt %s | FileCheck %s
// RUN: rm -rf %t && kiln-translate --halide-to-objects %s --output-dir %t --name v --cpu alderlake | FileCheck %s --check-prefix=FILES
// RUN: llvm-objdump -d --no-show-raw-insn %t/v_dot.o | FileCheck %s --check-prefix=DOT
// RUN: llvm-objdump -d --no-show-raw-insn %t/v_dot.o %t/v_scale.o %t/v_halide_runtime.o | not grep -E 'zmm|%k[0-7]'
// A CPU with neither VNNI keeps Halide's own code: no vpdpbusd.
// RUN: rm -rf %t/old && kiln-translate --halide-to-objects %s --output-dir %t/old --name v --cpu haswell
// RUN: llvm-objdump -d --no-show-raw-insn %t/old/v_dot.o | FileCheck %s --check-prefix=OLD

// CHECK-LABEL: halide.kernel @dot
// CHECK: halide.atomic @C
// FILES: v_dot.o
// FILES: v_scale.o
// FILES: v_halide_runtime.o
// DOT-LABEL: <v_dot>:
// DOT: {vex} vpdpbusd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// OLD-LABEL: <v_dot>:
// OLD-NOT: vpdpbusd
// OLD: vpmaddwd
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-f16c-fma-sse41">} {
  // C(n, m) = sum_r i32(A(r, m)) * i32(B(r, n)), A u8 [K=64, M=8], B s8 [K=64, N=32].
  halide.kernel @dot {
    halide.input @A : ui8 [64, 8]
    halide.input @B : i8 [64, 32]
    halide.func @C ["n", "m"] : i32 {
    ^bb0(%n: i32, %m: i32):
      %z = arith.constant 0 : i32
      halide.return %z : i32
    }
    halide.update @C rdom [0, 64] combine add {
    ^bb0(%n: i32, %m: i32, %r: i32):
      %a = halide.call @A(%r, %m) : (i32, i32) -> ui8
      %b = halide.call @B(%r, %n) : (i32, i32) -> i8
      %a8 = builtin.unrealized_conversion_cast %a : ui8 to i8
      %a32 = arith.extui %a8 : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %p = arith.muli %a32, %b32 : i32
      halide.return %p : i32
    }
    halide.output @C [32, 8]
    halide.schedule cpu {
      halide.split @C "r0" -> "ro", "ri" by 4 {stage = 1}
      halide.reorder @C ["ri", "n", "ro", "m"] {stage = 1}
      halide.atomic @C
      halide.vectorize @C "ri" 4 {stage = 1}
      halide.vectorize @C "n" 8 {stage = 1}
    }
  }

  // out(x) = in(x) * 0.5: an f32 kernel, built by Halide for the AVX2 target.
  // CHECK-LABEL: halide.kernel @scale
  halide.kernel @scale {
    halide.input @in : f32 [100]
    halide.func @out ["x"] : f32 {
    ^bb0(%x: i32):
      %v = halide.call @in(%x) : (i32) -> f32
      %h = arith.constant 0.5 : f32
      %r = arith.mulf %v, %h : f32
      halide.return %r : f32
    }
    halide.output @out [100]
    halide.schedule cpu {
      halide.vectorize @out "x" 8
    }
  }
}
