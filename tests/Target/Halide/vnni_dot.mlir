// An int8 dot product as Halide 14 matches it to vpdpbusd (u8 x s8 into s32,
// 4 products per lane: r split by 4, the 4 atomic-vectorized into the lanes,
// n vectorized by 16), beside an f32 kernel, for a target with
// avx512_sapphirerapids. --cpu znver4 (a CPU with AVX512-VNNI and no
// AVX512-FP16) sets halide.cpu: @dot goes to LLVM bitcode and through LLVM 19
// for znver4, @scale and the runtime are built by Halide without the feature.
// Neither object may hold an AVX512-FP16 or AMX instruction. The ctest
// unit.vnni_dot (vnni_dot_test.c) runs the same objects against a scalar
// reference.
// RUN: kiln-opt %s | FileCheck %s
// RUN: rm -rf %t && kiln-translate --halide-to-objects %s --output-dir %t --name v --cpu znver4 | FileCheck %s --check-prefix=FILES
// RUN: llvm-objdump -d --no-show-raw-insn %t/v_dot.o | FileCheck %s --check-prefix=DOT
// RUN: llvm-objdump -d --no-show-raw-insn %t/v_dot.o %t/v_scale.o %t/v_halide_runtime.o | not grep -E '\s(v[a-z0-9]+(ph|sh)\s.*[xyz]mm|vmovw|vcvtsh2|2phx|tdp|tileload|tilestore)'
// An unknown CPU is refused by name.
// RUN: not kiln-translate --halide-to-objects %s --output-dir %t/bad --name v --cpu nosuchcpu 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: halide.kernel @dot
// CHECK: halide.atomic @C
// FILES: v_dot.o
// FILES: v_scale.o
// FILES: v_halide_runtime.o
// DOT-LABEL: <v_dot>:
// DOT: vpdpbusd {{.*}}zmm
// BAD: error: --cpu: unknown CPU 'nosuchcpu'
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_sapphirerapids-avx512_skylake-f16c-fma-sse41">} {
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
      // arith takes signless integers: the u8 is seen as i8, then zero-extended.
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
      halide.vectorize @C "n" 16 {stage = 1}
    }
  }

  // out(x) = in(x) * 0.5: an f32 kernel, built the usual way.
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
      halide.vectorize @out "x" 16
    }
  }
}
