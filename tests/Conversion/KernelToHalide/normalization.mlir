// RUN: kiln-opt %s -convert-kernel-to-halide -kiln-schedule-cpu=min-parallel=0 -kiln-schedule-cuda | FileCheck %s

// LayerNorm over a last dim of whole vectors (32 = 4 x 8): each row sum
// reduces vector-wide partials (sum_part, lanes vectorized), computed per row
// inside the output's parallel row loop.
// CHECK-LABEL: halide.kernel @k0_layer_norm_f32
// CHECK: halide.update @sum_part rdom [0, 4] combine add
// CHECK: halide.update @sum rdom [0, 8] combine add
// CHECK:   halide.call @sum_part
// CHECK: halide.update @sq_sum_part rdom [0, 4] combine add
// CHECK: halide.schedule cpu
// CHECK:   halide.parallel @out "d0"
// CHECK:   halide.compute_at @sum_part, @out "d0"
// CHECK:   halide.vectorize @sum_part "d1" 8 {stage = 1 : i64}
// CHECK:   halide.compute_at @sum, @out "d0"
// CHECK:   halide.compute_at @sq_sum, @out "d0"

// A row narrower than a vector: one reduction pass per sum, at root.
// CHECK-LABEL: halide.kernel @k1_layer_norm_f32
// CHECK-NOT: sum_part
// CHECK: halide.update @sum rdom [0, 6] combine add
// CHECK: halide.compute_root @sum
func.func @rows(%x: tensor<4x32xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<4x32xf32> {
  %0 = kernel.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<4x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}
func.func @narrow(%x: tensor<4x6xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>) -> tensor<4x6xf32> {
  %0 = kernel.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<4x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// RMSNorm by rows the same way: one row sum of squares, through partials.
// CHECK-LABEL: halide.kernel @k2_rms_norm_f32
// CHECK: halide.update @sq_sum_part rdom [0, 4] combine add
// CHECK: halide.update @sq_sum rdom [0, 8] combine add
// CHECK: halide.compute_at @sq_sum_part, @out "d0"
// CHECK: halide.compute_at @sq_sum, @out "d0"
func.func @rms_rows(%x: tensor<4x32xf32>, %g: tensor<32xf32>) -> tensor<4x32xf32> {
  %0 = kernel.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<4x32xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}
