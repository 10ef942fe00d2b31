// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// Round trip: K = 100 in 4 blocks of 32 (the last padded: 4 * 32 / 2 = 64
// byte rows), N = 80 in two 64-column panels, a bias and an epilogue.
// CHECK-LABEL: func.func @w4
// CHECK:       kernel.w4matmul %arg0, %arg1 scales(%arg2, %arg3) bias %arg4 {b_panel = 64 : i64, epilogue_maps = [], group_size = 32 : i64} : (tensor<2x6x100xf32>, tensor<2x64x64xui8>, tensor<2x4x64xf32>, tensor<2x4x64xf32>, tensor<80xf32>) -> tensor<2x6x80xf32> {
// CHECK:         arith.maximumf
func.func @w4(%a: tensor<2x6x100xf32>, %q: tensor<2x64x64xui8>, %s: tensor<2x4x64xf32>, %z: tensor<2x4x64xf32>, %b: tensor<80xf32>) -> tensor<2x6x80xf32> {
  %0 = kernel.w4matmul %a, %q scales(%s, %z) bias %b epilogue() {b_panel = 64 : i64, group_size = 32 : i64, epilogue_maps = []} : (tensor<2x6x100xf32>, tensor<2x64x64xui8>, tensor<2x4x64xf32>, tensor<2x4x64xf32>, tensor<80xf32>) -> tensor<2x6x80xf32> {
  ^bb0(%v: f32):
    %c0 = arith.constant 0.0 : f32
    %r = arith.maximumf %v, %c0 : f32
    kernel.yield %r : f32
  }
  return %0 : tensor<2x6x80xf32>
}
