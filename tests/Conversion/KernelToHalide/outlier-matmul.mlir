// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu | FileCheck %s

// kernel.outlier_matmul as t (a reduction over k predicated on mask[k] != 0:
// `where`, the f16 weight widened) and out = acc + t. The schedule runs t per row of out with k
// outermost (reorder d1, r0), so Halide tests the mask once per k.
// CHECK-LABEL: halide.kernel @k0_outlier_matmul_f32 attributes {recipe = #halide.recipe<outlier_matmul>}
// CHECK:       halide.update @t rdom [0, 8] combine add where {
// CHECK:         %[[B:.*]] = halide.call @in1(%arg0, %arg2) : (i32, i32) -> f16
// CHECK:         %[[BF:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK:         %[[A:.*]] = halide.call @in0(%arg2, %arg1) : (i32, i32) -> f32
// CHECK:         %[[V:.*]] = arith.mulf %[[A]], %[[BF]] : f32
// CHECK:         %[[M:.*]] = halide.call @in2(%arg2) : (i32) -> ui8
// CHECK:         %[[P:.*]] = arith.cmpi ne, %{{.*}}, %{{.*}} : i32
// CHECK:         halide.return %[[V]], %[[P]] : f32, i1
// CHECK:       halide.func @out ["d1", "d0"] : f32 {
// CHECK:         %[[T:.*]] = halide.call @t(%arg0, %arg1) : (i32, i32) -> f32
// CHECK:         %[[C:.*]] = halide.call @in3(%arg0, %arg1) : (i32, i32) -> f32
// CHECK:         arith.addf %[[C]], %[[T]] : f32
// CHECK:       halide.schedule cpu {
// CHECK-NEXT:    halide.vectorize @out "d1" 16
// CHECK-NEXT:    halide.parallel @out "d0"
// CHECK-NEXT:    halide.compute_at @t, @out "d0"
// CHECK-NEXT:    halide.vectorize @t "d1" 16
// CHECK-NEXT:    halide.reorder @t ["d1", "r0"] {stage = 1 : i64}
// CHECK-NEXT:    halide.vectorize @t "d1" 16 {stage = 1 : i64}
module attributes {halide.target = #halide.target<"x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41">} {
func.func @outlier(%a: tensor<4x8xf32>, %b: tensor<8x20xf16>, %m: tensor<8xui8>, %c: tensor<4x20xf32>) -> tensor<4x20xf32> {
  %0 = kernel.outlier_matmul %a, %b mask(%m) acc(%c) : (tensor<4x8xf32>, tensor<8x20xf16>, tensor<8xui8>, tensor<4x20xf32>) -> tensor<4x20xf32>
  return %0 : tensor<4x20xf32>
}
}
