// Kernel-level matmuls over symbolic rows (batch s0, seq s1), lowered by
// convert-kernel-to-halide, compiled once by kiln-translate and called at
// many sizes by the ctest unit.matmul_symbolic (symbolic_matmul_test.c).
// RUN: kiln-opt %s -convert-kernel-to-halide | FileCheck %s

// [s0, s1, 128] x packed [384/48, 128, 48] + bias epilogue, as
// kiln-pack-weights and kiln-fuse-matmul-epilogue leave distilbert's QKV.
// CHECK: halide.kernel @k0_matmul_f32
// CHECK: halide.output @out affine_map<()[s0, s1] -> (384, s1, s0)>
func.func @packed(%a: tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>, %w: tensor<8x128x48xf32>,
                  %bias: tensor<384xf32>) -> tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>> {
  %0 = kernel.matmul %a, %w epilogue(%bias) {b_panel = 48 : i64, epilogue_maps = [affine_map<(d0, d1, d2) -> (d2)>]}
       : (tensor<?x?x128xf32, affine_map<()[s0, s1] -> (s0, s1, 128)>>, tensor<8x128x48xf32>, tensor<384xf32>)
       -> tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>> {
  ^bb0(%acc: f32, %b: f32):
    %s = arith.addf %acc, %b : f32
    kernel.yield %s : f32
  }
  return %0 : tensor<?x?x384xf32, affine_map<()[s0, s1] -> (s0, s1, 384)>>
}

// Plain (unpacked) weight on flattened rows s0 * s1, N = 40 (not a multiple
// of the 24-wide register tile), with the bias operand and alpha.
// CHECK: halide.kernel @k1_matmul_f32
// CHECK: halide.output @out affine_map<()[s0, s1] -> (40, s0 * s1)>
func.func @plain(%a: tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>, %w: tensor<64x40xf32>,
                 %bias: tensor<40xf32>) -> tensor<?x40xf32, affine_map<()[s0, s1] -> (s0 * s1, 40)>> {
  %0 = kernel.matmul %a, %w, %bias {alpha = 0.5 : f32}
       : (tensor<?x64xf32, affine_map<()[s0, s1] -> (s0 * s1, 64)>>, tensor<64x40xf32>, tensor<40xf32>)
       -> tensor<?x40xf32, affine_map<()[s0, s1] -> (s0 * s1, 40)>>
  return %0 : tensor<?x40xf32, affine_map<()[s0, s1] -> (s0 * s1, 40)>>
}
