// RUN: kiln-opt %s -convert-kernel-to-halide | FileCheck %s

// The epilogue runs in the output stage: out = acc + residual, read through
// its map, and the epilogue input is a kernel input after the operands.
// CHECK-LABEL: halide.kernel @k0_matmul_f32
// CHECK: halide.input @in0 : f32 [8, 4]
// CHECK: halide.input @in1 : f32 [2, 8]
// CHECK: halide.input @in2 : f32 [2, 4]
// CHECK: halide.func @out
// CHECK: %[[ACC:.*]] = halide.call @acc
// CHECK: %[[RES:.*]] = halide.call @in2
// CHECK: %[[S:.*]] = arith.addf %[[ACC]], %[[RES]] : f32
// CHECK: halide.return %[[S]] : f32
func.func @main(%a: tensor<4x8xf32>, %w: tensor<8x2xf32>, %r: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %0 = kernel.matmul %a, %w epilogue(%r) {epilogue_maps = [affine_map<(d0, d1) -> (d0, d1)>]} : (tensor<4x8xf32>, tensor<8x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32> {
  ^bb0(%acc: f32, %y: f32):
    %s = arith.addf %acc, %y : f32
    kernel.yield %s : f32
  }
  return %0 : tensor<4x2xf32>
}
