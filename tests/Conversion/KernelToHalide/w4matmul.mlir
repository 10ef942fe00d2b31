// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu='w4-prefetch=2' | FileCheck %s
// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s --check-prefix=NOPF

// kernel.w4matmul as four funcs: asum (A's block sums, at root), blk (A times
// the unpacked nibbles per block: byte >> 4 * jl & 15, the even k in the low
// nibble; K = 100 is not a multiple of the block, so A reads past K are 0),
// acc (per block: scale * (blk - zero * asum), scale and zero read in
// the weight's panels), out. The schedule: 64-column panels in parallel, acc per row
// tile, blk computed per block (at acc's r0) with the nibble index r0
// unrolled into constant shifts; with w4-prefetch=2 the packed weights of the
// block after next are prefetched (off by default: no gain measured on the
// bench's cold GPT-2 decode step, within its noise).
// NOPF-NOT:    halide.prefetch
// CHECK-LABEL: halide.kernel @k0_w4matmul_f32 attributes {b_panel = 64 : i64, recipe = #halide.recipe<w4matmul>}
// CHECK:       halide.update @asum rdom [0, 32] combine add
// CHECK:         arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK:       halide.update @blk rdom [0, 2, 0, 16] combine add
// CHECK:         %[[BYTE:.*]] = halide.call @in1(%arg0, %{{.*}}, %arg3) : (i32, i32, i32) -> ui8
// CHECK:         %[[SH:.*]] = arith.shrui %{{.*}}, %{{.*}} : i32
// CHECK:         arith.andi %[[SH]], %{{.*}} : i32
// CHECK:         arith.select
// CHECK:       halide.update @acc rdom [0, 4] combine add
// CHECK:         %[[BLK:.*]] = halide.call @blk(
// CHECK:         %[[AS:.*]] = halide.call @asum(
// CHECK:         %[[S:.*]] = halide.call @in2(
// CHECK:         %[[Z:.*]] = halide.call @in3(
// CHECK:         %[[ZA:.*]] = arith.mulf %[[Z]], %[[AS]] : f32
// CHECK:         %[[C:.*]] = arith.subf %[[BLK]], %[[ZA]] : f32
// CHECK:         arith.mulf %[[S]], %[[C]] : f32
// CHECK:       halide.schedule cpu {
// CHECK-NEXT:    halide.split @out "d1" -> "d1_o", "d1_i" by 64
// CHECK:         halide.parallel @out "d1_o"
// CHECK-NEXT:    halide.compute_at @acc, @out "d0_o"
// CHECK:         halide.reorder @acc ["d2", "d1", "r0"] {stage = 1 : i64}
// CHECK-NEXT:    halide.prefetch @acc @in1 at "r0" from "r0" offset 2 {stage = 1 : i64}
// CHECK:         halide.compute_at @blk, @acc "r0"
// CHECK:         halide.reorder @blk ["d3", "r0", "d2", "r1"] {stage = 1 : i64}
// CHECK-NEXT:    halide.vectorize @blk "d3" 16 {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @blk "d3" {stage = 1 : i64}
// CHECK-NEXT:    halide.unroll @blk "r0" {stage = 1 : i64}
// CHECK:         halide.compute_root @asum
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @w4(%a: tensor<2x100xf32>, %q: tensor<2x64x64xui8>, %s: tensor<2x4x64xf32>, %z: tensor<2x4x64xf32>) -> tensor<2x80xf32> {
  %0 = kernel.w4matmul %a, %q scales(%s, %z) {b_panel = 64 : i64, group_size = 32 : i64} : (tensor<2x100xf32>, tensor<2x64x64xui8>, tensor<2x4x64xf32>, tensor<2x4x64xf32>) -> tensor<2x80xf32>
  return %0 : tensor<2x80xf32>
}
}
