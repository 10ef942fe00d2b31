// RUN: kiln-opt %s -split-input-file -convert-kernel-to-halide | FileCheck %s

// Packed: acc(ni, m, no) sums u8 x s8 products in i32 over k = 4 r1 + r0 (r0
// innermost, the 4 bytes one vpdpbusd lane takes); A's k is clamped to K-1 =
// 5 where the panel's zero padding runs past it. out subtracts a_zero times
// the column sum, then scales by a_scale * b_scale and adds the bias.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32 attributes {b_panel = 16 : i64, recipe = #halide.recipe<qmatmul_packed>}
// CHECK:       halide.input @in1 : i8 [4, 16, 2, 1]
// CHECK:       halide.func @acc ["d2", "d1", "d0"] : i32
// CHECK:       halide.update @acc rdom [0, 4, 0, 2] combine add
// CHECK:         %[[K4:.*]] = arith.muli %arg4, %{{.*}} : i32
// CHECK:         %[[K:.*]] = arith.addi %[[K4]], %arg3 : i32
// CHECK:         %[[KC:.*]] = arith.minsi %[[K]], %{{.*}} : i32
// CHECK:         %[[A:.*]] = halide.call @in0(%[[KC]], %arg1) : (i32, i32) -> ui8
// CHECK:         arith.extui
// CHECK:         %[[B:.*]] = halide.call @in1(%arg3, %arg0, %arg4, %arg2) : (i32, i32, i32, i32) -> i8
// CHECK:         arith.extsi %[[B]] : i8 to i32
// CHECK:         arith.muli
// CHECK:       halide.func @out ["d1", "d0"] : f32
// CHECK:         %[[ACC:.*]] = halide.call @acc(
// CHECK:         %[[ZP:.*]] = halide.call @in3(
// CHECK:         %[[CS:.*]] = halide.call @in5(%arg0)
// CHECK:         %[[ZC:.*]] = arith.muli %[[ZP]], %[[CS]] : i32
// CHECK:         %[[D:.*]] = arith.subi %[[ACC]], %[[ZC]] : i32
// CHECK:         %[[S:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:         %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK:         %[[Y:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK:         arith.addf %[[Y]], %{{.*}} : f32
// CHECK:       halide.output @out [16, 4]
module {
func.func @packed(%a: tensor<4x6xui8>, %w: tensor<1x2x16x4xi8>, %s: tensor<4x1xf32>, %z: tensor<4x1xi32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>, %bias: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) bias %bias {b_panel = 16 : i64} : (tensor<4x6xui8>, tensor<1x2x16x4xi8>, tensor<4x1xf32>, tensor<4x1xi32>, tensor<16xf32>, tensor<16xi32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
}

// -----

// Unpacked (B an argument, or a CUDA target): acc(n, m) over k, recipe
// qmatmul; a fused epilogue reads the dequantized value as its first argument.
// CHECK-LABEL: halide.kernel @k0_qmatmul_f32 attributes {recipe = #halide.recipe<qmatmul>}
// CHECK:       halide.update @acc rdom [0, 6] combine add
// CHECK:         halide.call @in1(%arg0, %arg2) : (i32, i32) -> i8
// CHECK:       halide.func @out
// CHECK:         arith.sitofp
// CHECK:         %[[E:.*]] = arith.mulf
// CHECK:         arith.maximumf %[[E]], %{{.*}} : f32
func.func @plain(%a: tensor<4x6xui8>, %w: tensor<6x16xi8>, %s: tensor<f32>, %z: tensor<i32>, %ws: tensor<16xf32>, %wc: tensor<16xi32>) -> tensor<4x16xf32> {
  %0 = kernel.qmatmul %a, %w scales(%s, %z, %ws, %wc) epilogue() {epilogue_maps = []} : (tensor<4x6xui8>, tensor<6x16xi8>, tensor<f32>, tensor<i32>, tensor<16xf32>, tensor<16xi32>) -> tensor<4x16xf32> {
  ^bb0(%v: f32):
    %c0 = arith.constant 0.0 : f32
    %r = arith.maximumf %v, %c0 : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<4x16xf32>
}
