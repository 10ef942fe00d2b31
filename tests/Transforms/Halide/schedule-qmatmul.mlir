// RUN: kiln-opt %s -kiln-schedule-cpu | FileCheck %s

// The packed int8 matmul's schedule: out tiled into NR-column panels (16
// here) by MR = 4 rows, panels in parallel; acc computed per tile with its
// update reordered to (r0, ni, m, r1) and r0 -- the 4 bytes of k a dot
// product lane sums -- vectorized atomically, so Halide's VNNI pattern turns
// the widening multiply-add into vpdpbusd; ni fills the i32 lanes.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32
// CHECK:       halide.schedule cpu {
// CHECK-NEXT:    halide.split @out "d1" -> "d1_o", "d1_i" by 16
// CHECK-NEXT:    halide.split @out "d0" -> "d0_o", "d0_i" by 4
// CHECK-NEXT:    halide.reorder @out ["d1_i", "d0_i", "d0_o", "d1_o"]
// CHECK-NEXT:    halide.vectorize @out "d1_i" 16
// CHECK-NEXT:    halide.unroll @out "d0_i"
// CHECK-NEXT:    halide.parallel @out "d1_o"
// CHECK-NEXT:    halide.compute_at @acc, @out "d0_o"
// CHECK:         halide.reorder @acc ["r0", "d2", "d1", "r1"] {stage = 1 : i64}
// CHECK-NEXT:    halide.atomic @acc
// CHECK-NEXT:    halide.vectorize @acc "r0" 4 {stage = 1 : i64}
// CHECK-NEXT:    halide.vectorize @acc "d2" 16 {stage = 1 : i64}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
    halide.kernel @k0_qmatmul_f32 attributes {b_panel = 16 : i64, recipe = #halide.recipe<qmatmul_packed>} {
      halide.input @in0 : ui8 [6, 4]
      halide.input @in1 : i8 [4, 16, 2, 1]
      halide.input @in2 : f32 [1, 4]
      halide.input @in3 : i32 [1, 4]
      halide.input @in4 : f32 [16]
      halide.input @in5 : i32 [16]
      halide.input @in6 : f32 [16]
      halide.func @acc ["d2", "d1", "d0"] : i32 {
      ^bb0(%arg0: i32, %arg1: i32, %arg2: i32):
        %c0_i32 = arith.constant 0 : i32
        halide.return %c0_i32 : i32
      }
      halide.update @acc rdom [0, 4, 0, 2] combine add {
      ^bb0(%arg0: i32, %arg1: i32, %arg2: i32, %arg3: i32, %arg4: i32):
        %c4_i32 = arith.constant 4 : i32
        %0 = arith.muli %arg4, %c4_i32 : i32
        %1 = arith.addi %0, %arg3 : i32
        %c5_i32 = arith.constant 5 : i32
        %2 = arith.minsi %1, %c5_i32 : i32
        %3 = halide.call @in0(%2, %arg1) : (i32, i32) -> ui8
        %4 = builtin.unrealized_conversion_cast %3 : ui8 to i8
        %5 = arith.extui %4 : i8 to i32
        %6 = halide.call @in1(%arg3, %arg0, %arg4, %arg2) : (i32, i32, i32, i32) -> i8
        %7 = arith.extsi %6 : i8 to i32
        %8 = arith.muli %5, %7 : i32
        halide.return %8 : i32
      }
      halide.func @out ["d1", "d0"] : f32 {
      ^bb0(%arg0: i32, %arg1: i32):
        %c16_i32 = arith.constant 16 : i32
        %0 = arith.floordivsi %arg0, %c16_i32 : i32
        %c16_i32_0 = arith.constant 16 : i32
        %1 = arith.remsi %arg0, %c16_i32_0 : i32
        %2 = halide.call @acc(%1, %arg1, %0) : (i32, i32, i32) -> i32
        %c0_i32 = arith.constant 0 : i32
        %3 = halide.call @in3(%c0_i32, %arg1) : (i32, i32) -> i32
        %4 = halide.call @in5(%arg0) : (i32) -> i32
        %5 = arith.muli %3, %4 : i32
        %6 = arith.subi %2, %5 : i32
        %c0_i32_1 = arith.constant 0 : i32
        %7 = halide.call @in2(%c0_i32_1, %arg1) : (i32, i32) -> f32
        %8 = halide.call @in4(%arg0) : (i32) -> f32
        %9 = arith.mulf %7, %8 : f32
        %10 = arith.sitofp %6 : i32 to f32
        %11 = arith.mulf %10, %9 : f32
        %12 = halide.call @in6(%arg0) : (i32) -> f32
        %13 = arith.addf %11, %12 : f32
        halide.return %13 : f32
      }
      halide.output @out [16, 4]
    }
}
